"""Ledger operations on a case: change its fields with history, close it; the 部会 rules.

Each operation runs in one transaction with its audit row. Free text that is shown as HTML passes
the one sanitizer. Nothing here reads the request.
"""

from datetime import date

from sqlalchemy import func, select

from cases import codes, policy
from cases.models import Case, CaseAbuseType, CaseChange, Category, Status
from cases.sharing import services as sharing
from cases.sharing.models import InvolvementKind
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, Council, User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction

# Ledger fields a person may change through update_case, with their Japanese names.
LEDGER_FIELDS = {
    "category": "登録区分",
    "referral_route": "相談経路",
    "main_abuser": "主たる虐待者",
    "abuse_types": "虐待種別",
    "risk_level": "リスク",
    "lead_agency_id": "主担当機関",
    "key_person": "主たる援助者",
    "section": "部会",
    "support_policy": "援助方針",
    "household_note": "世帯の状況",
    "last_confirmed_on": "最終確認日",
    "next_review_on": "次回確認時期",
    "expected_delivery_on": "出産予定日",
}


def section_problems(council: Council, section: str) -> list[str]:
    """Refuse a 部会 that is not one of the council's (blank: none set)."""
    if section and section not in council.section_names:
        return ["部会は協議会の設定にあるものから選んでください。"]
    return []


def open_cases_per_section(council: Council) -> dict[str, int]:
    """Count the council's cases not closed (受理中・登録中) under each 部会 name."""
    rows = db.session.execute(
        select(Case.section, func.count())
        .where(Case.council_id == council.id, Case.section != "", Case.status != Status.CLOSED.value)
        .group_by(Case.section)
    )
    return {section: n for section, n in rows}


def auto_join_child_guidance(user: User, case: Case, council: Council, start: date) -> None:
    """Involve the council's 児童相談所 when the council's rule covers this case."""
    rule = council.child_guidance_auto_join
    if rule == "none" or (rule == "abuse" and not case.abuse_type_rows):
        return
    for agency in council.members:
        joins = agency.category.value == "child_guidance" and agency.active
        if joins and not sharing.has_involvement(case, agency.id, InvolvementKind.CHILD_GUIDANCE):
            sharing.involve(user, case, agency.id, InvolvementKind.CHILD_GUIDANCE, start, note="自動参加")


def record_change(
    case: Case, user: User | None, name: str, before, after, source: str = "", reason: str = ""
) -> None:
    """Keep one line of the case history."""
    db.session.add(
        CaseChange(
            case_id=case.id,
            user_id=getattr(user, "id", None),
            agency_id=getattr(user, "agency_id", None),
            field=name,
            before=_text(before),
            after=_text(after),
            source=source,
            reason=reason,
        )
    )


