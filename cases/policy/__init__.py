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

import functools
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import Date, bindparam, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from cases.models import Case, Category, Part, mask_parts, parts_mask
from cases.notes.models import CaseNote
from cases.policy.clauses import (
    grant_active_clause,
    household_cases_clause,
    visible_cases_clause,
    visible_children_clause,
)
from cases.policy.roles import (
    CASE_ROLES,
    COUNCIL_WIDE_ROLES,
    coordinated_by_agency,
    coordinated_council_ids,
    holds_case_role,
)
from cases.sharing.models import AccessGrant, GrantCause
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import AgencyCategory, Council, Role, User

__all__ = [
    "CASE_ROLES",
    "COUNCIL_WIDE_ROLES",
    "coordinated_council_ids",
    "grant_active_clause",
    "holds_case_role",
    "household_cases_clause",
    "visible_cases_clause",
    "visible_children_clause",
]

WHOLE_CASE = None  # a scope entry meaning "every child of the case"


def meeting_invitation_grants(case: Case, agency_id: int, household: bool) -> list[tuple[int, int | None]]:
    """Return the (parts mask, child id or WHOLE_CASE) grants a case meeting's invitation gives an agency.

    The meeting discusses the case's ledger status and its own record: those are shared for the case.
    Of the children, only the agency's own (enrolled) children are named; the household's other
    children, the guardians and the household note only when the coordinator ticks them, with a reason.
    """
    if household:
        return [(parts_mask([Part.BASIC, Part.LEDGER, Part.MEETINGS]), WHOLE_CASE)]
    own = [(Part.BASIC.bit, c.id) for c in case.children if c.enrolled_agency_id == agency_id]
    return [(parts_mask([Part.LEDGER, Part.MEETINGS]), WHOLE_CASE), *own]


def visible_cases(user: User, part: Part | None = None, today: date | None = None):
    """Return a SELECT of the cases this person may see; listings, counts and exports start here."""
    return select(Case).where(visible_cases_clause(user, part, today))


@dataclass
class CaseAccess:
    """What one person may see of one case: every part, or parts with child scopes."""

    full: bool = False
    # part -> ids of the children it covers; WHOLE_CASE (None) in the set means all of them.
    scopes: dict[Part, set[int | None]] = field(default_factory=dict)
    emergency: bool = False  # seen through an emergency share (not looked up where seen whole)

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


def supports_pregnancy(user: User, case: Case, access: "CaseAccess") -> bool:
    """Tell whether the person is the coordinating body's 母子保健 staff supporting this 特定妊婦 case."""
    if case.category != Category.PREGNANT.value or not access.any:
        return False
    return user.agency_id == case.council.coordinating_agency_id


def can_write_plan(user: User, case: Case) -> bool:
    """Tell whether this person writes and reviews the case's support plans (and may be their 担当者)."""
    return can_manage_sharing(user, case) or supports_pregnancy(user, case, access_for(user, case))


def access_map(user: User, cases: list[Case], today: date | None = None) -> dict[int, CaseAccess]:
    """Return each listed case's access for this person, with one query for all of them."""
    return access_maps([user], cases, today)[0]


def access_maps(users: list[User], cases: list[Case], today: date | None = None) -> list[dict]:
    """Return access_map for each person (the live room's views) with one query of grants for all."""
    results = [{c.id: CaseAccess() for c in cases} for _ in users]
    # The same gate as the SQL clauses: a disabled person sees nothing, here as in listings.
    people = [(u, r) for u, r in zip(users, results, strict=True) if cases and holds_case_role(u)]
    if not people:
        return results
    councils = _coordinated_by_agency([u for u, _ in people if u.has_role(*COUNCIL_WIDE_ROLES)])
    for user, result in people:
        own = councils.get(user.agency_id, set()) if user.has_role(*COUNCIL_WIDE_ROLES) else set()
        for case in cases:
            result[case.id].full = case.council_id in own
    # Grants widen only what is not seen whole already: a coordinator's page of their own council's
    # cases needs no grant at all.
    partial = {case_id for _, result in people for case_id, access in result.items() if not access.full}
    grants = _active_grants(partial, {u.agency_id for u, _ in people}, today) if partial else {}
    for user, result in people:
        for case_id, mask, child_id, cause in grants.get(user.agency_id, ()):
            access = result[case_id]
            access.emergency |= cause == GrantCause.EMERGENCY.value
            for part in _parts_of(mask):
                access.scopes.setdefault(part, set()).add(child_id)
        for case in cases:
            if supports_pregnancy(user, case, result[case.id]):
                result[case.id].scopes.setdefault(Part.PLAN, set()).add(WHOLE_CASE)
    return results


