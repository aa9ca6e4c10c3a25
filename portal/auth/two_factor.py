"""The second factor: TOTP codes (pyotp, RFC 6238) from an authenticator app, enrolled by QR code
(segno), and one-time recovery codes. Each change writes its audit row in the same transaction."""

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select

from portal import audit
from portal.audit import Outcome
from portal.auth.models import RecoveryCode
from portal.extensions import db
from portal.models import Role, User
from portal.transaction import transaction
from portal.types import utcnow

ISSUER = "要対協ポータル"
# People who see a whole council's cases, or manage accounts, always need the second factor.
ALWAYS = (Role.COORDINATOR, Role.FACILITATOR, Role.CASEWORKER, Role.ADMIN)
RECOVERY_CODES = 10
# A code typed just as the phone's clock turned over still counts (one step of 30 s either side).
VALID_WINDOW = 1
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread from paper


def enforced() -> bool:
    """Tell whether second factors are asked for: always, unless a test app turned them off."""
    return not (current_app.testing and current_app.config.get("TWO_FACTOR") == "off")


def required(user: User) -> bool:
    """Tell whether this person must use a second factor: by role, or by a council's setting."""
    if user.has_role(*ALWAYS):
        return True
    return any(council.two_factor_for_members for council in user.councils)


def enrolled(user: User) -> bool:
    """Tell whether this person has confirmed an authenticator app."""
    return user.totp_secret is not None and user.totp_confirmed_at is not None


def applies(user: User) -> bool:
    """Tell whether logging this person in takes a second factor (to check, or to enrol first)."""
    return enforced() and (enrolled(user) or required(user))


def missing(user: User) -> bool:
    """Tell whether a logged-in person still has to enrol the second factor their work requires."""
    return enforced() and required(user) and not enrolled(user)


def start_enrolment(user: User) -> str:
    """Give the person a new unconfirmed secret (unless one waits) and return its otpauth:// URI."""
    with transaction():
        if user.totp_secret is None or user.totp_confirmed_at is not None:
            user.totp_secret = pyotp.random_base32()
            user.totp_confirmed_at = None
            user.totp_last_step = None
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.login_id, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """Return the URI as a QR code image for an <img> (an SVG data URI; the CSP allows data: images)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _step_of(user: User, code: str) -> int | None:
    """Return the time step a TOTP code belongs to, if it is valid now and not used before."""
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6) or user.totp_secret is None:
        return None
    totp = pyotp.TOTP(user.totp_secret)
    now = int(time.time()) // totp.interval
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return None  # replayed, or older than the last one used
            return step
    return None


def _digest(code: str) -> str:
    """Return the stored form of a recovery code (they are random, so a plain hash suffices)."""
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code of the person, if the code is one."""
    wanted = _digest(code)
    rows = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    match = None
    for row in rows:
        if hmac.compare_digest(row.code_hash, wanted):
            match = row
    if match is None:
        return False
    match.used_at = utcnow()
    return True


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with new ones; return them (shown once, never stored)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    return codes


def remaining_recovery_codes(user: User) -> int:
    """Return how many recovery codes the person has left."""
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Confirm the waiting secret with a first code; return the new recovery codes, or None if wrong."""
    with transaction():
        step = _step_of(user, code) if user.totp_confirmed_at is None else None
        if step is None:
            audit.record(
                "account.two_factor_enrol",
                actor=user,
                target=user,
                outcome=Outcome.FAILURE,
                detail={"reason": "bad_code"},
            )
            return None
        user.totp_confirmed_at = utcnow()
        user.totp_last_step = step
        codes = _new_recovery_codes(user)
        audit.record("account.two_factor_enrol", actor=user, target=user)
        return codes


def check(user: User, code: str) -> str | None:
    """Check a second factor at login: return "totp" or "recovery", or None (the failure is counted)."""
    with transaction():
        step = _step_of(user, code)
        how = None
        if step is not None:
            user.totp_last_step = step
            how = "totp"
        elif _use_recovery_code(user, code):
            how = "recovery"
        if how is None:
            user.failed_logins += 1
            detail = {"reason": "bad_second_factor", "failures": user.failed_logins}
            audit.record("login.failure", actor=user, target=user, outcome=Outcome.FAILURE, detail=detail)
            if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
                user.locked_until = utcnow() + current_app.config["LOGIN_LOCKOUT"]
                user.failed_logins = 0
                detail = {"locked_until": user.locked_until.isoformat()}
                audit.record("login.lockout", actor=user, target=user, outcome=Outcome.DENIED, detail=detail)
        return how


def renew_recovery_codes(user: User, code: str) -> list[str] | None:
    """Give the person new recovery codes when they prove the factor with a current code."""
    with transaction():
        step = _step_of(user, code)
        if step is None:
            detail = {"reason": "bad_code"}
            audit.record(
                "account.recovery_codes", actor=user, target=user, outcome=Outcome.FAILURE, detail=detail
            )
            return None
        user.totp_last_step = step
        codes = _new_recovery_codes(user)
        audit.record("account.recovery_codes", actor=user, target=user)
        return codes


def reset(actor: User, user: User) -> None:
    """Remove a person's second factor (a lost phone): they enrol again at next login; their sessions end."""
    with transaction():
        had = enrolled(user)
        user.totp_secret = None
        user.totp_confirmed_at = None
        user.totp_last_step = None
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        user.rotate_session_token()
        audit.record("admin.two_factor_reset", actor=actor, target=user, detail={"was_enrolled": had})
