"""Who reports on which children, and who reads reports and alerts: built on THE policy in cases/.

Reports are the case part Part.REPORTS. An agency reports on a child when the child is enrolled
with it, the child's case is registered, its kind reports to the council (a council setting), and
the policy lets it see that child's reports part. Coordinators of the council read everything.
"""

from collections.abc import Iterable

from flask import abort
from sqlalchemy import select

from cases import policy
from cases.models import Case, Child, Part, Status
from portal.extensions import db
from portal.models import Agency, Council, User

COORDINATOR_ROLES = policy.COUNCIL_WIDE_ROLES


def reporting_categories(council: Council) -> set[str]:
    """Return the agency categories that send monthly reports to the council."""
    return {c.strip() for c in (council.report_agency_categories or "").split(",") if c.strip()}


def reports_to(agency: Agency, council: Council) -> bool:
    """Tell whether the agency is a member of the council of a kind that reports to it."""
    if not council.active or council not in agency.councils:
        return False
    return agency.category.value in reporting_categories(council)


def reporting_councils(user: User) -> list[Council]:
    """Return the councils this person's agency reports to (none without a case role)."""
    if not user.is_authenticated or not user.active or not user.has_role(*policy.CASE_ROLES):
        return []
    return [c for c in user.agency.councils if reports_to(user.agency, c)]


def may_report(user: User) -> bool:
    """Tell whether the person sends reports for their agency (the menu link)."""
    return bool(reporting_councils(user))


def _reportable_query(user: User, council: Council):
    """Return the SELECT of children this person's agency reports on to the council."""
    return (
        select(Child)
        .join(Case, Case.id == Child.case_id)
        .where(
            Case.council_id == council.id,
            Case.status == Status.REGISTERED.value,
            Child.enrolled_agency_id == user.agency_id,
            policy.visible_children_clause(user, Part.REPORTS),
        )
    )


def reportable_children(user: User, council: Council) -> list[Child]:
    """Return the registered children enrolled with the person's agency that it reports on."""
    if not reports_to(user.agency, council) or not user.has_role(*policy.CASE_ROLES):
        return []
    query = _reportable_query(user, council).order_by(Child.grade_class, Child.name_kana, Child.id)
    return list(db.session.scalars(query))


def can_report_on(user: User, council: Council, child_id: int) -> bool:
    """Tell whether the person may report on this child to the council."""
    if not reports_to(user.agency, council) or not user.has_role(*policy.CASE_ROLES):
        return False
    return db.session.scalar(_reportable_query(user, council).where(Child.id == child_id)) is not None


def visible_report_children(user: User, child_ids: Iterable[int]) -> set[int]:
    """Return which of these children's reports part the person may see."""
    ids = sorted(set(child_ids))
    if not ids:
        return set()
    query = (
        select(Child.id)
        .join(Case, Case.id == Child.case_id)
        .where(Child.id.in_(ids), policy.visible_children_clause(user, Part.REPORTS))
    )
    return set(db.session.scalars(query))


def coordinated_councils(user: User) -> list[Council]:
    """Return the councils whose reports, alerts and board this person oversees."""
    if not user.is_authenticated or not user.has_role(*COORDINATOR_ROLES):
        return []
    ids = policy.coordinated_council_ids(user)
    if not ids:
        return []
    return list(db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name)))


def may_oversee(user: User) -> bool:
    """Tell whether the person sees the alert list and the submission board (the menu links)."""
    return bool(coordinated_councils(user))


def require_oversight(user: User, council_id: int | None) -> Council:
    """Return the overseen council (the first one when none is named); 404 for any other."""
    councils = coordinated_councils(user)
    if not councils:
        abort(403)
    if council_id is None:
        return councils[0]
    for council in councils:
        if council.id == council_id:
            return council
    abort(404)


def overseers(council: Council) -> list[int]:
    """Return the ids of the people who receive the council's alerts (its coordinators)."""
    if council.coordinating_agency_id is None:
        return []
    users = db.session.scalars(
        select(User).where(User.agency_id == council.coordinating_agency_id, User.active)
    )
    return [u.id for u in users if u.has_role(*COORDINATOR_ROLES)]


def can_read_report(user: User, report) -> bool:
    """Tell whether the person may open a monthly report: its own agency's, or a coordinator's."""
    if report.agency_id == user.agency_id and user.has_role(*policy.CASE_ROLES):
        return True
    return report.council_id in {c.id for c in coordinated_councils(user)}
