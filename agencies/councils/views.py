"""Administration pages for councils, agency kinds and agencies (system administrators only)."""

from flask import flash, redirect, render_template, request, url_for

from agencies.blueprint import bp, filter_args, page_number, tell_saved
from agencies.councils import services
from agencies.councils.forms import AgencyFilterForm, AgencyForm, CouncilForm, KindForm
from portal.extensions import db
from portal.forms import show_refusal
from portal.gates import me
from portal.models import Agency, AgencyKind, Council
from portal.refusals import Refusal

# Councils (協議会)


@bp.get("/councils")
def councils():
    """List the councils with their settings."""
    return render_template("agencies/councils/councils.html", rows=services.councils_with_member_counts())


@bp.route("/councils/new", methods=["GET", "POST"])
def council_new():
    """Create a council."""
    form = CouncilForm()
    if form.validate_on_submit():
        try:
            council = services.create_council(me(), form.values())
        except Refusal as error:
            show_refusal(form, error, flash_whole=True)
        else:
            flash(f"協議会「{council.name}」を登録しました。", "info")
            return redirect(url_for(".councils"))
    return render_template("agencies/councils/council_form.html", form=form, council=None)


@bp.route("/councils/<id:council_id>", methods=["GET", "POST"])
def council_edit(council_id: int):
    """Edit a council's settings."""
    council = db.get_or_404(Council, council_id)
    form = CouncilForm(obj=council, current_agency_id=council.coordinating_agency_id)
    if form.validate_on_submit():
        try:
            changes = services.update_council(me(), council, form.values())
        except Refusal as error:
            show_refusal(form, error, flash_whole=True)
        else:
            tell_saved(f"協議会「{council.name}」", changes)
            return redirect(url_for(".councils"))
    return render_template("agencies/councils/council_form.html", form=form, council=council)


# Agency kinds (機関種別)


@bp.get("/kinds")
def kinds():
    """List the agency kinds in their sort order."""
    return render_template("agencies/councils/kinds.html", rows=services.kinds_with_agency_counts())


@bp.route("/kinds/new", methods=["GET", "POST"])
def kind_new():
    """Add an agency kind."""
    form = KindForm()
    if form.validate_on_submit():
        try:
            kind = services.create_kind(me(), form.values())
        except Refusal as error:
            show_refusal(form, error, flash_whole=True)
        else:
            flash(f"機関種別「{kind.name}」を登録しました。", "info")
            return redirect(url_for(".kinds"))
    return render_template("agencies/councils/kind_form.html", form=form, kind=None)


@bp.route("/kinds/<id:kind_id>", methods=["GET", "POST"])
def kind_edit(kind_id: int):
    """Edit an agency kind."""
    kind = db.get_or_404(AgencyKind, kind_id)
    form = KindForm(obj=kind)
    if form.validate_on_submit():
        try:
            changes = services.update_kind(me(), kind, form.values())
        except Refusal as error:
            show_refusal(form, error, flash_whole=True)
        else:
            tell_saved(f"機関種別「{kind.name}」", changes)
            return redirect(url_for(".kinds"))
    return render_template("agencies/councils/kind_form.html", form=form, kind=kind)


# Agencies (関係機関)


@bp.get("/agencies")
def agencies():
    """List agencies, filtered by council and kind."""
    filters = AgencyFilterForm(request.args)
    page = services.list_agencies(filters.council.data, filters.kind.data, page_number())
    return render_template("agencies/councils/agencies.html", filters=filters, page=page, args=filter_args())


@bp.route("/agencies/new", methods=["GET", "POST"])
def agency_new():
    """Register an agency."""
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = services.create_agency(me(), form.values())
        except Refusal as error:
            show_refusal(form, error, flash_whole=True)
        else:
            flash(f"関係機関「{agency.name}」を登録しました。", "info")
            return redirect(url_for(".agencies"))
    return render_template("agencies/councils/agency_form.html", form=form, agency=None)


@bp.route("/agencies/<id:agency_id>", methods=["GET", "POST"])
def agency_edit(agency_id: int):
    """Edit an agency and the councils it belongs to."""
    agency = db.get_or_404(Agency, agency_id)
    form = AgencyForm(obj=agency, council_ids=[c.id for c in agency.councils], current_kind_id=agency.kind_id)
    if form.validate_on_submit():
        try:
            changes = services.update_agency(me(), agency, form.values())
        except Refusal as error:
            show_refusal(form, error, flash_whole=True)
        else:
            tell_saved(f"関係機関「{agency.name}」", changes)
            return redirect(url_for(".agencies"))
    return render_template("agencies/councils/agency_form.html", form=form, agency=agency)
