"""The reports' answers to cases.signals: why a case should be discussed, its newest reports, its alerts.

Registered at start-up (reports.init_app), so meetings asks through cases and never imports reports.
Each answer is a few grouped queries for all the cases asked about, never one query per case.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import bindparam, select

from cases import policy, signals
from cases.models import Case, Part
from cases.signals import Accesses, AlertLine, ReportLine, ReportSource, ScaleTrend
from portal.extensions import db
from portal.models import Agency, User
from reports import access
from reports.alerts.models import Alert, ImmediateReason, ImmediateReport
from reports.assessments.models import AssessmentSheet
from reports.assessments.services import falling_scale_cases, is_falling
from reports.monthly.models import ABSENCE_ALERT_DAYS, Concern, MonthlyReport, MonthlyReportRow, ReportState
from reports.monthly.periods import Period

# Reasons found in what the agencies sent, in the order the agenda lists them.
REASON_LABELS = {
    "alert_open": "未確認のアラート",
    "absence": f"{ABSENCE_ALERT_DAYS}日以上の連続欠席",
    "injury": "新たなけがの報告",
    "concern_up": "報告機関の心配の度合いが上昇",
    "no_report": "2か月以上報告なし",
    "scale_down": "セーフティスケールの低下",
}
NO_REPORT_DAYS = 62
CONCERN_RANK = {Concern.NONE.value: 0, Concern.WATCH.value: 1, Concern.URGENT.value: 2}


def find_reasons(cases: list[Case], since: date, day: date) -> dict[int, set[str]]:
    """Return, per case, the report reasons that call for discussion."""
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
    for case_id in falling_scale_cases(ids, since):
        found[case_id].add("scale_down")
    reporting: dict[int, set[str]] = {}
    for case in cases:
        if case.council_id not in reporting:
            reporting[case.council_id] = access.reporting_categories(case.council)
        for child in case.children:
            if (child.consecutive_absent_days or 0) >= ABSENCE_ALERT_DAYS:
                found[case.id].add("absence")
            agency = child.enrolled_agency
            reports = agency is not None and agency.category.value in reporting[case.council_id]
            stale = child.last_reported_on is None or child.last_reported_on < day - timedelta(
                days=NO_REPORT_DAYS
            )
            if reports and stale:
                found[case.id].add("no_report")
    return dict(found)


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


def _sees_reports(accesses: Accesses, case_id: int, child_id: int) -> bool:
    """Tell whether the viewer's known access to the case shows this child's reports part."""
    found = accesses.get(case_id)
    return found is not None and found.child_visible(Part.REPORTS, child_id)


def latest_lines(viewer: User, case_ids: list[int], accesses: Accesses = None) -> dict[int, list[ReportLine]]:
    """Return, per case, each child's newest submitted monthly report line the viewer may see."""
    if not case_ids:
        return {}
    rows = db.session.execute(_REPORT_LINES, {"case_ids": list(case_ids)}).all()
    if accesses is None:
        visible = access.visible_report_children(viewer, {row.child_id for row in rows})
    else:
        visible = {row.child_id for row in rows if _sees_reports(accesses, row.case_id, row.child_id)}
    newest: dict[int, list[ReportLine]] = defaultdict(list)
    seen = set()
    for row in rows:
        if row.child_id in seen or row.child_id not in visible:
            continue
        seen.add(row.child_id)
        absent = (row.absent_notified or 0) + (row.absent_unnotified or 0)
        newest[row.case_id].append(
            ReportLine(
                child_id=row.child_id,
                period=Period(row.year, row.month).label,  # 令和8年10月分, as the monthly form says
                attendance="—" if row.attended_days is None else f"{row.attended_days}日/{absent}日",
                concern=Concern(row.concern).label if row.concern else "",
                condition=row.condition or "",
                consecutive_absent_days=row.consecutive_absent_days,
            )
        )
    return dict(newest)


