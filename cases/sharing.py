"""Involvements and the grants they carry; consents and their withdrawal; emergency shares.

Every grant of access is an AccessGrant row with its cause and period. Grants are revoked,
never deleted, so the record of who could see what, and why, stays complete.
"""

from datetime import date

from sqlalchemy import select

from cases import codes, policy
from cases.models import (
    ALL_PARTS_MASK,
    AccessGrant,
    Case,
    CaseRead,
    Consent,
    GrantCause,
    Involvement,
    InvolvementKind,
    Part,
    parts_mask,
)
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, User
from portal.sanitize import clean_html
from portal.types import utcnow

# What each kind of involvement shares on the statutory basis (or the meeting, for invitees).
INVOLVEMENT_PARTS = {
    InvolvementKind.ENROLLED: parts_mask([Part.BASIC, Part.LEDGER, Part.NOTES, Part.REPORTS]),
    InvolvementKind.LEAD: ALL_PARTS_MASK,
    InvolvementKind.CHILD_GUIDANCE: ALL_PARTS_MASK,
    InvolvementKind.ASSIGNED: parts_mask([Part.BASIC, Part.LEDGER, Part.NOTES]),
    InvolvementKind.MEETING: parts_mask([Part.BASIC, Part.LEDGER, Part.MEETINGS]),
}

