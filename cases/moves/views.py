"""Moves pages: a case's 転居・移管 page (school change, 所在不明, starting a transfer), the transfer page
of the sender and the receiver (who sees only the handover set), and the handover downloads.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from cases import policy, signals
from cases.blueprint import bp
from cases.models import Child, Part
from cases.moves import handover, queries, services, transfers
from cases.moves.forms import AcceptForm, FoundForm, HandoverForm, MissingForm, SchoolChangeForm, TransferForm
from cases.moves.models import CaseTransfer
from portal.downloads import attachment
from portal.extensions import db
from portal.gates import me
from portal.refusals import Refusal

TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
MOVES_ACTION_LABELS = {
    "case.school_change": "転校・転園",
    "case.missing": "所在不明の記録",
    "case.found": "所在確認",
    "case.transfer_start": "ケース移管の開始",
    "case.transfer_handover": "移管の引継ぎの記録",
    "case.transfer_accept": "ケース移管の受入",
    "case.transfer_out": "ケース移管（転出）",
    "case.transfer_send": "ケース移管（ポータル外へ送付）",
    "case.transfer_cancel": "ケース移管の取消",
    "case.transfer_export": "移管の引継ぎ情報の出力",
}


def _managed_case(case_id: int):
    """Load a case the person coordinates (404 if hidden, 403 if only shared)."""
    user = me()
    case, _access = policy.get_case_or_404(user, case_id, Part.LEDGER)
    policy.require(policy.can_manage_sharing(user, case))
    return case


def _flash_refusal(error: Refusal) -> None:
    """Flash every message of a refusal."""
    for message in error.messages:
        flash(message, "error")


@bp.get("/<id:case_id>/moves")
@login_required
def moves(case_id: int):
    """Show a case's 転居・移管 page: school changes, 所在不明, transfers (coordinators of the council)."""
    case = _managed_case(case_id)
    out, into = queries.transfers_of(case)
    return render_template(
        "cases/moves/moves.html",
        case=case,
        missing=services.open_missing(case),
        missing_history=services.missing_history(case),
        transfers_out=out,
        transfers_in=into,
        open_transfer=transfers.open_transfer(case),
        school_form=SchoolChangeForm(case, formdata=None),
        missing_form=MissingForm(formdata=None),
        found_form=FoundForm(formdata=None),
        transfer_form=TransferForm(case, formdata=None),
    )


@bp.post("/<id:case_id>/moves/school")
@login_required
def school_change(case_id: int):
    """Move a child to another school or nursery of the council."""
    case = _managed_case(case_id)
    form = SchoolChangeForm(case)
    if form.validate_on_submit():
        child = db.session.get(Child, form.child_id.data)
        try:
            if child is None:
                raise Refusal("対象の子どもが正しくありません。")
            services.change_school(
                me(), case, child, form.new_agency_id.data, form.moved_on.data, form.grade_class.data
            )
        except Refusal as error:
            _flash_refusal(error)
        else:
            flash("転校・転園を記録しました。新しい所属との共有が始まりました。", "info")
    else:
        _flash_refusal(Refusal(*[m for ms in form.errors.values() for m in ms]))
    return redirect(url_for(".moves", case_id=case.id))


@bp.post("/<id:case_id>/moves/missing")
@login_required
def mark_missing(case_id: int):
    """Mark the family's whereabouts unknown; the coordinators and the 児相 are alerted at once."""
    case = _managed_case(case_id)
    form = MissingForm()
    if form.validate_on_submit():
        try:
            handles = services.mark_missing(me(), case, form.since_on.data, form.note.data or "")
        except Refusal as error:
            _flash_refusal(error)
        else:
            signals.announce_alarms(handles)
            flash("所在不明として記録し、調整機関と児童相談所に通知しました。", "info")
    return redirect(url_for(".moves", case_id=case.id))


@bp.post("/<id:case_id>/moves/found")
@login_required
def mark_found(case_id: int):
    """Record that the family was found."""
    case = _managed_case(case_id)
    form = FoundForm()
    if form.validate_on_submit():
        try:
            services.mark_found(me(), case, form.found_on.data, form.found_note.data or "")
        except Refusal as error:
            _flash_refusal(error)
        else:
            flash("所在を確認しました。", "info")
    return redirect(url_for(".moves", case_id=case.id))


