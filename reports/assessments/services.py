"""Assessment sheets: who fills and reads them, writing one, the coordinator's merged view, falling scales.

An agency fills sheets for the cases whose reports part (Part.REPORTS) the policy lets it see, and
reads only its own agency's sheets; the council's coordinators read every sheet of their cases.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from cases import policy
from cases.models import Case, Part, Status
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction
from reports.assessments.models import SCALE_MAX, SCALE_MIN, AssessmentSheet, AssessmentSign

# A later sheet this much lower than the same agency's previous one is a fall; below UNSAFE is unsafe.
FALL_STEP = 2
UNSAFE_BELOW = 4
MAX_TEXT = 4000
MAX_DAYS_BACK = 90


@dataclass
class SheetInput:
    """What the agency typed on a sheet."""

    assessed_on: date | None
    sign_ids: list[int]
    recent_actions: str
    safety_scale: int | None
    comment: str


def active_signs() -> list[AssessmentSign]:
    """Return the signs a new sheet offers, in their order."""
    query = select(AssessmentSign).where(AssessmentSign.active).order_by(AssessmentSign.position)
    return list(db.session.scalars(query))


def oversees(user: User, case: Case) -> bool:
    """Tell whether the person reads every agency's sheets of the case (a coordinator of its council)."""
    return policy.holds_case_role(user) and case.council_id in policy.coordinated_council_ids(user)


def can_fill(user: User, case: Case) -> bool:
    """Tell whether the person may fill in a sheet for the case: its reports part is visible, not closed."""
    if case.status == Status.CLOSED.value or not policy.holds_case_role(user):
        return False
    return policy.can_view(user, case, Part.REPORTS)


def assessable_cases(user: User) -> list[Case]:
    """Return the open cases whose reports part the person sees, newest case number last."""
    query = (
        policy.visible_cases(user, Part.REPORTS)
        .where(Case.status != Status.CLOSED.value)
        .order_by(Case.council_id, Case.case_number)
    )
    return list(db.session.scalars(query))


def _problems(data: SheetInput, recent: str, comment: str, signs: dict[int, AssessmentSign]) -> list[str]:
    """Return every problem with a sheet, in Japanese."""
    problems = []
    today = today_in_japan()
    if data.assessed_on is None:
        problems.append("記入日を入力してください。")
    elif data.assessed_on > today:
        problems.append("未来の日付は入力できません。")
    elif data.assessed_on < today - timedelta(days=MAX_DAYS_BACK):
        problems.append(f"記入日は{MAX_DAYS_BACK}日以内の日付にしてください。")
    if data.safety_scale is None:
        problems.append("セーフティスケールを選んでください。")
    elif not SCALE_MIN <= data.safety_scale <= SCALE_MAX:
        problems.append(f"セーフティスケールは{SCALE_MIN}〜{SCALE_MAX}で選んでください。")
    if any(i not in signs for i in data.sign_ids):
        problems.append("選べない項目がチェックされています。一覧から選び直してください。")
    if not recent:
        problems.append("最近の対応を入力してください。")
    if len(recent) > MAX_TEXT or len(comment) > MAX_TEXT:
        problems.append(f"最近の対応・所見はそれぞれ{MAX_TEXT}文字以内で入力してください。")
    return problems


def submit_sheet(user: User, case: Case, data: SheetInput) -> AssessmentSheet:
    """Record the agency's sheet for the case with its audit row, in one transaction."""
    with transaction():
        if not can_fill(user, case):
            raise Refusal("このケースのアセスメントシートは記入できません。")
        recent, comment = clean_html(data.recent_actions), clean_html(data.comment)
        signs = {s.id: s for s in active_signs()}
        problems = _problems(data, recent, comment, signs)
        if problems:
            raise Refusal(*problems)
        sheet = AssessmentSheet(
            council_id=case.council_id,
            case_id=case.id,
            agency_id=user.agency_id,
            assessed_on=data.assessed_on,
            recent_actions=recent,
            safety_scale=data.safety_scale,
            comment=comment,
            written_by_id=user.id,
            signs=[signs[i] for i in sorted(set(data.sign_ids))],
        )
        db.session.add(sheet)
        db.session.flush()
        audit.record(
            "assessment.submit",
            actor=user,
            target=sheet,
            detail={"case_id": case.id, "safety_scale": sheet.safety_scale, "signs": len(sheet.signs)},
        )
    return sheet


