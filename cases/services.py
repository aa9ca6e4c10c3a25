"""Case operations: register, update the ledger with history, close, and write case notes.

Each operation owns its transaction and writes its audit row in it. Free text that is shown
as HTML passes the one sanitizer. Nothing here reads the request.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from cases import codes, policy, sharing
from cases.models import (
    Case,
    CaseAbuseType,
    CaseChange,
    CaseNote,
    Category,
    Child,
    Guardian,
    InvolvementKind,
    Status,
)
from cases.search import search_key
from portal import audit
from portal.dates import fiscal_year, fiscal_year_label, today_in_japan
from portal.extensions import db
from portal.models import Agency, Council, User
from portal.sanitize import clean_html


class CaseError(Exception):
    """A business rule refused the operation; `messages` are Japanese and shown to the user."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass
class ChildInput:
    """One child as entered on the registration form."""

    name: str
    name_kana: str = ""
    birth_date: date | None = None
    sex: str = ""
    enrolled_agency_id: int | None = None
    grade_class: str = ""


@dataclass
class GuardianInput:
    """One guardian as entered on the registration form."""

    relation: str
    name: str
    name_kana: str = ""
    phone: str = ""


@dataclass
class CaseInput:
    """The fields of a case a coordinator enters at registration."""

    council_id: int
    category: str
    received_on: date
    referral_route: str = ""
    main_abuser: str = ""
    abuse_types: list[str] = field(default_factory=list)
    risk_level: int = 2
    lead_agency_id: int | None = None
    key_person: str = ""
    section: str = ""
    support_policy: str = ""
    household_note: str = ""
    next_review_on: date | None = None
    expected_delivery_on: date | None = None
    register_now: bool = True
    children: list[ChildInput] = field(default_factory=list)
    guardians: list[GuardianInput] = field(default_factory=list)


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


