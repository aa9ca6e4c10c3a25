"""Upload from the template: the whole file is checked, every problem listed, nothing saved unconfirmed."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from cases.ledger import registration
from cases.ledger.registration import ChildInput
from cases.notes.models import CaseNote
from portal.audit import AuditEntry
from portal.extensions import db
from reports.monthly.models import MonthlyReport, ReportSubmission
from reports.upload.template import COLUMNS
from tests.reports.conftest import household_input


@pytest.fixture
def school_children(town):
    """Register a second household with two more children at the school; return the three children."""
    data = household_input(
        town,
        children=[
            ChildInput("佐々木 れん", "ささき れん", date(2015, 5, 5), "男", town.school.id, "4年1組"),
            ChildInput("佐々木 りこ", "ささき りこ", date(2017, 7, 7), "女", town.school.id, "2年3組"),
        ],
    )
    case = registration.register_case(town.coordinator, data)
    return [town.haruto, *case.children]


def url(town, period, path="upload"):
    """Return an upload URL."""
    return f"/reports/{path}?council={town.council.id}&period={period.key}"


def filled(child, **overrides) -> list:
    """Return one valid line of the template for a child."""
    values = {
        "児童番号": child.id,
        "氏名": child.name,
        "学年・組": child.grade_class,
        "出席日数": 17,
        "欠席日数（連絡あり）": 1,
        "欠席日数（連絡なし）": 0,
        "遅刻": 0,
        "早退": 1,
        "連続欠席日数": 0,
        "最終登校・登園日": "",
        "欠席の理由": "発熱",
        "子どもの様子・行動": f"{child.name}は元気",
        "けが・気になる様子": "",
        "保護者の状況・連絡": "",
        "気になる度合い": "変化なし",
    }
    values.update(overrides)
    return [values[c] for c in COLUMNS]


def as_csv(lines: list[list], encoding: str = "utf-8-sig", columns=COLUMNS) -> bytes:
    """Return a CSV file of the lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(lines)
    return buffer.getvalue().encode(encoding)


def post_file(client, town, period, content: bytes, name: str, school_days="19"):
    """Upload a file; return the page."""
    return client.submit(
        url(town, period),
        {"file": (io.BytesIO(content), name), "school_days": school_days},
        content_type="multipart/form-data",
    )


def problems(page: str) -> list[tuple[str, str, str]]:
    """Return the (row, column, reason) lines of the problem table."""
    table = page.split('id="problems"', 1)[1]
    cells = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    return cells


def nothing_saved():
    """Assert that no report, version or note was written."""
    assert db.session.scalar(select(func.count(MonthlyReport.id))) == 0
    assert db.session.scalar(select(func.count(ReportSubmission.id))) == 0
    assert db.session.scalar(select(func.count(CaseNote.id))) == 0


def test_template_lists_the_agencys_children(town, period, client, login, school_children):
    login(town.teacher)
    response = client.get(url(town, period, "template.xlsx"))
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert sorted(r[1] for r in rows[1:]) == sorted(c.name for c in school_children)
    assert "山本 ゆい" not in {r[1] for r in rows[1:]}
    content = client.get(url(town, period, "template.csv")).data
    assert content.startswith(b"\xef\xbb\xbf") and "佐々木 れん".encode() in content
    assert "report.template" in set(db.session.scalars(select(AuditEntry.action)))


