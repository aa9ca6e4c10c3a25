"""Attendance as a record (出席): who attended, marked by the facilitator or the 記録係.

Joining the room adds a person's row (and starting the meeting adds everyone already in the room);
the facilitator or 記録係 marks attended or not, adds people without a device or of agencies without
accounts, and notes late arrivals and early leaves. The minutes' 出席機関・出席者 and the numbered
copies follow this record; an unconfirmed draft of the minutes takes each change at once.
"""

import json
from dataclasses import dataclass

from sqlalchemy import select

from cases import policy
from meetings import access
from meetings.live.models import Attendance
from meetings.minutes.models import Minutes
from meetings.models import Meeting, MeetingStatus
from portal import audit
from portal.extensions import db
from portal.models import Agency, User
from portal.refusals import Refusal
from portal.transaction import transaction


@dataclass
class PersonInput:
    """Someone in the room the record adds by hand."""

    name: str
    agency_id: int | None = None
    agency_name: str = ""
    title: str = ""
    late: bool = False
    left_early: bool = False


def records(meeting: Meeting) -> list[Attendance]:
    """Return the meeting's attendance rows (attended or not), by agency and name."""
    rows = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()
    return sorted(rows, key=lambda a: (a.agency_label, a.person_name, a.id))


def attended(meeting: Meeting) -> list[Attendance]:
    """Return the people recorded as attending."""
    return [a for a in records(meeting) if a.attended]


def answered_not_recorded(meeting: Meeting) -> list:
    """Return invitations answered 出席 whose agency has nobody recorded as attending (a reminder)."""
    present = {a.agency_id for a in attended(meeting)}
    return [i for i in meeting.invitees if i.response == "attending" and i.agency_id not in present]


def _require_recorder(user: User, meeting: Meeting) -> None:
    """Refuse anyone but the facilitator or 記録係, and a meeting not yet started."""
    policy.require(access.can_record(user, meeting))
    if meeting.status == MeetingStatus.SCHEDULED:
        raise Refusal("出席は会議の開始後に記録します。")


def add_person(user: User, meeting: Meeting, data: PersonInput) -> Attendance:
    """Add a person present without a device, or of an agency without an account."""
    with transaction():
        _require_recorder(user, meeting)
        problems = []
        if not data.name.strip():
            problems.append("出席者の氏名を入力してください。")
        members = {a.id for a in meeting.council.members}
        if data.agency_id is not None and data.agency_id not in members:
            problems.append("機関は協議会の構成機関から選ぶか、機関名を入力してください。")
        if data.agency_id is None and not data.agency_name.strip():
            problems.append("機関を選ぶか、アカウントのない機関の名前を入力してください。")
        if problems:
            raise Refusal(*problems)
        row = Attendance(
            meeting_id=meeting.id,
            user_id=None,
            agency_id=data.agency_id,
            name=data.name.strip()[:60],
            agency_name="" if data.agency_id else data.agency_name.strip()[:120],
            title=data.title.strip()[:60],
            late=data.late,
            left_early=data.left_early,
        )
        db.session.add(row)
        db.session.flush()
        audit.record("meeting.attendance", actor=user, target=meeting, detail={"added": row.id})
        _refresh_draft(meeting)
    return row


def mark(
    user: User,
    meeting: Meeting,
    attendance_id: int,
    *,
    present: bool,
    late: bool,
    left_early: bool,
    note: str = "",
) -> Attendance:
    """Mark one row attended or not, late or leaving early."""
    with transaction():
        _require_recorder(user, meeting)
        row = db.session.get(Attendance, attendance_id)
        if row is None or row.meeting_id != meeting.id:
            raise Refusal("出席の記録が見つかりません。")
        row.attended, row.late, row.left_early, row.note = present, late, left_early, note.strip()[:120]
        detail = {"row": row.id, "attended": present, "late": late, "left_early": left_early}
        audit.record("meeting.attendance", actor=user, target=meeting, detail=detail)
        _refresh_draft(meeting)
    return row


def record_present(meeting: Meeting, users: list[User]) -> None:
    """Record everyone in the room as attending when the meeting starts (joins the caller's transaction)."""
    known = {a.user_id for a in records(meeting)}
    for person in users:
        if person.id not in known:
            db.session.add(Attendance(meeting_id=meeting.id, user_id=person.id, agency_id=person.agency_id))


def attendee_rows(meeting: Meeting) -> list[dict]:
    """Return the attendees as the minutes keep them: agency, name, role and 遅参・早退."""
    return [
        {
            "agency_id": a.agency_id,
            "agency": a.agency_label,
            "name": a.person_name,
            "title": a.person_title,
            "remark": a.remark,
        }
        for a in attended(meeting)
    ]


def _refresh_draft(meeting: Meeting) -> None:
    """Give an unconfirmed draft of the minutes the attendance as now recorded."""
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    latest = minutes.latest if minutes else None
    if latest is not None and not latest.locked:
        db.session.flush()
        latest.attendees = json.dumps(attendee_rows(meeting), ensure_ascii=False)


def agency_choices(meeting: Meeting) -> list[Agency]:
    """Return the agencies a hand-added person may belong to (the council's members)."""
    return sorted(meeting.council.members, key=lambda a: a.name)
