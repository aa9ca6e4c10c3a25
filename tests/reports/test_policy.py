"""Who sees and submits which rows: the policy's reports part, enrolment, registration, council settings."""

import pytest
from sqlalchemy import func, select

from cases.ledger import services
from cases.sharing.models import AccessGrant
from portal.dates import today_in_japan
from portal.extensions import db
from portal.types import utcnow
from reports import access
from reports.monthly.models import MonthlyReport
from tests.reports.conftest import grid, line


def monthly(town, period):
    """Return the report page URL."""
    return f"/reports/monthly?council={town.council.id}&period={period.key}"


# person -> the children (by name) whose lines they report; None: no report page at all
TABLE = {
    "teacher": ["山本 はると"],
    "nursery_head": ["山本 ゆい"],
    "other_teacher": [],
    "coordinator": None,
    "facilitator": None,
    "caseworker": None,
    "doctor": None,
    "center_nurse": None,
    "admin": None,
    "auditor": None,
    "other_coordinator": None,
}


@pytest.mark.parametrize(("who", "children"), TABLE.items())
def test_who_reports_on_which_children(town, period, client, login, who, children):
    user = getattr(town, who)
    if children is None:
        assert not access.may_report(user)
    else:
        assert [c.name for c in access.reportable_children(user, town.council)] == children
    login(user)
    response = client.get(monthly(town, period))
    if children is None:
        assert response.status_code == 403
        return
    page = response.get_data(as_text=True)
    for name in ("山本 はると", "山本 ゆい"):
        assert (name in page) == (name in children)


def test_teacher_cannot_submit_the_nurserys_child(town, period, client, login):
    login(town.teacher)
    form = {**grid(town.haruto.id), **line(town.yui.id)}
    client.submit(monthly(town, period), form)
    report = db.session.scalar(select(MonthlyReport))
    assert [row.child_id for row in report.rows] == [town.haruto.id]


def test_service_refuses_a_child_outside_the_agency(town, period):
    from portal.refusals import Refusal
    from reports.monthly.rows import parse_row
    from reports.monthly.services import save_report

    rows = [parse_row(town.yui.id, {"attended_days": "1"})]
    with pytest.raises(Refusal) as refused:
        save_report(town.teacher, town.council, period, 19, rows, submit=False)
    assert "報告できない子どもが含まれています。" in refused.value.messages
    assert db.session.scalar(select(func.count(MonthlyReport.id))) == 0


def test_closed_case_is_no_longer_reported(town):
    services.close_case(town.coordinator, town.case, today_in_japan(), "improved")
    assert access.reportable_children(town.teacher, town.council) == []


def test_ended_enrolment_grant_stops_reporting(town):
    grant = db.session.scalar(
        select(AccessGrant).where(
            AccessGrant.agency_id == town.school.id, AccessGrant.case_id == town.case.id
        )
    )
    grant.revoked_at = utcnow()
    db.session.commit()
    assert access.reportable_children(town.teacher, town.council) == []
    assert not access.can_report_on(town.teacher, town.council, town.haruto.id)


def test_council_setting_decides_which_kinds_report(town, period, client, login):
    town.council.report_agency_categories = "school"
    db.session.commit()
    assert not access.may_report(town.nursery_head)
    assert access.may_report(town.teacher)
    login(town.nursery_head)
    assert client.get(monthly(town, period)).status_code == 403


def test_reading_a_report_history(town, period, client, login, app):
    login(town.teacher)
    client.submit(monthly(town, period), grid(town.haruto.id, condition="学校での様子"))
    report = db.session.scalar(select(MonthlyReport))
    for who, status in (
        ("teacher", 200),
        ("coordinator", 200),
        ("nursery_head", 404),
        ("other_teacher", 404),
        ("other_coordinator", 404),
        ("caseworker", 404),
        ("admin", 404),
    ):
        reader = app.test_client()
        reader.submit("/login", {"login_id": getattr(town, who).login_id, "password": "Test-Passw0rd-ok"})
        response = reader.get(f"/reports/{report.id}/history")
        assert response.status_code == status, who
        assert ("学校での様子" in response.get_data(as_text=True)) == (status == 200)