def test_valid_xlsx_previews_then_submits_on_confirm(town, period, client, login, school_children):
    login(town.teacher)
    book = Workbook()
    book.active.append(COLUMNS)
    for child in school_children:
        book.active.append(filled(child, **{"最終登校・登園日": period.end}))
    buffer = io.BytesIO()
    book.save(buffer)
    response = post_file(client, town, period, buffer.getvalue(), "may.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "取り込む内容の確認（3人分" in page, problems(page)
    nothing_saved()
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.submit("/reports/upload/confirm", {"token": token, "action": "submit"})
    assert response.status_code == 302
    report = db.session.scalar(select(MonthlyReport))
    assert report.version == 1 and len(report.rows) == 3
    assert {r.last_attended_on for r in report.rows} == {period.end}
    assert db.session.scalar(select(ReportSubmission.via)) == "upload"
    assert db.session.scalar(select(func.count(CaseNote.id))) == 3


def test_wrong_columns_are_each_listed(town, period, client, login, school_children):
    login(town.teacher)
    columns = [c for c in COLUMNS if c != "早退"] + ["備考"]
    content = as_csv([filled(school_children[0])[: len(columns)]], columns=columns)
    response = post_file(client, town, period, content, "wrong.csv")
    assert response.status_code == 422
    found = problems(response.get_data(as_text=True))
    assert ("1", "備考", "様式にない列です。ダウンロードした様式の列名のまま使ってください") in found
    assert ("1", "早退", "この列がありません") in found
    nothing_saved()


def test_malformed_shift_jis_csv_lists_every_problem_and_saves_nothing(
    town, period, client, login, school_children
):
    login(town.teacher)
    haruto, ren, riko = school_children
    lines = [
        filled(haruto, **{"最終登校・登園日": "2025/13/45"}),
        filled(ren, **{"最終登校・登園日": "5月30日", "出席日数": "十七"}),
        filled(ren),
        filled(riko, **{"氏名": "佐々木 みお", "気になる度合い": "とても"}),
        ["99999", "知らない子", "", *filled(riko)[3:]],
    ]
    content = as_csv(lines, encoding="cp932")
    content.decode("cp932")  # really Shift_JIS
    response = post_file(client, town, period, content, "sjis.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    found = problems(page)
    assert ("2", "最終登校・登園日", "存在しない日付です") in found
    assert (
        "3",
        "最終登校・登園日",
        "日付は 2025/05/30 または 令和7年5月30日 の形で入力してください",
    ) in found
    assert ("3", "出席日数", "半角の整数で入力してください") in found
    assert ("4", "児童番号", "3行目と同じ子どもです（重複）") in found
    assert ("5", "氏名", f"児童番号{riko.id}の氏名（佐々木 りこ）と一致しません") in found
    assert ("5", "気になる度合い", "「変化なし」「気になる」「至急」のどれかを入力してください") in found
    assert ("6", "児童番号", "この番号の子どもは、貴機関の報告対象の登録児童にいません") in found
    assert f"ファイルに問題があります（{len(found)}件）" in page
    nothing_saved()
    failure = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report.upload_check"))
    assert failure.outcome == "failure" and failure.detail_data["problems"] == len(found)


def test_valid_shift_jis_csv_is_read(town, period, client, login, school_children):
    login(town.teacher)
    content = as_csv([filled(c) for c in school_children], encoding="cp932")
    response = post_file(client, town, period, content, "sjis.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "佐々木 れんは元気" in page


def test_missing_child_and_other_agencys_child_are_refused(town, period, client, login, school_children):
    login(town.teacher)
    haruto, ren, _riko = school_children
    yui = town.yui
    lines = [filled(haruto), filled(ren), filled(yui)]
    page = post_file(client, town, period, as_csv(lines), "x.csv").get_data(as_text=True)
    found = problems(page)
    assert ("4", "児童番号", "この番号の子どもは、貴機関の報告対象の登録児童にいません") in found
    assert any(col == "児童番号" and "の行がありません" in reason for _row, col, reason in found)
    nothing_saved()


def test_not_a_spreadsheet_is_refused(town, period, client, login):
    login(town.teacher)
    response = post_file(client, town, period, b"PK\x03\x04broken", "x.xlsx")
    assert "Excelファイル（.xlsx）として読み込めません" in response.get_data(as_text=True)
    response = post_file(client, town, period, b"\x00\x01", "x.txt")
    assert "Excel（.xlsx）またはCSVファイルを選んでください" in response.get_data(as_text=True)
    nothing_saved()


def test_forged_or_foreign_token_is_refused(town, period, client, login, school_children, app):
    login(town.teacher)
    response = client.submit(
        "/reports/upload/confirm", {"token": "forged", "action": "submit"}, follow_redirects=True
    )
    assert "確認の有効期限が切れたか" in response.get_data(as_text=True)
    from reports.upload import services as upload

    with app.test_request_context():
        token = upload._serializer().dumps({"u": town.nursery_head.id, "a": town.nursery.id, "rows": {}})
    client.submit("/reports/upload/confirm", {"token": token, "action": "submit"})
    nothing_saved()


def _preview_token(client, town, period, children, **overrides) -> str:
    """Upload a CSV of the children and return its confirmation token."""
    response = post_file(client, town, period, as_csv([filled(c, **overrides) for c in children]), "m.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, problems(page)
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def _confirm(client, token: str, action: str = "submit") -> str:
    """Confirm a preview; return the page it leads to."""
    response = client.submit(
        "/reports/upload/confirm", {"token": token, "action": action}, follow_redirects=True
    )
    return response.get_data(as_text=True)


def test_a_confirmation_is_good_for_one_use(town, period, client, login, school_children):
    login(town.teacher)
    token = _preview_token(client, town, period, school_children)
    _confirm(client, token)
    again = _confirm(client, token)
    assert "同じ確認の二度目の送信です" in again
    report = db.session.scalar(select(MonthlyReport))
    assert report.version == 1, "the second send made no new version"
    assert db.session.scalar(select(func.count(ReportSubmission.id))) == 1
    refused = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "report.upload_check").order_by(AuditEntry.seq)
    ).all()
    assert refused[-1].outcome != "success", "the refused confirmation is audited"


def test_an_older_preview_cannot_overwrite_a_newer_submission(town, period, client, login, school_children):
    login(town.teacher)
    older = _preview_token(client, town, period, school_children, **{"出席日数": "10"})
    newer = _preview_token(client, town, period, school_children, **{"出席日数": "18"})
    _confirm(client, newer)
    assert "二度目の送信" in _confirm(client, older)
    report = db.session.scalar(select(MonthlyReport))
    assert {row.attended_days for row in report.rows} == {18}
