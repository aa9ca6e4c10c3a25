"""Ending a meeting: decisions to the ledger with history, closure, one-step approval, tasks on home pages."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cases.models import CaseChange, Status
from meetings import services
from meetings.agenda import services as agenda
from meetings.live import presence
from meetings.live import services as live
from meetings.models import ItemKind, Mark, Tier
from portal.extensions import db
from portal.refusals import Refusal
from tests.meetings.conftest import schedule


@pytest.fixture
def case_meeting(town):
    """The 山本 household's individual case meeting, started."""
    agencies = [town.school, town.nursery, town.cgc, town.hospital]
    meeting = schedule(town, Tier.INDIVIDUAL, agencies=agencies, case_id=town.case.id)
    live.start(town.facilitator, meeting)
    return meeting


def test_decisions_are_written_to_the_ledger_with_history(town, case_meeting):
    meeting, item = case_meeting, case_meeting.items[0]
    day = services.meeting_day(meeting)
    live.save_notes(town.facilitator, meeting, item.id, "父の暴力が続いている。", 0)
    decision = live.Decision(
        "登校時の見守りを強化し、児童相談所が家庭訪問する。", day + timedelta(days=30), town.cgc.id
    )
    live.record(town.facilitator, meeting, item.id, decision)
    change = live.end(town.facilitator, meeting)
    assert change.kind == "end" and change.number == meeting.change_number
    case = town.case
    db.session.refresh(case)
    assert "児童相談所が家庭訪問する" in case.support_policy
    assert case.next_review_on == day + timedelta(days=30) and case.last_confirmed_on == day
    assert case.lead_agency_id == town.cgc.id
    history = db.session.scalars(
        select(CaseChange).where(CaseChange.case_id == case.id, CaseChange.source == f"meeting:{meeting.id}")
    ).all()
    assert {h.field for h in history} == {
        "support_policy",
        "next_review_on",
        "last_confirmed_on",
        "lead_agency_id",
    }
    assert next(h for h in history if h.field == "lead_agency_id").after == "県中央児童相談所"
    db.session.refresh(item)
    assert item.written_back_at is not None and item.notes == "父の暴力が続いている。"


def test_role_assignments_become_tasks_on_the_agency_home_page(town, case_meeting, client, login):
    meeting, item = case_meeting, case_meeting.items[0]
    due = services.meeting_day(meeting) + timedelta(days=7)
    live.assign(
        town.facilitator,
        meeting,
        item.id,
        town.school.id,
        "高橋",
        "毎朝の出欠を確認し、欠席時は連絡する",
        due,
    )
    live.assign(town.facilitator, meeting, item.id, town.cgc.id, "伊藤", "一週間以内に家庭訪問", due)
    login(town.teacher)
    # Not a task until the meeting ends.
    assert "毎朝の出欠を確認" not in client.get("/").get_data(as_text=True)
    live.end(town.facilitator, meeting)
    home = client.get("/").get_data(as_text=True)
    assert "毎朝の出欠を確認し、欠席時は連絡する" in home and "一週間以内に家庭訪問" not in home
    task = item.assignments[0]
    client.submit(f"/meetings/tasks/{task.id}/done")
    assert "毎朝の出欠を確認" not in client.get("/").get_data(as_text=True)


def test_a_closure_decided_at_the_meeting_closes_the_case(town, hidden_case):
    meeting = schedule(town)
    item = agenda.add_item(
        town.coordinator, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, hidden_case.id)
    )
    live.start(town.coordinator, meeting)
    live.record(
        town.coordinator, meeting, item.id, live.Decision("状況が改善したため終結", closure_reason="improved")
    )
    live.end(town.coordinator, meeting)
    db.session.refresh(hidden_case)
    assert hidden_case.status == Status.CLOSED and hidden_case.closure_reason == "improved"
    assert hidden_case.closed_on == services.meeting_day(meeting)


def test_shared_only_cases_are_approved_in_one_step(town, hidden_case):
    meeting = schedule(town)
    first = agenda.add_item(
        town.coordinator, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 2, hidden_case.id)
    )
    second = agenda.add_item(
        town.coordinator, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 2, town.case.id)
    )
    agenda.set_mark(town.coordinator, meeting, first.id, Mark.SHARE.value, "<p>現行の見守りを継続</p>")
    agenda.set_mark(town.coordinator, meeting, second.id, Mark.DISCUSS.value, "")
    live.start(town.coordinator, meeting)
    change = live.approve_shared(town.coordinator, meeting)
    assert change.item_ids == [first.id]
    live.end(town.coordinator, meeting)
    db.session.refresh(hidden_case)
    db.session.refresh(town.case)
    assert hidden_case.support_policy == "<p>現行の見守りを継続</p>"
    assert town.case.last_confirmed_on is None  # not decided, so not written


def test_wrong_values_are_refused_and_nothing_changes(town, case_meeting):
    meeting, item = case_meeting, case_meeting.items[0]
    past = services.meeting_day(meeting) - timedelta(days=1)
    with pytest.raises(Refusal, match="次回確認時期"):
        live.record(town.facilitator, meeting, item.id, live.Decision("x", next_review_on=past))
    with pytest.raises(Refusal, match="終結理由"):
        live.record(town.facilitator, meeting, item.id, live.Decision("x", closure_reason="nope"))
    with pytest.raises(Refusal, match="役割の内容"):
        live.assign(town.facilitator, meeting, item.id, town.school.id, "", " ", None)
    db.session.rollback()
    assert meeting.change_number == 1
    live.end(town.facilitator, meeting)
    with pytest.raises(Refusal, match="開催中ではありません"):
        live.end(town.facilitator, meeting)


def test_attendance_is_kept_for_the_minutes(town, case_meeting):
    presence.join(town.teacher, case_meeting, "sid-1")
    presence.join(town.teacher, case_meeting, "sid-2")
    presence.join(town.caseworker, case_meeting, "sid-3")
    presence.leave("sid-1")
    assert {u.name for u in presence.present_users(case_meeting.id)} == {"高橋", "伊藤"}
    assert sorted(a.user.name for a in presence.attendance_of(case_meeting)) == sorted(["高橋", "伊藤"])
