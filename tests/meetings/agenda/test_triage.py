"""The practitioner agenda from the ledger: each reason found from made-up reports, marks, overrides."""

from datetime import date, datetime, time, timedelta

import pytest

from cases.ledger import registration
from cases.ledger import services as case_services
from cases.ledger.registration import CaseInput, ChildInput
from cases.plans.models import SupportPlan
from meetings import services
from meetings.agenda import services as agenda
from meetings.agenda import triage
from meetings.live import services as live
from meetings.models import Mark, MeetingStatus, Tier
from portal.dates import today_in_japan
from portal.extensions import db
from portal.types import utcnow
from reports.alerts.models import Alert, ImmediateReport
from reports.monthly.models import MonthlyReport, MonthlyReportRow, ReportState
from tests.meetings.conftest import schedule


def _case(town, name: str, agency, **fields):
    """Register a one-child case of the town's council, reported on recently unless told otherwise."""
    data = CaseInput(
        council_id=town.council.id,
        category="support",
        received_on=date(2025, 4, 1),
        risk_level=fields.pop("risk_level", 2),
        support_policy=f"<p>{name}の見守り</p>",
        next_review_on=fields.pop("next_review_on", today_in_japan() + timedelta(days=30)),
        children=[ChildInput(name, "", date(2016, 5, 5), "", agency.id, "")],
    )
    case = registration.register_case(town.coordinator, data)
    case.children[0].last_reported_on = fields.pop("last_reported_on", today_in_japan() - timedelta(days=10))
    for key, value in fields.items():
        setattr(case.children[0], key, value)
    db.session.commit()
    return case


def _monthly(town, case, month: int, concern: str) -> None:
    """Add a submitted monthly report of the school with one line for the case's child."""
    start = (
        date(today_in_japan().year, month, 1)
        if month <= today_in_japan().month
        else date(today_in_japan().year - 1, month, 1)
    )
    report = MonthlyReport(
        council_id=town.council.id,
        agency_id=town.school.id,
        year=start.year,
        month=start.month,
        period_start=start,
        period_end=start + timedelta(days=27),
        state=ReportState.SUBMITTED.value,
        version=1,
    )
    db.session.add(report)
    db.session.flush()
    child = case.children[0]
    db.session.add(MonthlyReportRow(report_id=report.id, child_id=child.id, case_id=case.id, concern=concern))
    db.session.commit()


@pytest.fixture
def ledger(town):
    """One case per reason, plus a stable one; returns them by reason."""
    cases = {
        "stable": _case(town, "安定 なな", town.hospital),
        "alert_open": _case(town, "警報 あお", town.hospital),
        "absence": _case(town, "欠席 いち", town.hospital, consecutive_absent_days=8),
        "injury": _case(town, "怪我 けん", town.hospital),
        "concern_up": _case(town, "心配 しん", town.school),
        "risk_up": _case(town, "危険 りく", town.hospital, risk_level=1),
        "review_overdue": _case(
            town, "期限 きり", town.hospital, next_review_on=today_in_japan() - timedelta(days=1)
        ),
        "no_report": _case(town, "無報 むつ", town.school, last_reported_on=None),
        "plan_overdue": _case(town, "計画 けい", town.hospital),
    }
    child = cases["alert_open"].children[0]
    db.session.add(
        Alert(
            council_id=town.council.id,
            agency_id=town.school.id,
            case_id=child.case_id,
            child_id=child.id,
            reasons="other",
        )
    )
    child = cases["injury"].children[0]
    db.session.add(
        ImmediateReport(
            council_id=town.council.id,
            agency_id=town.school.id,
            case_id=child.case_id,
            child_id=child.id,
            reason="injury",
            occurred_on=today_in_japan() - timedelta(days=3),
        )
    )
    first_month = (today_in_japan().replace(day=1) - timedelta(days=40)).month
    second_month = (today_in_japan().replace(day=1) - timedelta(days=5)).month
    _monthly(town, cases["concern_up"], first_month, "none")
    _monthly(town, cases["concern_up"], second_month, "watch")
    risky = cases["risk_up"]
    case_services.update_case(town.coordinator, risky, {"risk_level": 3}, risky.version)
    plan_case = cases["plan_overdue"]
    db.session.add(
        SupportPlan(
            case_id=plan_case.id,
            caseworker_id=town.coordinator.id,
            next_review_on=today_in_japan() - timedelta(days=2),
        )
    )
    db.session.commit()
    return cases


def test_each_reason_is_found_and_stable_cases_are_shared_only(town, ledger):
    meeting = schedule(town)
    assert triage.build_agenda(town.coordinator, meeting) == len(ledger) + 1  # and the 山本 household
    by_case = {item.case_id: item for item in meeting.items}
    for reason, case in ledger.items():
        item = by_case[case.id]
        if reason == "stable":
            assert item.mark == Mark.SHARE and item.reason_codes == []
            assert item.draft_policy == case.support_policy and item.planned_minutes == 2
        else:
            assert item.mark == Mark.DISCUSS, reason
            assert item.reason_codes == [reason], (reason, item.reason_codes)
    labels = triage.reason_labels(by_case[ledger["no_report"].id])
    assert labels == ["2か月以上報告なし"]
    # Cases to discuss come first, then the ones shared only.
    marks = [i.mark for i in meeting.items]
    assert marks == sorted(marks)


def test_an_override_survives_rebuilding(town, ledger):
    meeting = schedule(town)
    triage.build_agenda(town.coordinator, meeting)
    item = next(i for i in meeting.items if i.case_id == ledger["review_overdue"].id)
    agenda.set_mark(town.coordinator, meeting, item.id, Mark.SHARE.value, "<p>現行方針を継続</p>")
    assert triage.build_agenda(town.coordinator, meeting) == 0
    db.session.refresh(item)
    assert item.mark == Mark.SHARE and item.mark_overridden and item.reason_codes == ["review_overdue"]
    assert item.draft_policy == "<p>現行方針を継続</p>"


def test_findings_before_the_last_meeting_are_not_new(town, ledger):
    earlier = schedule(
        town, starts_at=datetime.combine(today_in_japan() - timedelta(days=1), time(10), tzinfo=services.JST)
    )
    live.start(town.coordinator, earlier)
    earlier.status = MeetingStatus.ENDED.value
    earlier.ended_at = utcnow()
    db.session.commit()
    meeting = schedule(town)
    found = triage.find_reasons(meeting, services.active_cases(meeting))
    # The injury three days ago was before the last meeting; the risk raised today was after it.
    assert "injury" not in found.get(ledger["injury"].id, [])
    assert found[ledger["risk_up"].id] == ["risk_up"]
    # What still stands is found again: an open alert, an overdue review.
    assert found[ledger["alert_open"].id] == ["alert_open"]
    assert found[ledger["review_overdue"].id] == ["review_overdue"]


def test_participants_cannot_build_the_agenda(town, ledger):
    meeting = schedule(town, Tier.PRACTITIONER)
    with pytest.raises(Exception) as refused:
        triage.build_agenda(town.teacher, meeting)
    assert getattr(refused.value, "code", None) == 403
