"""Consents to share (本人・保護者の同意): recording one with its grants, withdrawing it, its scanned form.

A consent names its agencies and parts; each named agency gets one grant that ends when the consent
is withdrawn. Each operation runs in one transaction (or joins the caller's) with its audit row.
"""

from datetime import date

from cases import codes, policy
from cases.models import Case, Part, parts_mask
from cases.reads import record_read
from cases.sharing.models import AccessGrant, Consent, GrantCause
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction
from portal.types import utcnow

ALLOWED_DOCUMENT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def check_document(data: bytes | None, filename: str) -> str:
    """Validate a scanned consent form whole; return its media type."""
    if not data:
        return ""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise Refusal("同意書のファイルは10MB以下にしてください。")
    for magic, media_type in ALLOWED_DOCUMENT_TYPES.items():
        if data.startswith(magic):
            return media_type
    raise Refusal("同意書のファイルは PDF、PNG、JPEG のいずれかにしてください。")


def _store_consent_grants(user: User, consent: Consent, agencies: list[Agency], child_id: int | None = None):
    """Add a consent and one grant per named agency for its parts and period (in the caller's transaction)."""
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
    if not _members_of(case, agencies):
        problems.append("共有先の機関が正しくありません。")
    try:
        media_type = check_document(document, document_name)
    except Refusal as error:
        problems.extend(error.messages)
        media_type = ""
    if problems:
        raise Refusal(*problems)
    with transaction():
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
            detail={
                "consent_id": consent.id,
                "agencies": agency_ids,
                "parts": sorted(p.value for p in parts),
            },
        )
        return consent


def _members_of(case: Case, agencies) -> bool:
    """Tell whether every agency is an active member of the case's own council."""
    return all(a is not None and a.active and case.council in a.councils for a in agencies)


def plan_consent_problems(
    case: Case, given_by_name: str, given_by_relation: str, given_on: date | None, agency_ids: list[int]
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
    if not _members_of(case, [db.session.get(Agency, i) for i in agency_ids]):
        problems.append("共有先の機関が正しくありません。")
    return problems


def record_plan_consent(
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
    """Record a consent to share a support plan (joins the caller's transaction: the plan's own).

    The named agencies get the plan part only, and only for the plan's child when it has one,
    so the consent on one child's plan does not show a sibling's plan. Withdrawing it
    (withdraw_consent) stops the sharing at once, as for any consent.
    """
    problems = plan_consent_problems(case, given_by_name, given_by_relation, given_on, agency_ids)
    agencies = [db.session.get(Agency, i) for i in agency_ids]
    if problems:
        raise Refusal(*problems)
    with transaction():
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
            detail={
                "consent_id": consent.id,
                "agencies": agency_ids,
                "parts": ["plan"],
                "child_id": child_id,
            },
        )
        return consent


def withdraw_consent(user: User, case: Case, consent_id: int, note: str = "", agency_ids=None) -> None:
    """Withdraw a consent (for every agency, or the listed ones); sharing stops at once."""
    policy.require(policy.can_manage_sharing(user, case))
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.case_id != case.id:
        raise Refusal("同意が見つかりません。")
    with transaction():
        now = utcnow()
        revoked = []
        for grant in consent.grants:
            if grant.revoked_at is None and (not agency_ids or grant.agency_id in agency_ids):
                grant.revoked_at = now
                grant.revoked_by_id = user.id
                revoked.append(grant.agency_id)
        if not revoked:
            raise Refusal("撤回できる共有がありません。")
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


def consent_document(user: User, case: Case, consent_id: int) -> Consent:
    """Return a consent whose scanned form the person may download; audit the read.

    Raises LookupError when the consent is not this case's or has no document (the view answers 404).
    """
    policy.require(policy.can_manage_sharing(user, case))
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.case_id != case.id or not consent.document:
        raise LookupError(consent_id)
    detail = {"consent_id": consent.id, "parts": ["basic"]}
    record_read("case.consent_document_view", user, [case.id], detail, target=case)
    return consent
