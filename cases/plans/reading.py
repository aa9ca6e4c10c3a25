"""Reading support plans as a person may see them, and printing them; every read is audited.

A read links its audit row to the case, so the case's access history shows who read which plan
(and what an agency read before its consent was withdrawn).
"""

from flask import abort
from sqlalchemy import select

from cases import policy
from cases.models import Case, CaseRead, Part
from cases.plans.models import SupportPlan
from cases.reads import record_read
from portal import audit
from portal.extensions import db
from portal.models import User
from portal.transaction import transaction

# Japanese names of the audited plan and resource actions.
PLAN_ACTION_LABELS = {
    "plan.create": "サポートプランの作成",
    "plan.review": "サポートプランの見直し",
    "plan.list": "サポートプラン一覧の閲覧",
    "plan.view": "サポートプランの閲覧",
    "plan.download": "サポートプランの出力",
    "plan.board_view": "見直し一覧の閲覧",
    "resource.create": "地域資源の追加",
    "resource.update": "地域資源の更新",
}


def visible_plans(user: User, case: Case, access: policy.CaseAccess) -> list[SupportPlan]:
    """Return the case's plans this person may see (a consent may cover one child's plan only)."""
    plans = db.session.scalars(
        select(SupportPlan).where(SupportPlan.case_id == case.id).order_by(SupportPlan.id)
    )
    return [p for p in plans if access.child_visible(Part.PLAN, p.child_id)]


def list_plans(user: User, case_id: int):
    """Return the case and the plans the person sees of it; audit the read."""
    with transaction(keep_loaded=True):
        case, access = policy.get_case_or_404(user, case_id, Part.PLAN)
        plans = visible_plans(user, case, access)
        entry = audit.record(
            "plan.list", actor=user, target=case, detail={"parts": ["plan"], "plans": [p.id for p in plans]}
        )
        db.session.flush()
        db.session.add(CaseRead(audit_seq=entry.seq, case_id=case.id))
    return case, plans


def load_plan(user: User, case_id: int, plan_id: int) -> tuple[SupportPlan, policy.CaseAccess]:
    """Load a plan the person may see; anything else answers 404."""
    case, access = policy.get_case_or_404(user, case_id, Part.PLAN)
    plan = db.session.get(SupportPlan, plan_id)
    if plan is None or plan.case_id != case.id or not access.child_visible(Part.PLAN, plan.child_id):
        abort(404)
    return plan, access


def read_plan(user: User, case_id: int, plan_id: int, number: int | None = None):
    """Return a plan, one of its versions (the newest by default) and the access; audit the read."""
    plan, access = load_plan(user, case_id, plan_id)
    version = plan.version(number) if number else plan.current
    if version is None:
        abort(404)
    _record_read(user, plan, "plan.view", {"plan_id": plan.id, "version": version.number})
    return plan, version, access


def plan_document(user: User, case_id: int, plan_id: int, number: int, audience: str) -> tuple[bytes, str]:
    """Build the Word file of a version for the family or the child; audit the download."""
    from cases.plans import word as plan_word

    plan, _access = load_plan(user, case_id, plan_id)
    version = plan.version(number)
    if version is None or audience not in plan_word.AUDIENCES:
        abort(404)
    content = plan_word.build(plan, version, audience)
    name = f"{plan_word.AUDIENCES[audience]}_{plan.case.case_number}_第{version.number}版.docx"
    _record_read(
        user, plan, "plan.download", {"plan_id": plan.id, "version": version.number, "audience": audience}
    )
    return content, name


def plan_consents(plan: SupportPlan) -> list:
    """Return the consents recorded with the plan's versions, newest first."""
    return [v.consent for v in reversed(plan.versions) if v.consent is not None]


def _record_read(user: User, plan: SupportPlan, action: str, detail: dict) -> None:
    """Audit a read of a plan and link it to the case's access history; commit."""
    record_read(action, user, [plan.case_id], {"parts": ["plan"], **detail}, target=plan.case)
