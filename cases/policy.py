"""THE access policy: who may see which part of which case, in Python and in SQL.

Default deny. A person sees case data only through:
- coordinating the council: coordinators and facilitators of the council's 調整機関 see every
  case of that council, every part;
- an active grant to their agency (AccessGrant): statutory (a registered case, among involved
  member agencies), consent, emergency, or meeting; each for some parts, for a period, and
  possibly for one child only.
System administrators and auditors hold no case role and see nothing.

The SQL clauses below are the single source of the grant rules; the Python checks load grants
through the same clauses, so a listing and a detail page cannot disagree.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from cases.models import Case, Category, Child, Part, Status
from cases.notes.models import CaseNote
from cases.sharing.models import AccessGrant, GrantCause
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Council, Role, User

# Roles that may see case data at all (through the rules above).
CASE_ROLES = (Role.COORDINATOR, Role.FACILITATOR, Role.AGENCY_MEMBER, Role.CASEWORKER, Role.ADVISOR)
# Roles that see every case of a council they coordinate.
COUNCIL_WIDE_ROLES = (Role.COORDINATOR, Role.FACILITATOR)

WHOLE_CASE = None  # a scope entry meaning "every child of the case"


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


def grant_active_clause(today: date, case=Case) -> ColumnElement[bool]:
    """Return the SQL rule for a grant that is in force today (joined to its case, or an alias of it)."""
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


def supports_pregnancy(user: User, case: Case, access: "CaseAccess") -> bool:
    """Tell whether the person is the coordinating body's 母子保健 staff supporting this 特定妊婦 case."""
    center = case.council.coordinating_agency_id
    return case.category == Category.PREGNANT.value and user.agency_id == center and access.any


def can_write_plan(user: User, case: Case) -> bool:
    """Tell whether this person writes and reviews the case's support plans (and may be their 担当者)."""
    return can_manage_sharing(user, case) or supports_pregnancy(user, case, access_for(user, case))


