"""Monthly report operations: open, save a draft, submit (or correct) every row at once.

Each operation owns its transaction and writes its audit row in it. A submission writes, in the
same transaction, a snapshot of the version, a case note per changed row (through cases'
add_notes, which checks access once per case), each child's ledger fields (last report,
consecutive absences) and the alerts the rows raise. Free text passes the one sanitizer. Nothing
here reads the request or emits.
"""

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from cases.models import Child
from cases.notes import services as note_services
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Council, User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction
from portal.types import utcnow
from reports import access
from reports.alerts import services as alerts
from reports.alerts.models import Alert
from reports.monthly.history import submissions_of
from reports.monthly.models import (
    ROW_FIELDS,
    TEXT_FIELDS,
    MonthlyReport,
    MonthlyReportRow,
    ReportState,
    ReportSubmission,
)
from reports.monthly.periods import Period
from reports.monthly.rows import RowInput, check_row, check_school_days
from reports.notes import monthly_note_body


class GridRefusal(Refusal):
    """The report grid was refused; besides the messages, what is wrong in each child's row."""

    def __init__(self, *messages: str, rows: dict | None = None, school_days: str | None = None):
        super().__init__(*messages)
        self.rows: dict[int, dict[str, str]] = rows or {}
        self.school_days = school_days


STALE_UPLOAD = (
    "このファイルを確認したあとで、この月の報告が保存されています"
    "（別の画面からの保存か、同じ確認の二度目の送信です）。もう一度ファイルを選んでください。"
)
SAVED_MEANWHILE = (
    "ほぼ同時に、この月の報告が別の画面（同じ機関の別の方など）から保存されました。"
    "この画面に入力した内容は残っています。もう一度保存または提出すると、同じ児童の行はこの画面の内容になります。"
)


@dataclass(frozen=True)
class Expected:
    """The state a save expects the report to be in (its stamp; None: no report yet)."""

    stamp: list | None


@dataclass
class Sheet:
    """This month's report for an agency: the children it reports on and what is saved so far."""

    council: Council
    period: Period
    report: MonthlyReport | None
    children: list[Child]
    rows: dict[int, MonthlyReportRow] = field(default_factory=dict)
    submissions: list[ReportSubmission] = field(default_factory=list)


@dataclass
class SaveResult:
    """What a save changed: the report, whether it was submitted, changed children, new alerts."""

    report: MonthlyReport
    submitted: bool
    changed: list[int] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


def find_report(
    council: Council, agency_id: int, period: Period, *, lock: bool = False
) -> MonthlyReport | None:
    """Return the agency's report for the period, if one was started (locked for a save, with lock)."""
    query = select(MonthlyReport).where(
        MonthlyReport.council_id == council.id,
        MonthlyReport.agency_id == agency_id,
        MonthlyReport.year == period.year,
        MonthlyReport.month == period.month,
    )
    # Only the report's row is locked: PostgreSQL refuses FOR UPDATE on the outer join of its agency.
    return db.session.scalar(query.with_for_update(of=MonthlyReport) if lock else query)


def stamp(report: MonthlyReport | None) -> list | None:
    """Return what identifies a report's saved state (a save of any kind changes it)."""
    if report is None:
        return None
    return [report.id, report.version, report.state, report.updated_at.isoformat()]


def open_sheet(user: User, council: Council, period: Period) -> Sheet:
    """Return the person's agency's report for the period, for the children it reports on (audited)."""
    with transaction(keep_loaded=True):
        children = access.reportable_children(user, council)
        report = find_report(council, user.agency_id, period)
        rows = {}
        if report is not None:
            rows = {r.child_id: r for r in report.rows}
        audit.record(
            "report.view",
            actor=user,
            target_type="monthly_reports",
            target_id=report.id if report else "",
            target_label=f"{user.agency.name} {period.label}",
            detail={"council_id": council.id, "period": period.key, "children": [c.id for c in children]},
        )
    return Sheet(council, period, report, children, rows, submissions_of(report))


def _check(
    user: User,
    council: Council,
    period: Period,
    school_days: int | None,
    inputs: list[RowInput],
    complete: bool,
) -> dict[int, Child]:
    """Refuse a save with every problem listed; return the children the rows are about."""
    children = {c.id: c for c in access.reportable_children(user, council)}
    if not children:
        raise Refusal("この協議会に報告する対象の子どもがいません。")
    messages = []
    if any(row.child_id not in children for row in inputs):
        messages.append("報告できない子どもが含まれています。")
    if complete and {row.child_id for row in inputs} != set(children):
        messages.append("在籍する登録児童の全員について入力してください。")
    today = today_in_japan()
    if complete and period.start > today:
        messages.append("まだ始まっていない期間の報告は提出できません。")
    school_problem = check_school_days(school_days, period, complete)
    problems = {}
    for row in inputs:
        check_row(row, period, school_days if not school_problem else None, today, complete)
        if row.problems:
            problems[row.child_id] = dict(row.problems)
    if problems:
        messages.append(f"{len(problems)}人分の入力に確認が必要な項目があります。")
    if school_problem:
        messages.append(school_problem)
    if messages:
        raise GridRefusal(*messages, rows=problems, school_days=school_problem)
    return children


