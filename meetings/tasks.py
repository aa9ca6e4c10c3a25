"""Role assignments of ended meetings as tasks of the assigned agency, with the home page panel."""

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from meetings import access
from meetings.models import Meeting, MeetingStatus, RoleAssignment
from portal import audit
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.transaction import transaction
from portal.types import utcnow


def _shown(user: User, rows: list[RoleAssignment]) -> list[RoleAssignment]:
    """Keep the tasks whose item the person may see: every case it took up is shared with them."""
    cases = {case.id: case for row in rows for case in row.item.cases}
    shared = access.shared_case_ids(user, list(cases.values())) if cases else set()
    return [row for row in rows if all(case_id in shared for case_id in row.item.case_ids)]


def open_tasks(user: User) -> list[RoleAssignment]:
    """Return the open tasks of the person's agency from ended meetings that they may see, soonest first."""
    rows = db.session.scalars(
        select(RoleAssignment)
        .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
        .where(
            RoleAssignment.agency_id == user.agency_id,
            RoleAssignment.done_at.is_(None),
            Meeting.status == MeetingStatus.ENDED.value,
        )
    ).all()
    return sorted(_shown(user, rows), key=lambda r: (r.due_on is None, r.due_on, r.id))


def mark_done(user: User, task_id: int) -> RoleAssignment:
    """Mark one of the agency's tasks done."""
    row = db.session.get(RoleAssignment, task_id)
    if row is None or row.agency_id != user.agency_id or row.meeting.status != MeetingStatus.ENDED:
        raise Refusal("役割が見つかりません。")
    if not _shown(user, [row]):
        raise Refusal("役割が見つかりません。")
    if row.done_at is None:
        with transaction():
            row.done_at = utcnow()
            row.done_by_id = user.id
            audit.record("meeting.task_done", actor=user, target=row.meeting, detail={"task": row.id})
    return row


def home_panel(user: User) -> Markup | None:
    """Show the agency's open tasks with their due dates."""
    if not user.is_authenticated or not user.active:
        return None
    rows = open_tasks(user)
    if not rows:
        return None
    html = render_template("meetings/_panel_tasks.html", tasks=rows)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template
