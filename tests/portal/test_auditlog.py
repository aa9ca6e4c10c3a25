"""The auditor's audit log page and CSV export: who may open them, filters, pages, and their own audit."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from portal import audit
from portal.audit import AuditEntry, Outcome
from portal.auditlog.views import CSV_HEADERS, PER_PAGE
from portal.extensions import db
from portal.models import Role
from tests.factories import AgencyFactory, UserFactory

MARK = re.compile(r"印-\d")


def utc(*args) -> datetime:
    """Return an aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


def write(monkeypatch, at: datetime, action: str, **kwargs) -> None:
    """Write one committed audit row as if at the given time."""
    with monkeypatch.context() as patch:
        patch.setattr(audit, "utcnow", lambda: at)
        audit.record(action, **kwargs)
        db.session.commit()


def marks(text: str) -> set[str]:
    """Return the row markers (target labels 印-n) shown in a page or file."""
    return set(MARK.findall(text))


@pytest.fixture
def auditor(client, login):
    """An auditor, logged in."""
    user = UserFactory(roles=[Role.AUDITOR], name="監査 花子")
    login(user)
    return user


@pytest.fixture
def world(monkeypatch):
    """Five marked rows by two people of two agencies, around the 2025-04-01 boundary in Japan."""
    north, south = AgencyFactory(name="北小学校"), AgencyFactory(name="南保育所")
    alice = UserFactory(name="青木 一郎", agency=north)
    bob = UserFactory(name="馬場 二郎", agency=south)
    # 2025-03-31 23:59:59 in Japan
    write(monkeypatch, utc(2025, 3, 31, 14, 59, 59), "login.success", actor=alice, target_label="印-1")
    # 2025-04-01 00:00:00 in Japan
    write(
        monkeypatch,
        utc(2025, 3, 31, 15, 0, 0),
        "login.failure",
        actor=bob,
        outcome=Outcome.FAILURE,
        target_label="印-2",
    )
    # 2025-04-01 23:59:59 in Japan
    write(
        monkeypatch,
        utc(2025, 4, 1, 14, 59, 59),
        "admin.user_update",
        actor=alice,
        target_type="users",
        target_id=42,
        target_label="印-3",
    )
    # 2025-04-02 00:00:00 in Japan
    write(monkeypatch, utc(2025, 4, 1, 15, 0, 0), "logout", actor=bob, target_label="印-4")
    write(
        monkeypatch,
        utc(2025, 5, 1, 3, 0, 0),
        "login.lockout",
        actor=bob,
        outcome=Outcome.DENIED,
        target_type="cases",
        target_id=42,
        target_label="印-5",
    )
    return {"north": north, "south": south, "alice": alice, "bob": bob}


def last_entry() -> AuditEntry:
    """Return the newest audit row."""
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()


def read_csv(response) -> list[list[str]]:
    """Parse an exported file as Excel would (BOM stripped)."""
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


# --- who may open it ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ([Role.AUDITOR], 200),
        ([Role.ADMIN], 403),
        ([Role.COORDINATOR], 403),
        ([Role.AGENCY_MEMBER], 403),
        ([Role.ADMIN, Role.COORDINATOR], 403),
    ],
)
def test_only_auditors_may_open_the_log(client, login, path, roles, status):
    login(UserFactory(roles=roles))
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_page_shows_rows_in_japanese(client, auditor, world):
    text = client.get("/audit/").get_data(as_text=True)
    assert "<h1>監査ログ</h1>" in text
    # 2025-03-31T14:59:59Z is 23:59 on 31 March in Japan; 15:00Z is already 1 April.
    assert "令和7年3月31日（月）23:59" in text
    assert "令和7年4月1日（火）00:00" in text
    assert "ログイン成功" in text and "ログイン失敗" in text and "アカウントロック" in text
    assert "管理操作" in text and "admin.user_update" in text
    assert "青木 一郎" in text and "北小学校" in text and "南保育所" in text
    assert "拒否" in text and "失敗" in text


def test_newest_first(client, auditor, world):
    text = client.get("/audit/?action=login.").get_data(as_text=True)
    assert MARK.findall(text) == ["印-5", "印-2", "印-1"]


def test_unknown_action_shows_its_code(client, auditor, monkeypatch):
    write(monkeypatch, utc(2025, 6, 1), "meeting.minutes_sign", target_label="印-9")
    text = client.get("/audit/?action=meeting.minutes_sign").get_data(as_text=True)
    assert "印-9" in text and "meeting.minutes_sign" in text


