"""Session rules applied to every request: client address, idle timeout, forced password change."""

from datetime import UTC, datetime

from flask import current_app, flash, g, has_request_context, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, logout_user

from portal.auth import two_factor
from portal.auth.services import record_logout
from portal.extensions import db, login_manager
from portal.models import User

# Pages a person who must change their password may still open.
_OPEN_WHEN_PASSWORD_EXPIRED = {"auth.change_password", "auth.logout", "static"}
# Pages a person who has yet to enrol the second factor their work requires may still open (a
# council that turns the setting on, or a new role, asks it of people already logged in).
_OPEN_WITHOUT_SECOND_FACTOR = {"two_factor.enrol", "auth.logout", "static"}


class PortalSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over https."""

    def get_cookie_secure(self, app) -> bool:
        """Return True when configured, or when this request is https."""
        configured = super().get_cookie_secure(app)
        return configured or (has_request_context() and request.is_secure)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the logged-in person while their account and agency are active and their token current."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not user.agency.active or user.session_token != token:
        return None
    return user


def mark_seen() -> None:
    """Start (or restart) the idle clock of the current session."""
    session["last_seen"] = datetime.now(UTC).timestamp()


def before_request():
    """Record the client address, end idle sessions, and force a pending password change."""
    g.client_ip = request.remote_addr or ""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    last_seen = session.get("last_seen")
    idle = current_app.config["IDLE_TIMEOUT"].total_seconds()
    if last_seen is not None and datetime.now(UTC).timestamp() - last_seen > idle:
        record_logout(current_user._get_current_object(), reason="idle_timeout")
        logout_user()
        session.clear()
        flash("一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。", "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    mark_seen()
    if current_user.must_change_password and request.endpoint not in _OPEN_WHEN_PASSWORD_EXPIRED:
        flash("初期パスワードのままです。新しいパスワードを設定してください。", "info")
        return redirect(url_for("auth.change_password"))
    if request.endpoint not in _OPEN_WITHOUT_SECOND_FACTOR and two_factor.missing(current_user):
        flash("このアカウントでは二段階認証が必要です。認証アプリを設定してください。", "info")
        return redirect(url_for("two_factor.enrol"))
    return None
