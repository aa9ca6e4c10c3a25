"""Administering councils, agency kinds, agencies and people: each change commits with its audit row.

Services take plain values (model attribute names mapped to values, related objects already
loaded) and check everything before touching a row, so refused input leaves the session clean.
The audit detail of a change holds {"field": [before, after]}; objects appear by name, password
hashes never appear.
"""

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NoReturn

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.audit import Outcome
from portal.auth.services import find_user
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole, council_members
from portal.passwords import hash_password, password_problems
from portal.types import utcnow

PER_PAGE = 50

NAME_TAKEN = "この名称はすでに登録されています。"
LOGIN_ID_TAKEN = "このログインIDはすでに使われています。"
CONFLICT = "同時に別の変更が保存されたため、保存できませんでした。もう一度お試しください。"
SELF_CHANGE = "自分自身の役割・所属機関・利用状態は変更できません。他のシステム管理者に依頼してください。"
SELF_PASSWORD = "自分のパスワードは「パスワード変更」画面で変更してください。"  # noqa: S105 (a message)

# Fields whose change ends the person's open sessions.
_SESSION_FIELDS = ("agency", "roles")


class Invalid(Exception):
    """Input the service refused; nothing was saved. `errors` maps form field names to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class Refused(Invalid):
    """A change the actor may not make; the refusal itself was audited."""


def _plain(value):
    """Return a value as the audit log stores it: objects by name, collections sorted."""
    if isinstance(value, set | list | tuple):
        return sorted(_plain(v) for v in value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, db.Model):
        return str(value)
    return value


def _changes(obj, values: dict) -> dict:
    """Return {field: [before, after]} for each value that differs from the object's."""
    changes = {}
    for field, after in values.items():
        before = _plain(getattr(obj, field))
        if before != _plain(after):
            changes[field] = [before, _plain(after)]
    return changes


def _created(values: dict) -> dict:
    """Return the audit detail of a new object: {field: [None, value]} for each value given."""
    return {f: [None, _plain(v)] for f, v in values.items() if v is not None and v != "" and v != []}


def _apply(obj, values: dict) -> None:
    """Set the values on the object (roles through its role rows)."""
    for field, value in values.items():
        if field == "roles":
            _set_roles(obj, value)
        else:
            setattr(obj, field, value)


def _set_roles(user: User, roles: set[Role]) -> None:
    """Keep the role rows that stay, drop the others, add the new ones."""
    wanted = {Role(r).value for r in roles}
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - {row.role for row in user.role_rows})
    ]


@contextmanager
def _saving(field: str, message: str = NAME_TAKEN) -> Iterator[None]:
    """Commit the change with its audit row, or roll both back when another save took the name."""
    try:
        yield
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid({field: [message]}) from None


def _name_taken(model, name: str, current=None) -> bool:
    """Tell whether another row of the model already has this name."""
    query = select(model.id).where(model.name == name)
    if current is not None:
        query = query.where(model.id != current.id)
    return db.session.scalar(query) is not None


def _create(model, action: str, actor: User, values: dict):
    """Create a named object and audit it."""
    if _name_taken(model, values["name"]):
        raise Invalid({"name": [NAME_TAKEN]})
    obj = model()
    with _saving("name"):
        _apply(obj, values)
        db.session.add(obj)
        db.session.flush()
        audit.record(action, actor=actor, target=obj, detail=_created(values))
    return obj


def _update(obj, action: str, actor: User, values: dict) -> dict:
    """Change a named object and audit what changed; return the changes (empty: nothing saved)."""
    if _name_taken(type(obj), values["name"], obj):
        raise Invalid({"name": [NAME_TAKEN]})
    changes = _changes(obj, values)
    if changes:
        with _saving("name"):
            _apply(obj, {f: values[f] for f in changes})
            audit.record(action, actor=actor, target=obj, detail=changes)
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


def update_council(actor: User, council: Council, values: dict) -> dict:
    """Change a council's settings."""
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
    """Change an agency and its council memberships."""
    return _update(agency, "admin.agency_update", actor, values)


def list_agencies(council_id: int | None = None, kind_id: int | None = None, page: int = 1):
    """Return one page of agencies, optionally only one council's or one kind's."""
    query = select(Agency).join(AgencyKind, Agency.kind_id == AgencyKind.id)
    if council_id:
        query = query.where(Agency.councils.any(Council.id == council_id))
    if kind_id:
        query = query.where(Agency.kind_id == kind_id)
    query = query.order_by(Agency.active.desc(), AgencyKind.sort_order, Agency.name)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


