"""Support plan pages: a case's plans, writing and reviewing one, its Word files, the review board,
and the council's local resources (地域資源) that plans pick services from.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import Markup

from cases import policy
from cases.blueprint import bp
from cases.plans import board as plan_board
from cases.plans import reading as plan_reading
from cases.plans import resources
from cases.plans import services as plans
from cases.plans.forms import PlanForm, PlanWithdrawForm, ResourceForm
from cases.plans.word import AUDIENCES
from portal.dates import today_in_japan
from portal.downloads import attachment
from portal.forms import show_refusal
from portal.gates import me
from portal.ids import arg_id
from portal.refusals import Refusal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _writable_case(case_id: int):
    """Load a case whose plans the person writes (404 when unseen, 403 when not theirs to write)."""
    user = me()
    case, _access = policy.get_case_or_404(user, case_id)
    policy.require(policy.can_write_plan(user, case))
    return case


@bp.get("/<id:case_id>/plans")
@login_required
def plans_index(case_id: int):
    """List the case's support plans the person may see, with their review dates."""
    user = me()
    case, visible = plan_reading.list_plans(user, case_id)
    return render_template(
        "cases/plans/index.html",
        case=case,
        plans=visible,
        can_write=policy.can_write_plan(user, case),
        as_of=today_in_japan(),
    )


@bp.route("/<id:case_id>/plans/new", methods=["GET", "POST"])
@login_required
def plan_new(case_id: int):
    """Write a new plan with the family (the center's coordinators)."""
    case = _writable_case(case_id)
    form = PlanForm(case)
    if request.method == "GET":
        form.caseworker_id.data = me().id
        form.child_id.data = arg_id("child_id")
    if "add_supports" in request.form:
        form.add_row()
    elif form.validate_on_submit():
        try:
            plan = plans.create_plan(
                me(),
                case,
                child_id=form.child_id.data,
                caseworker_id=form.caseworker_id.data,
                data=form.to_input(),
            )
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash("サポートプランを作成しました。", "info")
            return redirect(url_for(".plan_detail", case_id=case.id, plan_id=plan.id))
    return render_template("cases/plans/form.html", form=form, case=case, plan=None)


@bp.get("/<id:case_id>/plans/<id:plan_id>")
@login_required
def plan_detail(case_id: int, plan_id: int):
    """Show one version of a plan (the newest unless ?v= names another); the read is audited."""
    user = me()
    plan, version, _access = plan_reading.read_plan(user, case_id, plan_id, arg_id("v"))
    can_write = policy.can_write_plan(user, plan.case)
    return render_template(
        "cases/plans/detail.html",
        plan=plan,
        version=version,
        case=plan.case,
        can_write=can_write,
        consents=plan_reading.plan_consents(plan) if can_write else [],
        withdraw_form=PlanWithdrawForm(formdata=None),
        audiences=AUDIENCES,
        as_of=today_in_japan(),
    )


@bp.route("/<id:case_id>/plans/<id:plan_id>/review", methods=["GET", "POST"])
@login_required
def plan_review(case_id: int, plan_id: int):
    """Review a plan with the family: evaluate the last period and write the next version."""
    case = _writable_case(case_id)
    plan, _access = plan_reading.load_plan(me(), case.id, plan_id)
    form = PlanForm(case)
    if request.method == "GET":
        form.prefill(plan.current)
        form.caseworker_id.data = plan.caseworker_id
    if "add_supports" in request.form:
        form.add_row()
    elif form.validate_on_submit():
        try:
            version = plans.review_plan(me(), plan, form.to_input(), caseworker_id=form.caseworker_id.data)
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash(f"見直しを記録し、第{version.number}版を作成しました。", "info")
            return redirect(url_for(".plan_detail", case_id=case.id, plan_id=plan.id))
    return render_template("cases/plans/form.html", form=form, case=case, plan=plan)


