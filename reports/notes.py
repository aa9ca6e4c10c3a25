"""The case-note text (経過記録) written for a report, an immediate report or an acknowledged alert.

Free text in these bodies was cleaned when it was stored; cases cleans the whole body again when
it writes the note.
"""

from portal.dates import wareki
from reports.alerts.models import Alert, ImmediateReason, ImmediateReport
from reports.monthly.models import MonthlyReportRow
from reports.monthly.periods import Period


def _count(value: int | None, unit: str = "日") -> str:
    """Write a count, or a dash when it was left blank."""
    return "－" if value is None else f"{value}{unit}"


def monthly_note_body(period: Period, row: MonthlyReportRow, version: int) -> str:
    """Return the note for one child's line of a submitted monthly report."""
    title = f"定期報告（{period.label}）" + (f"　訂正・第{version}版" if version > 1 else "")
    attendance = (
        f"出席 {_count(row.attended_days)}／欠席 連絡あり {_count(row.absent_notified)}・"
        f"連絡なし {_count(row.absent_unnotified)}／遅刻 {_count(row.late_count, '回')}／"
        f"早退 {_count(row.early_leave_count, '回')}／連続欠席 {_count(row.consecutive_absent_days)}"
    )
    parts = [f"<p><strong>{title}</strong>　気になる度合い: {row.concern_label}</p>", f"<p>{attendance}</p>"]
    if row.last_attended_on:
        parts.append(f"<p>最終登校・登園日: {wareki(row.last_attended_on)}</p>")
    for label, text in (
        ("欠席の理由", row.absence_reason),
        ("子どもの様子・行動", row.condition),
        ("けが・気になる様子", row.signs),
        ("保護者の状況・連絡", row.guardian),
    ):
        if text:
            parts.append(f"<p>{label}: {text}</p>")
    return "".join(parts)


def immediate_note_body(report: ImmediateReport) -> str:
    """Return the note for an immediate report."""
    reason = ImmediateReason(report.reason).label
    parts = [f"<p><strong>至急の情報提供</strong>（{reason}）　{wareki(report.occurred_on)}</p>"]
    if report.consecutive_absent_days is not None:
        parts.append(f"<p>連続欠席 {report.consecutive_absent_days}日</p>")
    if report.body:
        parts.append(f"<p>{report.body}</p>")
    return "".join(parts)


def acknowledgement_note_body(alert: Alert) -> str:
    """Return the note the coordinator's acknowledgement of an alert leaves in the case record."""
    reasons = "、".join(alert.reason_labels)
    parts = [f"<p><strong>アラート対応</strong>（{reasons}）: {alert.action_label}</p>"]
    if alert.action_note:
        parts.append(f"<p>{alert.action_note}</p>")
    return "".join(parts)