# People (利用者)


def _refuse(actor: User, user: User, action: str, detail: dict, message: str = SELF_CHANGE) -> NoReturn:
    """Audit a refused change to one's own account and raise."""
    detail = {**detail, "reason": "self"}
    audit.record(action, actor=actor, target=user, outcome=Outcome.DENIED, detail=detail)
    db.session.commit()
    raise Refused({"": [message]})


def create_person(actor: User, values: dict, login_id: str, password: str) -> User:
    """Create an account that must change its initial password at first login."""
    errors = {}
    if find_user(login_id) is not None:
        errors["login_id"] = [LOGIN_ID_TAKEN]
    problems = password_problems(password, login_id, values["name"])
    if problems:
        errors["password"] = problems
    if errors:
        raise Invalid(errors)
    user = User(login_id=login_id, password_hash=hash_password(password), must_change_password=True)
    with _saving("login_id", LOGIN_ID_TAKEN):
        _apply(user, values)
        db.session.add(user)
        db.session.flush()
        detail = _created({"login_id": login_id, **values})
        audit.record("admin.user_create", actor=actor, target=user, detail=detail)
    return user


def update_person(actor: User, user: User, values: dict) -> dict:
    """Change a person's profile, agency and roles; nobody changes their own agency or roles."""
    changes = _changes(user, values)
    ends_sessions = any(field in changes for field in _SESSION_FIELDS)
    if ends_sessions and user.id == actor.id:
        _refuse(actor, user, "admin.user_update", changes)
    if changes:
        with _saving("", CONFLICT):
            _apply(user, {f: values[f] for f in changes})
            if ends_sessions:
                user.rotate_session_token()
            audit.record("admin.user_update", actor=actor, target=user, detail=changes)
    return changes


def set_active(actor: User, user: User, active: bool) -> dict:
    """Disable or re-enable an account; disabling ends its sessions. Nobody does this to themself."""
    action = "admin.user_enable" if active else "admin.user_disable"
    changes = {"active": [user.active, active]} if user.active != active else {}
    if user.id == actor.id:
        _refuse(actor, user, action, changes)
    if changes:
        user.active = active
        user.rotate_session_token()
        audit.record(action, actor=actor, target=user, detail=changes)
        db.session.commit()
    return changes


def reset_password(actor: User, user: User, password: str) -> dict:
    """Give a person a new initial password, to be changed at next login; end their sessions."""
    if user.id == actor.id:
        _refuse(actor, user, "admin.user_password_reset", {}, SELF_PASSWORD)
    problems = password_problems(password, user.login_id, user.name)
    if problems:
        raise Invalid({"password": problems})
    changes = {"must_change_password": [user.must_change_password, True]}
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.rotate_session_token()
    audit.record("admin.user_password_reset", actor=actor, target=user, detail=changes)
    db.session.commit()
    return changes


def is_locked(user: User) -> bool:
    """Tell whether the account is locked out after failed logins right now."""
    return user.locked_until is not None and user.locked_until > utcnow()


def unlock(actor: User, user: User) -> dict:
    """Lift a lockout and forget the failed login count."""
    changes = _changes(user, {"locked_until": None, "failed_logins": 0})
    if changes:
        user.locked_until = None
        user.failed_logins = 0
        audit.record("admin.user_unlock", actor=actor, target=user, detail=changes)
        db.session.commit()
    return changes


def list_people(
    q: str = "",
    agency_id: int | None = None,
    role: str = "",
    status: str = "",
    page: int = 1,
):
    """Return one page of people matching the filters."""
    query = select(User).join(Agency, User.agency_id == Agency.id)
    if q:
        query = query.where(
            or_(
                User.name.contains(q, autoescape=True),
                User.name_kana.contains(q, autoescape=True),
                func.lower(User.login_id).contains(q.lower(), autoescape=True),
            )
        )
    if agency_id:
        query = query.where(User.agency_id == agency_id)
    if role in {r.value for r in Role}:
        query = query.where(User.role_rows.any(UserRole.role == role))
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    elif status == "locked":
        query = query.where(User.locked_until > utcnow())
    query = query.order_by(User.active.desc(), Agency.name, User.name_kana, User.name)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
