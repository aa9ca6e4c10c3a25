"""Administration pages for councils, agency kinds and agencies (system administrators only).

The blueprint and the helpers its pages share live here; the people pages are in people_views.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from agencies import services
from agencies.changes import Invalid
from agencies.forms import AgencyFilterForm, AgencyForm, CouncilForm, KindForm
from portal.extensions import db
from portal.gates import admin_required
from portal.models import Agency, AgencyKind, Council, Role, User

bp = Blueprint("agencies", __name__, url_prefix="/admin")


def is_admin(user: User) -> bool:
    """Tell whether the administration menu is shown: system administrators only."""
    return user.has_role(Role.ADMIN)


@bp.before_request
@admin_required
def require_admin():
    """Let only system administrators into any page of this blueprint."""
    return None


def me() -> User:
    """Return the logged-in administrator."""
    return current_user._get_current_object()


def page_number() -> int:
    """Return the page number asked for in the query string."""
    return request.args.get("page", 1, type=int) or 1


def filter_args() -> dict:
    """Return the query string without the page number, for pagination links."""
    return {k: v for k, v in request.args.items() if k != "page" and v}


def show_errors(form, error: Invalid) -> None:
    """Put a service's refusal next to the fields it names (or at the top of the page)."""
    for name, messages in error.errors.items():
        field = form._fields.get(name)
        if field is None:
            for message in messages:
                flash(message, "error")
        else:
            field.errors = [*field.errors, *messages]


def tell_saved(what: str, changes: dict) -> None:
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
            council = services.create_council(me(), form.values())
        except Invalid as error:
            show_errors(form, error)
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
            changes = services.update_council(me(), council, form.values())
        except Invalid as error:
            show_errors(form, error)
        else:
            tell_saved(f"協議会「{council.name}」", changes)
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
            kind = services.create_kind(me(), form.values())
        except Invalid as error:
            show_errors(form, error)
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
            changes = services.update_kind(me(), kind, form.values())
        except Invalid as error:
            show_errors(form, error)
        else:
            tell_saved(f"機関種別「{kind.name}」", changes)
            return redirect(url_for(".kinds"))
    return render_template("agencies/kind_form.html", form=form, kind=kind)


# Agencies (関係機関)


@bp.get("/agencies")
def agencies():
    """List agencies, filtered by council and kind."""
    filters = AgencyFilterForm(request.args)
    page = services.list_agencies(filters.council.data, filters.kind.data, page_number())
    return render_template("agencies/agencies.html", filters=filters, page=page, args=filter_args())


@bp.route("/agencies/new", methods=["GET", "POST"])
def agency_new():
    """Register an agency."""
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = services.create_agency(me(), form.values())
        except Invalid as error:
            show_errors(form, error)
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
            changes = services.update_agency(me(), agency, form.values())
        except Invalid as error:
            show_errors(form, error)
        else:
            tell_saved(f"関係機関「{agency.name}」", changes)
            return redirect(url_for(".agencies"))
    return render_template("agencies/agency_form.html", form=form, agency=agency)
