"""Who holds a case role at all, and whose council-wide role covers which councils (cases/policy)."""

from flask import g, has_request_context
from sqlalchemy import select

from portal.extensions import db
from portal.models import Council, Role, User

# Roles that may see case data at all (through the rules of cases/policy).
CASE_ROLES = (Role.COORDINATOR, Role.FACILITATOR, Role.AGENCY_MEMBER, Role.CASEWORKER, Role.ADVISOR)
# Roles that see every case of a council they coordinate.
COUNCIL_WIDE_ROLES = (Role.COORDINATOR, Role.FACILITATOR)


def holds_case_role(user: User) -> bool:
    """Tell whether this person may see case data at all: logged in, not disabled, with a case role."""
    return user.is_authenticated and user.active and user.has_role(*CASE_ROLES)


def coordinated_council_ids(user: User) -> set[int]:
    """Return the councils whose every case this person sees (their agency coordinates them).

    Asked a dozen times by one page (the ledger, its watch panel, the masks), it is read once per
    request for the same person, agency and roles.
    """
    if not user.has_role(*COUNCIL_WIDE_ROLES):
        return set()
    if not has_request_context():
        return _read_coordinated(user.agency_id)
    key = (user.id, user.agency_id, tuple(sorted(r.value for r in user.roles)))
    seen = g.setdefault("_coordinated_council_ids", {})
    if key not in seen:
        seen[key] = frozenset(_read_coordinated(user.agency_id))
    return set(seen[key])


def _read_coordinated(agency_id: int | None) -> set[int]:
    """Return the active councils this agency coordinates."""
    return coordinated_by_agency({agency_id}).get(agency_id, set())


def coordinated_by_agency(agency_ids: set[int | None]) -> dict[int, set[int]]:
    """Return coordinating agency -> the active councils it coordinates, for several agencies at once."""
    councils: dict[int, set[int]] = {}
    found = select(Council.coordinating_agency_id, Council.id).where(Council.active)
    for agency_id, council_id in db.session.execute(
        found.where(Council.coordinating_agency_id.in_(agency_ids))
    ):
        councils.setdefault(agency_id, set()).add(council_id)
    return councils
