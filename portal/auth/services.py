"""Login, logout and password operations; each writes its audit row in the same transaction."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from portal import audit
from portal.audit import Outcome
from portal.auth import two_factor
from portal.extensions import db
from portal.models import User
from portal.passwords import burn_time, check_password, hash_password, password_problems
from portal.transaction import transaction
from portal.types import utcnow


@dataclass
class LoginResult:
    """What an attempt to log in came to."""

    user: User | None
    message: str = ""
    # The password was right, and a second factor is to be checked (or enrolled) before logging in.
    second_factor: bool = False


# One message for an unknown id, a wrong password, a locked or a disabled account: the login page
# never tells which accounts exist. The audit log records which it was.
FAILED = (
    "ログインIDまたはパスワードが正しくありません。続けて間違えると、しばらくの間ログインできなくなります。"
)
LOCKED = FAILED


def find_user(login_id: str) -> User | None:
    """Return the person with this login id (case-insensitive), or None."""
    return db.session.execute(
        select(User).where(func.lower(User.login_id) == login_id.strip().lower())
    ).scalar_one_or_none()


def authenticate(login_id: str, password: str) -> LoginResult:
    """Check a login attempt, count failures, lock after too many, and audit the outcome."""
    with transaction():
        user = find_user(login_id)
        now = utcnow()
        if user is None:
            burn_time(password)
            audit.record(
                "login.failure",
                outcome=Outcome.FAILURE,
                target_type="users",
                target_label=login_id[:60],
                detail={"reason": "unknown_login_id"},
            )
            return LoginResult(None, FAILED)
        if user.locked_until and user.locked_until > now:
            check_password(user.password_hash, password)  # costs what any other attempt costs
            audit.record(
                "login.failure",
                actor=user,
                target=user,
                outcome=Outcome.DENIED,
                detail={"reason": "locked", "locked_until": user.locked_until.isoformat()},
            )
            return LoginResult(None, LOCKED)
        if not check_password(user.password_hash, password):
            user.failed_logins += 1
            detail = {"reason": "bad_password", "failures": user.failed_logins}
            audit.record("login.failure", actor=user, target=user, outcome=Outcome.FAILURE, detail=detail)
            if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
                user.locked_until = now + current_app.config["LOGIN_LOCKOUT"]
                user.failed_logins = 0
                audit.record(
                    "login.lockout",
                    actor=user,
                    target=user,
                    outcome=Outcome.DENIED,
                    detail={"locked_until": user.locked_until.isoformat()},
                )
                return LoginResult(None, LOCKED)
            return LoginResult(None, FAILED)
        if not user.active or not user.agency.active:
            # A disabled agency suspends its people; the message does not say which account is disabled.
            reason = "disabled" if not user.active else "agency_disabled"
            detail = {"reason": reason}
            audit.record("login.failure", actor=user, target=user, outcome=Outcome.DENIED, detail=detail)
            return LoginResult(None, FAILED)
        if two_factor.applies(user):
            # Failures are not forgiven yet: the password alone must not buy more guesses at the code.
            step = "check" if two_factor.enrolled(user) else "enrol"
            audit.record("login.password_ok", actor=user, target=user, detail={"second_factor": step})
            return LoginResult(user, second_factor=True)
        _logged_in(user, None)
        return LoginResult(user)


def _logged_in(user: User, second_factor: str | None) -> None:
    """Forget earlier failures, note the time and audit the login (inside the caller's transaction)."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    detail = {"second_factor": second_factor} if second_factor else None
    audit.record("login.success", actor=user, target=user, detail=detail)


def finish_login(user: User, second_factor: str) -> None:
    """Audit a login completed by its second factor ("totp", "recovery" or "enrolled")."""
    with transaction():
        _logged_in(user, second_factor)


def record_logout(user: User, reason: str = "user") -> None:
    """End a person's session: audit it and, on an explicit logout, invalidate the old cookie.

    Rotating the session token means a copy of the old cookie (or a socket opened with it)
    no longer counts as logged in.
    """
    with transaction():
        if reason == "user":
            user.rotate_session_token()
        audit.record("logout", actor=user, target=user, detail={"reason": reason})


def record_throttled(login_id: str) -> None:
    """Audit a login attempt refused because the address tried too often."""
    with transaction():
        audit.record(
            "login.throttled",
            outcome=Outcome.DENIED,
            target_type="users",
            target_label=(login_id or "")[:60],
            detail={"reason": "rate_limit"},
        )


def record_too_large(user: User | None, path: str, length: int | None) -> None:
    """Audit a request refused for its size (an upload beyond MAX_CONTENT_LENGTH), whoever sent it."""
    with transaction():
        audit.record(
            "request.too_large",
            actor=user,
            outcome=Outcome.DENIED,
            target_type="requests",
            target_label=path[:120],
            detail={"content_length": length, "limit": current_app.config.get("MAX_CONTENT_LENGTH")},
        )


def change_password(user: User, current: str, new: str) -> list[str]:
    """Change a person's own password; return the problems (nothing is saved when there are any)."""
    with transaction():
        if not check_password(user.password_hash, current):
            audit.record(
                "account.password_change",
                actor=user,
                target=user,
                outcome=Outcome.FAILURE,
                detail={"reason": "bad_current_password"},
            )
            return ["現在のパスワードが正しくありません。"]
        problems = password_problems(new, user.login_id, user.name, user.name_kana)
        if check_password(user.password_hash, new):
            problems.append("現在と同じパスワードは使えません。")
        if problems:
            return problems
        user.password_hash = hash_password(new)
        user.must_change_password = False
        user.rotate_session_token()
        audit.record("account.password_change", actor=user, target=user)
        return []
