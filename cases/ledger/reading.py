"""Reading one case as a person may see it, its change history, and who has read it.

Every read writes an audit row naming the parts returned, in the same transaction.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from cases import policy
from cases.models import Case, CaseChange, CaseRead, Part
from cases.notes.models import CaseNote
from cases.reads import record_read
from cases.sharing.models import AccessGrant, Consent, Involvement
from portal import audit
from portal.audit import AuditEntry
from portal.dates import TOKYO
from portal.extensions import db
from portal.models import User
from portal.transaction import transaction

# Japanese names of the audited case actions (the access history filters by them).
CASE_ACTION_LABELS = {
    "case.view": "閲覧",
    "ledger.list": "台帳一覧",
    "ledger.export": "台帳出力",
    "case.create": "登録・受理",
    "case.child_add": "子どもの追加（出生など）",
    "case.duplicate_open": "重複の疑い：既存のケースを開いた",
    "case.duplicate_new": "重複の疑い：新しいケースとして登録",
    "case.update": "更新",
    "case.register": "受理から登録",
    "case.close": "終結",
    "case.note_add": "経過記録の追加",
    "case.history_view": "変更履歴の閲覧",
    "case.access_history_view": "閲覧履歴の確認",
    "case.involvement_add": "関与の追加",
    "case.involvement_end": "関与の終了",
    "case.consent_record": "同意の記録",
    "case.consent_withdraw": "同意の撤回",
    "case.emergency_share": "緊急共有",
    "case.grant_revoke": "共有の取消",
    "case.consent_document_view": "同意書の閲覧",
}


@dataclass
class CaseView:
    """What one person may see of one case."""

    case: Case
    access: policy.CaseAccess
    children: list = field(default_factory=list)
    guardians: list = field(default_factory=list)
    involvements: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    grants: list = field(default_factory=list)
    emergency_grants: list = field(default_factory=list)
    can_edit: bool = False
    can_manage: bool = False


def read_case(user: User, case_id: int) -> CaseView:
    """Load a case for a person (404 when they may not see it) and audit the read."""
    with transaction(keep_loaded=True):
        case, access = policy.get_case_or_404(user, case_id)
        view = CaseView(case=case, access=access)
        view.can_manage = policy.can_manage_sharing(user, case)
        view.can_edit = policy.can_edit_ledger(user, case, access)
        if access.can(Part.BASIC):
            view.children = [c for c in case.children if access.child_visible(Part.BASIC, c.id)]
            # Guardians belong to the household: a share scoped to one child does not reveal them.
            if access.whole(Part.BASIC):
                view.guardians = list(case.guardians)
        if access.can(Part.LEDGER):
            view.involvements = list(
                db.session.scalars(
                    select(Involvement).where(Involvement.case_id == case.id).order_by(Involvement.started_on)
                )
            )
        if access.can(Part.NOTES) or access.any:
            view.notes = list(
                db.session.scalars(
                    select(CaseNote)
                    .where(CaseNote.case_id == case.id, policy.notes_clause(user, access))
                    .order_by(CaseNote.occurred_on.desc(), CaseNote.id.desc())
                )
            )
        if view.can_manage:
            view.consents = list(
                db.session.scalars(
                    select(Consent).where(Consent.case_id == case.id).order_by(Consent.given_on.desc())
                )
            )
            view.grants = list(
                db.session.scalars(
                    select(AccessGrant)
                    .where(AccessGrant.case_id == case.id)
                    .order_by(AccessGrant.granted_at.desc())
                )
            )
        if view.can_manage:
            view.emergency_grants = policy.active_emergency_grants(case)
        elif access.emergency:
            # A receiving agency sees its own emergency share, not other agencies' ones.
            view.emergency_grants = [
                g for g in policy.active_emergency_grants(case) if g.agency_id == user.agency_id
            ]
        detail = {
            "parts": [p.value for p in access.parts],
            "children": [c.id for c in view.children],
            "notes": len(view.notes),
        }
        record_read("case.view", user, [case.id], detail, target=case)
    return view


def case_history(user: User, case_id: int) -> tuple[Case, list[CaseChange]]:
    """Return the change history of a case whose ledger part the person sees; audit the read."""
    with transaction(keep_loaded=True):
        case, _access = policy.get_case_or_404(user, case_id, Part.LEDGER)
        changes = list(
            db.session.scalars(
                select(CaseChange)
                .where(CaseChange.case_id == case.id)
                .order_by(CaseChange.at.desc(), CaseChange.id.desc())
            )
        )
        record_read("case.history_view", user, [case.id], {"parts": ["ledger"]}, target=case)
    return case, changes


@dataclass
class AccessHistoryFilters:
    """Filters of a case's access history."""

    user_id: int | None = None
    agency_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def access_history(user: User, case_id: int, filters: AccessHistoryFilters) -> tuple[Case, list[AuditEntry]]:
    """Return who has read or changed this case (from the audit log); coordinators only."""
    with transaction(keep_loaded=True):
        case, _access = policy.get_case_or_404(user, case_id)
        policy.require(policy.can_manage_sharing(user, case))
        reads = select(CaseRead.audit_seq).where(CaseRead.case_id == case.id)
        query = select(AuditEntry).where(
            (AuditEntry.seq.in_(reads))
            | ((AuditEntry.target_type == "cases") & (AuditEntry.target_id == str(case.id)))
        )
        if filters.user_id:
            query = query.where(AuditEntry.actor_id == filters.user_id)
        if filters.agency_id:
            query = query.where(AuditEntry.actor_agency_id == filters.agency_id)
        if filters.action:
            query = query.where(AuditEntry.action == filters.action)
        if filters.date_from:
            query = query.where(AuditEntry.at >= datetime.combine(filters.date_from, time(), TOKYO))
        if filters.date_to:
            query = query.where(
                AuditEntry.at < datetime.combine(filters.date_to + timedelta(days=1), time(), TOKYO)
            )
        entries = list(db.session.scalars(query.order_by(AuditEntry.seq.desc()).limit(1000)))
        audit.record("case.access_history_view", actor=user, target=case)
    return case, entries
