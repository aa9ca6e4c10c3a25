"""Involvements (who has a role in a case) and the grants they carry; emergency shares.

Every grant of access is an AccessGrant row with its cause and period. Grants are revoked, never
deleted, so the record of who could see what, and why, stays complete. Consents are in consents.py.
Each operation runs in one transaction (or joins the caller's) with its audit row.
"""

from datetime import date

from sqlalchemy import select

from cases import codes, policy
from cases.models import ALL_PARTS_MASK, Case, Part, parts_mask
from cases.sharing.models import AccessGrant, GrantCause, Involvement, InvolvementKind
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, User
from portal.refusals import Refusal
from portal.transaction import transaction
from portal.types import utcnow

# What each kind of involvement shares on the statutory basis (or the meeting, for invitees: the
# case-wide part of policy.meeting_invitation_grants, which also names the agency's own children).
INVOLVEMENT_PARTS = {
    InvolvementKind.ENROLLED: parts_mask([Part.BASIC, Part.LEDGER, Part.NOTES, Part.REPORTS]),
    InvolvementKind.LEAD: ALL_PARTS_MASK,
    InvolvementKind.CHILD_GUIDANCE: ALL_PARTS_MASK,
    InvolvementKind.ASSIGNED: parts_mask([Part.BASIC, Part.LEDGER, Part.NOTES]),
    InvolvementKind.MEETING: parts_mask([Part.LEDGER, Part.MEETINGS]),
}


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


def involve(
    user: User | None,
    case: Case,
    agency_id: int,
    kind: InvolvementKind,
    started_on: date,
    *,
    ended_on: date | None = None,
    child_id: int | None = None,
    note: str = "",
    household: bool = False,
    reason: str = "",
) -> Involvement:
    """Record an involvement the ledger's rules call for, with its grant (joins the caller's transaction).

    Registration involves each child's school or nursery and the lead agency, and the council's rule
    brings in the 児童相談所; add_involvement is a coordinator's own addition on the sharing page.
    A meeting involvement shares what policy.meeting_invitation_grants gives (the household only
    when `household` is set, with its `reason`).
    """
    agency = db.session.get(Agency, agency_id)
    if agency is None or case.council not in agency.councils:
        raise Refusal(
            "協議会の構成機関ではないため、法定の共有の対象になりません。同意による共有を記録してください。"
        )
    if ended_on and ended_on < started_on:
        raise Refusal("終了日が開始日より前です。")
    if household and not reason.strip():
        raise Refusal("世帯全体（ほかの子ども・保護者）を共有する理由を入力してください。")
    with transaction():
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
        if kind == InvolvementKind.MEETING:
            scopes = policy.meeting_invitation_grants(case, agency_id, household)
        else:
            scopes = [(INVOLVEMENT_PARTS[kind], child_id if kind == InvolvementKind.ENROLLED else None)]
        grants = [
            AccessGrant(
                case_id=case.id,
                agency_id=agency_id,
                cause=cause.value,
                parts=mask,
                child_id=scope,
                valid_from=started_on,
                valid_until=ended_on,
                involvement_id=involvement.id,
                reason=reason,
                granted_by_id=getattr(user, "id", None),
            )
            for mask, scope in scopes
        ]
        db.session.add_all(grants)
        db.session.flush()
        audit.record(
            "case.involvement_add",
            actor=user,
            target=case,
            detail={
                "agency_id": agency_id,
                "kind": kind.value,
                "child_id": child_id,
                "grant_id": grants[0].id,
                "household": household,
            },
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
    household: bool = False,
    reason: str = "",
) -> Involvement:
    """Record an agency's involvement in a case (coordinators only)."""
    policy.require(policy.can_manage_sharing(user, case))
    if child_id is not None and child_id not in {c.id for c in case.children}:
        raise Refusal("対象の子どもが正しくありません。")
    return involve(
        user,
        case,
        agency_id,
        kind,
        started_on,
        ended_on=ended_on,
        child_id=child_id,
        note=note,
        household=household,
        reason=reason,
    )


def end_involvement(user: User, case: Case, involvement_id: int, ended_on: date) -> None:
    """End an involvement; its grant ends the same day."""
    policy.require(policy.can_manage_sharing(user, case))
    involvement = db.session.get(Involvement, involvement_id)
    if involvement is None or involvement.case_id != case.id:
        raise Refusal("関与が見つかりません。")
    if ended_on < involvement.started_on:
        raise Refusal("終了日が開始日より前です。")
    with transaction():
        involvement.ended_on = ended_on
        for grant in db.session.scalars(
            select(AccessGrant).where(AccessGrant.involvement_id == involvement.id)
        ):
            grant.valid_until = ended_on
        audit.record(
            "case.involvement_end",
            actor=user,
            target=case,
            detail={
                "involvement_id": involvement.id,
                "agency_id": involvement.agency_id,
                "ended_on": ended_on,
            },
        )


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
        raise Refusal(*problems)
    with transaction():
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
        return grant


def revoke_grant(user: User, case: Case, grant_id: int) -> None:
    """End an emergency or meeting grant early."""
    policy.require(policy.can_manage_sharing(user, case))
    grant = db.session.get(AccessGrant, grant_id)
    if grant is None or grant.case_id != case.id or grant.revoked_at is not None:
        raise Refusal("共有が見つかりません。")
    with transaction():
        grant.revoked_at = utcnow()
        grant.revoked_by_id = user.id
        audit.record(
            "case.grant_revoke", actor=user, target=case, detail={"grant_id": grant.id, "cause": grant.cause}
        )


def grants_of(case: Case) -> list[AccessGrant]:
    """Return every grant of a case, newest first (for the coordinator's sharing page)."""
    return list(
        db.session.scalars(
            select(AccessGrant).where(AccessGrant.case_id == case.id).order_by(AccessGrant.granted_at.desc())
        )
    )
