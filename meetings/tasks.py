"""Role assignments of ended meetings as tasks of the assigned agency, with the home page panel."""

from dataclasses import dataclass
from datetime import datetime, time

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from cases import policy
from cases.models import Part
from meetings import access
from meetings.models import Meeting, MeetingStatus, RoleAssignment
from meetings.services import JST
from portal import audit
from portal.dates import today_in_japan
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


@dataclass
class TaskLine:
    """A task as the home page lists it: the task, its case number and the children the person may see."""

    task: RoleAssignment
    case_number: str
    children: list[str]


def task_lines(user: User) -> list[TaskLine]:
    """Return the person's open tasks with each case's number and the children they may see."""
    rows = open_tasks(user)
    cases = [r.case for r in rows if r.case is not None]
    access_by_case = policy.access_map(user, cases) if cases else {}
    lines = []
    for row in rows:
        found = access_by_case.get(row.case_id)
        names = (
            [c.name for c in row.case.children if found and found.child_visible(Part.BASIC, c.id)]
            if row.case
            else []
        )
        lines.append(TaskLine(row, row.case.case_number if row.case else "", names))
    return lines


def coming_meetings(user: User, limit: int = 5) -> list[Meeting]:
    """Return today's and the coming meetings the person runs or is invited to, soonest first."""
    start = datetime.combine(today_in_japan(), time(0), tzinfo=JST)
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                access.visible_meetings_clause(user),
                Meeting.starts_at >= start,
                Meeting.status != MeetingStatus.ENDED.value,
            )
            .order_by(Meeting.starts_at)
            .limit(limit)
        )
    )


def home_context(user: User) -> dict:
    """Return what templates/home/_meetings.html shows: the coming meetings and the open tasks."""
    return {
        "coming_meetings": coming_meetings(user),
        "task_lines": task_lines(user),
        "today_day": today_in_japan(),
    }


def home_panel(user: User) -> Markup | None:
    """Show today's and the coming meetings and the agency's open tasks (templates/home/_meetings.html)."""
    if not user.is_authenticated or not user.active or not access.may_use_meetings(user):
        return None
    context = home_context(user)
    if not context["coming_meetings"] and not context["task_lines"]:
        return None
    html = render_template("home/_meetings.html", **context)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template
