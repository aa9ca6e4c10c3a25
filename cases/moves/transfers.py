"""Transfers to another council (ケース移管): start, the face-to-face or phone handover, acceptance by a
council on the portal (the case continues there under a new number), or sending to a council elsewhere.

Until acceptance the receiving council sees only the transfer notice and its handover set (the case
stays the sender's, THE policy's rule). On acceptance the case is copied with its history and
notes into the receiving council, both cases name each other, and the sending council's grants end.
"""

from datetime import date

from sqlalchemy import select

from cases import policy
from cases.ledger.services import auto_join_child_guidance, record_change
from cases.models import Case, Status
from cases.moves import handover
from cases.moves.copying import copy_case
from cases.moves.handover import child_guidance_agencies
from cases.moves.models import HANDOVER_METHODS, CaseTransfer, TransferStatus
from cases.sharing import services as sharing
from cases.sharing.models import AccessGrant, Involvement, InvolvementKind
from portal import audit
from portal.dates import today_in_japan, wareki
from portal.extensions import db
from portal.models import Council, User
from portal.refusals import Refusal
from portal.sanitize import plain_text
from portal.transaction import transaction
from portal.types import utcnow


def open_transfer(case: Case) -> CaseTransfer | None:
    """Return the case's transfer in progress, if any."""
    return db.session.scalar(
        select(CaseTransfer).where(
            CaseTransfer.case_id == case.id, CaseTransfer.status == TransferStatus.PENDING.value
        )
    )


def start_transfer(
    user: User,
    case: Case,
    *,
    to_council_id: int | None,
    destination_name: str,
    move_on: date,
    reason: str,
    risk_level: int,
) -> CaseTransfer:
    """Start a transfer to a council on the portal (to_council_id) or elsewhere (destination_name)."""
    policy.require(policy.can_manage_sharing(user, case))
    problems = []
    if case.status == Status.CLOSED.value:
        problems.append("終結したケースは移管できません。")
    if open_transfer(case) is not None:
        problems.append("このケースは既に移管の手続中です。")
    council = db.session.get(Council, to_council_id) if to_council_id else None
    if to_council_id and (council is None or not council.active or council.id == case.council_id):
        problems.append("移管先の協議会が正しくありません。")
    if not to_council_id and not destination_name.strip():
        problems.append("移管先（ポータル外の自治体名）を入力してください。")
    if not plain_text(reason).strip():
        problems.append("移管の理由を入力してください。")
    if risk_level not in (1, 2, 3):
        problems.append("リスクを選んでください。")
    if problems:
        raise Refusal(*problems)
    cgc = child_guidance_agencies(case)
    carried = next((a.id for a in cgc if council is not None and council in a.councils), None)
    with transaction():
        transfer = CaseTransfer(
            case_id=case.id,
            from_council_id=case.council_id,
            to_council_id=council.id if council else None,
            destination_name="" if council else destination_name.strip()[:120],
            move_on=move_on,
            reason=plain_text(reason).strip(),
            risk_level=risk_level,
            started_by_id=user.id,
            child_guidance_agency_id=carried,
        )
        db.session.add(transfer)
        db.session.flush()
        record_change(
            case, user, "transfer", "", f"移管手続の開始（{transfer.destination}、転居日 {wareki(move_on)}）"
        )
        audit.record(
            "case.transfer_start",
            actor=user,
            target=case,
            detail={"transfer_id": transfer.id, "to_council_id": transfer.to_council_id, "risk": risk_level},
        )
    return transfer


def record_handover(
    user: User, transfer: CaseTransfer, *, method: str, on: date, with_whom: str, note: str
) -> None:
    """Record the face-to-face or phone handover (required before a high-risk transfer completes)."""
    policy.require(policy.can_manage_sharing(user, transfer.case))
    problems = []
    if transfer.status != TransferStatus.PENDING.value:
        problems.append("手続中の移管ではありません。")
    if method not in HANDOVER_METHODS:
        problems.append("引継ぎの方法（対面・電話）を選んでください。")
    if not with_whom.strip():
        problems.append("引継ぎの相手を入力してください。")
    if on > today_in_japan():
        problems.append("引継ぎの日は今日までの日付にしてください。")
    if problems:
        raise Refusal(*problems)
    with transaction():
        transfer.handover_method = method
        transfer.handover_on = on
        transfer.handover_with = with_whom.strip()[:120]
        transfer.handover_note = plain_text(note).strip()
        transfer.handover_by_id = user.id
        audit.record("case.transfer_handover", actor=user, target=transfer.case, detail={"method": method})


def _check_ready(transfer: CaseTransfer) -> None:
    """Refuse to complete a transfer that is not in progress, or high-risk without a handover."""
    if transfer.status != TransferStatus.PENDING.value:
        raise Refusal("手続中の移管ではありません。")
    if transfer.high_risk and not transfer.handed_over:
        raise Refusal("リスクの高いケースは、対面または電話での引継ぎを記録してから移管を完了してください。")


