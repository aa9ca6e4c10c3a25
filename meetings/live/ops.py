"""What every live operation shares: numbering and auditing a change, the checks, loading an item."""

from sqlalchemy.orm import lazyload

from cases import policy
from meetings import access
from meetings.live import payloads
from meetings.live.changes import Change, take_change_number
from meetings.models import AgendaItem, Meeting, MeetingStatus
from portal import audit
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal


def _change(
    meeting: Meeting, user: User, kind: str, item_ids: list[int], detail: dict | None = None
) -> Change:
    """Number and audit one change, in the operation's transaction."""
    change = take_change_number(meeting, user, kind, item_ids)
    audit.record(
        f"meeting.{kind}", actor=user, target=meeting, detail={"change": change.number, **(detail or {})}
    )
    return change


def _require_live(user: User, meeting: Meeting) -> None:
    """Refuse live operations by anyone but the meeting's runners, or on a meeting not running."""
    policy.require(access.can_run(user, meeting))
    if meeting.status != MeetingStatus.LIVE:
        raise Refusal("会議は開催中ではありません。")


def _require_recording(user: User, meeting: Meeting) -> None:
    """Refuse record operations by anyone but a runner or the 記録係, or on a meeting not running."""
    policy.require(access.can_record(user, meeting))
    if meeting.status != MeetingStatus.LIVE:
        raise Refusal("会議は開催中ではありません。")


def _item(meeting: Meeting, item_id, user: User | None = None) -> AgendaItem:
    """Return one item of the meeting (with `user`: only one whose cases that person may see)."""
    # Its cases and agencies (joined by default) load only if the check below needs them.
    item = db.session.get(AgendaItem, item_id, options=[lazyload("*")]) if isinstance(item_id, int) else None
    if item is None or item.meeting_id != meeting.id:
        raise Refusal("議題が見つかりません。")
    if user is not None and not payloads.Reader(user, meeting).sees(item):
        raise Refusal("議題が見つかりません。")
    return item
