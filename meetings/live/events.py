"""The live room's Socket.IO namespace: each handler checks the login, calls one service, then sends.

Rooms are chosen here, never by the client: a connection joins its person's room, the meeting's
room (presence only) and the meeting's per-person room, through which every change is sent with a
payload built for that person. Handlers answer with an acknowledgement: {"ok": True, "number": n}
or {"ok": False, "errors": [...]}, plus "conflict" when notes were saved by someone else meanwhile.
"""

from flask import current_app, request
from flask_login import current_user
from flask_socketio import Namespace, disconnect, emit, join_room, leave_room
from werkzeug.exceptions import HTTPException

from meetings import access
from meetings.live import changes, clock, payloads, presence
from meetings.live import services as live
from meetings.live.models import Presence
from meetings.models import Meeting
from portal import realtime, schemas
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
    """Send a change to everyone present, each payload built through the policy for its reader.

    People of one view (agency and roles) get the same payload: the views' access is looked up in
    one query, and each view's payload is built, encoded and sent once, to all its readers' rooms.
    """
    views = presence.present_views(meeting.id)
    loaded = payloads.touched_items(meeting, set(change.item_ids))
    readers = payloads.Reader.each([user for user, _ in views], meeting, loaded[0])
    # The views that see fewest of the touched items are quickest to build (a hidden item is a line,
    # a shared current item carries its case cards): they go first, so most pages have the change
    # while the fuller views are still being built.
    ordered = sorted(zip(views, readers, strict=True), key=lambda pair: sum(map(pair[1].sees, loaded[0])))
    for (_, user_ids), reader in ordered:
        payload = payloads.change(reader, change.number, change.kind, set(change.item_ids), loaded)
        rooms = [reader_room(meeting.id, user_id) for user_id in user_ids]
        socketio.emit("change", payload, to=rooms, namespace=NAMESPACE)
    return sum(len(user_ids) for _, user_ids in views)


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