@bp.get("/<id:case_id>/plans/<id:plan_id>/v<id:number>/<audience>.docx")
@login_required
def plan_word(case_id: int, plan_id: int, number: int, audience: str):
    """Download a version as Word, for the family or the child; the download is audited."""
    if audience not in AUDIENCES:
        abort(404)
    content, name = plan_reading.plan_document(me(), case_id, plan_id, number, audience)
    return attachment(content, DOCX, name, f"support-plan-{plan_id}-v{number}-{audience}.docx")


@bp.post("/<id:case_id>/plans/<id:plan_id>/consents/<id:consent_id>/withdraw")
@login_required
def plan_consent_withdraw(case_id: int, plan_id: int, consent_id: int):
    """Withdraw the consent on a plan for every named agency or one; sharing stops at once."""
    case = _writable_case(case_id)
    plan, _access = plan_reading.load_plan(me(), case.id, plan_id)
    form = PlanWithdrawForm()
    if form.validate_on_submit():
        agency_ids = [form.agency_id.data] if form.agency_id.data else None
        try:
            plans.withdraw_plan_consent(me(), plan, consent_id, agency_ids, form.note.data or "")
        except Refusal as error:
            for message in error.messages:
                flash(message, "error")
        else:
            flash("同意の撤回を記録しました。共有はただちに停止されます。", "info")
    return redirect(url_for(".plan_detail", case_id=case.id, plan_id=plan_id, _anchor="consents"))


@bp.get("/plans/review-board")
@login_required
def plan_board_view():
    """Show the review board: overdue plans, plans due in 30 days, registered cases with no plan."""
    board = plan_board.review_board(me())
    return render_template("cases/plans/board.html", board=board)


def visible_plan_count(case, access) -> int:
    """Return how many of the case's plans the logged-in person sees (for the case page)."""
    return len(plan_reading.visible_plans(me(), case, access))


def home_panel(user) -> Markup | None:
    """Show the assigned caseworker the review dates of their plans on the home page."""
    mine = plan_board.my_reviews(user)
    if not plan_board.may_see_board(user) and not mine:
        return None
    board = plan_board.may_see_board(user)
    html = render_template("cases/plans/_home_panel.html", plans=mine, as_of=today_in_japan(), board=board)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


# Local resources (地域資源)


def may_keep_resources(user) -> bool:
    """Tell whether the person keeps a council's resource list (the coordinating body)."""
    return bool(resources.managed_councils(user))


@bp.get("/resources")
@login_required
def resource_list():
    """List the council's local resources, retired ones too."""
    user = me()
    policy.require(may_keep_resources(user))
    return render_template("cases/plans/resources.html", resources=resources.resources_of(user))


@bp.route("/resources/new", methods=["GET", "POST"])
@login_required
def resource_new():
    """Add a local resource."""
    user = me()
    councils = resources.managed_councils(user)
    policy.require(bool(councils))
    form = ResourceForm(councils)
    if form.validate_on_submit():
        try:
            resource = resources.save_resource(user, form.to_input())
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash(f"地域資源「{resource.name}」を追加しました。", "info")
            return redirect(url_for(".resource_list"))
    return render_template("cases/plans/resource_form.html", form=form, resource=None)


@bp.route("/resources/<id:resource_id>/edit", methods=["GET", "POST"])
@login_required
def resource_edit(resource_id: int):
    """Change a local resource, or retire it from the plans' choices."""
    user = me()
    councils = resources.managed_councils(user)
    policy.require(bool(councils))
    resource = resources.get_resource(user, resource_id)
    if resource is None:
        abort(404)
    form = ResourceForm(councils, obj=resource)
    if form.validate_on_submit():
        try:
            resources.save_resource(user, form.to_input(), resource)
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash(f"地域資源「{resource.name}」を更新しました。", "info")
            return redirect(url_for(".resource_list"))
    return render_template("cases/plans/resource_form.html", form=form, resource=resource)
