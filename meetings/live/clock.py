"""The meeting's clock: pausing and resuming the running meeting (休憩), kept on the server.

While paused, the current item's running time stands still: resuming moves the item's start by the
length of the pause, so every page computes the same time from the server's clock.
"""

from cases import policy
from meetings import access
from meetings.live.changes import Change, take_change_number
from meetings.models import Meeting, MeetingStatus
from portal import audit
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.transaction import transaction
from portal.types import utcnow


def _require_running(user: User, meeting: Meeting) -> None:
    """Refuse anyone but the meeting's runners, or a meeting not running."""
    policy.require(access.can_run(user, meeting))
    if meeting.status != MeetingStatus.LIVE:
        raise Refusal("会議は開催中ではありません。")


def _numbered(meeting: Meeting, user: User, kind: str) -> Change:
    """Number and audit the change, in the operation's transaction."""
    change = take_change_number(
        meeting, user, kind, [meeting.current_item_id] if meeting.current_item_id else []
    )
    audit.record(f"meeting.{kind}", actor=user, target=meeting, detail={"change": change.number})
    return change


def pause(user: User, meeting: Meeting) -> Change:
    """Pause the meeting: the current item's time stops on every page."""
    with transaction():
        _require_running(user, meeting)
        if meeting.paused_at is not None:
            raise Refusal("会議は休憩中です。")
        meeting.paused_at = utcnow()
        change = _numbered(meeting, user, "pause")
    db.session.refresh(meeting)
    return change


def resume(user: User, meeting: Meeting) -> Change:
    """Resume a paused meeting: the item's time goes on from where it stood."""
    with transaction():
        _require_running(user, meeting)
        if meeting.paused_at is None:
            raise Refusal("会議は休憩中ではありません。")
        now = utcnow()
        if meeting.item_started_at is not None:
            meeting.item_started_at = meeting.item_started_at + (now - meeting.paused_at)
        meeting.paused_at = None
        change = _numbered(meeting, user, "resume")
    db.session.refresh(meeting)
    return change