ALLOWED_DOCUMENT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class SharingError(Exception):
    """A sharing rule refused the operation; `messages` are Japanese."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


def has_involvement(case: Case, agency_id: int, kind: InvolvementKind) -> bool:
    """Tell whether the agency already has an open involvement of this kind in the case."""
    return (
        db.session.scalar(
            select(Involvement.id).where(
                Involvement.case_id == case.id,
                Involvement.agency_id == agency_id,
                Involvement.kind == kind.value,
                Involvement.ended_on.is_(None),
            )
        )
        is not None
    )


def add_involvement_in_tx(
    user: User | None,
    case: Case,
    agency_id: int,
    kind: InvolvementKind,
    started_on: date,
    *,
    ended_on: date | None = None,
    child_id: int | None = None,
    note: str = "",
) -> Involvement:
    """Record an involvement and its grant inside the caller's transaction."""
    agency = db.session.get(Agency, agency_id)
    if agency is None or case.council not in agency.councils:
        raise SharingError(
            "協議会の構成機関ではないため、法定の共有の対象になりません。同意による共有を記録してください。"
        )
    if ended_on and ended_on < started_on:
        raise SharingError("終了日が開始日より前です。")
    involvement = Involvement(
        case_id=case.id,
        agency_id=agency_id,
        kind=kind.value,
        child_id=child_id,
        started_on=started_on,
        ended_on=ended_on,
        note=note,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(involvement)
    db.session.flush()
    cause = GrantCause.MEETING if kind == InvolvementKind.MEETING else GrantCause.STATUTORY
    grant = AccessGrant(
        case_id=case.id,
        agency_id=agency_id,
        cause=cause.value,
        parts=INVOLVEMENT_PARTS[kind],
        child_id=child_id if kind == InvolvementKind.ENROLLED else None,
        valid_from=started_on,
        valid_until=ended_on,
        involvement_id=involvement.id,
        granted_by_id=getattr(user, "id", None),
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(
        "case.involvement_add",
        actor=user,
        target=case,
        detail={"agency_id": agency_id, "kind": kind.value, "child_id": child_id, "grant_id": grant.id},
    )
    return involvement


def add_involvement(
    user: User,
    case: Case,
    agency_id: int,
    kind: InvolvementKind,
    started_on: date,
    *,
    ended_on: date | None = None,
    child_id: int | None = None,
    note: str = "",
) -> Involvement:
    """Record an agency's involvement in a case (coordinators only)."""
    policy.require(policy.can_manage_sharing(user, case))
    if child_id is not None and child_id not in {c.id for c in case.children}:
        raise SharingError("対象の子どもが正しくありません。")
    involvement = add_involvement_in_tx(
        user, case, agency_id, kind, started_on, ended_on=ended_on, child_id=child_id, note=note
    )
    db.session.commit()
    return involvement


def end_involvement(user: User, case: Case, involvement_id: int, ended_on: date) -> None:
    """End an involvement; its grant ends the same day."""
    policy.require(policy.can_manage_sharing(user, case))
    involvement = db.session.get(Involvement, involvement_id)
    if involvement is None or involvement.case_id != case.id:
        raise SharingError("関与が見つかりません。")
    if ended_on < involvement.started_on:
        raise SharingError("終了日が開始日より前です。")
    involvement.ended_on = ended_on
    for grant in db.session.scalars(select(AccessGrant).where(AccessGrant.involvement_id == involvement.id)):
        grant.valid_until = ended_on
    audit.record(
        "case.involvement_end",
        actor=user,
        target=case,
        detail={"involvement_id": involvement.id, "agency_id": involvement.agency_id, "ended_on": ended_on},
    )
    db.session.commit()


def check_document(data: bytes | None, filename: str) -> str:
    """Validate a scanned consent form whole; return its media type."""
    if not data:
        return ""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise SharingError("同意書のファイルは10MB以下にしてください。")
    for magic, media_type in ALLOWED_DOCUMENT_TYPES.items():
        if data.startswith(magic):
            return media_type
    raise SharingError("同意書のファイルは PDF、PNG、JPEG のいずれかにしてください。")


def _store_consent_grants(user: User, consent: Consent, agencies: list[Agency], child_id: int | None = None):
    """Add a consent and one grant per named agency for its parts and period (caller commits)."""
    db.session.add(consent)
    db.session.flush()
    for agency in agencies:
        db.session.add(
            AccessGrant(
                case_id=consent.case_id,
                agency_id=agency.id,
                cause=GrantCause.CONSENT.value,
                parts=consent.parts,
                child_id=child_id,
                valid_from=consent.given_on,
                valid_until=consent.valid_until,
                consent_id=consent.id,
                granted_by_id=user.id,
            )
        )


def record_consent(
    user: User,
    case: Case,
    *,
    given_by_name: str,
    given_by_relation: str,
    given_on: date,
    agency_ids: list[int],
    parts: list[Part],
    valid_until: date | None = None,
    wording: str = "",
    document: bytes | None = None,
    document_name: str = "",
) -> Consent:
    """Record a guardian's (or child's) consent, and grant the named agencies the named parts."""
    policy.require(policy.can_manage_sharing(user, case))
    problems = []
    if not agency_ids:
        problems.append("共有先の機関を選んでください。")
    if not parts:
        problems.append("共有する情報の範囲を選んでください。")
    if given_on > today_in_japan():
        problems.append("同意日が未来の日付です。")
    if valid_until and valid_until < given_on:
        problems.append("有効期限が同意日より前です。")
    agencies = [db.session.get(Agency, i) for i in agency_ids]
    if any(a is None or not a.active for a in agencies):
        problems.append("共有先の機関が正しくありません。")
    try:
        media_type = check_document(document, document_name)
    except SharingError as error:
        problems.extend(error.messages)
        media_type = ""
    if problems:
        raise SharingError(*problems)
    consent = Consent(
        case_id=case.id,
        given_by_name=given_by_name,
        given_by_relation=given_by_relation,
        given_on=given_on,
        valid_until=valid_until,
        parts=parts_mask(parts),
        wording=clean_html(wording),
        recorded_by_id=user.id,
        document=document or None,
        document_name=document_name if document else "",
        document_type=media_type,
    )
    _store_consent_grants(user, consent, agencies)
    audit.record(
        "case.consent_record",
        actor=user,
        target=case,
        detail={"consent_id": consent.id, "agencies": agency_ids, "parts": sorted(p.value for p in parts)},
    )
    db.session.commit()
    return consent


def plan_consent_problems(
    given_by_name: str, given_by_relation: str, given_on: date | None, agency_ids: list[int]
) -> list[str]:
    """Return every problem with a consent to share a plan (so a form can show them all at once)."""
    problems = []
    if not given_by_name.strip():
        problems.append("同意した人の氏名を入力してください。")
    if given_by_relation not in codes.labels("relation"):
        problems.append("同意した人の続柄を選んでください。")
    if given_on is None:
        problems.append("同意日を入力してください。")
    elif given_on > today_in_japan():
        problems.append("同意日が未来の日付です。")
    if not agency_ids:
        problems.append("共有先の機関を選んでください。")
    if any(a is None or not a.active for a in (db.session.get(Agency, i) for i in agency_ids)):
        problems.append("共有先の機関が正しくありません。")
    return problems


def record_plan_consent_in_tx(
    user: User,
    case: Case,
    *,
    child_id: int | None,
    given_by_name: str,
    given_by_relation: str,
    given_on: date,
    agency_ids: list[int],
    wording: str,
) -> Consent:
    """Record a consent to share a support plan, inside the caller's transaction.

    The named agencies get the plan part only, and only for the plan's child when it has one,
    so the consent on one child's plan does not show a sibling's plan. Withdrawing it
    (withdraw_consent) stops the sharing at once, as for any consent.
    """
    problems = plan_consent_problems(given_by_name, given_by_relation, given_on, agency_ids)
    agencies = [db.session.get(Agency, i) for i in agency_ids]
    if problems:
        raise SharingError(*problems)
    consent = Consent(
        case_id=case.id,
        given_by_name=given_by_name.strip(),
        given_by_relation=given_by_relation,
        given_on=given_on,
        parts=Part.PLAN.bit,
        wording=clean_html(wording),
        recorded_by_id=user.id,
    )
    _store_consent_grants(user, consent, agencies, child_id=child_id)
    audit.record(
        "case.consent_record",
        actor=user,
        target=case,
        detail={"consent_id": consent.id, "agencies": agency_ids, "parts": ["plan"], "child_id": child_id},
    )
    return consent


def withdraw_consent(user: User, case: Case, consent_id: int, note: str = "", agency_ids=None) -> None:
    """Withdraw a consent (for every agency, or the listed ones); sharing stops at once."""
    policy.require(policy.can_manage_sharing(user, case))
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.case_id != case.id:
        raise SharingError("同意が見つかりません。")
    now = utcnow()
    revoked = []
    for grant in consent.grants:
        if grant.revoked_at is None and (not agency_ids or grant.agency_id in agency_ids):
            grant.revoked_at = now
            grant.revoked_by_id = user.id
            revoked.append(grant.agency_id)
    if not revoked:
        raise SharingError("撤回できる共有がありません。")
    if all(g.revoked_at is not None for g in consent.grants):
        consent.withdrawn_at = now
        consent.withdrawn_by_id = user.id
    consent.withdrawal_note = (note or "")[:200]
    audit.record(
        "case.consent_withdraw",
        actor=user,
        target=case,
        detail={"consent_id": consent.id, "agencies": revoked, "note": note},
    )
    db.session.commit()


def emergency_share(
    user: User,
    case: Case,
    *,
    agency_id: int,
    parts: list[Part],
    reason: str,
    legal_basis: str,
    valid_until: date,
) -> AccessGrant:
    """Share parts without consent in an emergency: a coordinator's permission, reason and legal basis."""
    # Checked here, on the server: no form field can stand in for the coordinator's permission.
    policy.require(policy.can_emergency_share(user, case))
    problems = []
    if not reason or not reason.strip():
        problems.append("緊急共有の理由を入力してください。")
    if legal_basis not in codes.labels("legal_basis"):
        problems.append("法的根拠を選んでください。")
    if not parts:
        problems.append("共有する情報の範囲を選んでください。")
    agency = db.session.get(Agency, agency_id)
    if agency is None or not agency.active:
        problems.append("共有先の機関が正しくありません。")
    today = today_in_japan()
    if valid_until < today or (valid_until - today).days > 30:
        problems.append("緊急共有の期限は今日から30日以内で指定してください。")
    if problems:
        raise SharingError(*problems)
    grant = AccessGrant(
        case_id=case.id,
        agency_id=agency_id,
        cause=GrantCause.EMERGENCY.value,
        parts=parts_mask(parts),
        valid_from=today,
        valid_until=valid_until,
        reason=reason.strip(),
        legal_basis=legal_basis,
        granted_by_id=user.id,
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(
        "case.emergency_share",
        actor=user,
        target=case,
        detail={
            "grant_id": grant.id,
            "agency_id": agency_id,
            "parts": sorted(p.value for p in parts),
            "reason": reason.strip(),
            "legal_basis": legal_basis,
            "valid_until": valid_until,
        },
    )
    db.session.commit()
    return grant


def revoke_grant(user: User, case: Case, grant_id: int) -> None:
    """End an emergency or meeting grant early."""
    policy.require(policy.can_manage_sharing(user, case))
    grant = db.session.get(AccessGrant, grant_id)
    if grant is None or grant.case_id != case.id or grant.revoked_at is not None:
        raise SharingError("共有が見つかりません。")
    grant.revoked_at = utcnow()
    grant.revoked_by_id = user.id
    audit.record(
        "case.grant_revoke", actor=user, target=case, detail={"grant_id": grant.id, "cause": grant.cause}
    )
    db.session.commit()


def grants_of(case: Case) -> list[AccessGrant]:
    """Return every grant of a case, newest first (for the coordinator's sharing page)."""
    return list(
        db.session.scalars(
            select(AccessGrant).where(AccessGrant.case_id == case.id).order_by(AccessGrant.granted_at.desc())
        )
    )


def consent_document(user: User, case: Case, consent_id: int) -> Consent:
    """Return a consent whose scanned form the person may download; audit the read.

    Raises LookupError when the consent is not this case's or has no document (the view answers 404).
    """
    policy.require(policy.can_manage_sharing(user, case))
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.case_id != case.id or not consent.document:
        raise LookupError(consent_id)
    entry = audit.record(
        "case.consent_document_view",
        actor=user,
        target=case,
        detail={"consent_id": consent.id, "parts": ["basic"]},
    )
    db.session.flush()
    db.session.add(CaseRead(audit_seq=entry.seq, case_id=case.id))
    db.session.commit()
    return consent
