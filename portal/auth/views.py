"""Login, logout and password change pages."""

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from portal import realtime
from portal.auth import services, two_factor
from portal.auth.forms import LoginForm, PasswordChangeForm
from portal.extensions import limiter
from portal.sessions import mark_seen

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Return a local path to go to after login; anything pointing elsewhere becomes home."""
    if not target:
        return url_for("portal.home")
    if any(ord(c) < 32 or ord(c) == 127 for c in target) or "\\" in target:
        return url_for("portal.home")  # CR/LF would split the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("portal.home")
    return target


def _account_limit() -> str:
    """Return the limit on failed logins to one account from one address."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_limit() -> str:
    """Return the limit on failed logins from one address to any accounts."""
    return current_app.config["LOGIN_ADDRESS_LIMIT"]


def _address_and_account() -> str:
    """Key the account throttle by the address and the login id typed."""
    return f"{get_remote_address()}|{(request.form.get('login_id') or '').strip().lower()[:60]}"


def _failed(response) -> bool:
    """Count only refused attempts: a busy office's correct logins never throttle it."""
    return bool(g.get("login_failed"))


def log_in(user, target: str):
    """Start a fresh session for the person and go where they were headed."""
    session.clear()
    login_user(user)
    session.permanent = True
    mark_seen()
    return redirect(target)


def start_pending(user, target: str) -> None:
    """Remember, in a fresh session, whose password was right while their second factor is asked."""
    session.clear()
    session["pending_login"] = {
        "user": user.id,
        "token": user.session_token,
        "at": time.time(),
        "next": target,
    }


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_account_limit, key_func=_address_and_account, methods=["POST"], deduct_when=_failed)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def login():
    """Show the login form and log a person in."""
    if current_user.is_authenticated:
        return redirect(url_for("portal.home"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.login_id.data, form.password.data)
        target = safe_next(request.args.get("next"))
        if result.user is not None and result.second_factor:
            start_pending(result.user, target)
            step = "verify" if two_factor.enrolled(result.user) else "enrol_at_login"
            return redirect(url_for(f"two_factor.{step}"))
        if result.user is not None:
            return log_in(result.user, target)
        g.login_failed = True
        flash(result.message, "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log the current person out."""
    user = current_user._get_current_object()
    services.record_logout(user)
    realtime.disconnect_user(user.id)
    logout_user()
    session.clear()
    flash("ログアウトしました。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let a person change their own password (required at first login)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        problems = services.change_password(user, form.current.data, form.new.data)
        if not problems:
            realtime.disconnect_user(user.id)  # sockets opened with the old token
            login_user(user)  # the session token changed; keep this session, end the others
            flash("パスワードを変更しました。", "info")
            return redirect(url_for("portal.home"))
        form.new.errors = list(form.new.errors) + problems
    return render_template("auth/password.html", form=form)
