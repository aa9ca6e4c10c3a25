"""Likely duplicates of a case being registered: the same or a similar child with the same birth date,
or the same guardian, among the cases the registrar may see (cases.policy decides which).

Registration asks `likely_duplicates` before saving, intake `known_by_name` (a report may give only
names); the registrar then opens the
existing case (`open_existing`) or confirms a new one (`register_despite`); both choices are audited.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select

from cases import policy
from cases.ledger import registration
from cases.ledger.registration import CaseInput
from cases.ledger.search import like_pattern, normalize
from cases.models import Case, Child, Guardian, Part, Status
from portal import audit
from portal.extensions import db
from portal.models import User
from portal.transaction import transaction

LIMIT = 20


@dataclass
class LikelyDuplicate:
    """An existing case that may be the same household, and why it is thought so."""

    case: Case
    reasons: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)  # the names the registrar may see


def _distance_at_most_one(a: str, b: str) -> bool:
    """Tell whether two keys differ by at most one inserted, removed or changed character."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
            j += 1
        else:
            i += 1
            j += 1
    return edits + (len(b) - j) <= 1


def similar(keys: set[str], others: set[str]) -> bool:
    """Tell whether two people's name keys (name and kana, normalized) are the same or nearly so."""
    for key in keys:
        for other in others:
            if not key or not other:
                continue
            if key == other or (min(len(key), len(other)) >= 3 and _distance_at_most_one(key, other)):
                return True
    return False


def _keys(*names: str | None) -> set[str]:
    """Return the normalized keys of a person's name and kana."""
    return {normalize(n) for n in names if n and normalize(n)}


def _escaped(key: str) -> str:
    """Escape LIKE wildcards in a key."""
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def likely_duplicates(user: User, data: CaseInput) -> list[LikelyDuplicate]:
    """Return the cases the person may see that look like the household being registered."""
    found: dict[int, LikelyDuplicate] = {}

    def note(case: Case, reason: str) -> None:
        entry = found.setdefault(case.id, LikelyDuplicate(case))
        if reason not in entry.reasons:
            entry.reasons.append(reason)

    births = {c.birth_date for c in data.children if c.birth_date}
    if births:
        children = db.session.scalars(
            select(Child)
            .join(Case, Case.id == Child.case_id)
            .where(
                Child.birth_date.in_(births),
                policy.visible_cases_clause(user),
                policy.visible_children_clause(user, Part.BASIC),
            )
        )
        for existing in children:
            for typed in data.children:
                same_day = typed.birth_date == existing.birth_date
                if same_day and similar(
                    _keys(typed.name, typed.name_kana), _keys(existing.name, existing.name_kana)
                ):
                    note(existing.case, f"{existing.name}（生年月日が同じで、氏名が同じか似ています）")
    guardian_keys = (
        set().union(*(_keys(g.name, g.name_kana) for g in data.guardians)) if data.guardians else set()
    )
    if guardian_keys:
        patterns = []
        for key in guardian_keys:
            escaped = _escaped(key)
            patterns += [
                Guardian.search_key == key,
                Guardian.search_key.like(f"{escaped}|%", escape="\\"),
                Guardian.search_key.like(f"%|{escaped}", escape="\\"),
            ]
        guardians = db.session.scalars(
            select(Guardian)
            .join(Case, Case.id == Guardian.case_id)
            .where(or_(*patterns), policy.household_cases_clause(user, Part.BASIC))
        )
        for guardian in guardians:
            note(guardian.case, f"保護者 {guardian.name} が同じです")
    for entry in found.values():
        access = policy.access_for(user, entry.case)
        entry.children = [c.name for c in entry.case.children if access.child_visible(Part.BASIC, c.id)]
    return sorted(found.values(), key=lambda d: d.case.received_on, reverse=True)


def open_existing(user: User, case_id: int, data: CaseInput) -> Case:
    """Record that the registrar chose the existing case instead of registering a new one."""
    case, _access = policy.get_case_or_404(user, case_id)
    shown = [d.case.id for d in likely_duplicates(user, data)]
    with transaction():
        audit.record("case.duplicate_open", actor=user, target=case, detail={"candidates": shown})
    return case


def register_despite(user: User, data: CaseInput) -> Case:
    """Register a new case although likely duplicates were shown; the choice is audited with it."""
    shown = [d.case.id for d in likely_duplicates(user, data)]
    with transaction():
        case = registration.register_case(user, data)
        audit.record("case.duplicate_new", actor=user, target=case, detail={"candidates": shown})
    return case


def _name_clause(column, names: list[str]):
    """Return a clause matching a stored search key against any of the names (spaces folded)."""
    patterns = [like_pattern(n) for n in names if len(normalize(n)) >= 2]
    return or_(*(column.like(p, escape="\\") for p in patterns if p)) if patterns else None


def known_by_name(
    user: User,
    *,
    child_names: list[str] = (),
    guardian_names: list[str] = (),
    birth_dates: list[date] = (),
    council_id: int | None = None,
    exclude_case_id: int | None = None,
) -> list[LikelyDuplicate]:
    """Return the cases this person may see whose child or guardian a report names (intake knows little).

    Intake may know only a name and a school, so this matches by name alone, where registration
    (`likely_duplicates`) asks for the same birth date too.

    A child matches by name (kana or kanji, spacing and script folded) or by name and birth date;
    a guardian by name, and only in cases whose household part the person sees whole.
    """
    found: dict[int, LikelyDuplicate] = {}

    def add(case: Case, reason: str) -> None:
        entry = found.setdefault(case.id, LikelyDuplicate(case))
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
