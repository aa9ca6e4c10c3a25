"""Administration pages for councils, agencies, agency kinds and people (system administrators only)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from agencies import services
from agencies.forms import (
    AgencyFilterForm,
    AgencyForm,
    CouncilForm,
    KindForm,
    NewPersonForm,
    PasswordResetForm,
    PersonFilterForm,
    PersonForm,
)
from portal.extensions import db
from portal.gates import admin_required
from portal.models import Agency, AgencyKind, Council, User

bp = Blueprint("agencies", __name__, url_prefix="/admin")


@bp.before_request
@admin_required
def require_admin():
    """Let only system administrators into any page of this blueprint."""
    return None


def _me() -> User:
    """Return the logged-in administrator."""
    return current_user._get_current_object()


def _page() -> int:
    """Return the page number asked for in the query string."""
    return request.args.get("page", 1, type=int) or 1


def _filter_args() -> dict:
    """Return the query string without the page number, for pagination links."""
    return {k: v for k, v in request.args.items() if k != "page" and v}


def _show_errors(form, error: services.Invalid) -> None:
    """Put a service's refusal next to the fields it names (or at the top of the page)."""
    for name, messages in error.errors.items():
        field = form._fields.get(name)
        if field is None:
            for message in messages:
                flash(message, "error")
        else:
            field.errors = [*field.errors, *messages]


def _saved(what: str, changes: dict) -> None:
    """Tell the administrator whether anything changed."""
    if changes:
        flash(f"{what}を保存しました。", "info")
    else:
        flash("変更はありませんでした。", "info")


# Councils (協議会)


@bp.get("/councils")
def councils():
    """List the councils with their settings."""
    return render_template("agencies/councils.html", rows=services.councils_with_member_counts())


@bp.route("/councils/new", methods=["GET", "POST"])
def council_new():
    """Create a council."""
    form = CouncilForm()
    if form.validate_on_submit():
        try:
            council = services.create_council(_me(), form.values())
        except services.Invalid as error:
            _show_errors(form, error)
        else:
            flash(f"協議会「{council.name}」を登録しました。", "info")
            return redirect(url_for(".councils"))
    return render_template("agencies/council_form.html", form=form, council=None)


@bp.route("/councils/<int:council_id>", methods=["GET", "POST"])
def council_edit(council_id: int):
    """Edit a council's settings."""
    council = db.get_or_404(Council, council_id)
    form = CouncilForm(obj=council, current_agency_id=council.coordinating_agency_id)
    if form.validate_on_submit():
        try:
            changes = services.update_council(_me(), council, form.values())
        except services.Invalid as error:
            _show_errors(form, error)
        else:
            _saved(f"協議会「{council.name}」", changes)
            return redirect(url_for(".councils"))
    return render_template("agencies/council_form.html", form=form, council=council)


# Agency kinds (機関種別)


@bp.get("/kinds")
def kinds():
    """List the agency kinds in their sort order."""
    return render_template("agencies/kinds.html", rows=services.kinds_with_agency_counts())


@bp.route("/kinds/new", methods=["GET", "POST"])
def kind_new():
    """Add an agency kind."""
    form = KindForm()
    if form.validate_on_submit():
        try:
            kind = services.create_kind(_me(), form.values())
        except services.Invalid as error:
            _show_errors(form, error)
        else:
            flash(f"機関種別「{kind.name}」を登録しました。", "info")
            return redirect(url_for(".kinds"))
    return render_template("agencies/kind_form.html", form=form, kind=None)


@bp.route("/kinds/<int:kind_id>", methods=["GET", "POST"])
def kind_edit(kind_id: int):
    """Edit an agency kind."""
    kind = db.get_or_404(AgencyKind, kind_id)
    form = KindForm(obj=kind)
    if form.validate_on_submit():
        try:
            changes = services.update_kind(_me(), kind, form.values())
        except services.Invalid as error:
            _show_errors(form, error)
        else:
            _saved(f"機関種別「{kind.name}」", changes)
            return redirect(url_for(".kinds"))
    return render_template("agencies/kind_form.html", form=form, kind=kind)


# Agencies (関係機関)


@bp.get("/agencies")
def agencies():
    """List agencies, filtered by council and kind."""
    filters = AgencyFilterForm(request.args)
    page = services.list_agencies(filters.council.data, filters.kind.data, _page())
    return render_template("agencies/agencies.html", filters=filters, page=page, args=_filter_args())


