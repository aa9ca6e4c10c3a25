"""The 記録係: a named person types notes, decisions and roles, does not run the meeting, and records
only on items whose cases they may see."""

import pytest
from sqlalchemy import select

from meetings import services
from meetings.agenda import services as agenda
from meetings.live import services as live
from meetings.models import ItemKind
from portal.audit import AuditEntry
from portal.extensions import db
from portal.refusals import Refusal
from tests.meetings.conftest import SECRET_CHILD, as_text, emit, fresh_g, received, schedule
from tests.meetings.minutes.test_minutes import browser_of


@pytest.fixture
def meeting(town, hidden_case):
    """A practitioner meeting with the household case and the hidden case, the teacher as 記録係."""
    found = schedule(town)
    for case in (town.case, hidden_case):
        agenda.add_item(
            town.coordinator, found, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, case.id)
        )
    services.set_recorder(town.coordinator, found, town.teacher.id)
    return found


def test_only_runners_name_a_recorder_from_the_meeting_s_people(town, meeting):
    assert meeting.recorder_id == town.teacher.id
    row = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "meeting.recorder")).one()
    assert row.actor_id == town.coordinator.id
    with pytest.raises(Refusal) as refused:
        # The other school is not invited and is not the coordinating agency.
        services.set_recorder(town.coordinator, meeting, town.other_teacher.id)
    assert "記録係は" in refused.value.messages[0]
    db.session.refresh(meeting)
    assert meeting.recorder_id == town.teacher.id
    with pytest.raises(Exception) as denied:
        services.set_recorder(town.teacher, meeting, town.teacher.id)
    assert getattr(denied.value, "code", None) == 403


def test_the_recorder_types_the_record_but_does_not_run_the_meeting(town, meeting, socket_for):
    household, secret = meeting.items
    live.start(town.facilitator, meeting)
    teacher = socket_for(town.teacher)
    facilitator = socket_for(town.facilitator)
    for client in (teacher, facilitator):
        assert emit(client, "join", meeting)["ok"]
    state = [p for name, p in received(teacher) if name == "state"][-1]
    assert state["can_record"] is True and state["can_run"] is False
    ack = emit(teacher, "notes", meeting, item_id=household.id, notes="はるとの欠席が続いている", version=0)
    assert ack["ok"], ack
    ack = emit(
        teacher,
        "assign",
        meeting,
        item_id=household.id,
        agency_id=town.school.id,
        person="高橋",
        task="毎朝の登校確認",
        due_on="",
    )
    assert ack["ok"], ack
    assert emit(teacher, "decision", meeting, item_id=household.id, decision="見守りを続ける")["ok"]
    # Changing the lead agency and closing are the facilitator's.
    for change in ({"lead_agency_id": town.cgc.id}, {"closure_reason": "improved"}):
        ack = emit(teacher, "decision", meeting, item_id=household.id, decision="終結", **change)
        assert ack == {"ok": False, "errors": ["リスク・主担当機関の変更と終結は進行役が記録します。"]}
    # Running stays with the facilitator.
    assert not emit(teacher, "move", meeting, item_id=secret.id)["ok"]
    assert not emit(teacher, "end", meeting)["ok"]
    # An item whose case the school may not see cannot be recorded on, and nothing of it comes back.
    refused = emit(teacher, "notes", meeting, item_id=secret.id, notes="書き込み", version=0)
    assert refused == {"ok": False, "errors": ["議題が見つかりません。"]}
    db.session.refresh(secret)
    assert secret.notes == "" and SECRET_CHILD not in as_text(received(teacher))
    db.session.refresh(household)
    assert household.notes == "はるとの欠席が続いている" and household.decision == "見守りを続ける"
    assert [a.task for a in household.assignments] == ["毎朝の登校確認"]
    # The facilitator's page received what the recorder typed.
    texts = as_text(received(facilitator))
    assert "はるとの欠席が続いている" in texts and "毎朝の登校確認" in texts


def test_people_not_named_do_not_record(town, meeting, socket_for):
    live.start(town.facilitator, meeting)
    household = meeting.items[0]
    nursery = socket_for(town.nursery_head)
    assert emit(nursery, "join", meeting)["ok"]
    state = [p for name, p in received(nursery) if name == "state"][-1]
    assert state["can_record"] is False
    ack = emit(nursery, "notes", meeting, item_id=household.id, notes="保育園から", version=0)
    assert not ack["ok"]
    services.set_recorder(town.coordinator, meeting, None)
    teacher = socket_for(town.teacher)
    assert emit(teacher, "join", meeting)["ok"]
    assert not emit(teacher, "notes", meeting, item_id=household.id, notes="もう記録係ではない", version=0)[
        "ok"
    ]
    db.session.refresh(household)
    assert household.notes == ""


def test_the_meeting_page_names_and_changes_the_recorder(town, meeting, client, login, app):
    login(town.coordinator)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "記録係" in page and town.teacher.name in page
    response = client.submit(f"/meetings/{meeting.id}/recorder", {"recorder_id": str(town.nursery_head.id)})
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.recorder_id == town.nursery_head.id
    client.submit(f"/meetings/{meeting.id}/recorder", {"recorder_id": str(town.other_teacher.id)})
    db.session.refresh(meeting)
    assert meeting.recorder_id == town.nursery_head.id
    teacher = browser_of(app, town.teacher)
    assert teacher.submit(f"/meetings/{meeting.id}/recorder", {"recorder_id": ""}).status_code == 403


def test_naming_a_recorder_mid_meeting_reaches_their_open_page(town, meeting, socket_for):
    services.set_recorder(town.coordinator, meeting, None)
    live.start(town.facilitator, meeting)
    teacher = socket_for(town.teacher)
    assert emit(teacher, "join", meeting)["ok"]
    assert [p for name, p in received(teacher) if name == "state"][-1]["can_record"] is False
    fresh_g()
    answer = socket_for(town.coordinator).browser.submit(
        f"/meetings/{meeting.id}/recorder", {"recorder_id": str(town.teacher.id)}
    )
    assert answer.status_code == 302
    states = [p for name, p in received(teacher) if name == "state"]
    assert states and states[-1]["can_record"] is True
    assert SECRET_CHILD not in as_text(states)