def visible_cases_clause(user: User, part: Part | None = None, today: date | None = None):
    """Return a WHERE clause on Case for the cases this person may see (at all, or `part` of)."""
    if not holds_case_role(user):
        return false()
    today = today or today_in_japan()
    council_ids = coordinated_council_ids(user)
    if not council_ids:
        # Only grants: the cases named by this agency's grants in force, as one uncorrelated
        # IN (...) the database evaluates once (an EXISTS per case row is 40x slower here).
        granted = aliased(Case)
        return Case.id.in_(
            select(AccessGrant.case_id)
            .join(granted, granted.id == AccessGrant.case_id)
            .where(_user_grants_clause(user, today, part, granted))
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


def visible_cases(user: User, part: Part | None = None, today: date | None = None):
    """Return a SELECT of the cases this person may see; listings, counts and exports start here."""
    return select(Case).where(visible_cases_clause(user, part, today))


@dataclass
class CaseAccess:
    """What one person may see of one case: every part, or parts with child scopes."""

    full: bool = False
    # part -> ids of the children it covers; WHOLE_CASE (None) in the set means all of them.
    scopes: dict[Part, set[int | None]] = field(default_factory=dict)
    emergency: bool = False

    @property
    def any(self) -> bool:
        """Tell whether the case exists for this person at all."""
        return self.full or bool(self.scopes)

    def can(self, part: Part) -> bool:
        """Tell whether the person sees this part (for at least one child)."""
        return self.full or part in self.scopes

    def whole(self, part: Part) -> bool:
        """Tell whether the person sees this part for the whole household."""
        return self.full or WHOLE_CASE in self.scopes.get(part, ())

    def child_visible(self, part: Part, child_id: int | None) -> bool:
        """Tell whether the person sees this part for this child (None: household-level items)."""
        if self.whole(part):
            return True
        return child_id is not None and child_id in self.scopes.get(part, ())

    @property
    def parts(self) -> list[Part]:
        """Return the parts visible, in their fixed order."""
        return [p for p in Part if self.can(p)]


def access_map(user: User, cases: list[Case], today: date | None = None) -> dict[int, CaseAccess]:
    """Return each listed case's access for this person, with one query for all of them."""
    today = today or today_in_japan()
    result = {c.id: CaseAccess() for c in cases}
    # The same gate as the SQL clauses: a disabled person sees nothing, here as in listings.
    if not cases or not holds_case_role(user):
        return result
    council_ids = coordinated_council_ids(user)
    for case in cases:
        if case.council_id in council_ids:
            result[case.id].full = True
    rows = db.session.execute(
        select(AccessGrant.case_id, AccessGrant.parts, AccessGrant.child_id, AccessGrant.cause)
        .join(Case, Case.id == AccessGrant.case_id)
        .where(AccessGrant.case_id.in_(list(result)), _user_grants_clause(user, today, None))
    )
    for case_id, mask, child_id, cause in rows:
        access = result[case_id]
        if cause == GrantCause.EMERGENCY.value:
            access.emergency = True
        for part in Part:
            if mask & part.bit:
                access.scopes.setdefault(part, set()).add(child_id)
    for case in cases:
        if supports_pregnancy(user, case, result[case.id]):
            result[case.id].scopes.setdefault(Part.PLAN, set()).add(WHOLE_CASE)
    return result


def access_for(user: User, case: Case, today: date | None = None) -> CaseAccess:
    """Return what this person may see of one case."""
    return access_map(user, [case], today)[case.id]


def can_view(user: User, case: Case, part: Part, child_id: int | None = WHOLE_CASE) -> bool:
    """Tell whether this person may see `part` of this case (for a child, when given)."""
    access = access_for(user, case)
    if child_id is WHOLE_CASE:
        return access.can(part)
    return access.child_visible(part, child_id)


def can_edit_ledger(user: User, case: Case, access: CaseAccess | None = None) -> bool:
    """Tell whether this person may change the case's ledger fields.

    The coordinating body does; so does a 児童相談所 caseworker whose center is in the case
    (the joint ledger is kept by both).
    """
    access = access or access_for(user, case)
    if access.full:
        return True
    return user.has_role(Role.CASEWORKER) and access.whole(Part.LEDGER)


def can_manage_sharing(user: User, case: Case) -> bool:
    """Tell whether this person may register the case, record involvements and consents."""
    return user.has_role(*COUNCIL_WIDE_ROLES) and case.council_id in coordinated_council_ids(user)


def can_emergency_share(user: User, case: Case) -> bool:
    """Tell whether this person may permit an emergency share (a coordinator of the council)."""
    return user.has_role(Role.COORDINATOR) and case.council_id in coordinated_council_ids(user)


def can_add_note(user: User, case: Case, child_id: int | None, access: CaseAccess | None = None) -> bool:
    """Tell whether this person may write a case note (about a child, or the household)."""
    access = access or access_for(user, case)
    return access.child_visible(Part.NOTES, child_id)


def notes_clause(user: User, access: CaseAccess) -> ColumnElement[bool]:
    """Return the WHERE clause for the notes of a case this person may read."""
    if access.whole(Part.NOTES):
        return true()
    own = CaseNote.agency_id == user.agency_id
    children = [c for c in access.scopes.get(Part.NOTES, ()) if c is not None]
    if children:
        return or_(own, CaseNote.child_id.in_(children))
    return own if access.any else false()


def get_case_or_404(user: User, case_id: int, part: Part | None = None) -> tuple[Case, CaseAccess]:
    """Load a case and this person's access; a case (or part) they may not see answers 404."""
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    access = access_for(user, case)
    if not access.any or (part is not None and not access.can(part)):
        abort(404)
    return case, access


def require(allowed: bool) -> None:
    """Abort with 403 when a visible case's action is not allowed."""
    if not allowed:
        abort(403)


def active_emergency_grants(case: Case) -> list[AccessGrant]:
    """Return the emergency shares of a case in force today (they stand out on the case page)."""
    return list(
        db.session.scalars(
            select(AccessGrant)
            .join(Case, Case.id == AccessGrant.case_id)
            .where(
                AccessGrant.case_id == case.id,
                AccessGrant.cause == GrantCause.EMERGENCY.value,
                grant_active_clause(today_in_japan()),
            )
        )
    )
