"""Who may see, run and join a meeting, and which case items each person sees (through cases.policy)."""

from flask import abort
from sqlalchemy import and_, or_, select

from cases import policy
from cases.models import Case, Part
from meetings.models import AgendaItem, Invitee, Meeting
from portal.extensions import db
from portal.models import Agency, Role, User, UserRole


def may_schedule(user: User) -> bool:
    """Tell whether this person schedules meetings: a coordinator or facilitator of a council."""
    return user.is_authenticated and bool(policy.coordinated_council_ids(user))


def may_use_meetings(user: User) -> bool:
    """Tell whether the meetings link is shown: anyone with a case role (invitations reach them)."""
    return user.is_authenticated and user.active and user.has_role(*policy.CASE_ROLES)


def can_run(user: User, meeting: Meeting) -> bool:
    """Tell whether this person runs the meeting (start, move, record): the council's coordinating staff."""
    return (
        user.is_authenticated and user.active and meeting.council_id in policy.coordinated_council_ids(user)
    )


def can_record(user: User, meeting: Meeting) -> bool:
    """Tell whether this person types the record (notes, decisions, roles): a runner or the 記録係."""
    if can_run(user, meeting):
        return True
    return (
        user.is_authenticated
        and user.active
        and meeting.recorder_id is not None
        and meeting.recorder_id == user.id
        and can_see(user, meeting)
    )


def invited_clause(user: User):
    """Return a WHERE clause on Meeting for the meetings this person's agency (or they) are invited to."""
    return Meeting.id.in_(
        select(Invitee.meeting_id).where(
            Invitee.agency_id == user.agency_id, or_(Invitee.user_id.is_(None), Invitee.user_id == user.id)
        )
    )


def visible_meetings_clause(user: User):
    """Return a WHERE clause on Meeting for what this person may see: invited, or running it."""
    if not may_use_meetings(user):
        return and_(Meeting.id.is_(None), Meeting.id.is_not(None))
    councils = policy.coordinated_council_ids(user)
    return or_(Meeting.council_id.in_(councils), invited_clause(user)) if councils else invited_clause(user)


def can_see(user: User, meeting: Meeting) -> bool:
    """Tell whether this person may see (and join) the meeting."""
    if not may_use_meetings(user):
        return False
    if meeting.council_id in policy.coordinated_council_ids(user):
        return True  # the first half of visible_meetings_clause, known without a query (the runners)
    return (
        db.session.scalar(select(Meeting.id).where(Meeting.id == meeting.id, visible_meetings_clause(user)))
        is not None
    )


def get_meeting_or_404(user: User, meeting_id: int, run: bool = False) -> Meeting:
    """Load a meeting the person may see (404 otherwise); with `run`, one they run (403 otherwise)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_see(user, meeting):
        abort(404)
    if run and not can_run(user, meeting):
        abort(403)
    return meeting


def invitation_of(user: User, meeting: Meeting) -> Invitee | None:
    """Return the invitation this person answers (their own, else their agency's)."""
    rows = [i for i in meeting.invitees if i.agency_id == user.agency_id and i.user_id in (None, user.id)]
    rows.sort(key=lambda i: i.user_id is None)
    return rows[0] if rows else None


def shared_case_ids(user: User, cases: list[Case]) -> set[int]:
    """Return the cases whose meeting items this person sees: the ledger or meeting records part is shared."""
    access = policy.access_map(user, cases)
    return {cid for cid, a in access.items() if a.can(Part.LEDGER) or a.can(Part.MEETINGS)}


def item_cases(items: list[AgendaItem]) -> list[Case]:
    """Return the distinct cases the items take up (their own and the linked ones)."""
    seen: dict[int, Case] = {}
    for item in items:
        for case in item.cases:
            seen.setdefault(case.id, case)
    return list(seen.values())


def agency_viewer(agency: Agency) -> User:
    """Return a stand-in member of the agency: the policy's view for the agency as a whole.

    Grants go to agencies; a case role other than coordinating adds nothing, so an agency member
    sees exactly what every attendee of the agency may see. It is never added to the session.
    """
    return User(
        id=None,
        name=agency.name,
        agency_id=agency.id,
        active=True,
        role_rows=[UserRole(role=Role.AGENCY_MEMBER.value)],
    )


def reader_key(user: User) -> tuple:
    """Return what a person's view of case items depends on: their agency and roles (for caching)."""
    return view_key(user.agency_id, user.roles, user.active)


def view_key(agency_id: int | None, roles, active: bool) -> tuple:
    """Return reader_key from the parts of a person that were read as plain rows."""
    return (agency_id, tuple(sorted(roles)), active)


def is_runner_role(user: User) -> bool:
    """Tell whether the person holds a role that can run meetings at all."""
    return user.has_role(Role.COORDINATOR, Role.FACILITATOR)
