"""The duplicate check of the ledger: cases already known that a new intake or registration may repeat.

One function other features reuse (intake, registration): it looks only at the cases the person
may see, through THE policy's SQL clauses, so it never reveals a case by its answer.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select

from cases import policy
from cases.ledger.search import like_pattern, normalize
from cases.models import Case, Child, Guardian, Part, Status
from portal.extensions import db
from portal.models import User

LIMIT = 20


@dataclass
class Duplicate:
    """A visible case that may be the same household, and why it matched."""

    case: Case
    reasons: list[str] = field(default_factory=list)


def _name_clause(column, names: list[str]):
    """Return a clause matching a stored search key against any of the names (spaces folded)."""
    patterns = [like_pattern(n) for n in names if len(normalize(n)) >= 2]
    return or_(*(column.like(p, escape="\\") for p in patterns if p)) if patterns else None


def likely_duplicates(
    user: User,
    *,
    child_names: list[str] = (),
    guardian_names: list[str] = (),
    birth_dates: list[date] = (),
    council_id: int | None = None,
    exclude_case_id: int | None = None,
) -> list[Duplicate]:
    """Return the open or closed cases this person may see whose child or guardian matches, newest first.

    A child matches by name (kana or kanji, spacing and script folded) or by name and birth date;
    a guardian by name, and only in cases whose household part the person sees whole.
    """
    found: dict[int, Duplicate] = {}

    def add(case: Case, reason: str) -> None:
        entry = found.setdefault(case.id, Duplicate(case))
        if reason not in entry.reasons:
            entry.reasons.append(reason)

    base = []
    if council_id is not None:
        base.append(Case.council_id == council_id)
    if exclude_case_id is not None:
        base.append(Case.id != exclude_case_id)
    children = _name_clause(Child.search_key, list(child_names))
    if children is not None:
        query = (
            select(Case, Child)
            .join(Child, Child.case_id == Case.id)
            .where(children, policy.visible_children_clause(user, Part.BASIC), *base)
            .order_by(Case.received_on.desc())
            .limit(LIMIT)
        )
        for case, child in db.session.execute(query):
            same_day = child.birth_date is not None and child.birth_date in set(birth_dates)
            add(case, f"子ども「{child.name}」{'（生年月日も一致）' if same_day else ''}")
    guardians = _name_clause(Guardian.search_key, list(guardian_names))
    if guardians is not None:
        query = (
            select(Case, Guardian)
            .join(Guardian, Guardian.case_id == Case.id)
            .where(guardians, policy.household_cases_clause(user, Part.BASIC), *base)
            .order_by(Case.received_on.desc())
            .limit(LIMIT)
        )
        for case, guardian in db.session.execute(query):
            add(case, f"保護者「{guardian.name}」")
    order = {Status.INTAKE.value: 0, Status.REGISTERED.value: 1, Status.CLOSED.value: 2}
    return sorted(found.values(), key=lambda d: (order.get(d.case.status, 3), d.case.case_number))[:LIMIT]
