"""The practitioner agenda from the ledger: active cases (of its 部会) marked 共有のみ or 協議, and why."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from cases import signals
from cases.models import Case, CaseChange
from cases.plans.models import SupportPlan
from meetings import services
from meetings.agenda import services as agenda
from meetings.models import AgendaItem, ItemKind, Mark, Meeting, MeetingStatus, Tier
from portal import audit
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.transaction import transaction

# Reasons the ledger and the plans give; the agencies' reports add theirs through cases.signals.
LEDGER_REASON_LABELS = {
    "risk_up": "リスクの引き上げ",
    "review_overdue": "確認時期の超過",
    "plan_overdue": "サポートプランの見直し期限超過",
}
# The order reasons are listed in (a reason not named here comes last).
REASON_ORDER = (
    "alert_open",
    "absence",
    "injury",
    "concern_up",
    "risk_up",
    "review_overdue",
    "no_report",
    "plan_overdue",
    "scale_down",
)
# Without an earlier meeting of the tier, changes of this many days are "new".
DEFAULT_WINDOW_DAYS = 90
RISK_RANK = {"低": 1, "中": 2, "高": 3}
# Discussed items take this long by default; shared ones are approved together quickly.
MINUTES = {Mark.DISCUSS: 10, Mark.SHARE: 2}


def all_reason_labels() -> dict[str, str]:
    """Return every reason's Japanese name, the ledger's and the reports'."""
    return {**signals.reason_labels(), **LEDGER_REASON_LABELS}


def window_start(meeting: Meeting) -> date:
    """Return the day after which findings count as new: the previous meeting of this tier, else 90 days.

    Only a meeting that went through the same cases counts: for a 部会's meeting, the previous one
    of that 部会 or of the whole council; for a whole-council meeting, the previous whole one.
    Another 部会's meeting did not see these cases, so findings since then are still new.
    """
    previous = db.session.scalar(
        select(Meeting.starts_at)
        .where(
            Meeting.council_id == meeting.council_id,
            Meeting.tier == meeting.tier,
            Meeting.section.in_(sorted({"", meeting.section})),
            Meeting.status == MeetingStatus.ENDED.value,
            Meeting.starts_at < meeting.starts_at,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    if previous is not None:
        return previous.astimezone(services.JST).date()
    return services.meeting_day(meeting) - timedelta(days=DEFAULT_WINDOW_DAYS)


def find_reasons(meeting: Meeting, cases: list[Case]) -> dict[int, list[str]]:
    """Return, per case, the reason codes that call for discussion (in REASON_ORDER)."""
    day = services.meeting_day(meeting)
    since = window_start(meeting)
    ids = [c.id for c in cases]
    if not ids:
        return {}
    found: dict[int, set[str]] = defaultdict(set)
    for case_id, codes in signals.find_reasons(cases, since, day).items():
        found[case_id] |= codes
    for change in db.session.scalars(
        select(CaseChange).where(CaseChange.case_id.in_(ids), CaseChange.field == "risk_level")
    ):
        raised = RISK_RANK.get(change.after, 0) > RISK_RANK.get(change.before, 0)
        if raised and change.at.astimezone(services.JST).date() > since:
            found[change.case_id].add("risk_up")
    for case_id in db.session.scalars(
        select(SupportPlan.case_id).where(SupportPlan.case_id.in_(ids), SupportPlan.next_review_on < day)
    ):
        found[case_id].add("plan_overdue")
    for case in cases:
        if case.next_review_on is not None and case.next_review_on < day:
            found[case.id].add("review_overdue")

    def rank(code: str) -> int:
        return REASON_ORDER.index(code) if code in REASON_ORDER else len(REASON_ORDER)

    return {cid: sorted(codes, key=rank) for cid, codes in found.items()}


def agenda_cases(meeting: Meeting) -> list[Case]:
    """Return the active cases the ledger puts on the agenda: those of the meeting's 部会, if it has one.

    Only the agenda built from the ledger narrows to the 部会; a person may still add any case of
    the council by hand (a sibling's case followed by another 部会, say).
    """
    cases = services.active_cases(meeting)
    if meeting.section:
        cases = [case for case in cases if case.section == meeting.section]
    return cases


def build_agenda(user: User, meeting: Meeting) -> int:
    """Put every active case on the agenda with its mark and reasons; return how many items were added.

    A meeting of one 部会 takes only that 部会's cases. Items already there keep a mark a person
    overrode; their reasons are found afresh.
    """
    with transaction():
        agenda.require_editable(user, meeting)
        if meeting.tier == Tier.REPRESENTATIVE:
            raise Refusal("代表者会議ではケースを扱いません（台帳から議題は作れません）。")
        if meeting.status != MeetingStatus.SCHEDULED:
            raise Refusal("開始前の会議だけ、台帳から議題を作れます。")
        cases = agenda_cases(meeting)
        reasons = find_reasons(meeting, cases)
        existing = {i.case_id: i for i in meeting.items if i.case_id}
        # A case another item already takes up beside its own is not given an item of its own.
        linked = {case_id for i in meeting.items for case_id in i.case_ids[1:]} - set(existing)
        added = 0
        for case in cases:
            if case.id in linked:
                continue
            codes = reasons.get(case.id, [])
            mark = Mark.DISCUSS if codes else Mark.SHARE
            item = existing.get(case.id)
            if item is None:
                item = AgendaItem(
                    kind=ItemKind.CASE_REVIEW.value,
                    case_id=case.id,
                    draft_policy=case.support_policy if mark == Mark.SHARE else "",
                    planned_minutes=MINUTES[mark],
                )
                meeting.items.append(item)
                added += 1
            item.reasons = ",".join(codes)
            if not item.mark_overridden:
                item.mark = mark.value
        _order(meeting)
        detail = {"added": added, "cases": len(cases)}
        if meeting.section:
            detail["section"] = meeting.section
        audit.record("meeting.build_agenda", actor=user, target=meeting, detail=detail)
    return added


def _order(meeting: Meeting) -> None:
    """Number items: other items first as they were, then cases to discuss, then cases shared only."""

    def rank(item: AgendaItem):
        if item.case_id is None or not item.mark:
            return (0, item.position or 0, "")
        return (1 if item.mark == Mark.DISCUSS else 2, 0, item.case.case_number if item.case else "")

    for number, item in enumerate(sorted(meeting.items, key=rank), start=1):
        item.position = number
    meeting.items.sort(key=lambda i: i.position)


def reason_labels(item: AgendaItem) -> list[str]:
    """Return an item's reasons in Japanese."""
    labels = all_reason_labels()
    return [labels.get(code, code) for code in item.reason_codes]
