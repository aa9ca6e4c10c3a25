"""This month's report: one line per enrolled registered child, drafts, submission, corrections."""

import json

from sqlalchemy import func, select

from cases.models import Child
from cases.notes.models import CaseNote
from portal.audit import AuditEntry
from portal.extensions import db
from reports.monthly import services
from reports.monthly.models import MonthlyReport, ReportSubmission
from tests.reports.conftest import grid


def url(town, period):
    """Return the report page of the town's council for the period."""
    return f"/reports/monthly?council={town.council.id}&period={period.key}"


def actions() -> list[str]:
    """Return the audited actions in order."""
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_teacher_sees_only_her_enrolled_child(town, period, client, login):
    login(town.teacher)
    page = client.get(url(town, period)).get_data(as_text=True)
    assert "山本 はると" in page
    assert "山本 ゆい" not in page
    assert period.label in page
    assert "report.view" in actions()


def test_draft_then_submit_writes_note_ledger_and_history(town, period, client, login):
    login(town.teacher)
    haruto = town.haruto.id
    response = client.submit(url(town, period), grid(haruto, action="draft", condition="下書きの様子"))
    assert response.status_code == 302
    report = db.session.scalar(select(MonthlyReport))
    assert report.state == "draft" and report.version == 0
    assert db.session.scalar(select(func.count(CaseNote.id))) == 0
    page = client.get(url(town, period)).get_data(as_text=True)
    assert "下書きの様子" in page and "下書き" in page

    form = grid(haruto, condition="落ち着いている", consecutive_absent_days=1)
    response = client.submit(url(town, period), form)
    assert response.status_code == 302
    db.session.expire_all()
    report = db.session.scalar(select(MonthlyReport))
    assert report.state == "submitted" and report.version == 1
    note = db.session.scalar(select(CaseNote).where(CaseNote.child_id == haruto))
    assert note.kind == "report" and "落ち着いている" in note.body and period.label in note.body
    assert note.agency_id == town.school.id
    child = db.session.get(Child, haruto)
    assert child.last_reported_on is not None and child.consecutive_absent_days == 1
    assert actions()[-1] == "report.submit"


def test_correction_keeps_the_submitted_version(town, period, client, login):
    login(town.teacher)
    haruto = town.haruto.id
    client.submit(url(town, period), grid(haruto, condition="最初の内容"))
    client.submit(url(town, period), grid(haruto, condition="訂正した内容", late_count=2))
    submissions = db.session.scalars(select(ReportSubmission).order_by(ReportSubmission.version)).all()
    assert [s.version for s in submissions] == [1, 2]
    assert submissions[0].rows[haruto]["condition"] == "最初の内容"
    assert submissions[1].rows[haruto]["condition"] == "訂正した内容"
    assert json.loads(submissions[1].changed_children) == [haruto]
    assert actions()[-1] == "report.correct"
    notes = db.session.scalars(select(CaseNote.body).order_by(CaseNote.id)).all()
    assert len(notes) == 2 and "訂正・第2版" in notes[1]
    history = client.get(f"/reports/{submissions[0].report_id}/history").get_data(as_text=True)
    assert "最初の内容" in history and "訂正した内容" in history and "第2版" in history


def test_unchanged_resubmission_adds_no_note(town, period, client, login):
    login(town.teacher)
    client.submit(url(town, period), grid(town.haruto.id))
    client.submit(url(town, period), grid(town.haruto.id))
    assert db.session.scalar(select(func.count(CaseNote.id))) == 1
    assert db.session.scalar(select(MonthlyReport.version)) == 2


def test_refused_submission_keeps_everything_typed(town, period, client, login):
    login(town.teacher)
    form = grid(
        town.haruto.id,
        school_days=10,
        attended_days="9",
        absent_notified="3",
        late_count="abc",
        condition="消えてはいけない文章",
        guardian="母と電話で話した",
    )
    response = client.submit(url(town, period), form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "半角の整数で入力してください" in page
    assert "消えてはいけない文章" in page and "母と電話で話した" in page and 'value="abc"' in page
    assert db.session.scalar(select(func.count(MonthlyReport.id))) == 0
    # Once the number is fixed, the sum of days is checked against the school days.
    form[f"r{town.haruto.id}-late_count"] = "0"
    page = client.submit(url(town, period), form).get_data(as_text=True)
    assert "出席日数と欠席日数の合計（12日）が授業・開所日数（10日）を超えています" in page
    assert db.session.scalar(select(func.count(MonthlyReport.id))) == 0


def test_a_save_racing_another_of_the_same_agency_is_refused_with_what_was_typed(
    town, period, client, login, monkeypatch
):
    """Two teachers save the month's first lines at once: the database keeps the first, the second is told."""
    login(town.teacher)
    first = client.submit(url(town, period), grid(town.haruto.id, action="draft", condition="先の保存"))
    assert first.status_code == 302
    real = services.find_report
    calls = []

    def not_yet_saved(*args, **kwargs):  # the second save looked before the first had committed
        if "lock" in kwargs and not calls:  # the save's own look (the page's read passes no lock)
            calls.append(args)
            return None
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "find_report", not_yet_saved)
    response = client.submit(url(town, period), grid(town.haruto.id, action="draft", condition="後の保存"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ほぼ同時に、この月の報告が別の画面（同じ機関の別の方など）から保存されました" in page
    assert "ファイルを選んで" not in page
    assert "後の保存" in page
    db.session.expire_all()
    report = db.session.scalar(select(MonthlyReport))
    assert [row.condition for row in report.rows] == ["先の保存"]
    assert actions().count("report.draft") == 1


def test_numbers_are_checked_against_the_period(town, period, client, login):
    login(town.teacher)
    too_many = period.days + 1
    page = client.submit(
        url(town, period), grid(town.haruto.id, school_days=too_many, attended_days=too_many)
    ).get_data(as_text=True)
    assert f"授業・開所日数は1〜{period.days}日の範囲で入力してください" in page
    assert f"期間の日数（{period.days}日）を超えています" in page
    page = client.submit(url(town, period), grid(town.haruto.id, attended_days="")).get_data(as_text=True)
    assert "入力してください" in page
    page = client.submit(url(town, period), grid(town.haruto.id, last_attended_on="2999-01-01")).get_data(
        as_text=True
    )
    assert "未来の日付です" in page
    assert db.session.scalar(select(func.count(MonthlyReport.id))) == 0


def test_free_text_is_sanitized(town, period, client, login):
    login(town.teacher)
    client.submit(url(town, period), grid(town.haruto.id, condition="<script>alert(1)</script><b>元気</b>"))
    report = db.session.scalar(select(MonthlyReport))
    assert report.rows[0].condition == "alert(1)<b>元気</b>"
    note = db.session.scalar(select(CaseNote.body))
    assert "<script>" not in note
