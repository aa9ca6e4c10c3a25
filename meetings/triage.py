"""The practitioner agenda from the ledger: active cases (of its 部会) marked 共有のみ or 協議, and why."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from cases.models import Case, CaseChange
from cases.plan_models import SupportPlan
from meetings import services
from meetings.models import AgendaItem, ItemKind, Mark, Meeting, MeetingStatus
from portal import audit
from portal.extensions import db
from portal.models import User
from reports import access as report_access
from reports.assessments import falling_scale_cases
from reports.models import (
    ABSENCE_ALERT_DAYS,
    Alert,
    Concern,
    ImmediateReason,
    ImmediateReport,
    MonthlyReport,
    MonthlyReportRow,
    ReportState,
)

REASON_LABELS = {
    "alert_open": "未確認のアラート",
    "absence": f"{ABSENCE_ALERT_DAYS}日以上の連続欠席",
    "injury": "新たなけがの報告",
    "concern_up": "報告機関の心配の度合いが上昇",
    "risk_up": "リスクの引き上げ",
    "review_overdue": "確認時期の超過",
    "no_report": "2か月以上報告なし",
    "plan_overdue": "サポートプランの見直し期限超過",
    "scale_down": "セーフティスケールの低下",
}
# Without an earlier meeting of the tier, changes of this many days are "new".
DEFAULT_WINDOW_DAYS = 90
NO_REPORT_DAYS = 62
CONCERN_RANK = {Concern.NONE.value: 0, Concern.WATCH.value: 1, Concern.URGENT.value: 2}
RISK_RANK = {"低": 1, "中": 2, "高": 3}
# Discussed items take this long by default; shared ones are approved together quickly.
MINUTES = {Mark.DISCUSS: 10, Mark.SHARE: 2}


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
    """Return, per case, the reason codes that call for discussion (in REASON_LABELS order)."""
    day = services.meeting_day(meeting)
    since = window_start(meeting)
    ids = [c.id for c in cases]
    found: dict[int, set[str]] = defaultdict(set)
    if not ids:
        return {}
    for case_id in db.session.scalars(
        select(Alert.case_id).where(Alert.case_id.in_(ids), Alert.acknowledged_at.is_(None))
    ):
        found[case_id].add("alert_open")
    for case_id in db.session.scalars(
        select(ImmediateReport.case_id).where(
            ImmediateReport.case_id.in_(ids),
            ImmediateReport.occurred_on > since,
            ImmediateReport.reason == ImmediateReason.INJURY.value,
        )
    ):
        found[case_id].add("injury")
    _concern_reasons(ids, since, found)
    for change in db.session.scalars(
        select(CaseChange).where(CaseChange.case_id.in_(ids), CaseChange.field == "risk_level")
    ):
        if change.at.astimezone(services.JST).date() > since and RISK_RANK.get(
            change.after, 0
        ) > RISK_RANK.get(change.before, 0):
            found[change.case_id].add("risk_up")
    for case_id in db.session.scalars(
        select(SupportPlan.case_id).where(SupportPlan.case_id.in_(ids), SupportPlan.next_review_on < day)
    ):
        found[case_id].add("plan_overdue")
    for case_id in falling_scale_cases(ids, since):
        found[case_id].add("scale_down")
    reporting = report_access.reporting_categories(meeting.council)
    for case in cases:
        if case.next_review_on is not None and case.next_review_on < day:
            found[case.id].add("review_overdue")
        for child in case.children:
            if (child.consecutive_absent_days or 0) >= ABSENCE_ALERT_DAYS:
                found[case.id].add("absence")
            reports = child.enrolled_agency is not None and child.enrolled_agency.category.value in reporting
            stale = child.last_reported_on is None or child.last_reported_on < day - timedelta(
                days=NO_REPORT_DAYS
            )
            if reports and stale:
                found[case.id].add("no_report")
    order = list(REASON_LABELS)
    return {cid: sorted(codes, key=order.index) for cid, codes in found.items()}


def _concern_reasons(case_ids: list[int], since: date, found: dict[int, set[str]]) -> None:
    """Add concern_up where a child's newest submitted concern is higher than the one before it."""
    rows = db.session.execute(
        select(
            MonthlyReportRow.case_id,
            MonthlyReportRow.child_id,
            MonthlyReportRow.concern,
            MonthlyReport.period_end,
        )
        .join(MonthlyReport, MonthlyReport.id == MonthlyReportRow.report_id)
        .where(MonthlyReportRow.case_id.in_(case_ids), MonthlyReport.state != ReportState.DRAFT.value)
        .order_by(MonthlyReportRow.child_id, MonthlyReport.period_end.desc())
    ).all()
    by_child: dict[int, list] = defaultdict(list)
    for row in rows:
        by_child[row.child_id].append(row)
    for history in by_child.values():
        newest = history[0]
        before = CONCERN_RANK.get(history[1].concern, 0) if len(history) > 1 else 0
        if newest.period_end > since and CONCERN_RANK.get(newest.concern, 0) > before:
            found[newest.case_id].add("concern_up")


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
    services._require_editable(user, meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise services.MeetingError("開始前の会議だけ、台帳から議題を作れます。")
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
    db.session.commit()
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
    return [REASON_LABELS.get(code, code) for code in item.reason_codes]