# Built once with placeholders: building and keying this statement took 0.3 ms, running it 0.2.
_GRANTS_IN_FORCE = (
    select(AccessGrant.agency_id, AccessGrant.case_id, AccessGrant.parts, AccessGrant.child_id)
    .add_columns(AccessGrant.cause)
    .join(Case, Case.id == AccessGrant.case_id)
    .where(AccessGrant.case_id.in_(bindparam("case_ids", expanding=True)))
    .where(AccessGrant.agency_id.in_(bindparam("agency_ids", expanding=True)))
    .where(grant_active_clause(bindparam("today", type_=Date)))
)


def _active_grants(case_ids: set[int], agency_ids: set[int], today: date | None) -> dict[int, list]:
    """Return agency -> (case id, parts mask, child id, cause) of the grants in force on these cases."""
    values = {"case_ids": sorted(case_ids), "agency_ids": sorted(agency_ids)}
    values["today"] = today or today_in_japan()
    grants: dict[int, list] = {}
    for agency_id, *grant in db.session.execute(_GRANTS_IN_FORCE, values):
        grants.setdefault(agency_id, []).append(grant)
    return grants


@functools.cache
def _parts_of(mask: int) -> tuple[Part, ...]:
    """Return the parts a grant's bit mask holds (a handful of masks recur across every grant)."""
    return tuple(mask_parts(mask))


def _coordinated_by_agency(people: list[User]) -> dict[int, set[int]]:
    """Return coordinating agency -> its councils (coordinated_council_ids) for these people at once."""
    if len(people) == 1:  # one person's page: the councils the request has read already
        return {people[0].agency_id: coordinated_council_ids(people[0])}
    return coordinated_by_agency({u.agency_id for u in people}) if people else {}


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
    """Tell whether this person may change the case's ledger fields: the coordinating body, or a
    児童相談所 caseworker whose center is in the case (the joint ledger is kept by both)."""
    access = access or access_for(user, case)
    return access.full or (user.has_role(Role.CASEWORKER) and access.whole(Part.LEDGER))


def can_manage_sharing(user: User, case: Case) -> bool:
    """Tell whether this person may register the case, record involvements and consents."""
    return user.has_role(*COUNCIL_WIDE_ROLES) and case.council_id in coordinated_council_ids(user)


def can_emergency_share(user: User, case: Case) -> bool:
    """Tell whether this person may permit an emergency share (a coordinator of the council)."""
    return user.has_role(Role.COORDINATOR) and case.council_id in coordinated_council_ids(user)


def can_receive_transfer(user: User, transfer) -> bool:
    """Tell whether this person sees (and may accept) a transfer notice: a coordinator of the destination.

    Until acceptance the notice holds only its handover set; the case itself stays the sender's.
    """
    pending = transfer.status == "pending" and transfer.to_council_id is not None
    return pending and transfer.to_council_id in coordinated_council_ids(user)


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


def can_view_figures(user: User, council: Council | None) -> bool:
    """Tell whether this person sees a council's figures (which name no case or child): its
    coordinators and facilitators, and the caseworkers of a 児童相談所 that is one of its members."""
    if council is None or not council.active or not holds_case_role(user):
        return False
    cgc = user.has_role(Role.CASEWORKER) and user.agency.category == AgencyCategory.CHILD_GUIDANCE
    return council.id in coordinated_council_ids(user) or (cgc and council in user.agency.councils)


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