def _next_case_number(council_id: int, received_on: date) -> str:
    """Return the next case number of a council in the fiscal year, such as 令和7-0012."""
    fy_label = fiscal_year_label(fiscal_year(received_on)).removesuffix("年度")
    prefix = f"{fy_label}-"
    last = db.session.scalar(
        select(func.max(Case.case_number)).where(
            Case.council_id == council_id, Case.case_number.like(f"{prefix}%")
        )
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _check_input(user: User, data: CaseInput) -> Council:
    """Check a registration against the rules; raise CaseError listing every problem."""
    council = db.session.get(Council, data.council_id)
    problems = []
    if council is None or council.id not in policy.coordinated_council_ids(user):
        raise CaseError("この協議会のケースを登録する権限がありません。")
    member_ids = {a.id for a in council.members}
    if data.category not in set(Category):
        problems.append("登録区分を選んでください。")
    if data.category != Category.PREGNANT and not data.children:
        problems.append("子どもを一人以上入力してください。")
    if data.category == Category.PREGNANT and not data.guardians:
        problems.append("特定妊婦の場合は、妊婦本人を保護者欄に入力してください。")
    abuse_codes = set(codes.labels("abuse_type"))
    if any(code not in abuse_codes for code in data.abuse_types):
        problems.append("虐待種別に不明なコードがあります。")
    if data.lead_agency_id and data.lead_agency_id not in member_ids:
        problems.append("主担当機関は協議会の構成機関から選んでください。")
    for child in data.children:
        if child.enrolled_agency_id and child.enrolled_agency_id not in member_ids:
            problems.append(f"{child.name} の所属機関は協議会の構成機関から選んでください。")
        if child.birth_date and child.birth_date > today_in_japan():
            problems.append(f"{child.name} の生年月日が未来の日付です。")
    if data.risk_level not in (1, 2, 3):
        problems.append("リスクを選んでください。")
    problems += _section_problems(council, data.section)
    if problems:
        raise CaseError(*problems)
    return council


def _section_problems(council: Council, section: str) -> list[str]:
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


def register_case(user: User, data: CaseInput) -> Case:
    """Receive (受理) and usually register (登録) a case, with its household and involvements."""
    council = _check_input(user, data)
    case = Case(
        council_id=council.id,
        case_number=_next_case_number(council.id, data.received_on),
        category=data.category,
        status=Status.REGISTERED.value if data.register_now else Status.INTAKE.value,
        received_on=data.received_on,
        registered_on=data.received_on if data.register_now else None,
        referral_route=data.referral_route,
        main_abuser=data.main_abuser,
        risk_level=data.risk_level,
        lead_agency_id=data.lead_agency_id or council.coordinating_agency_id,
        key_person=data.key_person,
        section=data.section,
        support_policy=clean_html(data.support_policy),
        household_note=clean_html(data.household_note),
        next_review_on=data.next_review_on,
        expected_delivery_on=data.expected_delivery_on,
    )
    case.abuse_type_rows = [CaseAbuseType(code=c) for c in sorted(set(data.abuse_types))]
    case.children = [
        Child(
            name=c.name,
            name_kana=c.name_kana,
            birth_date=c.birth_date,
            sex=c.sex,
            enrolled_agency_id=c.enrolled_agency_id,
            grade_class=c.grade_class,
            search_key=search_key(c.name, c.name_kana),
        )
        for c in data.children
    ]
    case.guardians = [
        Guardian(
            relation=g.relation,
            name=g.name,
            name_kana=g.name_kana,
            phone=g.phone,
            search_key=search_key(g.name, g.name_kana),
        )
        for g in data.guardians
    ]
    db.session.add(case)
    db.session.flush()
    _record_change(case, user, "status", "", case.status_label, source="registration")
    _add_standard_involvements(user, case, council)
    detail = {"status": case.status, "category": case.category, "children": len(case.children)}
    if case.section:
        detail["section"] = case.section
    audit.record("case.create", actor=user, target=case, detail=detail)
    db.session.commit()
    return case


def _add_standard_involvements(user: User, case: Case, council: Council) -> None:
    """Involve each child's enrolled agency, the lead agency, and the 児童相談所 where the council says so."""
    start = case.registered_on or case.received_on
    for child in case.children:
        if child.enrolled_agency_id:
            sharing.add_involvement_in_tx(
                user, case, child.enrolled_agency_id, InvolvementKind.ENROLLED, start, child_id=child.id
            )
    if case.lead_agency_id and case.lead_agency_id != council.coordinating_agency_id:
        sharing.add_involvement_in_tx(user, case, case.lead_agency_id, InvolvementKind.LEAD, start)
    _auto_join_child_guidance(user, case, council, start)


def _auto_join_child_guidance(user: User, case: Case, council: Council, start: date) -> None:
    """Involve the council's 児童相談所 when the council's rule covers this case."""
    rule = council.child_guidance_auto_join
    if rule == "none" or (rule == "abuse" and not case.abuse_type_rows):
        return
    for agency in council.members:
        joins = agency.category.value == "child_guidance" and agency.active
        if joins and not sharing.has_involvement(case, agency.id, InvolvementKind.CHILD_GUIDANCE):
            sharing.add_involvement_in_tx(
                user, case, agency.id, InvolvementKind.CHILD_GUIDANCE, start, note="自動参加"
            )


def _record_change(case: Case, user: User | None, name: str, before, after, source: str = "") -> None:
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


def update_case(user: User, case: Case, changes: dict, expected_version: int, source: str = "") -> list[str]:
    """Change ledger fields with history; return the names of the fields that changed.

    `expected_version` is the version the person's form showed; a case changed since then is
    refused, so nobody overwrites another's change without seeing it.
    """
    access = policy.access_for(user, case)
    policy.require(policy.can_edit_ledger(user, case, access))
    if case.version != expected_version:
        raise CaseError(
            "このケースは他の人が更新しました。画面を開き直して、内容を確認してから保存してください。"
        )
    unknown = set(changes) - set(LEDGER_FIELDS)
    if unknown:
        raise CaseError("変更できない項目が含まれています。")
    _check_changes(case, changes)
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
        _record_change(case, user, name, before, after, source=source)
        changed.append(name)
    if not changed:
        return []
    case.version += 1
    new_lead = "lead_agency_id" in changed and case.lead_agency_id != case.council.coordinating_agency_id
    if new_lead and not sharing.has_involvement(case, case.lead_agency_id, InvolvementKind.LEAD):
        sharing.add_involvement_in_tx(user, case, case.lead_agency_id, InvolvementKind.LEAD, today_in_japan())
    if "abuse_types" in changed:
        _auto_join_child_guidance(user, case, case.council, today_in_japan())
    audit.record("case.update", actor=user, target=case, detail={"fields": changed, "source": source})
    db.session.commit()
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
        problems += _section_problems(case.council, changes["section"])
    if problems:
        raise CaseError(*problems)


def register_intake(user: User, case: Case, registered_on: date) -> None:
    """Register (登録) a received case, which starts the statutory sharing among involved agencies."""
    policy.require(policy.can_manage_sharing(user, case))
    if case.status != Status.INTAKE.value:
        raise CaseError("受理中のケースだけを登録できます。")
    _record_change(case, user, "status", case.status_label, Status.REGISTERED.label)
    case.status = Status.REGISTERED.value
    case.registered_on = registered_on
    case.version += 1
    audit.record("case.register", actor=user, target=case)
    db.session.commit()


def close_case(user: User, case: Case, closed_on: date, reason: str) -> None:
    """Close (終結) a case with its date and reason; statutory sharing ends with it."""
    policy.require(policy.can_manage_sharing(user, case))
    if case.status == Status.CLOSED.value:
        raise CaseError("このケースは既に終結しています。")
    if reason not in codes.labels("closure_reason"):
        raise CaseError("終結理由を選んでください。")
    if closed_on < case.received_on:
        raise CaseError("終結日が受理日より前です。")
    _record_change(case, user, "status", case.status_label, Status.CLOSED.label)
    _record_change(case, user, "closure_reason", "", codes.label("closure_reason", reason))
    case.status = Status.CLOSED.value
    case.closed_on = closed_on
    case.closure_reason = reason
    case.version += 1
    audit.record("case.close", actor=user, target=case, detail={"reason": reason})
    db.session.commit()


@dataclass
class NoteInput:
    """One case note (経過記録) to write: the case (and child) it is about, when, its kind and text."""

    case_id: int
    occurred_on: date
    kind: str
    body: str
    child_id: int | None = None
    source: str = ""


def add_note(
    user: User,
    case: Case,
    *,
    occurred_on: date,
    kind: str,
    body: str,
    child_id: int | None = None,
    source: str = "",
    commit: bool = True,
) -> CaseNote:
    """Write a case note (経過記録) in the person's agency's name."""
    (note,) = add_notes_in_tx(user, [NoteInput(case.id, occurred_on, kind, body, child_id, source)])
    if commit:
        db.session.commit()
    return note


def add_notes_in_tx(user: User, entries: list[NoteInput]) -> list[CaseNote]:
    """Write case notes in the person's agency's name, in the caller's transaction.

    The rules are those of one note, with access looked up once for all the cases: a note the
    person may not write refuses them all (403, or CaseError with a Japanese message). Each case
    gets one `case.note_add` audit row naming its new notes, so its access history shows who
    wrote them.
    """
    if not entries:
        return []
    case_ids = sorted({entry.case_id for entry in entries})
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    if len(cases) != len(case_ids):
        raise CaseError("対象のケースが見つかりません。")
    children: dict[int, set[int]] = {case_id: set() for case_id in case_ids}
    for child_id, case_id in db.session.execute(
        select(Child.id, Child.case_id).where(Child.case_id.in_(case_ids))
    ):
        children[case_id].add(child_id)
    access = policy.access_map(user, list(cases.values()))
    kinds = codes.labels("note_kind")
    today = today_in_japan()
    notes = []
    for entry in entries:
        case = cases[entry.case_id]
        if entry.child_id is not None and entry.child_id not in children[case.id]:
            raise CaseError("対象の子どもが正しくありません。")
        policy.require(policy.can_add_note(user, case, entry.child_id, access[case.id]))
        if entry.kind not in kinds:
            raise CaseError("記録の種類を選んでください。")
        cleaned = clean_html(entry.body)
        if not cleaned:
            raise CaseError("内容を入力してください。")
        if entry.occurred_on > today:
            raise CaseError("未来の日付の記録は書けません。")
        notes.append(
            CaseNote(
                case_id=case.id,
                child_id=entry.child_id,
                agency_id=user.agency_id,
                author_id=user.id,
                occurred_on=entry.occurred_on,
                kind=entry.kind,
                body=cleaned,
                source=entry.source,
            )
        )
    db.session.add_all(notes)
    db.session.flush()
    _audit_notes(user, cases, notes)
    return notes


def _audit_notes(user: User, cases: dict[int, Case], notes: list[CaseNote]) -> None:
    """Write one `case.note_add` audit row per case, naming the notes written in it."""
    by_case: dict[int, list[CaseNote]] = {}
    for note in notes:
        by_case.setdefault(note.case_id, []).append(note)
    # Each row takes its number from the audit head with plain SQL, so the rows need not be
    # flushed one by one as the next one is numbered: they go in at the next flush, together.
    with db.session.no_autoflush:
        for case_id, written in by_case.items():
            if len(written) == 1:
                detail = {"note_id": written[0].id, "kind": written[0].kind}
            else:
                detail = {"note_ids": [n.id for n in written], "kinds": sorted({n.kind for n in written})}
            audit.record("case.note_add", actor=user, target=cases[case_id], detail=detail)