# --- filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"1", "2", "3", "4", "5"}),
        ("actor={alice}", {"1", "3"}),
        ("agency={south}", {"2", "4", "5"}),
        ("action=login.failure", {"2"}),
        ("action=login.", {"1", "2", "5"}),
        ("action=login.*", {"1", "2", "5"}),
        ("action=admin.", {"3"}),
        ("action=login", set()),  # neither a known code nor a prefix
        ("target_id=42", {"3", "5"}),
        ("target_type=users&target_id=42", {"3"}),
        ("target_type=cases", {"5"}),
        ("date_from=2025-04-01&date_to=2025-04-01", {"2", "3"}),
        ("date_from=2025/04/02", {"4", "5"}),
        ("date_to=2025-03-31", {"1"}),
        ("outcome=failure", {"2"}),
        ("outcome=denied", {"5"}),
        ("agency={south}&action=login.&date_to=2025-04-30", {"2"}),
    ],
)
def test_filters_narrow_the_page_and_the_csv(client, auditor, world, query, expected):
    query = query.format(alice=world["alice"].id, south=world["south"].id, north=world["north"].id)
    expected = {f"印-{n}" for n in expected}
    page = client.get(f"/audit/?{query}")
    assert page.status_code == 200
    assert marks(page.get_data(as_text=True)) == expected
    exported = client.get(f"/audit/export.csv?{query}")
    assert marks(exported.get_data().decode("utf-8-sig")) == expected


def test_filters_stay_filled_in_and_carry_into_the_export_link(client, auditor, world):
    text = client.get(f"/audit/?action=login.&agency={world['south'].id}").get_data(as_text=True)
    assert 'value="login."' in text
    assert f'<option selected value="{world["south"].id}">南保育所</option>' in text
    assert f'href="/audit/export.csv?agency={world["south"].id}&amp;action=login."' in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("actor=abc", "指定された利用者が見つかりません"),
        ("actor=99999", "指定された利用者が見つかりません"),
        ("agency=-1", "指定された所属機関が見つかりません"),
        ("outcome=maybe", "結果は一覧から選んでください"),
        ("date_from=2025-13-01", "開始日は 2025-04-01 の形で入力してください"),
        ("date_to=yesterday", "終了日は 2025-04-01 の形で入力してください"),
        ("date_from=0001-01-01", "2000年から2999年までの日付"),
        ("date_from=2025-04-02&date_to=2025-04-01", "終了日は開始日より後の日付にしてください"),
        ("action=" + "x" * 61, "操作は60文字以内で入力してください"),
    ],
)
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_invalid_filters_explain_in_japanese(client, auditor, world, path, query, message):
    before = db.session.scalar(select(sa.func.count(AuditEntry.seq)))
    response = client.get(f"{path}?{query}")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in text and "入力内容に誤りがあります" in text
    assert not marks(text)
    # Nothing was shown, so nothing is recorded as read or exported.
    assert db.session.scalar(select(sa.func.count(AuditEntry.seq))) == before


# --- pages --------------------------------------------------------------------------------------


def next_link(text: str) -> str | None:
    """Return the page's 次へ link, if it has one."""
    match = re.search(r'<a rel="next" href="([^"]+)">次へ</a>', text)
    return match.group(1).replace("&amp;", "&") if match else None


def test_pages_of_100_newest_first_without_repeats(client, login, monkeypatch):
    for n in range(1, 251):
        write(monkeypatch, utc(2025, 4, 1, 0, 0, n % 60), "test.bulk", target_label=f"行-{n:04d}")
    login(UserFactory(roles=[Role.AUDITOR]))  # one more row: login.success
    url, seen, pages = "/audit/", [], []
    while url:
        text = client.get(url).get_data(as_text=True)
        pages.append(re.findall(r"行-\d{4}", text))
        seen += pages[-1]
        url = next_link(text)
    # 251 rows: the login and 99 bulk rows, then 100, then 51; each page view writes an
    # "audit.view" row, yet the later pages neither shift nor repeat a row.
    assert [len(p) for p in pages] == [PER_PAGE - 1, PER_PAGE, 51]
    assert pages[0][0] == "行-0250" and pages[-1][-1] == "行-0001"
    assert sorted(seen, reverse=True) == seen
    assert len(set(seen)) == 250


