"""The live room's Socket.IO namespace: each handler checks the login, calls one service, then sends.

Rooms are chosen here, never by the client: a connection joins its person's room, the meeting's
room (presence only) and the meeting's per-person room, through which every change is sent with a
payload built for that person. Handlers answer with an acknowledgement: {"ok": True, "number": n}
or {"ok": False, "errors": [...]}, plus "conflict" when notes were saved by someone else meanwhile.
"""

from datetime import date

from flask import current_app, request
from flask_login import current_user
from flask_socketio import Namespace, disconnect, emit, join_room, leave_room
from werkzeug.exceptions import HTTPException

from meetings import access
from meetings.live import changes, payloads, presence
from meetings.live import services as live
from meetings.live.models import Presence
from meetings.models import Meeting
from portal import realtime
from portal.extensions import db, socketio
from portal.refusals import Refusal

NAMESPACE = "/meetings"


def meeting_room(meeting_id: int) -> str:
    """Return the room of every open page of a meeting (presence notices only)."""
    return f"meeting:{meeting_id}"


def reader_room(meeting_id: int, user_id: int) -> str:
    """Return the room of one person's pages of a meeting."""
    return f"meeting:{meeting_id}:user:{user_id}"


def broadcast(meeting: Meeting, change: live.Change) -> int:
    """Send a change to everyone present, each payload built through the policy for its reader."""
    built: dict[tuple, dict] = {}
    users = presence.present_users(meeting.id)
    for user in users:
        key = access.reader_key(user)
        if key not in built:
            built[key] = payloads.change(
                payloads.Reader(user, meeting), change.number, change.kind, set(change.item_ids)
            )
        socketio.emit("change", built[key], to=reader_room(meeting.id, user.id), namespace=NAMESPACE)
    return len(users)


def send_states(meeting: Meeting) -> None:
    """Send everyone present their full state again (after a change of who may do what, e.g. 記録係)."""
    users = presence.present_users(meeting.id)
    for user in users:
        state = payloads.full_state(payloads.Reader(user, meeting), users)
        socketio.emit("state", state, to=reader_room(meeting.id, user.id), namespace=NAMESPACE)


def send_presence(meeting_id: int) -> None:
    """Tell the room who is present now."""
    people = payloads.presence_list(presence.present_users(meeting_id))
    socketio.emit("presence", {"presence": people}, to=meeting_room(meeting_id), namespace=NAMESPACE)