@bp.route("/agencies/new", methods=["GET", "POST"])
def agency_new():
    """Register an agency."""
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = services.create_agency(_me(), form.values())
        except services.Invalid as error:
            _show_errors(form, error)
        else:
            flash(f"関係機関「{agency.name}」を登録しました。", "info")
            return redirect(url_for(".agencies"))
    return render_template("agencies/agency_form.html", form=form, agency=None)


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
def agency_edit(agency_id: int):
    """Edit an agency and the councils it belongs to."""
    agency = db.get_or_404(Agency, agency_id)
    form = AgencyForm(obj=agency, council_ids=[c.id for c in agency.councils], current_kind_id=agency.kind_id)
    if form.validate_on_submit():
        try:
            changes = services.update_agency(_me(), agency, form.values())
        except services.Invalid as error:
            _show_errors(form, error)
        else:
            _saved(f"関係機関「{agency.name}」", changes)
            return redirect(url_for(".agencies"))
    return render_template("agencies/agency_form.html", form=form, agency=agency)


# People (利用者)


@bp.get("/people")
def people():
    """List people, filtered by agency, role and status, or found by name or login id."""
    filters = PersonFilterForm(request.args)
    page = services.list_people(
        filters.q.data or "", filters.agency.data, filters.role.data or "", filters.status.data or "", _page()
    )
    return render_template(
        "agencies/people.html", filters=filters, page=page, args=_filter_args(), is_locked=services.is_locked
    )


@bp.route("/people/new", methods=["GET", "POST"])
def person_new():
    """Create an account with an initial password."""
    form = NewPersonForm()
    if form.validate_on_submit():
        try:
            user = services.create_person(_me(), form.values(), form.login_id.data, form.password.data)
        except services.Invalid as error:
            _show_errors(form, error)
        else:
            flash(f"利用者「{user.name}」を登録しました。初回ログイン時にパスワードを変更します。", "info")
            return redirect(url_for(".person_edit", user_id=user.id))
    return render_template("agencies/person_new.html", form=form)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
def person_edit(user_id: int):
    """Edit a person's profile, agency and roles, and offer the account actions."""
    user = db.get_or_404(User, user_id)
    form = PersonForm(obj=user, current_agency_id=user.agency_id)
    if form.validate_on_submit():
        try:
            changes = services.update_person(_me(), user, form.values())
        except services.Invalid as error:
            _show_errors(form, error)
        else:
            _saved(f"利用者「{user.name}」", changes)
            return redirect(url_for(".person_edit", user_id=user.id))
    return render_template("agencies/person_edit.html", form=form, user=user, locked=services.is_locked(user))


def _account_action(user_id: int, action, done: str, **kwargs):
    """Run an account action from a button and come back to the person's page."""
    user = db.get_or_404(User, user_id)
    try:
        changes = action(_me(), user, **kwargs)
    except services.Invalid as error:
        for messages in error.errors.values():
            for message in messages:
                flash(message, "error")
    else:
        flash(done if changes else "変更はありませんでした。", "info")
    return redirect(url_for(".person_edit", user_id=user.id))


@bp.post("/people/<int:user_id>/disable")
def person_disable(user_id: int):
    """Disable an account; the person is logged out and cannot log in."""
    return _account_action(user_id, services.set_active, "利用を停止しました。", active=False)


@bp.post("/people/<int:user_id>/enable")
def person_enable(user_id: int):
    """Re-enable a disabled account."""
    return _account_action(user_id, services.set_active, "利用を再開しました。", active=True)


@bp.post("/people/<int:user_id>/unlock")
def person_unlock(user_id: int):
    """Lift a lockout after failed logins."""
    return _account_action(user_id, services.unlock, "ロックを解除しました。")


@bp.route("/people/<int:user_id>/password", methods=["GET", "POST"])
def person_password(user_id: int):
    """Set a new initial password, to be changed at next login."""
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(_me(), user, form.password.data)
        except services.Refused as error:
            _show_errors(form, error)
            return redirect(url_for(".person_edit", user_id=user.id))
        except services.Invalid as error:
            _show_errors(form, error)
        else:
            flash("初期パスワードを再設定しました。次回ログイン時にパスワードの変更が必要です。", "info")
            return redirect(url_for(".person_edit", user_id=user.id))
    return render_template("agencies/person_password.html", form=form, user=user)