def test_page_counter_and_out_of_range_page(client, auditor, monkeypatch):
    for n in range(1, 121):
        write(monkeypatch, utc(2025, 4, 1), "test.bulk", target_label=f"行-{n:04d}")
    first = client.get("/audit/?action=test.bulk").get_data(as_text=True)
    assert "全120件中 1〜100件を表示" in first and "1 / 2 ページ" in first
    beyond = client.get("/audit/?action=test.bulk&page=9").get_data(as_text=True)
    assert "全120件中 101〜120件を表示" in beyond and "2 / 2 ページ" in beyond
    junk = client.get("/audit/?action=test.bulk&page=abc")
    assert junk.status_code == 200 and "1 / 2 ページ" in junk.get_data(as_text=True)


def test_empty_result_says_so(client, auditor):
    text = client.get("/audit/?action=nothing.here").get_data(as_text=True)
    assert "条件に合う記録はありません" in text


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_is_excel_friendly_with_japanese_headers(client, auditor, world):
    response = client.get("/audit/export.csv?action=login.")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    rows = read_csv(response)
    assert rows[0] == CSV_HEADERS
    assert rows[0][:3] == ["番号", "日時（日本時間）", "利用者"]
    by_mark = {row[9]: row for row in rows[1:]}
    assert set(by_mark) == {"印-1", "印-2", "印-5", "監査 花子"}  # the auditor's own login too
    assert by_mark["印-1"][1] == "2025-03-31 23:59:59"
    assert by_mark["印-2"][2:7] == [
        "馬場 二郎",
        str(world["bob"].id),
        "南保育所",
        "ログイン失敗",
        "login.failure",
    ]
    assert by_mark["印-2"][10] == "失敗"


def test_csv_streams_in_batches(client, auditor, monkeypatch):
    from portal.auditlog import views as auditlog

    for n in range(1, 8):
        write(monkeypatch, utc(2025, 4, 1), "test.bulk", target_label=f"行-{n:04d}")
    monkeypatch.setattr(auditlog, "EXPORT_BATCH", 3)
    batches = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "LIMIT" in statement.upper():
            batches.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        rows = read_csv(client.get("/audit/export.csv?action=test.bulk"))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert [row[9] for row in rows[1:]] == [f"行-{n:04d}" for n in range(7, 0, -1)]
    assert len(batches) == 3  # 3 + 3 + 1 rows, each batch read with its own LIMIT


def test_csv_cells_cannot_become_formulas(client, login):
    # Whatever someone types as a login id is kept as the target of the failed login.
    client.submit("/login", {"login_id": '=HYPERLINK("http://evil.example")', "password": "x"})
    login(UserFactory(roles=[Role.AUDITOR]))
    rows = read_csv(client.get("/audit/export.csv?action=login.failure"))
    assert rows[1][9] == '\'=HYPERLINK("http://evil.example")'


# --- reading and exporting are audited -----------------------------------------------------------


def test_reading_the_log_is_audited(client, auditor, world):
    client.get(f"/audit/?action=login.&agency={world['south'].id}&date_from=2025-04-01&page=1")
    entry = last_entry()
    assert entry.action == "audit.view" and entry.actor_id == auditor.id
    assert entry.detail_data == {
        "filters": {"action": "login.", "agency": world["south"].id, "from": "2025-04-01"},
        "page": 1,
    }


def test_export_is_audited_with_filters_and_row_count_and_committed(client, auditor, world):
    response = client.get("/audit/export.csv?outcome=failure")
    data_rows = len(read_csv(response)) - 1
    assert data_rows == 1
    # Read through a connection of its own: only committed rows are visible there.
    with db.engine.connect() as conn:
        row = conn.execute(
            select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.detail)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).one()
    assert row.action == "audit.export" and row.actor_id == auditor.id
    assert last_entry().detail_data == {"filters": {"outcome": "failure"}, "rows": data_rows}


def test_export_row_count_matches_the_file_even_when_it_would_match_itself(client, auditor):
    client.get("/audit/")  # an audit.view row
    response = client.get("/audit/export.csv?action=audit.")
    data_rows = read_csv(response)[1:]
    assert [row[6] for row in data_rows] == ["audit.view"]
    assert last_entry().detail_data["rows"] == 1
    text = client.get("/audit/?action=audit.export").get_data(as_text=True)
    assert "監査ログ出力" in text