# What each event reads from its payload (anything else in it is ignored; a wrong shape is refused).
MEETING = {"meeting_id": schemas.ident()}
SYNC = {**MEETING, "last_number": schemas.number(0, 10**9)}
ITEM = {**MEETING, "item_id": schemas.ident()}
NOTES = {**ITEM, "notes": schemas.text(4 * live.MAX_NOTES), "version": schemas.number(0, 10**9)}
DECISION = {
    **ITEM,
    "decision": schemas.text(4 * live.MAX_DECISION),
    "next_review_on": schemas.day(),
    "lead_agency_id": schemas.ident(required=False),
    "closure_reason": schemas.text(30),
    "situation": schemas.text(4 * live.MAX_DECISION),
    "risk_level": schemas.number(1, 3),
    "risk_reason": schemas.text(800),
    "short_goals": schemas.text(4 * live.MAX_DECISION),
    "long_goals": schemas.text(4 * live.MAX_DECISION),
    "key_person": schemas.text(480),
}
ASSIGN = {
    **ITEM,
    "agency_id": schemas.ident(),
    "person": schemas.text(60),
    "task": schemas.text(4 * live.MAX_TASK),
    "due_on": schemas.day(),
}
UNASSIGN = {**MEETING, "assignment_id": schemas.ident()}
NOT_FOUND = "会議が見つかりません。"


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

    def _meeting(self, user, meeting_id: int) -> Meeting | None:
        """Load the meeting if the person may see it."""
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None or not access.can_see(user, meeting):
            return None
        return meeting

    def _open(self, data, spec: dict):
        """Check the person, the payload and the meeting; return (person, meeting, fields) or an ack."""
        user = self._user()
        if user is None:
            return None, None, {"ok": False, "errors": [NOT_FOUND]}
        try:
            fields = schemas.parse(data, spec)
        except Refusal as error:
            return None, None, realtime.refused(error)
        meeting = self._meeting(user, fields["meeting_id"])
        if meeting is None:
            return None, None, {"ok": False, "errors": [NOT_FOUND]}
        return user, meeting, fields

    def on_join(self, data):
        """Enter a meeting's room; send the full state, or the changes after the page's last number."""
        user, meeting, fields = self._open(data, SYNC)
        if meeting is None:
            return fields
        previous = db.session.get(Presence, request.sid)
        if previous is not None and previous.meeting_id != meeting.id:
            leave_room(meeting_room(previous.meeting_id))
            leave_room(reader_room(previous.meeting_id, user.id))
        join_room(meeting_room(meeting.id))
        join_room(reader_room(meeting.id, user.id))
        presence.join(user, meeting, request.sid)
        presence.Heartbeat.of(current_app._get_current_object()).add(request.sid)
        self._sync(user, meeting, fields["last_number"])
        send_presence(meeting.id)
        return {"ok": True, "number": meeting.change_number}

    def on_resync(self, data):
        """Send what the page missed since its last change number."""
        user, meeting, fields = self._open(data, SYNC)
        if meeting is None:
            return fields
        self._sync(user, meeting, fields["last_number"])
        return {"ok": True, "number": meeting.change_number}

    def _sync(self, user, meeting: Meeting, number: int | None) -> None:
        """Emit to this connection the changes since `number` folded into one, or the full state."""
        reader = payloads.Reader(user, meeting)
        missed = changes.changes_since(meeting, number) if number is not None else None
        if missed is None:
            state = payloads.full_state(reader, presence.present_users(meeting.id))
            emit("state", state)
        elif missed:
            touched = {i for c in missed for i in c.touched}
            emit("change", payloads.change(reader, meeting.change_number, "resync", touched))

    def _run(self, data, spec: dict, operation):
        """Check the person, payload and meeting, run one live operation, send the change; return the ack."""
        user, meeting, fields = self._open(data, spec)
        if meeting is None:
            return fields
        try:
            change = operation(user, meeting, fields)
        except live.NotesConflict as conflict:
            saved = {"item_id": conflict.item_id, "notes": conflict.notes, "version": conflict.version}
            return {**realtime.refused(conflict), "conflict": saved}
        except (Refusal, HTTPException) as error:
            return realtime.refused(error)
        broadcast(meeting, change)
        return {"ok": True, "number": change.number}

    def on_start(self, data):
        """Start the meeting."""
        return self._run(data, MEETING, lambda u, m, f: live.start(u, m))

    def on_pause(self, data):
        """Pause the meeting (休憩): the item's time stops on every page."""
        return self._run(data, MEETING, lambda u, m, f: clock.pause(u, m))

    def on_resume(self, data):
        """Resume the paused meeting."""
        return self._run(data, MEETING, lambda u, m, f: clock.resume(u, m))

    def on_move(self, data):
        """Make an item current."""
        return self._run(data, ITEM, lambda u, m, f: live.go_to(u, m, f["item_id"]))

    def on_notes(self, data):
        """Save an item's notes against the version the page had."""
        return self._run(
            data, NOTES, lambda u, m, f: live.save_notes(u, m, f["item_id"], f["notes"], f["version"] or 0)
        )

    def on_decision(self, data):
        """Record an item's decision, next review, lead agency or closure."""

        def operation(user, meeting, f):
            names = ("situation", "risk_level", "risk_reason", "short_goals", "long_goals", "key_person")
            decision = live.Decision(
                decision=f["decision"],
                next_review_on=f["next_review_on"],
                lead_agency_id=f["lead_agency_id"],
                closure_reason=f["closure_reason"],
                **{name: f[name] for name in names},
            )
            return live.record(user, meeting, f["item_id"], decision)

        return self._run(data, DECISION, operation)

    def on_approve_shared(self, data):
        """Approve every 共有のみ case's draft policy."""
        return self._run(data, MEETING, lambda u, m, f: live.approve_shared(u, m))

    def on_assign(self, data):
        """Add a role assignment."""

        def operation(user, meeting, f):
            return live.assign(
                user, meeting, f["item_id"], f["agency_id"], f["person"], f["task"], f["due_on"]
            )

        return self._run(data, ASSIGN, operation)

    def on_unassign(self, data):
        """Remove a role assignment."""
        return self._run(data, UNASSIGN, lambda u, m, f: live.unassign(u, m, f["assignment_id"]))

    def on_end(self, data):
        """End the meeting and write its decisions back."""
        return self._run(data, MEETING, lambda u, m, f: live.end(u, m))


def init_app(app) -> None:
    """Attach the namespace to this app's Socket.IO server, with its last-resort error answer."""
    socketio.on_namespace(MeetingNamespace(NAMESPACE))
    socketio.on_error(NAMESPACE)(realtime.failed)
