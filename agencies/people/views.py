"""Administration pages for people (利用者): accounts, roles, disabling, password resets, unlocking."""

from flask import flash, redirect, render_template, request, url_for

from agencies.blueprint import bp, filter_args, page_number, tell_saved
from agencies.people.forms import NewPersonForm, PasswordResetForm, PersonFilterForm, PersonForm
from agencies.people.services import (
    create_person,
    is_locked,
    list_people,
    reset_password,
    reset_second_factor,
    set_active,
    unlock,
    update_person,
)
from portal.extensions import db
from portal.forms import show_refusal
from portal.gates import me
from portal.models import User
from portal.refusals import Refusal


@bp.get("/people")
def people():
    """List people, filtered by agency, role and status, or found by name or login id."""
    f = PersonFilterForm(request.args)
    page = list_people(f.q.data or "", f.agency.data, f.role.data or "", f.status.data or "", page_number())
    return render_template(
        "agencies/people/people.html", filters=f, page=page, args=filter_args(), is_locked=is_locked
    )


@bp.route("/people/new", methods=["GET", "POST"])
def person_new():
    """Create an account with an initial password."""
    form = NewPersonForm()
    if form.validate_on_submit():
        try:
            user = create_person(me(), form.values(), form.login_id.data, form.password.data)
        except Refusal as error:
            show_refusal(form, error, flash_whole=True)
        else:
            flash(f"利用者「{user.name}」を登録しました。初回ログイン時にパスワードを変更します。", "info")
            return redirect(url_for(".person_edit", user_id=user.id))
    return render_template("agencies/people/person_new.html", form=form)


@bp.route("/people/<id:user_id>", methods=["GET", "POST"])
def person_edit(user_id: int):
    """Edit a person's profile, agency and roles, and offer the account actions."""
    user = db.get_or_404(User, user_id)
    form = PersonForm(obj=user, current_agency_id=user.agency_id)
    if form.validate_on_submit():
        try:
            changes = update_person(me(), user, form.values())
        except Refusal as error:
            show_refusal(form, error, flash_whole=True)
        else:
            tell_saved(f"利用者「{user.name}」", changes)
            return redirect(url_for(".person_edit", user_id=user.id))
    return render_template("agencies/people/person_edit.html", form=form, user=user, locked=is_locked(user))


def _account_action(user_id: int, action, done: str, **kwargs):
    """Run an account action from a button and come back to the person's page."""
    user = db.get_or_404(User, user_id)
    try:
        changes = action(me(), user, **kwargs)
    except Refusal as error:
        for message in error.messages:
            flash(message, "error")
    else:
        flash(done if changes else "変更はありませんでした。", "info")
    return redirect(url_for(".person_edit", user_id=user.id))


@bp.post("/people/<id:user_id>/disable")
def person_disable(user_id: int):
    """Disable an account; the person is logged out and cannot log in."""
    return _account_action(user_id, set_active, "利用を停止しました。", active=False)


@bp.post("/people/<id:user_id>/enable")
def person_enable(user_id: int):
    """Re-enable a disabled account."""
    return _account_action(user_id, set_active, "利用を再開しました。", active=True)


@bp.post("/people/<id:user_id>/unlock")
def person_unlock(user_id: int):
    """Lift a lockout after failed logins."""
    return _account_action(user_id, unlock, "ロックを解除しました。")


@bp.post("/people/<id:user_id>/two-factor-reset")
def person_two_factor_reset(user_id: int):
    """Remove a person's second factor (a lost phone): they enrol a new one at next login."""
    return _account_action(
        user_id, reset_second_factor, "二段階認証をリセットしました。次回ログイン時に設定し直します。"
    )


@bp.route("/people/<id:user_id>/password", methods=["GET", "POST"])
def person_password(user_id: int):
    """Set a new initial password, to be changed at next login."""
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            reset_password(me(), user, form.password.data)
        except Refusal as error:
            show_refusal(form, error, flash_whole=True)
            if "password" not in error.errors:
                return redirect(url_for(".person_edit", user_id=user.id))
        else:
            flash("初期パスワードを再設定しました。次回ログイン時にパスワードの変更が必要です。", "info")
            return redirect(url_for(".person_edit", user_id=user.id))
    return render_template("agencies/people/person_password.html", form=form, user=user)
