"""Hostile live-room payloads: every event answers in Japanese and no handler raises.

The page's script sends well-formed payloads, but anyone logged in can send anything over the
socket: nothing at all, a string, a list, ids too large for the database, strings where numbers go.
Each answer must be a refusal with a Japanese message, never an exception (which would leave the
page without an answer) and never the last-resort "処理できませんでした".
"""

import pytest

from meetings.agenda import services as agenda
from meetings.live import events
from meetings.live.events import MeetingNamespace
from meetings.models import ItemKind
from portal import realtime
from tests.meetings.conftest import fresh_g, schedule

# Each event and the fields its handler reads (see meetings/live/events.py).
EVENTS = {
    "join": events.SYNC,
    "resync": events.SYNC,
    "start": events.MEETING,
    "pause": events.MEETING,
    "resume": events.MEETING,
    "move": events.ITEM,
    "notes": events.NOTES,
    "decision": events.DECISION,
    "approve_shared": events.MEETING,
    "assign": events.ASSIGN,
    "unassign": events.UNASSIGN,
    "end": events.MEETING,
}
HOSTILE = [9223372036854775808, 2**31, -1, "1; DROP TABLE cases", [1], {"a": 1}, 1.5, True, "x" * 1_000_000]


def _payloads(event: str, meeting_id: int, item_id: int) -> list:
    """Return hostile payloads for an event: wrong shapes, then each field it reads made hostile."""
    valid = {"meeting_id": meeting_id, "item_id": item_id, "agency_id": 1, "assignment_id": 1}
    shapes = [None, "meeting", 42, [meeting_id], {}, {"meeting_id": None}]
    for name in EVENTS[event]:
        for bad in HOSTILE:
            shapes.append({**valid, name: bad})
    return shapes


@pytest.fixture
def live_meeting(town, socket_for):
    """A running practitioner meeting with one case item; the facilitator's socket has joined."""
    meeting = schedule(town)
    agenda.add_item(
        town.coordinator, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, town.case.id)
    )
    facilitator = socket_for(town.facilitator)
    fresh_g()
    assert facilitator.emit("join", {"meeting_id": meeting.id}, namespace="/meetings", callback=True)["ok"]
    fresh_g()
    assert facilitator.emit("start", {"meeting_id": meeting.id}, namespace="/meetings", callback=True)["ok"]
    return meeting, facilitator


def test_the_table_covers_every_event():
    handlers = {name[3:] for name in dir(MeetingNamespace) if name.startswith("on_")}
    assert handlers - {"connect", "disconnect"} == set(EVENTS)


@pytest.mark.parametrize("event", [e for e in EVENTS if e != "end"])
def test_every_event_refuses_hostile_payloads_in_japanese(live_meeting, event):
    meeting, client = live_meeting
    item_id = meeting.items[0].id
    for payload in _payloads(event, meeting.id, item_id):
        fresh_g()
        ack = client.emit(event, payload, namespace="/meetings", callback=True)
        assert isinstance(ack, dict), (event, payload, ack)
        if ack.get("ok"):
            continue  # a payload that happens to be valid (e.g. approving with extra keys) is fine
        assert ack["errors"] and ack["errors"] != [realtime.FAILED], (event, payload, ack)
        assert all(any("\u3040" <= ch <= "\u9fff" for ch in m) for m in ack["errors"]), ack


def test_end_refuses_hostile_payloads_and_the_meeting_still_runs(live_meeting):
    meeting, client = live_meeting
    for payload in _payloads("end", meeting.id, meeting.items[0].id):
        fresh_g()
        ack = client.emit("end", payload, namespace="/meetings", callback=True)
        assert ack["ok"] is False and ack["errors"] != [realtime.FAILED]
    assert meeting.status == "live"
