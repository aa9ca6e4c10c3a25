"""Receiving (受理) and registering (登録) a case with its household and the involvements that follow.

Each registration runs in one transaction with its audit row and the involvements and grants it
starts; free text passes the one sanitizer.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from cases import codes, policy
from cases.ledger.search import search_key
from cases.ledger.services import auto_join_child_guidance, record_change, section_problems
from cases.models import Case, CaseAbuseType, Category, Child, Guardian, Status
from cases.sharing import services as sharing
from cases.sharing.models import InvolvementKind
from portal import audit
from portal.dates import fiscal_year, fiscal_year_label, today_in_japan
from portal.extensions import db
from portal.models import Council, User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction


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
    # 特定妊婦: the pregnant woman herself (her hospital as enrolled_agency_id). A guardian row with
    # the relation "self" (本人) is taken as her when this is not given.
    mother: ChildInput | None = None

    def subject(self) -> ChildInput | None:
        """Return the pregnant woman of a 特定妊婦 case, from `mother` or a guardian "self" row."""
        if self.category != Category.PREGNANT:
            return None
        if self.mother is not None:
            return self.mother
        own = next((g for g in self.guardians if g.relation == "self"), None)
        return ChildInput(own.name, own.name_kana, None, "女") if own else None


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
    """Check a registration against the rules; raise Refusal listing every problem."""
    council = db.session.get(Council, data.council_id)
    problems = []
    if council is None or council.id not in policy.coordinated_council_ids(user):
        raise Refusal("この協議会のケースを登録する権限がありません。")
    member_ids = {a.id for a in council.members}
    if data.category not in set(Category):
        problems.append("登録区分を選んでください。")
    if data.category != Category.PREGNANT and not data.children:
        problems.append("子どもを一人以上入力してください。")
    if data.category == Category.PREGNANT and data.subject() is None:
        problems.append("特定妊婦の場合は、妊婦本人の氏名を入力してください。")
    mother = data.subject()
    if mother and mother.enrolled_agency_id and mother.enrolled_agency_id not in member_ids:
        problems.append("妊婦の医療機関は協議会の構成機関から選んでください。")
    if mother and mother.birth_date and mother.birth_date > today_in_japan():
        problems.append("妊婦の生年月日が未来の日付です。")
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
    if data.received_on > today_in_japan():
        problems.append("受理日に未来の日付は入力できません。")
    if data.risk_level not in (1, 2, 3):
        problems.append("リスクを選んでください。")
    problems += section_problems(council, data.section)
    if problems:
        raise Refusal(*problems)
    return council


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
    mother = data.subject()
    if mother is not None:
        case.children.insert(0, _subject(mother))
    case.guardians = [
        Guardian(
            relation=g.relation,
            name=g.name,
            name_kana=g.name_kana,
            phone=g.phone,
            search_key=search_key(g.name, g.name_kana),
        )
        for g in data.guardians
        if not (mother is not None and data.mother is None and g.relation == "self")
    ]
    with transaction():
        db.session.add(case)
        db.session.flush()
        record_change(case, user, "status", "", case.status_label, source="registration")
        _add_standard_involvements(user, case, council)
        detail = {"status": case.status, "category": case.category, "children": len(case.children)}
        if case.section:
            detail["section"] = case.section
        audit.record("case.create", actor=user, target=case, detail=detail)
    return case


def _subject(mother: ChildInput) -> Child:
    """Return the pregnant woman's row: the subject of the case, where a child would stand."""
    return Child(
        name=mother.name,
        name_kana=mother.name_kana,
        birth_date=mother.birth_date,
        sex=mother.sex or "女",
        enrolled_agency_id=mother.enrolled_agency_id,
        search_key=search_key(mother.name, mother.name_kana),
        expectant_mother=True,
    )


def add_child(user: User, case: Case, child: ChildInput) -> Child:
    """Add a child to the case (a baby born to a 特定妊婦, a sibling); the case goes on."""
    policy.require(policy.can_manage_sharing(user, case))
    problems = [] if child.name.strip() else ["子どもの氏名を入力してください。"]
    if child.birth_date and child.birth_date > today_in_japan():
        problems.append("生年月日が未来の日付です。")
    if child.enrolled_agency_id and child.enrolled_agency_id not in {a.id for a in case.council.members}:
        problems.append("所属機関は協議会の構成機関から選んでください。")
    if problems:
        raise Refusal(*problems)
    with transaction():
        row = Child(
            case_id=case.id,
            name=child.name.strip(),
            name_kana=child.name_kana,
            birth_date=child.birth_date,
            sex=child.sex,
            enrolled_agency_id=child.enrolled_agency_id,
            grade_class=child.grade_class,
            search_key=search_key(child.name, child.name_kana),
        )
        db.session.add(row)
        db.session.flush()
        record_change(case, user, "children", "", row.name)
        if row.enrolled_agency_id and case.registered_on:
            start = today_in_japan()
            sharing.involve(
                user, case, row.enrolled_agency_id, InvolvementKind.ENROLLED, start, child_id=row.id
            )
        case.version += 1
        audit.record("case.child_add", actor=user, target=case, detail={"child_id": row.id})
    return row


def _add_standard_involvements(user: User, case: Case, council: Council) -> None:
    """Involve each child's enrolled agency, the lead agency, and the 児童相談所 where the council says so."""
    start = case.registered_on or case.received_on
    for child in case.children:
        if child.enrolled_agency_id:
            sharing.involve(
                user, case, child.enrolled_agency_id, InvolvementKind.ENROLLED, start, child_id=child.id
            )
    if case.lead_agency_id and case.lead_agency_id != council.coordinating_agency_id:
        sharing.involve(user, case, case.lead_agency_id, InvolvementKind.LEAD, start)
    auto_join_child_guidance(user, case, council, start)


def register_intake(user: User, case: Case, registered_on: date) -> None:
    """Register (登録) a received case, which starts the statutory sharing among involved agencies."""
    policy.require(policy.can_manage_sharing(user, case))
    if case.status != Status.INTAKE.value:
        raise Refusal("受理中のケースだけを登録できます。")
    if registered_on > today_in_japan():
        raise Refusal("登録日に未来の日付は入力できません。")
    if registered_on < case.received_on:
        raise Refusal("登録日が受理日より前です。")
    with transaction():
        record_change(case, user, "status", case.status_label, Status.REGISTERED.label)
        case.status = Status.REGISTERED.value
        case.registered_on = registered_on
        case.version += 1
        audit.record("case.register", actor=user, target=case)