def _end_sender_side(user: User, case: Case, transfer: CaseTransfer, where: str) -> None:
    """Close the sender's case as 転出: involvements and grants end, the history says where."""
    today = today_in_japan()
    now = utcnow()
    for involvement in db.session.scalars(
        select(Involvement).where(Involvement.case_id == case.id, Involvement.ended_on.is_(None))
    ):
        involvement.ended_on = max(involvement.started_on, today)
    for grant in db.session.scalars(
        select(AccessGrant).where(AccessGrant.case_id == case.id, AccessGrant.revoked_at.is_(None))
    ):
        grant.revoked_at = now
        grant.revoked_by_id = user.id
    record_change(case, user, "transfer", "移管手続中", where)
    record_change(case, user, "status", case.status_label, Status.CLOSED.label, source="transfer")
    case.status = Status.CLOSED.value
    case.closed_on = max(today, case.received_on)
    case.closure_reason = "moved_out"
    case.version += 1
    transfer.completed_at = now
    transfer.completed_by_id = user.id


def send_elsewhere(user: User, transfer: CaseTransfer) -> None:
    """Complete a transfer to a council elsewhere (the 通知書 and export went by other means)."""
    policy.require(policy.can_manage_sharing(user, transfer.case))
    _check_ready(transfer)
    if transfer.to_council_id is not None:
        raise Refusal("ポータル上の協議会への移管は、移管先が受け入れると完了します。")
    with transaction():
        _end_sender_side(user, transfer.case, transfer, f"移管済（{transfer.destination}へ送付）")
        transfer.status = TransferStatus.SENT.value
        audit.record(
            "case.transfer_send", actor=user, target=transfer.case, detail={"transfer_id": transfer.id}
        )


def cancel(user: User, transfer: CaseTransfer) -> None:
    """Cancel a transfer in progress (the sender's decision)."""
    policy.require(policy.can_manage_sharing(user, transfer.case))
    if transfer.status != TransferStatus.PENDING.value:
        raise Refusal("手続中の移管ではありません。")
    with transaction():
        transfer.status = TransferStatus.CANCELLED.value
        record_change(transfer.case, user, "transfer", "移管手続中", "移管の取消")
        audit.record(
            "case.transfer_cancel", actor=user, target=transfer.case, detail={"transfer_id": transfer.id}
        )


def accept(user: User, transfer: CaseTransfer, child_guidance_agency_id: int | None) -> Case:
    """Accept a transfer: the case continues in the receiving council under a new number, history and all.

    The 児相 involvement is carried (the same center covers both towns) or changed to the center
    chosen from the receiving council's members.
    """
    policy.require(policy.can_receive_transfer(user, transfer))
    _check_ready(transfer)
    council = transfer.to_council
    cgc_ids = {a.id for a in council.members if a.category.value == "child_guidance"}
    if child_guidance_agency_id and child_guidance_agency_id not in cgc_ids:
        raise Refusal("児童相談所は移管先の協議会の構成機関から選んでください。")
    old = transfer.case
    with transaction():
        new = copy_case(old, council)
        # The risk assessed for the transfer is the one the receiving council starts from.
        new.risk_level = transfer.risk_level
        record_change(new, user, "transfer", "", f"移管元: {old.council.name} ケース {old.case_number}")
        _end_sender_side(user, old, transfer, f"移管済（{council.name} ケース {new.case_number}）")
        transfer.status = TransferStatus.ACCEPTED.value
        transfer.new_case_id = new.id
        transfer.child_guidance_agency_id = child_guidance_agency_id
        start = today_in_japan()
        if child_guidance_agency_id:
            sharing.involve(
                user, new, child_guidance_agency_id, InvolvementKind.CHILD_GUIDANCE, start, note="移管"
            )
        else:
            auto_join_child_guidance(user, new, council, start)
        detail = {"transfer_id": transfer.id, "from_case_id": old.id, "new_case_id": new.id}
        audit.record("case.transfer_accept", actor=user, target=new, detail=detail)
        audit.record("case.transfer_out", actor=user, target=old, detail=detail)
    return new


def export_handover(user: User, transfer: CaseTransfer, fmt: str) -> bytes:
    """Return the handover set as Word (ケース移管通知書), xlsx or JSON, with the audit row of the export."""
    if not (policy.can_manage_sharing(user, transfer.case) or policy.can_receive_transfer(user, transfer)):
        raise Refusal("この移管の情報は出力できません。")
    data = handover.handover_set(transfer)
    builders = {"docx": handover.to_docx, "xlsx": handover.to_xlsx, "json": handover.to_json}
    with transaction():
        audit.record(
            "case.transfer_export",
            actor=user,
            target=transfer.case,
            detail={"transfer_id": transfer.id, "format": fmt},
        )
    return builders[fmt](data)
