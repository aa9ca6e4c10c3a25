"""Receiving a consultation or report (相談・通告) as an intake case, and the 受理会議 decision on it.

Each operation runs in one transaction with its audit row; the case itself is received through the
ledger's registration (status 受理), so numbering, the household and involvements follow one rule.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import abort
from sqlalchemy import select

from cases import policy
from cases.intake.models import (
    CHANNELS,
    DECISIONS,
    REFERRAL_KINDS,
    URGENCY_ITEMS,
    IntakeRecord,
    urgency_level,
)
from cases.intake.word import build_referral
from cases.ledger import registration
from cases.ledger import services as ledger
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from cases.models import Case, Category, Status
from cases.sharing import services as sharing
from cases.sharing.models import InvolvementKind
from portal import audit
from portal.dates import TOKYO, today_in_japan
from portal.extensions import db
from portal.models import Agency, User
from portal.refusals import Refusal
from portal.sanitize import plain_text
from portal.transaction import transaction
from portal.types import utcnow


@dataclass
class IntakeInput:
    """What the 相談・通告受付票 holds, as the coordinator entered it."""

    council_id: int
    received_at: datetime  # aware
    channel: str
    heard: str
    caller_anonymous: bool = False
    caller_name: str = ""
    caller_relation: str = ""
    caller_contact: str = ""
    referral_route: str = ""
    abuse_report: bool = True
    abuse_types: list[str] = field(default_factory=list)
    urgency_items: list[str] = field(default_factory=list)
    household_note: str = ""
    children: list[ChildInput] = field(default_factory=list)
    guardians: list[GuardianInput] = field(default_factory=list)


def _problems(data: IntakeInput) -> list[str]:
    """Return what is wrong with a 受付票 before anything is saved."""
    problems = []
    if data.channel not in CHANNELS:
        problems.append("受付の方法を選んでください。")
    if data.received_at.tzinfo is None or data.received_at > utcnow():
        problems.append("受付日時が未来になっています。")
    if not plain_text(data.heard).strip():
        problems.append("見たこと・聞いたことを入力してください。")
    if data.caller_anonymous and (data.caller_name or data.caller_contact):
        problems.append("匿名の通告では、通告者の氏名・連絡先は記録しません。")
    if any(code not in URGENCY_ITEMS for code in data.urgency_items):
        problems.append("緊急度アセスメントに不明な項目があります。")
    return problems


def receive(user: User, data: IntakeInput) -> IntakeRecord:
    """Save a 受付票 as an intake case (受理) with its urgency level and the 48-hour deadline."""
    problems = _problems(data)
    if problems:
        raise Refusal(*problems)
    level = urgency_level(data.urgency_items)
    received_on = data.received_at.astimezone(TOKYO).date()
    case_input = CaseInput(
        council_id=data.council_id,
        category=Category.PROTECTION.value if data.abuse_report else Category.SUPPORT.value,
        received_on=received_on,
        referral_route=data.referral_route,
        abuse_types=data.abuse_types,
        risk_level=level,
        household_note=data.household_note,
        register_now=False,
        children=data.children,
        guardians=data.guardians,
    )
    with transaction():
        case = registration.register_case(user, case_input)
        record = IntakeRecord(
            case_id=case.id,
            received_at=data.received_at,
            received_by_id=user.id,
            channel=data.channel,
            caller_anonymous=data.caller_anonymous,
            caller_name="" if data.caller_anonymous else data.caller_name,
            caller_relation=data.caller_relation,
            caller_contact="" if data.caller_anonymous else data.caller_contact,
            heard=plain_text(data.heard).strip(),
            abuse_report=data.abuse_report,
            urgency_items=",".join(c for c in URGENCY_ITEMS if c in data.urgency_items),
            urgency_level=level,
            safety_due_at=IntakeRecord.due_from(data.received_at),
        )
        db.session.add(record)
        db.session.flush()
        # The reporter's identity stays out of the audit detail (it is protected).
        detail = {
            "case_id": case.id,
            "urgency": level,
            "abuse_report": data.abuse_report,
            "channel": data.channel,
        }
        audit.record("intake.receive", actor=user, target=record, detail=detail)
    return record


def intake_of(case: Case) -> IntakeRecord | None:
    """Return the 受付票 of a case received through intake, if any."""
    return db.session.scalar(select(IntakeRecord).where(IntakeRecord.case_id == case.id))


def get_intake_or_404(user: User, record_id: int) -> IntakeRecord:
    """Load a 受付票 for a coordinator of its council; any other person gets 404."""
    record = db.session.get(IntakeRecord, record_id)
    if record is None or not policy.can_manage_sharing(user, record.case):
        abort(404)
    return record


@dataclass
class Decision:
    """The 受理会議's decision as entered."""

    decision: str
    reason: str
    decided_on: date
    category: str = ""
    lead_agency_id: int | None = None
    referral_kind: str = ""
    referral_agency_id: int | None = None


