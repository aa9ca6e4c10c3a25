"""Second factors for the benches' people: production asks coordinators, facilitators and 児相
caseworkers for a code, so the benches enrol them with one throwaway key and type its codes."""

import time

import pyotp

from portal.auth import two_factor
from portal.extensions import db
from portal.models import User
from portal.types import utcnow

BENCH_TOTP_SECRET = "BENCHBENCHBENCHBENCHBENCHBENCH22"  # noqa: S105 - throwaway bench accounts


def enrol_if_required(users: list[User]) -> None:
    """Give every person whose work needs a second factor the bench's key, as if they had enrolled."""
    for user in users:
        if two_factor.required(user) and not two_factor.enrolled(user):
            user.totp_secret = BENCH_TOTP_SECRET
            user.totp_confirmed_at = utcnow()
    db.session.commit()


def code(step_offset: int = 0) -> str:
    """Return the code the bench's key shows now (or a step later, for a second login within 30 s)."""
    totp = pyotp.TOTP(BENCH_TOTP_SECRET)
    return totp.at(int(time.time()) + step_offset * totp.interval)
