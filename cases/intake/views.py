"""Intake pages: the 受付票 (with the duplicate check), a received report with its 48-hour check and
the 受理会議 decision, and the 送致書 / 援助依頼書 as Word.
"""

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from cases import policy, signals
from cases.blueprint import bp
from cases.intake import safety, services, word
from cases.intake.forms import DecisionForm, IntakeForm, SightingForm
from cases.intake.models import SIGHTING_METHODS, URGENCY_ITEMS
from cases.ledger.duplicates import known_by_name
from portal.downloads import attachment
from portal.forms import show_refusal
from portal.gates import me
from portal.refusals import Refusal
from portal.types import utcnow

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def may_take_intake(user) -> bool:
    """Tell whether the intake link is shown: coordinators of a council."""
    return bool(policy.coordinated_council_ids(user)) if user.is_authenticated else False


@bp.get("/intake")
@login_required
def intake_list():
    """List the open 48-hour checks of the person's councils, overdue first."""
    user = me()
    policy.require(may_take_intake(user))
    signals.announce_alarms(safety.raise_overdue_alarms(user))
    return render_template("cases/intake/list.html", lines=safety.open_checks(user))


@bp.route("/intake/new", methods=["GET", "POST"])
@login_required
def intake_new():
    """Take a consultation or report (相談・通告受付票); similar known cases are shown before saving."""
    user = me()
    policy.require(may_take_intake(user))
    form = IntakeForm(user)
    duplicates = []
    if form.validate_on_submit():
        kids, adults = form.names()
        duplicates = known_by_name(
            user, child_names=kids, guardian_names=adults, council_id=form.council_id.data
        )
        if duplicates and not form.confirm_duplicates.data:
            form.form_errors.append("似たケースがあります。確認してから、もう一度保存してください。")
        else:
            try:
                record = services.receive(user, form.to_input())
            except Refusal as error:
                show_refusal(form, error)
            else:
                flash(
                    f"受け付けました（ケース番号 {record.case.case_number}）。48時間以内に安全確認を。",
                    "info",
                )
                return redirect(url_for(".intake_detail", record_id=record.id))
    return render_template("cases/intake/new.html", form=form, duplicates=duplicates)


def _render_detail(record, sighting_form=None, decision_form=None, status=200):
    """Render a 受付票 page with its forms."""
    user = me()
    case = record.case
    duplicates = known_by_name(
        user,
        child_names=[n for c in case.children for n in (c.name, c.name_kana) if n],
        guardian_names=[g.name for g in case.guardians],
        council_id=case.council_id,
        exclude_case_id=case.id,
    )
    return render_template(
        "cases/intake/detail.html",
        record=record,
        case=case,
        now=utcnow(),
        urgency_items=URGENCY_ITEMS,
        methods=SIGHTING_METHODS,
        duplicates=duplicates,
        sighting_form=sighting_form or SightingForm(formdata=None),
        decision_form=decision_form or DecisionForm(case, formdata=None),
        referral_agency=services.referral_agency(record),
    ), status


@bp.get("/intake/<id:record_id>")
@login_required
def intake_detail(record_id: int):
    """Show a 受付票 with its countdown, sighting and decision (coordinators of its council only)."""
    return _render_detail(services.read_intake(me(), record_id))


@bp.post("/intake/<id:record_id>/sighting")
@login_required
def intake_sighting(record_id: int):
    """Record the direct sighting of the child (the 48-hour check)."""
    user = me()
    record = services.get_intake_or_404(user, record_id)
    form = SightingForm()
    if form.validate_on_submit():
        try:
            safety.record_sighting(
                user,
                record,
                seen_at=form.seen_at(),
                seen_by=form.seen_by.data,
                how=form.how.data,
                note=form.note.data or "",
            )
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash("安全確認を記録しました。", "info")
            return redirect(url_for(".intake_detail", record_id=record.id))
    return _render_detail(record, sighting_form=form, status=422)


@bp.post("/intake/<id:record_id>/decision")
@login_required
def intake_decision(record_id: int):
    """Record the 受理会議 decision: register, refer to the 児相, or close as advice only."""
    user = me()
    record = services.get_intake_or_404(user, record_id)
    form = DecisionForm(record.case)
    if form.validate_on_submit():
        try:
            services.decide(user, record, form.to_decision())
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash(f"受理会議の決定を記録しました（{record.decision_label}）。", "info")
            return redirect(url_for(".intake_detail", record_id=record.id))
    return _render_detail(record, decision_form=form, status=422)


@bp.get("/intake/<id:record_id>/referral.docx")
@login_required
def intake_referral(record_id: int):
    """Download the 送致書 / 援助依頼書 of a case referred to the 児相 (audited)."""
    user = me()
    record = services.get_intake_or_404(user, record_id)
    content = services.referral_document(user, record)
    title = word.TITLES.get(record.referral_kind, "送致書")
    return attachment(content, DOCX, f"{title}_{record.case.case_number}.docx", f"referral_{record.id}.docx")


INTAKE_ACTION_LABELS = {
    "intake.receive": "相談・通告の受付",
    "intake.view": "受付票の閲覧",
    "intake.sighting": "安全確認の記録",
    "intake.overdue": "安全確認の期限超過",
    "intake.decide": "受理会議の決定",
    "intake.referral_docx": "送致書の出力",
}