@bp.post("/<id:case_id>/transfer")
@login_required
def transfer_start(case_id: int):
    """Start a transfer to another council (ケース移管)."""
    case = _managed_case(case_id)
    form = TransferForm(case)
    if not form.validate_on_submit():
        _flash_refusal(Refusal(*[m for ms in form.errors.values() for m in ms]))
        return redirect(url_for(".moves", case_id=case.id))
    try:
        transfer = transfers.start_transfer(
            me(),
            case,
            to_council_id=form.to_council_id.data,
            destination_name=form.destination_name.data or "",
            move_on=form.move_on.data,
            reason=form.reason.data,
            risk_level=form.risk_level.data,
        )
    except Refusal as error:
        _flash_refusal(error)
        return redirect(url_for(".moves", case_id=case.id))
    flash("ケース移管の手続を始めました。", "info")
    return redirect(url_for(".transfer_view", transfer_id=transfer.id))


def _transfer(transfer_id: int) -> tuple[CaseTransfer, str]:
    """Load a transfer for its sender ("sender") or its receiving coordinator ("receiver"); else 404."""
    user = me()
    transfer = db.session.get(CaseTransfer, transfer_id)
    if transfer is None:
        abort(404)
    if policy.can_manage_sharing(user, transfer.case):
        return transfer, "sender"
    if policy.can_receive_transfer(user, transfer):
        return transfer, "receiver"
    abort(404)


@bp.get("/transfers")
@login_required
def transfer_list():
    """List the transfer notices waiting for the person's council and the transfers it started."""
    user = me()
    policy.require(bool(policy.coordinated_council_ids(user)))
    return render_template(
        "cases/moves/transfers.html", notices=queries.notices_for(user), outgoing=queries.outgoing_for(user)
    )


@bp.get("/transfers/<id:transfer_id>")
@login_required
def transfer_view(transfer_id: int):
    """Show a transfer: to the receiver only its handover set, to the sender its steps too."""
    transfer, role = _transfer(transfer_id)
    council = transfer.to_council
    return render_template(
        "cases/moves/transfer.html",
        transfer=transfer,
        role=role,
        data=handover.handover_set(transfer),
        handover_form=HandoverForm(formdata=None),
        accept_form=AcceptForm(council, transfer.child_guidance_agency_id, formdata=None)
        if council
        else None,
    )


@bp.post("/transfers/<id:transfer_id>/<any(handover, accept, send, cancel):step>")
@login_required
def transfer_step(transfer_id: int, step: str):
    """Take one step of a transfer: the receiver accepts; the sender records the handover, sends, cancels."""
    user = me()
    transfer, role = _transfer(transfer_id)
    policy.require(role == ("receiver" if step == "accept" else "sender"))
    try:
        if step == "accept":
            form = AcceptForm(transfer.to_council, None)
            if not form.validate_on_submit():
                raise Refusal(*[m for ms in form.errors.values() for m in ms])
            new = transfers.accept(user, transfer, form.child_guidance_agency_id.data)
            flash(f"ケースを受け入れました（新しいケース番号 {new.case_number}）。", "info")
            return redirect(url_for(".detail", case_id=new.id))
        if step == "handover":
            _record_handover(user, transfer)
            flash("引継ぎを記録しました。", "info")
        elif step == "send":
            transfers.send_elsewhere(user, transfer)
            flash("移管を完了しました（ポータル外へ送付）。", "info")
        else:
            transfers.cancel(user, transfer)
            flash("移管を取り消しました。", "info")
            return redirect(url_for(".moves", case_id=transfer.case_id))
    except Refusal as error:
        _flash_refusal(error)
    return redirect(url_for(".transfer_view", transfer_id=transfer.id))


def _record_handover(user, transfer: CaseTransfer) -> None:
    """Read the handover form and record it (a Refusal lists what is missing)."""
    form = HandoverForm()
    if not form.validate_on_submit():
        raise Refusal(*[m for ms in form.errors.values() for m in ms])
    transfers.record_handover(
        user,
        transfer,
        method=form.method.data,
        on=form.on.data,
        with_whom=form.with_whom.data,
        note=form.note.data or "",
    )


@bp.get("/transfers/<id:transfer_id>/handover.<any(docx, xlsx, json):fmt>")
@login_required
def transfer_export(transfer_id: int, fmt: str):
    """Download the ケース移管通知書 (Word) or the handover set (xlsx / JSON), audited."""
    transfer, _role = _transfer(transfer_id)
    content = transfers.export_handover(me(), transfer, fmt)
    name = "ケース移管通知書" if fmt == "docx" else "移管引継ぎ情報"
    return attachment(
        content, TYPES[fmt], f"{name}_{transfer.case.case_number}.{fmt}", f"transfer_{transfer.id}.{fmt}"
    )


def may_see_transfers(user) -> bool:
    """Tell whether the transfers link is shown: coordinators of a council."""
    return user.is_authenticated and bool(policy.coordinated_council_ids(user))
