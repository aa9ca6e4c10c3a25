"""The second factor's pages: the code at login, enrolment by QR code, recovery codes, the account page."""

import time

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from portal.auth import services, two_factor
from portal.auth.forms import CodeForm
from portal.auth.views import log_in
from portal.extensions import db
from portal.models import User
from portal.types import utcnow

bp = Blueprint("two_factor", __name__)

WRONG_FIRST_CODE = "確認コードが正しくありません。アプリに表示されている6桁の数字を入力してください。"
# The password step is good for this long; then the person starts again.
PENDING_SECONDS = 300


def _pending_user() -> User | None:
    """Return the person whose password was right in this session, while that is recent and still valid."""
    pending = session.get("pending_login")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    if (
        user is None
        or not user.active
        or not user.agency.active
        or user.session_token != pending.get("token")
    ):
        return None
    if user.locked_until and user.locked_until > utcnow():
        return None
    return user


def _start_again():
    """Send the person back to the login page, the pending step forgotten."""
    session.pop("pending_login", None)
    flash("確認に時間がかかったか、続けて間違えたため、もう一度ログインしてください。", "error")
    return redirect(url_for("auth.login"))


def _finish(user: User, how: str, codes: list[str] | None = None):
    """Log the person in after the second factor; show new recovery codes once when there are some."""
    target = session["pending_login"]["next"]
    services.finish_login(user, how)
    response = log_in(user, target)
    if codes:
        return render_template("auth/recovery_codes.html", codes=codes, target=target, first=True)
    return response


@bp.route("/login/code", methods=["GET", "POST"])
def verify():
    """Ask for the code of the authenticator app (or a recovery code) after the password."""
    user = _pending_user()
    if user is None:
        return _start_again()
    if not two_factor.enrolled(user):
        return redirect(url_for(".enrol_at_login"))
    form = CodeForm()
    if form.validate_on_submit():
        how = two_factor.check(user, form.code.data)
        if how is not None:
            return _finish(user, how)
        if user.locked_until and user.locked_until > utcnow():
            return _start_again()
        form.code.errors = ["確認コードが正しくないか、有効期限が切れています。"]
    return render_template("auth/code.html", form=form), 200 if not form.errors else 422


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol_at_login():
    """Enrol the authenticator app of a person who must use one, before their first login with it."""
    user = _pending_user()
    if user is None:
        return _start_again()
    if two_factor.enrolled(user):
        return redirect(url_for(".verify"))
    return _enrol(user, logged_in=False)


@bp.route("/account/two-factor/enrol", methods=["GET", "POST"])
@login_required
def enrol():
    """Enrol (or replace after a reset) the authenticator app of the logged-in person."""
    user = current_user._get_current_object()
    if two_factor.enrolled(user):
        return redirect(url_for(".account"))
    return _enrol(user, logged_in=True)


def _enrol(user: User, logged_in: bool):
    """Show the QR code of a waiting secret, and confirm it with a first code."""
    form = CodeForm()
    if form.validate_on_submit() and user.totp_secret is not None:
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes is not None and not logged_in:
            return _finish(user, "enrolled", codes)
        if codes is not None:
            return render_template("auth/recovery_codes.html", codes=codes, target=url_for("portal.home"))
        form.code.errors = [
            "確認コードが正しくありません。アプリに表示されている6桁の数字を入力してください。"
        ]
    uri = two_factor.start_enrolment(user)
    return render_template(
        "auth/enrol.html",
        form=form,
        qr=two_factor.qr_data_uri(uri),
        secret=user.totp_secret,
        issuer=two_factor.ISSUER,
        login_id=user.login_id,
    ), 200 if not form.errors else 422


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def account():
    """Show the person's second factor, and give new recovery codes on a current code."""
    user = current_user._get_current_object()
    form = CodeForm()
    if two_factor.enrolled(user) and form.validate_on_submit():
        codes = two_factor.renew_recovery_codes(user, form.code.data)
        if codes is not None:
            return render_template("auth/recovery_codes.html", codes=codes, target=url_for(".account"))
        form.code.errors = ["確認コードが正しくないか、有効期限が切れています。"]
    return render_template(
        "auth/two_factor.html",
        form=form,
        enrolled=two_factor.enrolled(user),
        required=two_factor.required(user),
        enforced=two_factor.enforced(),
        remaining=two_factor.remaining_recovery_codes(user) if two_factor.enrolled(user) else 0,
    )