def _text(value) -> str:
    """Render a history value as text."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return "、".join(str(v) for v in value)
    return str(value)


def _display(case: Case, name: str, value):
    """Return a field value as people read it in the history."""
    if name == "category":
        return Category(value).label if value else ""
    if name == "risk_level":
        return case.risk_label if value == case.risk_level else {3: "高", 2: "中", 1: "低"}.get(value, "")
    if name == "lead_agency_id":
        agency = db.session.get(Agency, value) if value else None
        return agency.name if agency else ""
    if name == "abuse_types":
        names = codes.labels("abuse_type")
        return [names.get(c, c) for c in value]
    if name in ("referral_route", "main_abuser"):
        return codes.label(name, value)
    return value


def update_case(
    user: User, case: Case, changes: dict, expected_version: int, source: str = "", reason: str = ""
) -> list[str]:
    """Change ledger fields with history; return the names of the fields that changed.

    `expected_version` is the version the person's form showed; a case changed since then is
    refused, so nobody overwrites another's change without seeing it. A change of the risk level
    by another agency than the coordinating one says why (`reason`, kept in the history and shown
    to the coordinator); a meeting's decision (`source`) is its own reason.
    """
    access = policy.access_for(user, case)
    policy.require(policy.can_edit_ledger(user, case, access))
    with transaction():
        if case.version != expected_version:
            raise Refusal(
                "このケースは他の人が更新しました。画面を開き直して、内容を確認してから保存してください。"
            )
        unknown = set(changes) - set(LEDGER_FIELDS)
        if unknown:
            raise Refusal("変更できない項目が含まれています。")
        _check_changes(case, changes)
        reason = clean_html(reason).strip() if reason else ""
        risk_changes = "risk_level" in changes and changes["risk_level"] != case.risk_level
        outside = user.agency_id != case.council.coordinating_agency_id
        if risk_changes and outside and not source and not reason:
            raise Refusal(errors={"risk_reason": ["リスクを変更する理由を入力してください。"]})
        changed = []
        for name, new in changes.items():
            if name in ("support_policy", "household_note"):
                new = clean_html(new)
            old = case.abuse_types if name == "abuse_types" else getattr(case, name)
            if name == "abuse_types":
                new = sorted(set(new))
            if old == new:
                continue
            before, after = _display(case, name, old), _display(case, name, new)
            if name == "abuse_types":
                case.abuse_type_rows = [CaseAbuseType(code=c) for c in new]
            else:
                setattr(case, name, new)
            why = reason if name == "risk_level" else ""
            record_change(case, user, name, before, after, source=source, reason=why)
            changed.append(name)
        if not changed:
            return []
        case.version += 1
        new_lead = "lead_agency_id" in changed and case.lead_agency_id != case.council.coordinating_agency_id
        if new_lead and not sharing.has_involvement(case, case.lead_agency_id, InvolvementKind.LEAD):
            sharing.involve(user, case, case.lead_agency_id, InvolvementKind.LEAD, today_in_japan())
        if "abuse_types" in changed:
            auto_join_child_guidance(user, case, case.council, today_in_japan())
        audit.record("case.update", actor=user, target=case, detail={"fields": changed, "source": source})
        return changed


def _check_changes(case: Case, changes: dict) -> None:
    """Refuse values that break the ledger's rules."""
    problems = []
    if "category" in changes and changes["category"] not in set(Category):
        problems.append("登録区分が正しくありません。")
    if "risk_level" in changes and changes["risk_level"] not in (1, 2, 3):
        problems.append("リスクが正しくありません。")
    if "abuse_types" in changes:
        known = set(codes.labels("abuse_type"))
        if any(c not in known for c in changes["abuse_types"]):
            problems.append("虐待種別に不明なコードがあります。")
    if changes.get("lead_agency_id") and changes["lead_agency_id"] not in {
        a.id for a in case.council.members
    }:
        problems.append("主担当機関は協議会の構成機関から選んでください。")
    if "section" in changes:
        problems += section_problems(case.council, changes["section"])
    if problems:
        raise Refusal(*problems)


def close_case(user: User, case: Case, closed_on: date, reason: str) -> None:
    """Close (終結) a case with its date and reason; statutory sharing ends with it."""
    policy.require(policy.can_manage_sharing(user, case))
    with transaction():
        if case.status == Status.CLOSED.value:
            raise Refusal("このケースは既に終結しています。")
        if reason not in codes.labels("closure_reason"):
            raise Refusal("終結理由を選んでください。")
        if closed_on < case.received_on:
            raise Refusal("終結日が受理日より前です。")
        if closed_on > today_in_japan():
            raise Refusal("終結日に未来の日付は入力できません。")
        record_change(case, user, "status", case.status_label, Status.CLOSED.label)
        record_change(case, user, "closure_reason", "", codes.label("closure_reason", reason))
        case.status = Status.CLOSED.value
        case.closed_on = closed_on
        case.closure_reason = reason
        case.version += 1
        audit.record("case.close", actor=user, target=case, detail={"reason": reason})