def _decision_problems(record: IntakeRecord, d: Decision) -> list[str]:
    """Return what is wrong with a decision."""
    case = record.case
    problems = []
    if record.decision:
        problems.append("この受付には既に受理会議の決定があります。")
    if case.status != Status.INTAKE.value:
        problems.append("受理中のケースだけを決定できます。")
    if d.decision not in DECISIONS:
        problems.append("決定の内容を選んでください。")
    if not plain_text(d.reason).strip():
        problems.append("決定の理由を入力してください。")
    if d.decided_on > today_in_japan() or d.decided_on < case.received_on:
        problems.append("決定日は受付日から今日までの日付にしてください。")
    members = {a.id: a for a in case.council.members}
    if d.decision == "register":
        if d.category not in set(Category):
            problems.append("登録区分を選んでください。")
        if d.lead_agency_id and d.lead_agency_id not in members:
            problems.append("主担当機関は協議会の構成機関から選んでください。")
    if d.decision == "refer":
        if d.referral_kind not in REFERRAL_KINDS:
            problems.append("送致か援助依頼かを選んでください。")
        agency = members.get(d.referral_agency_id or 0)
        if agency is None or agency.category.value != "child_guidance":
            problems.append("送致先は協議会の児童相談所から選んでください。")
    return problems


def decide(user: User, record: IntakeRecord, d: Decision) -> IntakeRecord:
    """Record the 受理会議 decision: register, refer to the 児相 (送致・援助依頼), or close as advice only."""
    case = record.case
    policy.require(policy.can_manage_sharing(user, case))
    problems = _decision_problems(record, d)
    if problems:
        raise Refusal(*problems)
    with transaction():
        record.decision = d.decision
        record.decided_at = utcnow()
        record.decided_by_id = user.id
        record.decision_reason = plain_text(d.reason).strip()
        if d.decision == "register":
            changes = {"category": d.category}
            if d.lead_agency_id:
                changes["lead_agency_id"] = d.lead_agency_id
            ledger.update_case(user, case, changes, case.version, source="intake_decision")
            registration.register_intake(user, case, d.decided_on)
        elif d.decision == "refer":
            record.referral_kind = d.referral_kind
            record.referral_agency_id = d.referral_agency_id
            if not sharing.has_involvement(case, d.referral_agency_id, InvolvementKind.CHILD_GUIDANCE):
                kind = REFERRAL_KINDS[d.referral_kind]
                sharing.involve(
                    user, case, d.referral_agency_id, InvolvementKind.CHILD_GUIDANCE, d.decided_on, note=kind
                )
            ledger.record_change(
                case,
                user,
                "status",
                case.status_label,
                f"受理（児童相談所へ{REFERRAL_KINDS[d.referral_kind]}）",
            )
        else:
            ledger.close_case(user, case, d.decided_on, "advice_only")
        audit.record(
            "intake.decide",
            actor=user,
            target=record,
            detail={"case_id": case.id, "decision": d.decision, "referral_kind": record.referral_kind},
        )
    return record


def referral_agency(record: IntakeRecord) -> Agency | None:
    """Return the 児相 a case was referred to."""
    return db.session.get(Agency, record.referral_agency_id) if record.referral_agency_id else None


def read_intake(user: User, record_id: int) -> IntakeRecord:
    """Load a 受付票 for its page, with the audit row of the reading."""
    record = get_intake_or_404(user, record_id)
    with transaction(keep_loaded=True):
        audit.record("intake.view", actor=user, target=record, detail={"case_id": record.case_id})
    return record


def referral_document(user: User, record: IntakeRecord) -> bytes:
    """Return the 送致書 / 援助依頼書 of a referred case as Word, with the audit row of the download."""
    agency = referral_agency(record)
    policy.require(record.decision == "refer" and agency is not None)
    with transaction():
        audit.record("intake.referral_docx", actor=user, target=record, detail={"case_id": record.case_id})
    return build_referral(record, agency.name)
