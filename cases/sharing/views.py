"""Sharing pages of a case (coordinators): involvements, grants, consents and emergency shares."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from cases import codes, policy
from cases.blueprint import bp
from cases.ledger import reading
from cases.models import Part
from cases.sharing import consents
from cases.sharing import services as share
from cases.sharing.forms import ConsentForm, EmergencyForm, EndInvolvementForm, InvolvementForm, WithdrawForm
from cases.sharing.models import GrantCause, InvolvementKind
from portal.downloads import attachment
from portal.forms import show_refusal
from portal.gates import me
from portal.refusals import Refusal

DOCUMENT_SUFFIXES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def _managed_case(case_id: int):
    """Load a case whose sharing the person manages (404 when unseen, 403 when not theirs to manage)."""
    user = me()
    case, _access = policy.get_case_or_404(user, case_id)
    policy.require(policy.can_manage_sharing(user, case))
    return case


def _back(case_id: int, anchor: str):
    """Return to a section of the sharing page."""
    return redirect(url_for(".sharing", case_id=case_id, _anchor=anchor))


def _flash_all(messages) -> None:
    """Show each message as an error."""
    for message in messages:
        flash(message, "error")


def _render_sharing(case_id: int, **bound):
    """Render the sharing page; a form that failed is passed in bound, with what was typed."""
    user = me()
    case = _managed_case(case_id)
    view = reading.read_case(user, case_id)
    forms = {
        "involvement_form": InvolvementForm(case, formdata=None, prefix="inv"),
        "consent_form": ConsentForm(case, formdata=None, prefix="consent"),
        "emergency_form": EmergencyForm(formdata=None, prefix="emg"),
    }
    forms.update(bound)
    if not policy.can_emergency_share(user, case):
        forms["emergency_form"] = None
    return render_template(
        "cases/sharing/sharing.html",
        view=view,
        case=case,
        end_form=EndInvolvementForm(formdata=None),
        relations=codes.labels("relation"),
        legal_bases=codes.labels("legal_basis"),
        GrantCause=GrantCause,
        **forms,
    )


@bp.get("/<id:case_id>/sharing")
@login_required
def sharing(case_id: int):
    """Show who takes part in the case, every grant, the consents, and the emergency share form."""
    return _render_sharing(case_id)


@bp.post("/<id:case_id>/sharing/involvements")
@login_required
def involvement_add(case_id: int):
    """Record an agency's involvement in the case (its statutory grant comes with it)."""
    case = _managed_case(case_id)
    form = InvolvementForm(case, prefix="inv")
    if form.validate_on_submit():
        try:
            share.add_involvement(
                me(),
                case,
                form.agency_id.data,
                InvolvementKind(form.kind.data),
                form.started_on.data,
                ended_on=form.ended_on.data,
                child_id=form.child_id.data,
                note=form.note.data or "",
            )
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash("関与を記録しました。", "info")
            return _back(case.id, "involvements")
    return _render_sharing(case_id, involvement_form=form)


@bp.post("/<id:case_id>/sharing/involvements/<id:involvement_id>/end")
@login_required
def involvement_end(case_id: int, involvement_id: int):
    """End an involvement; its grant ends the same day."""
    case = _managed_case(case_id)
    form = EndInvolvementForm()
    if not form.validate_on_submit():
        _flash_all(m for messages in form.errors.values() for m in messages)
        return _back(case.id, "involvements")
    try:
        share.end_involvement(me(), case, involvement_id, form.ended_on.data)
    except Refusal as error:
        _flash_all(error.messages)
    else:
        flash("関与を終了しました。", "info")
    return _back(case.id, "involvements")


@bp.post("/<id:case_id>/sharing/consents")
@login_required
def consent_record(case_id: int):
    """Record a consent and grant the named agencies the named parts."""
    case = _managed_case(case_id)
    form = ConsentForm(case, prefix="consent")
    if form.validate_on_submit():
        upload = form.document.data
        document = upload.read() if getattr(upload, "filename", "") else None
        try:
            consents.record_consent(
                me(),
                case,
                given_by_name=form.given_by_name.data,
                given_by_relation=form.given_by_relation.data,
                given_on=form.given_on.data,
                agency_ids=form.agency_ids.data,
                parts=[Part(p) for p in form.parts.data],
                valid_until=form.valid_until.data,
                wording=form.wording.data or "",
                document=document,
                document_name=(upload.filename or "")[-200:] if document else "",
            )
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash("同意を記録しました。", "info")
            return _back(case.id, "consents")
    if getattr(form.document.data, "filename", ""):
        form.document.errors = [*form.document.errors, "同意書のファイルは、もう一度選んでください。"]
    return _render_sharing(case_id, consent_form=form)


@bp.post("/<id:case_id>/sharing/consents/<id:consent_id>/withdraw")
@login_required
def consent_withdraw(case_id: int, consent_id: int):
    """Withdraw a consent for every agency or one; sharing stops at once."""
    case = _managed_case(case_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        _flash_all(m for messages in form.errors.values() for m in messages)
        return _back(case.id, "consents")
    agency_ids = [form.agency_id.data] if form.agency_id.data else None
    try:
        consents.withdraw_consent(me(), case, consent_id, form.note.data or "", agency_ids=agency_ids)
    except Refusal as error:
        _flash_all(error.messages)
    else:
        flash("同意の撤回を記録しました。共有はただちに停止されます。", "info")
    return _back(case.id, "consents")


@bp.get("/<id:case_id>/sharing/consents/<id:consent_id>/document")
@login_required
def consent_document(case_id: int, consent_id: int):
    """Download the scanned consent form (coordinators only); the download is audited."""
    case = _managed_case(case_id)
    try:
        consent = consents.consent_document(me(), case, consent_id)
    except LookupError:
        abort(404)
    suffix = DOCUMENT_SUFFIXES.get(consent.document_type, "bin")
    name = consent.document_name or f"同意書.{suffix}"
    return attachment(consent.document, consent.document_type, name, f"consent-{consent.id}.{suffix}")


@bp.post("/<id:case_id>/sharing/emergency")
@login_required
def emergency_share(case_id: int):
    """Share parts without consent in an emergency: a coordinator's permission, reason and legal basis."""
    user = me()
    case, _access = policy.get_case_or_404(user, case_id)
    policy.require(policy.can_emergency_share(user, case))
    form = EmergencyForm(prefix="emg")
    if form.validate_on_submit():
        try:
            share.emergency_share(
                user,
                case,
                agency_id=form.agency_id.data,
                parts=[Part(p) for p in form.parts.data],
                reason=form.reason.data,
                legal_basis=form.legal_basis.data,
                valid_until=form.valid_until.data,
            )
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash("緊急共有を開始しました。期限が来ると自動的に終了します。", "info")
            return _back(case.id, "grants")
    return _render_sharing(case_id, emergency_form=form)


@bp.post("/<id:case_id>/sharing/grants/<id:grant_id>/revoke")
@login_required
def grant_revoke(case_id: int, grant_id: int):
    """End an emergency or meeting grant early."""
    case = _managed_case(case_id)
    try:
        share.revoke_grant(me(), case, grant_id)
    except Refusal as error:
        _flash_all(error.messages)
    else:
        flash("共有を取り消しました。", "info")
    return _back(case.id, "grants")
