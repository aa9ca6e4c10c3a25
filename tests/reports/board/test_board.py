"""The submission board and reminders: states against the due day, notices only to late agencies."""

from datetime import timedelta

from sqlalchemy import select

from portal.audit import AuditEntry
from portal.extensions import db
from reports.board import services as board
from reports.board.models import Notification, Reminder
from reports.monthly.periods import period_for
from tests.reports.conftest import grid


def test_cell_states_against_the_due_day(town, period):
    before_due, after_due = period.due - timedelta(days=1), period.due + timedelta(days=1)
    assert board.cell_for(None, period, 3, before_due).state == "missing"
    assert board.cell_for(None, period, 3, after_due).state == "overdue"
    assert board.cell_for(None, period, 0, after_due).state == "none"
    assert board.cell_for(None, period, 3, period.start).state == "ongoing"


def test_due_day_and_period_start_are_council_settings(town):
    town.council.report_due_day = 5
    town.council.report_period_start_day = 21
    may = period_for(town.council, 2025, 5)
    assert (may.start.isoformat(), may.end.isoformat(), may.due.isoformat()) == (
        "2025-05-21",
        "2025-06-20",
        "2025-07-05",
    )
    town.council.report_period_start_day = 1
    town.council.report_due_day = 10
    may = period_for(town.council, 2025, 5)
    assert (may.end.isoformat(), may.due.isoformat(), may.label) == (
        "2025-05-31",
        "2025-06-10",
        "令和7年5月分",
    )


def test_board_shows_submitted_draft_and_missing(town, period, client, login, app):
    login(town.teacher)
    client.submit(f"/reports/monthly?council={town.council.id}&period={period.key}", grid(town.haruto.id))
    nursery = app.test_client()
    nursery.submit("/login", {"login_id": "tanaka", "password": "Test-Passw0rd-ok"})
    nursery.submit(
        f"/reports/monthly?council={town.council.id}&period={period.key}", grid(town.yui.id, action="draft")
    )
    coordinator = app.test_client()
    coordinator.submit("/login", {"login_id": "sato", "password": "Test-Passw0rd-ok"})
    page = coordinator.get(f"/reports/board?council={town.council.id}").get_data(as_text=True)
    school_row = page.split(f'id="agency-{town.school.id}"', 1)[1].split("</tr>", 1)[0]
    nursery_row = page.split(f'id="agency-{town.nursery.id}"', 1)[1].split("</tr>", 1)[0]
    other_row = page.split(f'id="agency-{town.other_school.id}"', 1)[1].split("</tr>", 1)[0]
    assert "提出済み" in school_row or "期限後に提出" in school_row
    assert "下書き" in nursery_row or "期限超過" in nursery_row
    assert "対象児童なし" in other_row
    assert "みどり市民病院" not in page  # a hospital does not send monthly reports
    assert "report.board_view" in set(db.session.scalars(select(AuditEntry.action)))


def test_reminder_goes_only_to_late_agencies(town, period, client, login):
    login(town.teacher)
    client.submit(f"/reports/monthly?council={town.council.id}&period={period.key}", grid(town.haruto.id))
    coordinator = client.application.test_client()
    coordinator.submit("/login", {"login_id": "sato", "password": "Test-Passw0rd-ok"})
    form = {"period": period.key, "agency_id": [town.school.id, town.nursery.id]}
    response = coordinator.submit(f"/reports/board/remind?council={town.council.id}", form)
    assert response.status_code == 302
    notices = db.session.scalars(select(Notification)).all()
    assert [n.user_id for n in notices] == [town.nursery_head.id]
    assert notices[0].title == f"{period.label}の定期報告が未提出です"
    reminder = db.session.scalar(select(Reminder))
    assert reminder.agency_id == town.nursery.id and reminder.emailed == 0
    assert "report.remind" in set(db.session.scalars(select(AuditEntry.action)))
    login_nursery = client.application.test_client()
    login_nursery.submit("/login", {"login_id": "tanaka", "password": "Test-Passw0rd-ok"})
    home = login_nursery.get("/").get_data(as_text=True)
    assert f"{period.label}の定期報告が未提出です" in home
    login_nursery.submit(f"/reports/notifications/{notices[0].id}/read", {})
    db.session.expire_all()
    assert db.session.get(Notification, notices[0].id).read_at is not None


def test_teacher_cannot_open_the_board_or_send_reminders(town, period, client, login):
    login(town.teacher)
    assert client.get("/reports/board").status_code == 403
    response = client.submit("/reports/board/remind", {"period": period.key, "agency_id": [town.nursery.id]})
    assert response.status_code == 403
    assert db.session.scalar(select(Notification)) is None
