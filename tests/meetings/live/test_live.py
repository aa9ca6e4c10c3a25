"""The live room over Socket.IO: numbered changes built per participant, notes conflicts, resync, logins."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from cases.notes import services as note_services
from meetings.agenda import services as agenda
from meetings.live import changes, presence
from meetings.live.models import Presence
from meetings.live.presence import Heartbeat
from meetings.models import ItemKind
from portal.extensions import db
from portal.types import utcnow
from tests.meetings.conftest import SECRET_CHILD, as_text, emit, fresh_g, received, schedule


@pytest.fixture
def room(town, hidden_case, socket_for):
    """A practitioner meeting with a report item, the household case and the hidden case; all joined."""
    note_services.add_note(
        town.coordinator,
        hidden_case,
        occurred_on=hidden_case.received_on,
        kind="visit",
        body="秘密の訪問記録",
    )
    meeting = schedule(town)
    agenda.add_item(
        town.coordinator, meeting, agenda.ItemInput(ItemKind.REPORT.value, "新規登録の報告", "佐藤", 5)
    )
    agenda.add_item(
        town.coordinator, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, town.case.id)
    )
    agenda.add_item(
        town.coordinator, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, hidden_case.id)
    )
    sockets = {
        "facilitator": socket_for(town.facilitator),
        "school": socket_for(town.teacher),
        "cgc": socket_for(town.caseworker),
    }
    for client in sockets.values():
        assert client.is_connected("/meetings")
        assert emit(client, "join", meeting)["ok"]
    return meeting, sockets


def test_join_sends_each_participant_their_own_state(room, hidden_case, town):
    meeting, sockets = room
    [school_state] = received(sockets["school"], "state")
    [cgc_state] = received(sockets["cgc"], "state")
    hidden = [i for i in school_state["items"] if i["hidden"]]
    assert hidden == [{"id": meeting.items[2].id, "number": 3, "hidden": True, "label": "非共有"}]
    assert not school_state["can_run"]
    # The 児童相談所 joined every abuse case; the second case has none, so it is hidden there too.
    household = next(
        i for i in cgc_state["items"] if i["case"] and i["case"]["number"] == town.case.case_number
    )
    assert (
        household["case"]["children"] == ["山本 ゆい", "山本 はると"]
        or len(household["case"]["children"]) == 2
    )
    # The school sees its own pupil only, not the nursery's child of the same household.
    school_household = next(i for i in school_state["items"] if not i["hidden"] and i["case"])
    assert school_household["case"]["children"] == ["山本 はると"]


def test_moves_reach_everyone_with_the_next_number_and_hide_the_unshared_case(room, hidden_case, town):
    meeting, sockets = room
    for client in sockets.values():
        client.get_received("/meetings")
    assert emit(sockets["facilitator"], "start", meeting) == {"ok": True, "number": 1}
    hidden_item = meeting.items[2]
    assert emit(sockets["facilitator"], "move", meeting, item_id=hidden_item.id)["number"] == 2
    ack = emit(
        sockets["facilitator"],
        "notes",
        meeting,
        item_id=hidden_item.id,
        notes=f"{SECRET_CHILD}の登校",
        version=0,
    )
    assert ack["number"] == 3
    ack = emit(
        sockets["facilitator"],
        "assign",
        meeting,
        item_id=hidden_item.id,
        agency_id=town.other_school.id,
        person="担任",
        task="毎朝の出欠確認",
        due_on="",
    )
    assert ack["number"] == 4
    school = received(sockets["school"])
    numbers = [p["number"] for name, p in school if name == "change"]
    assert numbers == [1, 2, 3, 4]
    text = as_text(school)
    assert SECRET_CHILD not in text and "毎朝の出欠確認" not in text and hidden_case.case_number not in text
    assert "秘密の訪問記録" not in text
    last = [p for name, p in school if name == "change"][-1]
    assert last["meeting"]["current_item_id"] == hidden_item.id
    assert last["items"] == [{"id": hidden_item.id, "number": 3, "hidden": True, "label": "非共有"}]
    facilitator = [p for name, p in received(sockets["facilitator"]) if name == "change"]
    assert facilitator[-1]["items"][0]["assignments"][0]["task"] == "毎朝の出欠確認"
    assert facilitator[2]["items"][0]["notes"] == f"{SECRET_CHILD}の登校"


def test_agenda_edits_during_the_meeting_reach_the_room_as_numbered_changes(room, hidden_case, town):
    meeting, sockets = room
    assert emit(sockets["facilitator"], "start", meeting)["number"] == 1
    for client in sockets.values():
        client.get_received("/meetings")
    report, household, secret = meeting.items
    # The facilitator drags the hidden case to the top on the agenda page (an HTTP request, not a socket).
    fresh_g()
    answer = sockets["facilitator"].browser.submit(
        f"/meetings/{meeting.id}/items/{secret.id}/place", {"position": "1"}
    )
    assert answer.status_code == 200 and answer.get_json()["order"] == [secret.id, report.id, household.id]
    fresh_g()
    mark = {"mark": "discuss", "draft_policy": "転居先へ引継ぎ"}
    assert (
        sockets["facilitator"]
        .browser.submit(f"/meetings/{meeting.id}/items/{secret.id}/mark", mark)
        .status_code
        == 302
    )
    school = [p for name, p in received(sockets["school"]) if name == "change"]
    assert [(p["number"], p["kind"]) for p in school] == [(2, "agenda"), (3, "mark")]
    assert school[0]["order"] == [secret.id, report.id, household.id]
    renumbered = {i["id"]: i["number"] for i in school[0]["items"]}
    assert renumbered == {secret.id: 1, report.id: 2, household.id: 3}
    text = as_text(school)
    assert "転居先へ引継ぎ" not in text and hidden_case.case_number not in text and SECRET_CHILD not in text
    assert school[1]["items"] == [{"id": secret.id, "number": 1, "hidden": True, "label": "非共有"}]
    facilitator = [p for name, p in received(sockets["facilitator"]) if name == "change"]
    assert "転居先へ引継ぎ" in facilitator[-1]["items"][0]["draft_policy"]
    # A page that missed them gets the same changes on reconnect.
    assert [c.number for c in changes.changes_since(meeting, 1)] == [2, 3]


def test_timer_counts_against_server_time(room):
    meeting, sockets = room
    emit(sockets["facilitator"], "start", meeting)
    [change] = received(sockets["school"], "change")
    assert change["meeting"]["item_started_at"] <= change["meeting"]["server_now"]
    assert change["meeting"]["current_item_id"] == meeting.items[0].id


def test_participants_cannot_run_the_meeting(room):
    meeting, sockets = room
    assert not emit(sockets["school"], "start", meeting)["ok"]
    emit(sockets["facilitator"], "start", meeting)
    assert not emit(sockets["cgc"], "move", meeting, item_id=meeting.items[1].id)["ok"]
    db.session.refresh(meeting)
    assert meeting.change_number == 1


def test_notes_conflict_is_told_and_nothing_is_overwritten(room, town, socket_for):
    meeting, sockets = room
    emit(sockets["facilitator"], "start", meeting)
    item = meeting.items[1]
    coordinator = socket_for(town.coordinator)
    emit(coordinator, "join", meeting)
    assert emit(sockets["facilitator"], "notes", meeting, item_id=item.id, notes="鈴木のメモ", version=0)[
        "ok"
    ]
    ack = emit(coordinator, "notes", meeting, item_id=item.id, notes="佐藤のメモ", version=0)
    assert not ack["ok"] and ack["conflict"] == {"item_id": item.id, "notes": "鈴木のメモ", "version": 1}
    assert "他の人がこのメモを更新しました" in ack["errors"][0]
    db.session.refresh(item)
    assert item.notes == "鈴木のメモ" and item.notes_version == 1
    assert emit(coordinator, "notes", meeting, item_id=item.id, notes="鈴木のメモ\n佐藤の追記", version=1)[
        "ok"
    ]


def test_reconnect_gets_the_changes_since_its_last_number(room):
    meeting, sockets = room
    emit(sockets["facilitator"], "start", meeting)
    received(sockets["school"])
    sockets["school"].disconnect("/meetings")
    for item in meeting.items[1:]:
        emit(sockets["facilitator"], "move", meeting, item_id=item.id)
    fresh_g()
    sockets["school"].connect("/meetings")
    assert emit(sockets["school"], "join", meeting, last_number=1)["ok"]
    [change] = received(sockets["school"], "change")
    assert change["number"] == 3 and change["kind"] == "resync"
    assert change["meeting"]["current_item_id"] == meeting.items[2].id
    assert {i["id"] for i in change["items"]} == {i.id for i in meeting.items}
    assert any(i["hidden"] for i in change["items"])
    # A page that knows no number (or a stale one) gets the full state.
    assert emit(sockets["school"], "resync", meeting, last_number=99)["ok"]
    [state] = received(sockets["school"], "state")
    assert state["meeting"]["change_number"] == 3


def test_presence_lists_who_is_in_the_room(room, town):
    _meeting, sockets = room
    received(sockets["school"])
    fresh_g()
    sockets["cgc"].disconnect("/meetings")
    [presence] = received(sockets["school"], "presence")
    names = [p["name"] for p in presence["presence"]]
    assert "伊藤" not in names and {"高橋", "鈴木"} <= set(names)


def test_a_connection_its_process_stops_confirming_leaves_the_room(room, town, app):
    meeting, _sockets = room
    assert {u.name for u in presence.present_users(meeting.id)} >= {"高橋", "鈴木", "伊藤"}
    ttl = app.config["PRESENCE_TTL_SECONDS"]
    stale = utcnow() - timedelta(seconds=ttl + 1)
    teacher_sids = db.session.scalars(select(Presence.sid).where(Presence.user_id == town.teacher.id)).all()
    db.session.execute(update(Presence).where(Presence.sid.in_(teacher_sids)).values(seen_at=stale))
    db.session.commit()
    assert "高橋" not in {u.name for u in presence.present_users(meeting.id)}
    # The serving process's heartbeat confirms it again.
    presence.touch_presence(teacher_sids)
    assert "高橋" in {u.name for u in presence.present_users(meeting.id)}
    assert Heartbeat.of(app).sids >= set(teacher_sids)


def test_uninvited_agency_cannot_join(town, socket_for, hidden_case):
    meeting = schedule(town)
    doctor = socket_for(town.doctor)
    assert doctor.is_connected("/meetings")
    assert not emit(doctor, "join", meeting)["ok"]
    assert received(doctor) == []


def test_anonymous_socket_is_refused(app):
    from portal.extensions import socketio

    assert not socketio.test_client(app, namespace="/meetings").is_connected("/meetings")


def test_disabled_person_is_disconnected_on_the_next_event(room, town):
    meeting, sockets = room
    town.teacher.active = False
    db.session.commit()
    emit(sockets["school"], "resync", meeting, last_number=0)
    assert not sockets["school"].is_connected("/meetings")


def test_disconnect_user_closes_the_live_room_too(room, town):
    from portal import realtime

    _meeting, sockets = room
    realtime.disconnect_user(town.teacher.id)
    assert not sockets["school"].is_connected("/meetings")
    assert sockets["cgc"].is_connected("/meetings")
