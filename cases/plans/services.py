"""Support plan operations: write a plan with the family, review it (a new version), withdraw its consent.

Each operation owns its transaction and writes its audit row in it. The consent on a plan is an
ordinary consent whose grants cover the plan part only (cases.sharing.consents); reads are in reading.py.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from cases import policy
from cases.models import Case, Category, Status
from cases.plans.models import RESOURCE_KINDS, LocalResource, PlanSupport, PlanVersion, SupportPlan
from cases.sharing import consents
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction

# Free-text parts of a version, all kept as sanitized HTML.
TEXT_FIELDS = (
    "child_wish",
    "guardian_wish",
    "child_worries",
    "guardian_worries",
    "child_hopes",
    "guardian_hopes",
    "issues",
    "family_actions",
    "child_actions",
    "short_term_goal",
    "long_term_goal",
    "evaluation",
)
REVIEW_MONTHS = 3


@dataclass
class SupportInput:
    """One support as entered: a local resource (or none), kind, content, who, how often, from when."""

    resource_id: int | None = None
    kind: str = ""
    content: str = ""
    provider: str = ""
    frequency: str = ""
    starts_on: date | None = None


@dataclass
class ConsentInput:
    """The consent to share the plan, as the family gave it."""

    given_by_name: str
    given_by_relation: str
    given_on: date | None
    agency_ids: list[int]
    wording: str


@dataclass
class PlanInput:
    """What is written into one version of a plan."""

    made_on: date
    next_review_on: date
    child_wish: str = ""
    guardian_wish: str = ""
    child_worries: str = ""
    guardian_worries: str = ""
    child_hopes: str = ""
    guardian_hopes: str = ""
    issues: str = ""
    family_actions: str = ""
    child_actions: str = ""
    short_term_goal: str = ""
    short_term_until: date | None = None
    long_term_goal: str = ""
    satisfaction: int | None = None
    evaluation: str = ""
    supports: list[SupportInput] = field(default_factory=list)
    consent: ConsentInput | None = None


def has_text(html: str) -> bool:
    """Tell whether typed rich text says anything once cleaned (empty paragraphs do not count)."""
    return bool(re.sub(r"<[^>]*>", "", clean_html(html)).strip())


def add_months(day: date, months: int) -> date:
    """Return the same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def caseworker_candidates(case: Case) -> list[User]:
    """Return who may be the plan's caseworker: the coordinating body's coordinators and facilitators."""
    agency = case.council.coordinating_agency
    if agency is None:
        return []
    # People who see every case of the council (the home page lists their plans' dates), and for a
    # 特定妊婦 case the center's 母子保健 staff who support it.
    pregnant = case.category == Category.PREGNANT.value
    return [
        u
        for u in agency.people
        if u.active
        and (u.has_role(*policy.COUNCIL_WIDE_ROLES) or (pregnant and policy.can_write_plan(u, case)))
    ]


def _check(case: Case, data: PlanInput, previous: PlanVersion | None) -> list[str]:
    """Return every problem with a version's content."""
    problems = []
    if case.status == Status.CLOSED.value:
        return ["終結したケースのサポートプランは作成・見直しできません。"]
    if data.made_on > today_in_japan():
        problems.append("作成日が未来の日付です。")
    if not (has_text(data.child_wish) or has_text(data.guardian_wish)):
        problems.append("こども又は保護者の意向を入力してください。")
    if not has_text(data.issues):
        problems.append("解決すべき課題を入力してください。")
    if not data.supports:
        problems.append("支援の種類と内容を一つ以上入力してください。")
    if data.next_review_on <= data.made_on:
        problems.append("次回の見直し日は作成日より後にしてください。")
    elif case.status == Status.REGISTERED.value and data.next_review_on > add_months(
        data.made_on, REVIEW_MONTHS
    ):
        problems.append("登録ケースのサポートプランは、少なくとも3か月ごとに見直してください。")
    if data.short_term_until and data.short_term_until < data.made_on:
        problems.append("短期目標の期限が作成日より前です。")
    if data.satisfaction is not None and not 0 <= data.satisfaction <= 100:
        problems.append("満足度は0から100の間で入力してください。")
    resources = {r.id: r for r in _resources(case)}
    for index, support in enumerate(data.supports, start=1):
        if support.resource_id is not None and support.resource_id not in resources:
            problems.append(f"支援{index}：地域資源が正しくありません。")
        if not has_text(support.content) and support.resource_id is None:
            problems.append(f"支援{index}：内容を入力するか、地域資源を選んでください。")
        if support.kind and support.kind not in RESOURCE_KINDS:
            problems.append(f"支援{index}：種類が正しくありません。")
    if data.consent is not None:
        consent = data.consent
        problems += consents.plan_consent_problems(
            case, consent.given_by_name, consent.given_by_relation, consent.given_on, consent.agency_ids
        )
    if previous is not None:
        if not has_text(data.evaluation):
            problems.append("前回からの振り返り（評価）を入力してください。")
        if data.made_on < previous.made_on:
            problems.append("見直し日が前の版の作成日より前です。")
    return problems


