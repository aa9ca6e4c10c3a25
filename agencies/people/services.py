"""Administering people (利用者): accounts, roles, disabling, password resets, unlocking; all audited.

Nobody changes their own roles, agency or status, nor resets their own password here: such an
attempt is refused and the refusal is audited.
"""

from sqlalchemy import func, or_, select

from agencies.changes import CONFLICT, PER_PAGE, created, diff, refuse, saving
from portal import audit
from portal.auth import two_factor
from portal.auth.services import find_user
from portal.extensions import db
from portal.models import Agency, Role, User, UserRole
from portal.passwords import hash_password, password_problems
from portal.refusals import Refusal
from portal.transaction import transaction
from portal.types import utcnow

LOGIN_ID_TAKEN = "このログインIDはすでに使われています。"
SELF_CHANGE = "自分自身の役割・所属機関・利用状態は変更できません。他のシステム管理者に依頼してください。"
SELF_PASSWORD = "自分のパスワードは「パスワード変更」画面で変更してください。"  # noqa: S105 (a message)

SELF_SECOND_FACTOR = "自分の二段階認証は、他のシステム管理者にリセットを依頼してください。"

# Fields whose change ends the person's open sessions.
_SESSION_FIELDS = ("agency", "roles")


def _apply(user: User, values: dict) -> None:
    """Set the values on the person (roles through their role rows)."""
    for field, value in values.items():
        if field == "roles":
            _set_roles(user, value)
        else:
            setattr(user, field, value)


def _set_roles(user: User, roles: set[Role]) -> None:
    """Keep the role rows that stay, drop the others, add the new ones."""
    wanted = {Role(r).value for r in roles}
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - {row.role for row in user.role_rows})
    ]


def create_person(actor: User, values: dict, login_id: str, password: str) -> User:
    """Create an account that must change its initial password at first login."""
    errors = {}
    if find_user(login_id) is not None:
        errors["login_id"] = [LOGIN_ID_TAKEN]
    problems = password_problems(password, login_id, values["name"], values.get("name_kana", ""))
    if problems:
        errors["password"] = problems
    if errors:
        raise Refusal(errors=errors)
    user = User(login_id=login_id, password_hash=hash_password(password), must_change_password=True)
    with saving("login_id", LOGIN_ID_TAKEN):
        _apply(user, values)
        db.session.add(user)
        db.session.flush()
        detail = created({"login_id": login_id, **values})
        audit.record("admin.user_create", actor=actor, target=user, detail=detail)
    return user


def update_person(actor: User, user: User, values: dict) -> dict:
    """Change a person's profile, agency and roles; nobody changes their own agency or roles."""
    changes = diff(user, values)
    ends_sessions = any(field in changes for field in _SESSION_FIELDS)
    if ends_sessions and user.id == actor.id:
        refuse(actor, user, "admin.user_update", changes, SELF_CHANGE)
    if changes:
        with saving("", CONFLICT):
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
        refuse(actor, user, action, changes, SELF_CHANGE)
    if changes:
        with transaction():
            user.active = active
            user.rotate_session_token()
            audit.record(action, actor=actor, target=user, detail=changes)
    return changes


def reset_password(actor: User, user: User, password: str) -> dict:
    """Give a person a new initial password, to be changed at next login; end their sessions."""
    if user.id == actor.id:
        refuse(actor, user, "admin.user_password_reset", {}, SELF_PASSWORD)
    problems = password_problems(password, user.login_id, user.name, user.name_kana)
    if problems:
        raise Refusal(errors={"password": problems})
    with transaction():
        changes = {"must_change_password": [user.must_change_password, True]}
        user.password_hash = hash_password(password)
        user.must_change_password = True
        user.rotate_session_token()
        audit.record("admin.user_password_reset", actor=actor, target=user, detail=changes)
    return changes


def is_locked(user: User) -> bool:
    """Tell whether the account is locked out after failed logins right now."""
    return user.locked_until is not None and user.locked_until > utcnow()


def unlock(actor: User, user: User) -> dict:
    """Lift a lockout and forget the failed login count."""
    changes = diff(user, {"locked_until": None, "failed_logins": 0})
    if changes:
        with transaction():
            user.locked_until = None
            user.failed_logins = 0
            audit.record("admin.user_unlock", actor=actor, target=user, detail=changes)
    return changes


def reset_second_factor(actor: User, user: User) -> dict:
    """Remove a person's second factor (a lost phone); they enrol again at next login, sessions end."""
    if user.id == actor.id:
        refuse(actor, user, "admin.two_factor_reset", {}, SELF_SECOND_FACTOR)
    if user.totp_secret is None:
        return {}
    two_factor.reset(actor, user)
    return {"two_factor": ["enrolled", None]}


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
        query = query.where(User.active.is_(True), Agency.active.is_(True))
    elif status == "inactive":
        query = query.where(or_(User.active.is_(False), Agency.active.is_(False)))
    elif status == "locked":
        query = query.where(User.locked_until > utcnow())
    query = query.order_by(User.active.desc(), Agency.name, User.name_kana, User.name)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
