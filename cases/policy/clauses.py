"""The access rules as SQL clauses: the single source of the grant rules (cases/policy).

Listings filter with these; the Python checks load grants through the same clauses, so a listing
and a detail page cannot disagree.
"""

from datetime import date

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from cases.models import Case, Child, Part, Status
from cases.policy.roles import coordinated_council_ids, holds_case_role
from cases.sharing.models import AccessGrant, GrantCause
from portal.dates import today_in_japan
from portal.models import User

# The case a grant names, inside the IN (...) of visible_cases_clause. Made once: an alias sets up a
# copy of every column of cases on first use, which cost a ledger page half a millisecond each time.
_GRANTED_CASE = aliased(Case, name="granted_case")


def grant_active_clause(today, case=Case) -> ColumnElement[bool]:
    """Return the SQL rule for a grant that is in force today (joined to its case, or an alias of it).

    `today` is a date, or a bound parameter standing for one in a statement built once.
    """
    return and_(
        AccessGrant.revoked_at.is_(None),
        AccessGrant.valid_from <= today,
        or_(AccessGrant.valid_until.is_(None), AccessGrant.valid_until >= today),
        # The statutory basis covers registered cases only (not intake, not closed).
        or_(AccessGrant.cause != GrantCause.STATUTORY.value, case.status == Status.REGISTERED.value),
    )


def _user_grants_clause(user: User, today: date, part: Part | None, case=Case) -> ColumnElement[bool]:
    """Return the SQL rule for a grant that gives this person's agency access (to `part`)."""
    clause = and_(AccessGrant.agency_id == user.agency_id, grant_active_clause(today, case))
    if part is not None:
        clause = and_(clause, AccessGrant.parts.op("&")(part.bit) != 0)
    return clause


def visible_cases_clause(user: User, part: Part | None = None, today: date | None = None):
    """Return a WHERE clause on Case for the cases this person may see (at all, or `part` of)."""
    if not holds_case_role(user):
        return false()
    today = today or today_in_japan()
    council_ids = coordinated_council_ids(user)
    if not council_ids:
        # Only grants: the cases named by this agency's grants in force, as one uncorrelated
        # IN (...) the database evaluates once (an EXISTS per case row is 40x slower here).
        return Case.id.in_(
            select(AccessGrant.case_id)
            .join(_GRANTED_CASE, _GRANTED_CASE.id == AccessGrant.case_id)
            .where(_user_grants_clause(user, today, part, _GRANTED_CASE))
        )
    # Coordinators: their councils OR a grant (OR-ing two IN lists makes SQLite scan slowly).
    return or_(
        Case.council_id.in_(council_ids),
        exists().where(AccessGrant.case_id == Case.id, _user_grants_clause(user, today, part)),
    )


def household_cases_clause(user: User, part: Part, today: date | None = None):
    """Return a WHERE clause on Case for the cases whose `part` this person sees for the whole household.

    Household items (guardians, the household note) follow this rule, as CaseAccess.whole does:
    a share scoped to one child does not reveal them, nor lets a search by their names find the case.
    """
    if not holds_case_role(user):
        return false()
    today = today or today_in_japan()
    clauses = []
    council_ids = coordinated_council_ids(user)
    if council_ids:
        clauses.append(Case.council_id.in_(council_ids))
    clauses.append(
        exists().where(
            AccessGrant.case_id == Case.id,
            AccessGrant.child_id.is_(None),
            _user_grants_clause(user, today, part),
        )
    )
    return or_(*clauses)


def visible_children_clause(user: User, part: Part, today: date | None = None):
    """Return a WHERE clause on Child (correlated to Case) for the children whose `part` is visible."""
    if not holds_case_role(user):
        return false()
    today = today or today_in_japan()
    clauses = []
    council_ids = coordinated_council_ids(user)
    if council_ids:
        clauses.append(Case.council_id.in_(council_ids))
    clauses.append(
        exists()
        .where(
            AccessGrant.case_id == Child.case_id,
            _user_grants_clause(user, today, part),
            or_(AccessGrant.child_id.is_(None), AccessGrant.child_id == Child.id),
        )
        # Nested inside an EXISTS on Child within a SELECT of Case: correlate both outward.
        .correlate_except(AccessGrant)
    )
    return or_(*clauses)
