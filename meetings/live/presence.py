"""Who is in the live room: connections joining and leaving, confirmed by their process, and attendance."""

import threading
import weakref
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, lazyload

from meetings import access
from meetings.live.models import Attendance, Presence
from meetings.models import Meeting, MeetingStatus
from portal import audit
from portal.extensions import db, socketio
from portal.models import Agency, Role, User, UserRole
from portal.transaction import transaction
from portal.types import utcnow


def join(user: User, meeting: Meeting, sid: str) -> bool:
    """Record a connection in the room and the person's attendance; return whether they were absent before."""
    with transaction():
        was_present = (
            db.session.scalar(
                select(Presence.sid).where(Presence.meeting_id == meeting.id, Presence.user_id == user.id)
            )
            is not None
        )
        db.session.merge(Presence(sid=sid, meeting_id=meeting.id, user_id=user.id, seen_at=utcnow()))
        if meeting.status == MeetingStatus.LIVE and not db.session.scalar(
            select(Attendance.id).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user.id)
        ):
            db.session.add(Attendance(meeting_id=meeting.id, user_id=user.id, agency_id=user.agency_id))
            audit.record("meeting.join", actor=user, target=meeting)
    return not was_present


def leave(sid: str) -> int | None:
    """Forget a closed connection; return its meeting's id."""
    with transaction():
        row = db.session.get(Presence, sid)
        if row is None:
            return None
        meeting_id = row.meeting_id
        db.session.delete(row)
    return meeting_id


def touch_presence(sids: list[str]) -> None:
    """Confirm that this process still serves these connections."""
    if sids:
        with transaction():
            db.session.execute(update(Presence).where(Presence.sid.in_(sids)).values(seen_at=utcnow()))


def present_users(meeting_id: int) -> list[User]:
    """Return the people with a confirmed open connection to the room, by agency and name."""
    # Each view needs the person's agency and roles; the agency's kind would be joined to every row.
    people = select(User).where(User.id.in_(_fresh_ids(meeting_id)), User.active)
    users = db.session.scalars(people.options(joinedload(User.agency).lazyload(Agency.kind))).all()
    return sorted(users, key=lambda u: (u.agency.name, u.name))


def present_views(meeting_id: int) -> list[tuple[User, list[int]]]:
    """Return the views of the people present (access.reader_key): one person of each, and all their ids.

    A change is built once per view, so only that one person is loaded whole; the others are read
    as plain rows (id, agency, roles: one row per role).
    """
    people = (
        select(User.id, User.agency_id, User.active, UserRole.role)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(User.id.in_(_fresh_ids(meeting_id)), User.active)
    )
    found: dict[int, tuple[int, bool, list[Role]]] = {}
    for user_id, agency_id, active, role in db.session.execute(people):
        roles = found.setdefault(user_id, (agency_id, active, []))[2]
        if role is not None:
            roles.append(Role(role))
    views: dict[tuple, list[int]] = {}
    for user_id, (agency_id, active, roles) in sorted(found.items()):
        views.setdefault(access.view_key(agency_id, roles, active), []).append(user_id)
    first = select(User).where(User.id.in_([ids[0] for ids in views.values()]))
    # A view's payload needs the person's agency id and roles, not the agency: it is left unjoined.
    loaded = {u.id: u for u in db.session.scalars(first.options(lazyload(User.agency)))}
    return [(loaded[ids[0]], ids) for ids in views.values()]


def _fresh_ids(meeting_id: int):
    """Return a SELECT of the ids of people with a connection to the room confirmed within the TTL."""
    fresh = utcnow() - timedelta(seconds=current_app.config["PRESENCE_TTL_SECONDS"])
    return (
        select(Presence.user_id)
        .where(Presence.meeting_id == meeting_id, Presence.seen_at >= fresh)
        .distinct()
    )


def attendance_of(meeting: Meeting) -> list[Attendance]:
    """Return who joined the meeting (出席者), by agency, for the page and the minutes."""
    rows = db.session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.attended)
    ).all()
    return sorted(rows, key=lambda a: (a.agency_label, a.person_name))


class Heartbeat:
    """Confirms, every third of the presence TTL, the live-room connections this process serves.

    A process that stops without running its disconnect handlers stops confirming, so its people
    drop out of the room's presence (and of the broadcasts) within the TTL, on every other process.
    """

    def __init__(self, app: Flask):
        self.app = weakref.ref(app)
        self.sids: set[str] = set()
        self.lock = threading.Lock()
        self.running = False

    @classmethod
    def of(cls, app: Flask) -> "Heartbeat":
        """Return the app's heartbeat, made on first use."""
        return app.extensions.setdefault("meeting_heartbeat", cls(app))

    def add(self, sid: str) -> None:
        """Start confirming a connection (and the beat, if it is not running)."""
        with self.lock:
            self.sids.add(sid)
            if self.running:
                return
            self.running = True
        socketio.start_background_task(self._beat)

    def discard(self, sid: str) -> None:
        """Stop confirming a closed connection."""
        with self.lock:
            self.sids.discard(sid)

    def _beat(self) -> None:
        """Confirm the connections until none is left (or the app is gone); a later join restarts it."""
        try:
            going = True
            while going:
                going = self._beat_once()
        finally:
            with self.lock:
                self.running = False

    def _beat_once(self) -> bool:
        """Wait a third of the TTL, then confirm the connections; tell whether to go on."""
        app = self.app()
        if app is None:
            return False
        interval = app.config["PRESENCE_TTL_SECONDS"] / 3
        del app
        socketio.sleep(interval)
        app = self.app()
        with self.lock:
            sids = sorted(self.sids)
        if not sids or app is None:
            return False
        try:
            with app.app_context():
                touch_presence(sids)
        except Exception:
            # A failed beat (the database briefly away) is retried at the next one.
            app.logger.warning("会議室の接続の確認に失敗しました", exc_info=True)
        return True
