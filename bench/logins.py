"""Second factors for the benches' people: production asks coordinators, facilitators and 児相
caseworkers for a code, so the benches enrol them with one throwaway key and type its codes."""

import re
import time

import pyotp
from flask import g

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


def log_in_client(client, user: User, password: str) -> None:
    """Log a person in through a Flask test client, as a browser does: the form, then the code if asked."""
    enrol_if_required([user])
    token = _token(client.get("/login").get_data(as_text=True))
    form = {"login_id": user.login_id, "password": password, "csrf_token": token}
    answer = client.post("/login", data=form)
    if answer.headers.get("Location", "").endswith("/login/code"):
        # The password step starts a new session. Inside the bench's app context `g` outlives a
        # request, and Flask-WTF caches the old session's token there: forget it, as a new request would.
        g.pop("csrf_token", None)
        token = _token(client.get("/login/code").get_data(as_text=True))
        answer = client.post("/login/code", data={"code": code(), "csrf_token": token})
    if answer.status_code != 302 or answer.headers.get("Location", "").startswith("/login"):
        raise SystemExit(
            f"{user.login_id} could not log in ({answer.status_code} {answer.headers.get('Location')})"
        )


def _token(page: str) -> str:
    """Return the page's CSRF token (empty when the bench app turned CSRF off)."""
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    return found.group(1) if found else ""