def _resources(case: Case) -> list[LocalResource]:
    """Return the active local resources of the case's council."""
    return list(
        db.session.scalars(
            select(LocalResource).where(LocalResource.council_id == case.council_id, LocalResource.active)
        )
    )


def _add_version(user: User, plan: SupportPlan, number: int, data: PlanInput) -> PlanVersion:
    """Add a version with its supports and, when given, the consent to share it."""
    version = PlanVersion(
        plan=plan,
        number=number,
        made_on=data.made_on,
        written_by_id=user.id,
        short_term_until=data.short_term_until,
        satisfaction=data.satisfaction,
        next_review_on=data.next_review_on,
        **{name: clean_html(getattr(data, name)) for name in TEXT_FIELDS},
    )
    for position, support in enumerate(data.supports):
        resource = db.session.get(LocalResource, support.resource_id) if support.resource_id else None
        version.supports.append(
            PlanSupport(
                position=position,
                resource_id=resource.id if resource else None,
                service_name=resource.name if resource else "",
                kind=support.kind or (resource.kind if resource else ""),
                content=clean_html(support.content),
                provider=support.provider.strip() or (resource.name if resource else ""),
                frequency=support.frequency.strip(),
                starts_on=support.starts_on,
            )
        )
    db.session.add(version)
    db.session.flush()
    if data.consent is not None:
        version.consent = consents.record_plan_consent(
            user,
            plan.case,
            child_id=plan.child_id,
            given_by_name=data.consent.given_by_name,
            given_by_relation=data.consent.given_by_relation,
            given_on=data.consent.given_on,
            agency_ids=data.consent.agency_ids,
            wording=data.consent.wording,
        )
    plan.current_number = number
    plan.next_review_on = data.next_review_on
    return version


# Two people saving the same plan at once collide on its version number (or its child); the second
# is told to reload rather than shown an error page.
CONCURRENT_SAVE = "同じプランが同時に保存されました。画面を開き直して確認してください。"


def _save(work) -> None:
    """Run the work in one transaction (the plan, its version, supports, consent and audit rows)."""
    with transaction(on_conflict=Refusal(CONCURRENT_SAVE)):
        work()


def create_plan(user: User, case: Case, *, child_id: int | None, caseworker_id: int, data: PlanInput):
    """Write the first version of a child's (or the household's) plan, with the family."""
    policy.require(policy.can_write_plan(user, case))
    problems = _check(case, data, None)
    if child_id is not None and child_id not in {c.id for c in case.children}:
        problems.append("対象の子どもが正しくありません。")
    if caseworker_id not in {u.id for u in caseworker_candidates(case)}:
        problems.append("担当者を選んでください。")
    exists = db.session.scalar(
        select(SupportPlan.id).where(
            SupportPlan.case_id == case.id,
            SupportPlan.child_id.is_(None) if child_id is None else SupportPlan.child_id == child_id,
        )
    )
    if exists:
        problems.append("この対象のサポートプランは既にあります。見直しから新しい版を作成してください。")
    if problems:
        raise Refusal(*problems)
    plan = SupportPlan(
        case_id=case.id,
        child_id=child_id,
        caseworker_id=caseworker_id,
        next_review_on=data.next_review_on,
        created_by_id=user.id,
    )
    db.session.add(plan)

    def work():
        db.session.flush()
        version = _add_version(user, plan, 1, data)
        audit.record(
            "plan.create",
            actor=user,
            target=case,
            detail={"plan_id": plan.id, "version": 1, "child_id": child_id, "consent_id": version.consent_id},
        )

    _save(work)
    return plan


def review_plan(user: User, plan: SupportPlan, data: PlanInput, caseworker_id: int | None = None):
    """Review a plan: record how the last period went and write the next version; the old ones stay."""
    case = plan.case
    policy.require(policy.can_write_plan(user, case))
    previous = plan.current
    problems = _check(case, data, previous)
    if caseworker_id is not None and caseworker_id not in {u.id for u in caseworker_candidates(case)}:
        problems.append("担当者を選んでください。")
    if problems:
        raise Refusal(*problems)
    number = previous.number + 1

    def work():
        version = _add_version(user, plan, number, data)
        if caseworker_id is not None:
            plan.caseworker_id = caseworker_id
        audit.record(
            "plan.review",
            actor=user,
            target=case,
            detail={"plan_id": plan.id, "version": number, "consent_id": version.consent_id},
        )

    _save(work)
    return plan.current


def withdraw_plan_consent(user: User, plan: SupportPlan, consent_id: int, agency_ids=None, note=""):
    """Withdraw a consent on the plan (for every named agency, or some); sharing stops at once."""
    if consent_id not in {v.consent_id for v in plan.versions}:
        raise Refusal("このプランの同意ではありません。")
    consents.withdraw_consent(user, plan.case, consent_id, note, agency_ids=agency_ids)
