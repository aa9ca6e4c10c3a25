"""The live room follows the meeting: start, pause, resume and end reach every page at once."""

from datetime import timedelta

import pytest
from werkzeug.exceptions import Forbidden

from meetings.live import clock
from meetings.live import services as live
from portal.extensions import db
from portal.refusals import Refusal
from tests.meetings.conftest import emit, received
from tests.meetings.live.test_live import room

__all__ = ["room"]


def statuses(client) -> list[tuple[str, bool, str]]:
    """Return the (status, paused, label) of every change a page received."""
    return [
        (c["meeting"]["status"], c["meeting"]["paused"], c["meeting"]["status_label"])
        for c in received(client, "change")
    ]


def test_start_pause_resume_and_end_reach_every_page(room):
    meeting, sockets = room
    for client in sockets.values():
        received(client)  # the states of the join
    for event in ("start", "pause", "resume", "end"):
        assert emit(sockets["facilitator"], event, meeting)["ok"], event
    expected = [
        ("live", False, "開催中"),
        ("live", True, "休憩中"),
        ("live", False, "開催中"),
        ("ended", False, "終了"),
    ]
    for name, client in sockets.items():
        assert statuses(client) == expected, name
    db.session.refresh(meeting)
    assert meeting.current_item_id is None and meeting.paused_at is None


def test_a_pause_stops_the_items_running_time(room, town):
    meeting, _sockets = room
    live.start(town.facilitator, meeting)
    started = meeting.item_started_at
    clock.pause(town.facilitator, meeting)
    # Ten minutes of pause: on resuming the item's start moves by as much, so its time stood still.
    meeting.paused_at -= timedelta(minutes=10)
    db.session.commit()
    clock.resume(town.facilitator, meeting)
    assert meeting.item_started_at - started >= timedelta(minutes=10)
    assert meeting.paused_at is None


def test_only_the_facilitator_pauses_a_running_meeting(room, town):
    meeting, sockets = room
    assert not emit(sockets["school"], "pause", meeting)["ok"]
    answer = emit(sockets["facilitator"], "pause", meeting)
    assert answer == {"ok": False, "errors": ["会議は開催中ではありません。"]}
    live.start(town.facilitator, meeting)
    assert not emit(sockets["school"], "pause", meeting)["ok"]
    assert not emit(sockets["facilitator"], "resume", meeting)["ok"]
    with pytest.raises(Forbidden):
        clock.pause(town.teacher, meeting)
    with pytest.raises(Refusal, match="休憩中ではありません"):
        clock.resume(town.facilitator, meeting)
