"""部会: a practitioner meeting of one 部会 takes that 部会's cases from the ledger, and only those."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from cases.ledger import registration
from cases.ledger import services as case_services
from cases.ledger.registration import CaseInput, ChildInput
from meetings import services
from meetings.agenda import services as agenda
from meetings.agenda import triage
from meetings.live import services as live
from meetings.models import Mark, Meeting, MeetingStatus, Tier
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from portal.refusals import Refusal
from portal.types import utcnow
from reports.alerts.models import ImmediateReport
from tests.meetings.conftest import schedule

BABIES, SCHOOL = "乳幼児部会", "児童生徒部会"


def _case(town, name: str, section: str, status: str = "register"):
    """Register (or only receive) a one-child case of the town's council in a 部会."""
    data = CaseInput(
        council_id=town.council.id,
        category="support",
        received_on=date(2025, 4, 1),
        section=section,
        support_policy=f"<p>{name}の見守り</p>",
        next_review_on=today_in_japan() + timedelta(days=30),
        register_now=status == "register",
        children=[ChildInput(name, "", date(2016, 5, 5), "", town.hospital.id, "")],
    )
    return registration.register_case(town.coordinator, data)


@pytest.fixture
def filed(town):
    """The council split into two 部会, with cases in each, one in none, one only received, one closed."""
    town.council.sections = f"{BABIES}\n{SCHOOL}"
    db.session.commit()
    case_services.update_case(town.coordinator, town.case, {"section": SCHOOL}, town.case.version)
    cases = {
        "baby": _case(town, "赤 あか", BABIES),
        "baby2": _case(town, "乳 ちち", BABIES),
        "school": _case(town, "生 せい", SCHOOL),
        "none": _case(town, "無 なし", ""),
        "intake": _case(town, "受 うけ", BABIES, status="intake"),
        "closed": _case(town, "終 おわり", BABIES),
    }
    case_services.close_case(town.coordinator, cases["closed"], today_in_japan(), "improved")
    return cases


def _agenda_cases(meeting) -> set[int]:
    """Return the ids of the cases on the meeting's agenda."""
    return {item.case_id for item in meeting.items if item.case_id}


def test_a_section_meeting_takes_only_that_sections_registered_cases(town, filed):
    meeting = schedule(town, section=BABIES)
    assert triage.build_agenda(town.coordinator, meeting) == 2
    assert _agenda_cases(meeting) == {filed["baby"].id, filed["baby2"].id}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "meeting.build_agenda")).one()
    assert entry.detail_data == {"added": 2, "cases": 2, "section": BABIES}


def test_the_other_section_and_the_whole_council(town, filed):
    school = schedule(town, section=SCHOOL)
    triage.build_agenda(town.coordinator, school)
    assert _agenda_cases(school) == {town.case.id, filed["school"].id}
    whole = schedule(town, title="全体の実務者会議")
    triage.build_agenda(town.coordinator, whole)
    registered = {town.case.id, filed["baby"].id, filed["baby2"].id, filed["school"].id, filed["none"].id}
    assert _agenda_cases(whole) == registered, "without a 部会 every registered case is taken"


def test_the_progress_meeting_may_be_held_by_section_too(town, filed):
    meeting = schedule(town, Tier.PROGRESS, section=SCHOOL)
    triage.build_agenda(town.coordinator, meeting)
    assert _agenda_cases(meeting) == {town.case.id, filed["school"].id}


def test_a_case_added_by_hand_stays_when_the_agenda_is_rebuilt(town, filed):
    meeting = schedule(town, section=BABIES)
    agenda.add_item(
        town.coordinator,
        meeting,
        agenda.ItemInput("case_review", "きょうだいのケース", "佐藤", 10, case_id=filed["school"].id),
    )
    triage.build_agenda(town.coordinator, meeting)
    assert _agenda_cases(meeting) == {filed["baby"].id, filed["baby2"].id, filed["school"].id}


def test_a_case_moved_to_the_section_joins_at_the_next_build(town, filed):
    meeting = schedule(town, section=BABIES)
    triage.build_agenda(town.coordinator, meeting)
    case = filed["none"]
    case_services.update_case(town.coordinator, case, {"section": BABIES}, case.version)
    assert triage.build_agenda(town.coordinator, meeting) == 1
    item = next(i for i in meeting.items if i.case_id == case.id)
    assert item.mark == Mark.SHARE


def test_another_sections_meeting_does_not_make_findings_old(town, filed):
    """An injury before the 乳幼児部会 met is still new for the 児童生徒部会, which did not see it."""
    for case in (filed["baby"], filed["school"]):
        child = case.children[0]
        db.session.add(
            ImmediateReport(
                council_id=town.council.id,
                agency_id=town.hospital.id,
                case_id=case.id,
                child_id=child.id,
                reason="injury",
                occurred_on=today_in_japan() - timedelta(days=3),
            )
        )
    db.session.commit()
    babies = schedule(
        town,
        section=BABIES,
        starts_at=datetime.combine(today_in_japan() - timedelta(days=1), time(10), tzinfo=services.JST),
    )
    live.start(town.coordinator, babies)
    babies.status = MeetingStatus.ENDED.value
    babies.ended_at = utcnow()
    db.session.commit()
    school = schedule(town, section=SCHOOL)
    assert triage.window_start(school) < today_in_japan() - timedelta(days=3)
    assert "injury" in triage.find_reasons(school, triage.agenda_cases(school))[filed["school"].id]
    next_babies = schedule(town, section=BABIES)
    assert triage.window_start(next_babies) == today_in_japan() - timedelta(days=1)
    assert "injury" not in triage.find_reasons(next_babies, triage.agenda_cases(next_babies)).get(
        filed["baby"].id, []
    )


# Scheduling a meeting of a 部会 (meetings/services.py)


def test_a_section_not_in_the_councils_settings_is_refused(town, filed):
    with pytest.raises(Refusal) as refused:
        schedule(town, section="若者部会")
    assert refused.value.messages == ["部会はこの協議会の設定にあるものを選んでください。"]
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_section_of_another_council_is_refused(town, filed):
    town.other_council.sections = "若者部会"
    db.session.commit()
    with pytest.raises(Refusal, match="部会はこの協議会の設定にあるものを選んでください。"):
        schedule(town, section="若者部会")


@pytest.mark.parametrize("tier", [Tier.REPRESENTATIVE, Tier.JOINT])
def test_only_practitioner_and_progress_meetings_have_a_section(town, filed, tier):
    with pytest.raises(Refusal, match="部会は実務者会議・進行管理会議でだけ選べます。"):
        schedule(town, tier, section=BABIES)


def test_a_section_meeting_is_stored_with_its_section(town, filed):
    meeting = schedule(town, section=f" {BABIES} ")
    assert meeting.section == BABIES


def test_a_section_a_meeting_not_yet_held_uses_stays_in_the_settings(town, filed, client, login):
    from agencies.councils import services as council_settings

    meeting = schedule(town, section=BABIES)
    # The cases leave the 部会, so only the meeting still uses it.
    for case in (filed["baby"], filed["baby2"], filed["intake"]):
        db.session.refresh(case)
        case_services.update_case(town.coordinator, case, {"section": ""}, case.version)
    problems = council_settings._removed_sections_in_use(town.council, {"sections": SCHOOL})
    assert problems == [
        f"部会「{BABIES}」は1件の会議に設定されているため、削除（名称の変更）できません。"
        "先にその会議の部会を変更してください。"
    ]
    live.start(town.facilitator, meeting)
    live.end(town.facilitator, meeting)
    assert council_settings._removed_sections_in_use(town.council, {"sections": SCHOOL}) == []
