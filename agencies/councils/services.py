"""Administering councils, agency kinds and agencies: each change commits with its audit row.

People are administered in agencies/people.py; what both share is in agencies/changes.py.
"""

from collections.abc import Callable

from sqlalchemy import func, select

from agencies.changes import NAME_TAKEN, PER_PAGE, created, diff, refuse, saving
from portal import audit
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, User, council_members
from portal.refusals import Refusal

OWN_AGENCY = (
    "自分の所属機関は停止できません。停止するとご自身もログインできなくなります。"
    "他のシステム管理者に依頼してください。"
)


def _name_taken(model, name: str, current=None) -> bool:
    """Tell whether another row of the model already has this name."""
    query = select(model.id).where(model.name == name)
    if current is not None:
        query = query.where(model.id != current.id)
    return db.session.scalar(query) is not None


def _apply(obj, values: dict) -> None:
    """Set the values on the object."""
    for field, value in values.items():
        setattr(obj, field, value)


def _create(model, action: str, actor: User, values: dict):
    """Create a named object and audit it."""
    if _name_taken(model, values["name"]):
        raise Refusal(errors={"name": [NAME_TAKEN]})
    obj = model()
    with saving("name"):
        _apply(obj, values)
        db.session.add(obj)
        db.session.flush()
        audit.record(action, actor=actor, target=obj, detail=created(values))
    return obj


def _update(obj, action: str, actor: User, values: dict, extra=None) -> dict:
    """Change a named object and audit what changed; return the changes (empty: nothing saved).

    `extra(changes)` runs inside the same transaction and returns more audit detail.
    """
    if _name_taken(type(obj), values["name"], obj):
        raise Refusal(errors={"name": [NAME_TAKEN]})
    changes = diff(obj, values)
    if changes:
        with saving("name"):
            _apply(obj, {f: values[f] for f in changes})
            detail = {**changes, **(extra(changes) if extra else {})}
            audit.record(action, actor=actor, target=obj, detail=detail)
    return changes


# Councils (協議会)


def _with_coordinator(members: list[Agency], values: dict) -> dict:
    """Make the coordinating agency (調整機関) a member of its council."""
    agency = values.get("coordinating_agency")
    if agency is not None and agency not in members:
        return {**values, "members": [*members, agency]}
    return values


def create_council(actor: User, values: dict) -> Council:
    """Create a council with its settings."""
    return _create(Council, "admin.council_create", actor, _with_coordinator([], values))


# Features that file things under a council's 部会 register what they count by 部会 name (cases
# counts its open cases), so agencies can refuse to remove a 部会 in use without knowing them.
_section_counters: list[tuple[str, Callable[[Council], dict[str, int]]]] = []


def register_section_counter(what: str, counter: Callable[[Council], dict[str, int]]) -> None:
    """Have `counter(council)` tell how many of `what` (e.g. ケース) use each 部会 (once)."""
    if (what, counter) not in _section_counters:
        _section_counters.append((what, counter))


def _removed_sections_in_use(council: Council, values: dict) -> list[str]:
    """Return a message for each 部会 the change removes while something still uses it."""
    if "sections" not in values:
        return []
    kept = set((values["sections"] or "").splitlines())
    removed = [name for name in council.section_names if name not in kept]
    if not removed:
        return []
    problems = []
    for what, counter in _section_counters:
        counts = counter(council)
        problems += [
            f"部会「{name}」は{counts[name]}件の{what}に設定されているため、削除（名称の変更）できません。"
            f"先にその{what}の部会を変更してください。"
            for name in removed
            if counts.get(name)
        ]
    return problems


def update_council(actor: User, council: Council, values: dict) -> dict:
    """Change a council's settings; a 部会 still in use is not removed (nor renamed)."""
    in_use = _removed_sections_in_use(council, values)
    if in_use:
        raise Refusal(errors={"sections": in_use})
    return _update(council, "admin.council_update", actor, _with_coordinator(council.members, values))


def councils_with_member_counts() -> list[tuple[Council, int]]:
    """Return every council with how many member agencies it has."""
    counts = (
        select(council_members.c.council_id, func.count().label("n"))
        .group_by(council_members.c.council_id)
        .subquery()
    )
    query = (
        select(Council, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.council_id == Council.id)
        .order_by(Council.active.desc(), Council.name)
    )
    return [(council, n) for council, n in db.session.execute(query)]


# Agency kinds (機関種別)


def create_kind(actor: User, values: dict) -> AgencyKind:
    """Add an agency kind to the managed list."""
    return _create(AgencyKind, "admin.kind_create", actor, values)


def update_kind(actor: User, kind: AgencyKind, values: dict) -> dict:
    """Change an agency kind."""
    return _update(kind, "admin.kind_update", actor, values)


def kinds_with_agency_counts() -> list[tuple[AgencyKind, int]]:
    """Return every agency kind in its sort order with how many agencies use it."""
    counts = select(Agency.kind_id, func.count().label("n")).group_by(Agency.kind_id).subquery()
    query = (
        select(AgencyKind, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.kind_id == AgencyKind.id)
        .order_by(AgencyKind.sort_order, AgencyKind.name)
    )
    return [(kind, n) for kind, n in db.session.execute(query)]


# Agencies (関係機関)


def create_agency(actor: User, values: dict) -> Agency:
    """Register an agency and the councils it is a member of."""
    return _create(Agency, "admin.agency_create", actor, values)


def update_agency(actor: User, agency: Agency, values: dict) -> dict:
    """Change an agency and its council memberships.

    Disabling an agency suspends its people: they cannot log in while it is disabled, and whoever
    is logged in is logged out at their next request (their sessions end now, so re-enabling the
    agency does not revive them). Re-enabling lets back everyone whose own account is active.
    Nobody disables the agency they belong to, which would lock themself out.
    """
    disabling = agency.active and values.get("active") is False
    if disabling and actor.agency_id == agency.id:
        refuse(actor, agency, "admin.agency_update", diff(agency, values), OWN_AGENCY)

    def end_sessions(changes: dict) -> dict:
        """End the sessions of the agency's people when it is disabled; name them in the audit row."""
        if not disabling:
            return {}
        for person in agency.people:
            person.rotate_session_token()
        names = sorted(p.name for p in agency.people if p.active)
        return {"logged_out": names} if names else {}

    return _update(agency, "admin.agency_update", actor, values, extra=end_sessions)


def list_agencies(council_id: int | None = None, kind_id: int | None = None, page: int = 1):
    """Return one page of agencies, optionally only one council's or one kind's."""
    query = select(Agency).join(AgencyKind, Agency.kind_id == AgencyKind.id)
    if council_id:
        query = query.where(Agency.councils.any(Council.id == council_id))
    if kind_id:
        query = query.where(Agency.kind_id == kind_id)
    query = query.order_by(Agency.active.desc(), AgencyKind.sort_order, Agency.name)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
