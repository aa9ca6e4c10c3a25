"""Numbered changes of a meeting: each live change takes the next number; a page resyncs from its own."""

import json
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from meetings.live.models import MeetingChange
from meetings.models import Meeting
from portal.extensions import db
from portal.models import User


@dataclass
class Change:
    """What one operation changed: its number, kind and the items it touched."""

    number: int
    kind: str
    item_ids: list[int] = field(default_factory=list)


def take_change_number(meeting: Meeting, user: User, kind: str, item_ids: list[int]) -> Change:
    """Give the change the meeting's next number (the UPDATE serialises concurrent writers)."""
    number = db.session.scalar(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(change_number=Meeting.change_number + 1)
        .returning(Meeting.change_number)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(meeting, "change_number", number)  # as stored; the session need not write it
    db.session.add(
        MeetingChange(
            meeting_id=meeting.id, number=number, kind=kind, item_ids=json.dumps(item_ids), user_id=user.id
        )
    )
    return Change(number, kind, item_ids)


# A page further behind than this many changes gets the full state instead of the changes.
MAX_REPLAY = 200


def changes_since(meeting: Meeting, number: int) -> list[MeetingChange] | None:
    """Return the changes after `number`, or None when the page should take the full state."""
    if number < 0 or number > meeting.change_number or meeting.change_number - number > MAX_REPLAY:
        return None
    return list(
        db.session.scalars(
            select(MeetingChange)
            .where(MeetingChange.meeting_id == meeting.id, MeetingChange.number > number)
            .order_by(MeetingChange.number)
        )
    )