def _get_or_create(user: User, council: Council, period: Period, expected: Expected | None) -> MonthlyReport:
    """Return the agency's report for the period, starting it when there is none.

    With `expected`, refuse when the report is no longer in the state it had: an upload's
    confirmation is good once, and never after a newer save of the month.
    """
    report = find_report(council, user.agency_id, period, lock=expected is not None)
    if expected is not None and stamp(report) != expected.stamp:
        raise Refusal(STALE_UPLOAD)
    if report is None:
        report = MonthlyReport(
            council_id=council.id,
            agency_id=user.agency_id,
            year=period.year,
            month=period.month,
            period_start=period.start,
            period_end=period.end,
        )
        db.session.add(report)
    return report


def _store_rows(report: MonthlyReport, children: dict[int, Child], inputs: list[RowInput]) -> None:
    """Write the typed values into the report's rows, cleaning free text."""
    existing = {r.child_id: r for r in report.rows}
    for data in inputs:
        row = existing.get(data.child_id)
        if row is None:
            row = MonthlyReportRow(child_id=data.child_id, case_id=children[data.child_id].case_id)
            report.rows.append(row)
        for name in ROW_FIELDS:
            value = getattr(data, name)
            setattr(row, name, clean_html(value) if name in TEXT_FIELDS else value)


def save_report(
    user: User,
    council: Council,
    period: Period,
    school_days: int | None,
    inputs: list[RowInput],
    *,
    submit: bool,
    via: str = "form",
    expected: Expected | None = None,
) -> SaveResult:
    """Save the agency's rows as a draft, or submit them all at once (a correction after the first).

    `expected` holds the report's stamp when an uploaded file was checked: the save is refused if
    the month was saved since (or the same confirmation is sent again).
    """
    children = _check(user, council, period, school_days, inputs, complete=submit)
    with transaction(on_conflict=Refusal(SAVED_MEANWHILE if expected is None else STALE_UPLOAD)):
        report = _get_or_create(user, council, period, expected)
        report.school_days = school_days
        report.updated_by_id = user.id
        _store_rows(report, children, inputs)
        db.session.flush()
        if submit:
            return _submit(user, report, children, period, via)
        report.state = ReportState.CORRECTING.value if report.submitted else ReportState.DRAFT.value
        audit.record(
            "report.draft",
            actor=user,
            target=report,
            detail={"period": period.key, "rows": len(inputs), "via": via},
        )
        return SaveResult(report, submitted=False)


def _submit(
    user: User, report: MonthlyReport, children: dict[int, Child], period: Period, via: str
) -> SaveResult:
    """Record a submitted version with its notes, ledger fields and alerts (inside the transaction)."""
    previous = submissions_of(report)
    before = previous[0].rows if previous else {}
    now = utcnow()
    report.version += 1
    report.state = ReportState.SUBMITTED.value
    report.submitted_at = now
    report.submitted_by_id = user.id
    report.first_submitted_at = report.first_submitted_at or now
    snapshot = {row.child_id: row.values() for row in report.rows if row.child_id in children}
    changed = sorted(cid for cid, values in snapshot.items() if before.get(cid) != values)
    db.session.add(
        ReportSubmission(
            report_id=report.id,
            version=report.version,
            via=via,
            school_days=report.school_days,
            submitted_at=now,
            submitted_by_id=user.id,
            snapshot=json.dumps({str(k): v for k, v in snapshot.items()}, ensure_ascii=False),
            changed_children=json.dumps(changed),
        )
    )
    today = today_in_japan()
    rows = {row.child_id: row for row in report.rows}
    source = f"monthly_report:{report.id}:{report.version}"
    note_services.add_notes(
        user,
        [
            note_services.NoteInput(
                case_id=children[child_id].case_id,
                occurred_on=today,
                kind="report",
                body=monthly_note_body(period, rows[child_id], report.version),
                child_id=child_id,
                source=source,
            )
            for child_id in changed
        ],
    )
    raised = []
    for child_id in changed:
        child, row = children[child_id], rows[child_id]
        child.last_reported_on = today
        child.consecutive_absent_days = row.consecutive_absent_days or 0
        alert = alerts.alert_for_row(user, report, row, before.get(child_id))
        if alert is not None:
            raised.append(alert)
    action = "report.submit" if report.version == 1 else "report.correct"
    audit.record(
        action,
        actor=user,
        target=report,
        detail={
            "period": period.key,
            "version": report.version,
            "rows": len(snapshot),
            "changed": changed,
            "alerts": [a.id for a in raised],
            "via": via,
        },
    )
    return SaveResult(report, submitted=True, changed=changed, alerts=raised)