def _date(value) -> date | None:
    """Parse an ISO date from a payload, or refuse it."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise Refusal("日付が正しくありません。") from error


def _int(value) -> int | None:
    """Parse an id from a payload."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class MeetingNamespace(Namespace):
    """Handlers of the live meeting room."""

    def on_connect(self, auth=None):
        """Accept a live login only, in their person's room (so logging them out closes it)."""
        if not realtime.session_is_live():
            return False
        join_room(realtime.user_room(current_user.id))
        return True

    def on_disconnect(self, reason=None):
        """Forget the connection and tell the room."""
        presence.Heartbeat.of(current_app._get_current_object()).discard(request.sid)
        meeting_id = presence.leave(request.sid)
        if meeting_id is not None:
            send_presence(meeting_id)

    def _user(self):
        """Return the person, or disconnect one whose login has ended or was disabled."""
        if not realtime.session_is_live():
            disconnect()
            return None
        return current_user._get_current_object()

    def _meeting(self, user, data) -> Meeting | None:
        """Load the meeting named in the payload if the person may see it."""
        meeting_id = _int((data or {}).get("meeting_id"))
        meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
        if meeting is None or not access.can_see(user, meeting):
            return None
        return meeting

    def on_join(self, data):
        """Enter a meeting's room; send the full state, or the changes after the page's last number."""
        user = self._user()
        meeting = self._meeting(user, data) if user else None
        if meeting is None:
            return {"ok": False, "errors": ["会議が見つかりません。"]}
        previous = db.session.get(Presence, request.sid)
        if previous is not None and previous.meeting_id != meeting.id:
            leave_room(meeting_room(previous.meeting_id))
            leave_room(reader_room(previous.meeting_id, user.id))
        join_room(meeting_room(meeting.id))
        join_room(reader_room(meeting.id, user.id))
        presence.join(user, meeting, request.sid)
        presence.Heartbeat.of(current_app._get_current_object()).add(request.sid)
        self._sync(user, meeting, (data or {}).get("last_number"))
        send_presence(meeting.id)
        return {"ok": True, "number": meeting.change_number}

    def on_resync(self, data):
        """Send what the page missed since its last change number."""
        user = self._user()
        meeting = self._meeting(user, data) if user else None
        if meeting is None:
            return {"ok": False, "errors": ["会議が見つかりません。"]}
        self._sync(user, meeting, (data or {}).get("last_number"))
        return {"ok": True, "number": meeting.change_number}

    def _sync(self, user, meeting: Meeting, last_number) -> None:
        """Emit to this connection the changes since `last_number` folded into one, or the full state."""
        reader = payloads.Reader(user, meeting)
        number = _int(last_number)
        missed = changes.changes_since(meeting, number) if number is not None else None
        if missed is None:
            state = payloads.full_state(reader, presence.present_users(meeting.id))
            emit("state", state)
        elif missed:
            touched = {i for c in missed for i in c.touched}
            emit("change", payloads.change(reader, meeting.change_number, "resync", touched))

    def _run(self, data, operation):
        """Check the person and meeting, run one live operation, send the change; return the ack."""
        user = self._user()
        meeting = self._meeting(user, data) if user else None
        if meeting is None:
            return {"ok": False, "errors": ["会議が見つかりません。"]}
        try:
            change = operation(user, meeting, data)
        except live.NotesConflict as conflict:
            saved = {"item_id": conflict.item_id, "notes": conflict.notes, "version": conflict.version}
            return {**realtime.refused(conflict), "conflict": saved}
        except (Refusal, HTTPException) as error:
            return realtime.refused(error)
        broadcast(meeting, change)
        return {"ok": True, "number": change.number}

    def on_start(self, data):
        """Start the meeting."""
        return self._run(data, lambda u, m, d: live.start(u, m))

    def on_move(self, data):
        """Make an item current."""
        return self._run(data, lambda u, m, d: live.go_to(u, m, _int(d.get("item_id"))))

    def on_notes(self, data):
        """Save an item's notes against the version the page had."""
        return self._run(
            data,
            lambda u, m, d: live.save_notes(
                u, m, _int(d.get("item_id")), str(d.get("notes", "")), _int(d.get("version")) or 0
            ),
        )

    def on_decision(self, data):
        """Record an item's decision, next review, lead agency or closure."""

        def operation(user, meeting, d):
            decision = live.Decision(
                decision=str(d.get("decision", "")),
                next_review_on=_date(d.get("next_review_on")),
                lead_agency_id=_int(d.get("lead_agency_id")),
                closure_reason=str(d.get("closure_reason", "") or ""),
            )
            return live.record(user, meeting, _int(d.get("item_id")), decision)

        return self._run(data, operation)

    def on_approve_shared(self, data):
        """Approve every 共有のみ case's draft policy."""
        return self._run(data, lambda u, m, d: live.approve_shared(u, m))

    def on_assign(self, data):
        """Add a role assignment."""
        return self._run(
            data,
            lambda u, m, d: live.assign(
                u,
                m,
                _int(d.get("item_id")),
                _int(d.get("agency_id")) or 0,
                str(d.get("person", "")),
                str(d.get("task", "")),
                _date(d.get("due_on")),
            ),
        )

    def on_unassign(self, data):
        """Remove a role assignment."""
        return self._run(data, lambda u, m, d: live.unassign(u, m, _int(d.get("assignment_id"))))

    def on_end(self, data):
        """End the meeting and write its decisions back."""
        return self._run(data, lambda u, m, d: live.end(u, m))


def init_app(app) -> None:
    """Attach the namespace to this app's Socket.IO server."""
    socketio.on_namespace(MeetingNamespace(NAMESPACE))