# Each child's submitted report rows, newest first, as plain rows; built once with a placeholder.
_REPORT_LINES = (
    select(
        MonthlyReportRow.child_id,
        MonthlyReportRow.case_id,
        MonthlyReportRow.attended_days,
        MonthlyReportRow.absent_notified,
        MonthlyReportRow.absent_unnotified,
        MonthlyReportRow.concern,
        MonthlyReportRow.condition,
        MonthlyReportRow.consecutive_absent_days,
        MonthlyReport.year,
        MonthlyReport.month,
    )
    .join(MonthlyReport, MonthlyReport.id == MonthlyReportRow.report_id)
    .where(
        MonthlyReportRow.case_id.in_(bindparam("case_ids", expanding=True)),
        MonthlyReport.state != ReportState.DRAFT.value,
    )
    .order_by(MonthlyReportRow.child_id, MonthlyReport.period_end.desc())
)


def recent_alerts(viewer: User, case_ids: list[int]) -> dict[int, list[AlertLine]]:
    """Return, per case, its alerts newest first, about the children the viewer may see."""
    if not case_ids:
        return {}
    alerts = list(
        db.session.scalars(select(Alert).where(Alert.case_id.in_(case_ids)).order_by(Alert.created_at.desc()))
    )
    visible = access.visible_report_children(viewer, {a.child_id for a in alerts})
    found: dict[int, list[AlertLine]] = defaultdict(list)
    for alert in alerts:
        if alert.child_id in visible:
            found[alert.case_id].append(
                AlertLine(
                    child_id=alert.child_id,
                    created_at=alert.created_at,
                    reasons="、".join(r.label for r in alert.reason_list),
                    summary=alert.summary or "",
                    acknowledged=alert.acknowledged_at is not None,
                )
            )
    return dict(found)


def safety_trends(
    viewer: User, case_ids: list[int], accesses: Accesses = None
) -> dict[int, list[ScaleTrend]]:
    """Return, per case, each agency's safety scales, as the sheets are read: the council's
    coordinators (who see its cases whole) read every agency's, an agency its own (for cases whose
    reports it may see)."""
    if not case_ids:
        return {}
    if accesses is None:
        cases = list(db.session.scalars(select(Case).where(Case.id.in_(case_ids))))
        accesses = policy.access_map(viewer, cases)
    readable = {cid: (found.full, found.can(Part.REPORTS)) for cid, found in accesses.items()}
    history: dict[tuple[int, int], list] = defaultdict(list)
    for sheet in db.session.execute(_SCALES, {"case_ids": list(case_ids)}):
        every, reports = readable.get(sheet.case_id, (False, False))
        if every or (reports and sheet.agency_id == viewer.agency_id):
            history[(sheet.case_id, sheet.agency_id)].append(sheet)
    found: dict[int, list[ScaleTrend]] = defaultdict(list)
    for (case_id, _agency_id), sheets in history.items():
        scales = tuple(s.safety_scale for s in sheets)
        trend = ScaleTrend(sheets[-1].agency, scales, sheets[-1].assessed_on, is_falling(list(scales)))
        found[case_id].append(trend)
    return dict(found)


# The sheets' scales as plain rows, oldest first (a sheet object brings its writer and signs along);
# built once with a placeholder for the cases.
_SCALES = (
    select(
        AssessmentSheet.case_id,
        AssessmentSheet.agency_id,
        Agency.name.label("agency"),
        AssessmentSheet.safety_scale,
        AssessmentSheet.assessed_on,
    )
    .join(Agency, Agency.id == AssessmentSheet.agency_id)
    .where(AssessmentSheet.case_id.in_(bindparam("case_ids", expanding=True)))
    .order_by(AssessmentSheet.assessed_on, AssessmentSheet.written_at, AssessmentSheet.id)
)


def register() -> None:
    """Answer cases.signals for the features that discuss cases."""
    signals.register(ReportSource(REASON_LABELS, find_reasons, latest_lines, recent_alerts, safety_trends))
