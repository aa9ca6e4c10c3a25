"""Assessment sheet pages: the cases to assess, one case's sheets (merged for the coordinator), a new sheet.

Routes are added to the reports blueprint (reports/blueprint.py).
"""

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from cases import policy
from cases.models import Part
from portal.dates import today_in_japan
from portal.gates import me
from portal.refusals import Refusal
from reports.assessments import services as assessments
from reports.assessments.forms import AssessmentForm
from reports.assessments.models import SCALE_MAX
from reports.blueprint import bp

# Japanese names of the audited assessment actions.
ASSESSMENT_ACTION_LABELS = {
    "assessment.submit": "アセスメントシートの提出",
    "assessment.view": "アセスメントシートの閲覧",
}


def register() -> None:
    """Add the audit labels and the menu link of assessment sheets."""
    from portal.audit import register_action_labels
    from portal.home import NavItem, register_nav_item

    register_action_labels(ASSESSMENT_ACTION_LABELS)
    register_nav_item(
        NavItem("アセスメントシート", "reports.assessments_index", policy.holds_case_role, order=23)
    )


@bp.get("/assessments")
@login_required
def assessments_index():
    """List the open cases whose sheets the person fills in or reads."""
    user = me()
    cases = assessments.assessable_cases(user)
    return render_template(
        "reports/assessments/index.html",
        cases=cases,
        access_by_case=policy.access_map(user, cases),
        basic=Part.BASIC,
    )


@bp.get("/assessments/case/<id:case_id>")
@login_required
def assessment_case(case_id: int):
    """Show one case's sheets: every agency's merged for the coordinator, the own agency's otherwise."""
    user = me()
    case, _access = policy.get_case_or_404(user, case_id, Part.REPORTS)
    view = assessments.read_case_sheets(user, case)
    return render_template(
        "reports/assessments/case.html",
        view=view,
        can_fill=assessments.can_fill(user, case),
        scale_max=SCALE_MAX,
    )


@bp.route("/assessments/case/<id:case_id>/new", methods=["GET", "POST"])
@login_required
def assessment_new(case_id: int):
    """Fill in the person's agency's sheet for the case."""
    user = me()
    case, _access = policy.get_case_or_404(user, case_id, Part.REPORTS)
    policy.require(assessments.can_fill(user, case))
    form = AssessmentForm(assessments.active_signs(), data={"assessed_on": today_in_japan()})
    if form.validate_on_submit():
        try:
            assessments.submit_sheet(user, case, form.to_input())
        except Refusal as error:
            form.form_errors.extend(error.messages)
        else:
            flash("アセスメントシートを提出しました。", "info")
            return redirect(url_for(".assessment_case", case_id=case.id))
    status = 422 if form.is_submitted() else 200
    return render_template("reports/assessments/new.html", form=form, case=case), status