@dataclass
class CaseSheets:
    """The sheets of one case a person may read, merged: each agency's latest, sign counts, the scales."""

    case: Case
    merged: bool
    sheets: list[AssessmentSheet]
    latest: list[AssessmentSheet] = field(default_factory=list)
    sign_counts: list[tuple[AssessmentSign, int]] = field(default_factory=list)
    # agency name -> its sheets oldest first (the safety scale over time)
    scales: dict[str, list[AssessmentSheet]] = field(default_factory=dict)
    falling: set[int] = field(default_factory=set)


def _order_key(sheet: AssessmentSheet):
    """Order sheets by the day assessed, then by when written."""
    return (sheet.assessed_on, sheet.written_at, sheet.id)


def read_case_sheets(user: User, case: Case) -> CaseSheets:
    """Return the sheets of the case the person may read (all for a coordinator, else its own); audited."""
    with transaction(keep_loaded=True):
        merged = oversees(user, case)
        query = select(AssessmentSheet).where(AssessmentSheet.case_id == case.id)
        if not merged:
            query = query.where(AssessmentSheet.agency_id == user.agency_id)
        sheets = sorted(db.session.scalars(query), key=_order_key)
        view = CaseSheets(case=case, merged=merged, sheets=sheets)
        by_agency: dict[int, list[AssessmentSheet]] = defaultdict(list)
        for sheet in sheets:
            by_agency[sheet.agency_id].append(sheet)
        view.latest = sorted((h[-1] for h in by_agency.values()), key=lambda s: s.agency.name)
        counts: dict[int, int] = defaultdict(int)
        signs: dict[int, AssessmentSign] = {}
        for sheet in view.latest:
            for sign in sheet.signs:
                counts[sign.id] += 1
                signs[sign.id] = sign
        view.sign_counts = sorted(
            ((signs[i], n) for i, n in counts.items()), key=lambda p: (-p[1], p[0].position)
        )
        view.scales = {
            h[-1].agency.name: h for h in sorted(by_agency.values(), key=lambda h: h[-1].agency.name)
        }
        view.falling = {
            h[-1].agency_id for h in by_agency.values() if is_falling([s.safety_scale for s in h])
        }
        audit.record(
            "assessment.view",
            actor=user,
            target=case,
            detail={"case_id": case.id, "sheets": len(sheets), "merged": merged},
        )
    return view


def is_falling(scales: list[int]) -> bool:
    """Tell whether one agency's scales (oldest first) end low or fell by FALL_STEP from the one before."""
    if not scales:
        return False
    latest = scales[-1]
    if latest < UNSAFE_BELOW:
        return True
    return len(scales) > 1 and scales[-2] - latest >= FALL_STEP


def falling_scale_cases(case_ids: list[int], since: date | None = None) -> set[int]:
    """Return the cases where some agency's latest sheet (assessed after `since`) shows a falling scale."""
    if not case_ids:
        return set()
    rows = db.session.execute(
        select(
            AssessmentSheet.case_id,
            AssessmentSheet.agency_id,
            AssessmentSheet.safety_scale,
            AssessmentSheet.assessed_on,
        )
        .where(AssessmentSheet.case_id.in_(case_ids))
        .order_by(AssessmentSheet.assessed_on, AssessmentSheet.written_at, AssessmentSheet.id)
    ).all()
    history: dict[tuple[int, int], list] = defaultdict(list)
    for row in rows:
        history[(row.case_id, row.agency_id)].append(row)
    found = set()
    for (case_id, _agency_id), sheets in history.items():
        recent = since is None or sheets[-1].assessed_on > since
        if recent and is_falling([s.safety_scale for s in sheets]):
            found.add(case_id)
    return found
