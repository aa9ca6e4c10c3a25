"""An agenda item that takes up several cases (きょうだい等): shown only to those who see every one of
them, in the page, the socket messages, the minutes and the packet; its decision goes to each ledger."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cases import policy
from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from cases.models import CaseChange
from meetings import services, tasks
from meetings.agenda import packet, triage
from meetings.agenda import services as agenda
from meetings.live import payloads
from meetings.live import services as live
from meetings.minutes import services as minutes
from meetings.minutes import word as minutes_word
from meetings.models import ItemKind
from portal.audit import AuditEntry
from portal.extensions import db
from portal.refusals import Refusal
from tests.meetings.conftest import SECRET_CHILD, as_text, emit, received, schedule
from tests.meetings.minutes.test_minutes import all_xml, body_text, open_docx

SIBLING = "山本 そうた"


@pytest.fixture
def sibling_case(town):
    """A half-brother of はると registered as his own case, at the same school."""
    return registration.register_case(
        town.coordinator,
        CaseInput(
            council_id=town.council.id,
            category="support",
            received_on=date(2025, 7, 1),
            risk_level=2,
            children=[
                ChildInput(SIBLING, "やまもと そうた", date(2013, 9, 9), "男", town.school.id, "6年1組")
            ],
            guardians=[GuardianInput("father", "山本 健")],
        ),
    )


def add_case_item(town, meeting, case, linked):
    """Add a case review item taking up `case` and the `linked` cases."""
    data = agenda.ItemInput(
        ItemKind.CASE_REVIEW.value, "きょうだいの検討", "", 15, case.id, [c.id for c in linked]
    )
    return agenda.add_item(town.coordinator, meeting, data)


def test_an_item_takes_up_further_cases_of_the_council_only(town, sibling_case, hidden_case):
    meeting = schedule(town)
    item = add_case_item(town, meeting, town.case, [sibling_case, hidden_case, town.case])
    # Its own case first, each further case once (its own case is not linked to itself).
    assert item.case_ids[0] == town.case.id and len(item.case_ids) == 3
    assert set(item.case_ids) == {town.case.id, sibling_case.id, hidden_case.id}
    count = len(meeting.items)
    other = registration.register_case(
        town.other_coordinator,
        CaseInput(
            council_id=town.other_council.id,
            category="support",
            received_on=date(2025, 7, 1),
            children=[ChildInput("他町 こども", "たちょう こども", date(2016, 1, 1), "女", None, "")],
        ),
    )
    with pytest.raises(Refusal) as refused:
        add_case_item(town, meeting, town.case, [other])
    assert "あわせて扱うケースはこの協議会のものを選んでください。" in refused.value.messages
    with pytest.raises(Refusal) as refused:
        agenda.add_item(
            town.coordinator,
            meeting,
            agenda.ItemInput(ItemKind.DISCUSSION.value, "議題", "", 5, None, [sibling_case.id]),
        )
    assert "まずケースを選んでください" in refused.value.messages[0]
    db.session.refresh(meeting)
    assert len(meeting.items) == count


def test_each_reader_sees_the_item_only_when_they_see_every_case(town, sibling_case, hidden_case):
    meeting = schedule(town, agencies=[town.school, town.other_school, town.cgc])
    siblings = add_case_item(town, meeting, town.case, [sibling_case])
    mixed = add_case_item(town, schedule(town), town.case, [hidden_case])
    boss = payloads.Reader(town.coordinator, meeting)
    shown = boss.item(siblings)
    assert shown["case"]["number"] == town.case.case_number
    assert [c["number"] for c in shown["linked"]] == [sibling_case.case_number]
    assert SIBLING in shown["linked"][0]["children"]
    school = payloads.Reader(town.teacher, meeting)
    assert not school.item(siblings)["hidden"]
    assert school.item(mixed) == {"id": mixed.id, "number": mixed.position, "hidden": True, "label": "非共有"}
    other = payloads.Reader(town.other_teacher, meeting)
    assert other.item(siblings)["hidden"] and other.item(mixed)["hidden"]


def test_socket_messages_hide_a_mixed_item_from_the_school(town, hidden_case, socket_for):
    meeting = schedule(town)
    item = add_case_item(town, meeting, town.case, [hidden_case])
    facilitator, school = socket_for(town.facilitator), socket_for(town.teacher)
    for client in (facilitator, school):
        assert emit(client, "join", meeting)["ok"]
    assert emit(facilitator, "start", meeting)["ok"]
    assert emit(facilitator, "notes", meeting, item_id=item.id, notes="転居予定の秘密メモ", version=0)["ok"]
    everything = as_text(received(school))
    for word in (SECRET_CHILD, "転居予定の秘密メモ", hidden_case.case_number, town.case.case_number):
        assert word not in everything, word
    assert "非共有" in everything
    assert "転居予定の秘密メモ" in as_text(received(facilitator))


def test_the_decision_goes_to_each_case_with_history(town, sibling_case):
    meeting = schedule(town)
    item = add_case_item(town, meeting, town.case, [sibling_case])
    live.start(town.facilitator, meeting)
    soon = services.meeting_day(meeting) + timedelta(days=30)
    live.record(
        town.facilitator, meeting, item.id, live.Decision("きょうだいとも登校を見守る", soon, town.cgc.id)
    )
    live.end(town.facilitator, meeting)
    for case in (town.case, sibling_case):
        db.session.refresh(case)
        assert "きょうだいとも登校を見守る" in case.support_policy
        assert case.next_review_on == soon and case.lead_agency_id == town.cgc.id
        fields = set(
            db.session.scalars(
                select(CaseChange.field).where(
                    CaseChange.case_id == case.id, CaseChange.source == f"meeting:{meeting.id}"
                )
            )
        )
        assert {"support_policy", "next_review_on", "lead_agency_id"} <= fields
    db.session.refresh(item)
    assert item.written_back_at is not None


def test_minutes_and_packet_hide_a_mixed_item_from_an_agency(town, sibling_case, hidden_case):
    meeting = schedule(town, agencies=[town.school, town.other_school])
    siblings = add_case_item(town, meeting, town.case, [sibling_case])
    other = registration.register_case(
        town.coordinator,
        CaseInput(
            council_id=town.council.id,
            category="support",
            received_on=date(2025, 7, 1),
            children=[
                ChildInput("山本 りく", "やまもと りく", date(2014, 2, 2), "男", town.school.id, "5年1組")
            ],
        ),
    )
    mixed = add_case_item(town, meeting, other, [hidden_case])
    live.start(town.facilitator, meeting)
    live.save_notes(town.facilitator, meeting, siblings.id, "二人とも欠席が増えた。", 0)
    live.save_notes(town.facilitator, meeting, mixed.id, "転居予定の秘密メモ", 0)
    live.end(town.facilitator, meeting)
    minutes.draft(town.coordinator, meeting)
    version = minutes.minutes_of(meeting).latest
    section = version.sections[0]
    assert section.case_ids == [town.case.id, sibling_case.id]
    complete = body_text(
        open_docx(minutes_word.build(version, minutes_word.copy_for(town.coordinator, meeting, None, True)))
    )
    assert f"ケース {town.case.case_number}" in complete and f"ケース {sibling_case.case_number}" in complete
    assert "転居予定の秘密メモ" in complete and SECRET_CHILD in complete
    school_copy = minutes_word.copy_for(town.coordinator, meeting, town.school.id, attending=False)
    content = minutes_word.build(version, school_copy)
    text, everything = body_text(open_docx(content)), all_xml(content)
    assert "二人とも欠席が増えた。" in text and SIBLING in text
    for word in ("転居予定の秘密メモ", SECRET_CHILD, hidden_case.case_number):
        assert word not in everything, word
    assert "（非共有）" in text or "非共有" in text
    handout = packet.build(meeting, school_copy)
    assert sibling_case.case_number in body_text(open_docx(handout))
    assert hidden_case.case_number not in all_xml(handout) and SECRET_CHILD not in all_xml(handout)


def test_the_agenda_form_adds_linked_cases(town, sibling_case, client, login):
    meeting = schedule(town)
    login(town.coordinator)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "あわせて扱うケース" in page
    response = client.submit(
        f"/meetings/{meeting.id}/items",
        {
            "kind": ItemKind.CASE_REVIEW.value,
            "title": "",
            "presenter": "",
            "planned_minutes": "10",
            "case_id": str(town.case.id),
            "linked_case_ids": [str(sibling_case.id)],
        },
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.items[-1].case_ids == [town.case.id, sibling_case.id]
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"ケース {sibling_case.case_number}" in page
    assert db.session.scalar(select(AuditEntry.seq).where(AuditEntry.action == "meeting.agenda")) is not None


def test_a_case_is_taken_up_by_one_item_only(town, sibling_case, hidden_case):
    meeting = schedule(town)
    first = add_case_item(town, meeting, town.case, [sibling_case])
    for own, linked in ((sibling_case, []), (hidden_case, [town.case])):
        with pytest.raises(Refusal) as refused:
            add_case_item(town, meeting, own, linked)
        assert f"は議題{first.position}で扱っています。" in refused.value.messages[0]
    # Building the agenda from the ledger gives the linked sibling no item of its own.
    triage.build_agenda(town.coordinator, meeting)
    db.session.refresh(meeting)
    taken = [case_id for item in meeting.items for case_id in item.case_ids]
    assert len(taken) == len(set(taken)) and sibling_case.id in taken
    assert next(i for i in meeting.items if i.case_id == town.case.id).id == first.id


def test_ending_again_after_a_failed_closure_closes_every_case(town, sibling_case):
    meeting = schedule(town)
    item = add_case_item(town, meeting, town.case, [sibling_case])
    live.start(town.facilitator, meeting)
    live.record(town.facilitator, meeting, item.id, live.Decision("終結とする", None, None, "improved"))
    # The sibling's case was received after the meeting day, so closing it fails at first.
    day = services.meeting_day(meeting)
    sibling_case.received_on = day + timedelta(days=1)
    db.session.commit()
    with pytest.raises(Refusal) as failed:
        live.end(town.facilitator, meeting)
    assert failed.value.messages[0].startswith(f"ケース {sibling_case.case_number}: ")
    db.session.refresh(item)
    assert item.written_back_at is None and meeting.status == "live"
    sibling_case.received_on = day
    db.session.commit()
    live.end(town.facilitator, meeting)
    for case in (town.case, sibling_case):
        db.session.refresh(case)
        assert case.status == "closed" and case.closure_reason == "improved"
    db.session.refresh(item)
    assert item.written_back_at is not None


def test_a_role_goes_only_to_an_agency_that_sees_every_case(town, sibling_case, hidden_case):
    meeting = schedule(town, agencies=[town.school, town.other_school])
    item = add_case_item(town, meeting, town.case, [hidden_case])
    live.start(town.facilitator, meeting)
    with pytest.raises(Refusal) as refused:
        live.assign(town.facilitator, meeting, item.id, town.school.id, "高橋", "登校確認", None)
    assert "この機関はこの議題のケースを見られない" in refused.value.messages[0]
    assert item.assignments == []
    # The coordinating agency's staff see every case; its tasks show only to those who may see them.
    live.assign(town.facilitator, meeting, item.id, town.center.id, "佐藤", "家庭訪問", None)
    db.session.refresh(item)
    assert [a.task for a in item.assignments] == ["家庭訪問"]
    live.end(town.facilitator, meeting)
    assert [t.task for t in tasks.open_tasks(town.coordinator)] == ["家庭訪問"]
    # The center's nurse (a member without the coordinator role) has no share in these cases.
    assert not policy.access_map(town.center_nurse, [town.case])[town.case.id].full
    assert tasks.open_tasks(town.center_nurse) == []
    with pytest.raises(Refusal):
        tasks.mark_done(town.center_nurse, item.assignments[0].id)
