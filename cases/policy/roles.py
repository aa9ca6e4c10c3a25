"""Who holds a case role at all, and whose council-wide role covers which councils (cases/policy)."""

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
    """Return the councils whose every case this person sees (their agency coordinates them)."""
    if not user.has_role(*COUNCIL_WIDE_ROLES):
        return set()
    return set(
        db.session.scalars(
            select(Council.id).where(Council.coordinating_agency_id == user.agency_id, Council.active)
        )
    )
