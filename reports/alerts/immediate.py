"""Immediate reports (至急の情報提供): one child, any day, without waiting for the monthly date."""

from dataclasses import dataclass
from datetime import date, timedelta

from cases.models import Child
from cases.notes import services as note_services
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Council, User
from portal.refusals import Refusal
from portal.sanitize import clean_html, plain_text
from portal.transaction import transaction
from reports import access
from reports.alerts import services as alerts
from reports.alerts.models import Alert, ImmediateReason, ImmediateReport
from reports.monthly.models import ABSENCE_ALERT_DAYS
from reports.notes import immediate_note_body

# The reasons a reporter chooses (a monthly 至急 is raised by the monthly report itself).
CHOSEN_REASONS = (
    ImmediateReason.ABSENCE_7DAYS,
    ImmediateReason.NO_CONTACT,
    ImmediateReason.INJURY,
    ImmediateReason.OTHER,
)
MAX_DAYS_BACK = 60


@dataclass
class ImmediateInput:
    """What the reporter typed."""

    child_id: int | None
    reason: str
    occurred_on: date | None
    consecutive_absent_days: int | None
    body: str


def _problems(data: ImmediateInput, body: str) -> list[str]:
    """Return every problem with an immediate report, in Japanese."""
    problems = []
    today = today_in_japan()
    if data.reason not in {r.value for r in CHOSEN_REASONS}:
        problems.append("報告の理由を選んでください。")
    if data.occurred_on is None:
        problems.append("日付を入力してください。")
    elif data.occurred_on > today:
        problems.append("未来の日付は入力できません。")
    elif data.occurred_on < today - timedelta(days=MAX_DAYS_BACK):
        problems.append(f"{MAX_DAYS_BACK}日より前のことは定期報告で伝えてください。")
    days = data.consecutive_absent_days
    if days is not None and not 0 <= days <= 366:
        problems.append("連続欠席日数は0〜366日で入力してください。")
    if data.reason == ImmediateReason.ABSENCE_7DAYS.value and (days is None or days < ABSENCE_ALERT_DAYS):
        problems.append(
            f"連続欠席が{ABSENCE_ALERT_DAYS}日以上のときに選ぶ理由です。連続欠席日数を入力するか、"
            "「連絡のない欠席」「その他の心配」を選んでください。"
        )
    if data.reason in (ImmediateReason.INJURY.value, ImmediateReason.OTHER.value) and not body:
        problems.append("見たこと・気になることを入力してください。")
    if len(body) > 4000:
        problems.append("内容は4000文字以内で入力してください。")
    return problems


def send_immediate(user: User, council: Council, data: ImmediateInput) -> tuple[ImmediateReport, Alert]:
    """Record an immediate report, raise its alert and note it in the case record, in one transaction."""
    if data.child_id is None or not access.can_report_on(user, council, data.child_id):
        raise Refusal("報告できる子どもを選んでください。")
    body = clean_html(data.body)
    problems = _problems(data, body)
    if problems:
        raise Refusal(*problems)
    child = db.session.get(Child, data.child_id)
    with transaction():
        report = ImmediateReport(
            council_id=council.id,
            agency_id=user.agency_id,
            case_id=child.case_id,
            child_id=child.id,
            reason=data.reason,
            occurred_on=data.occurred_on,
            consecutive_absent_days=data.consecutive_absent_days,
            body=body,
            reported_by_id=user.id,
        )
        db.session.add(report)
        db.session.flush()
        note_services.add_note(
            user,
            child.case,
            occurred_on=today_in_japan(),
            kind="report",
            body=immediate_note_body(report),
            child_id=child.id,
            source=f"immediate_report:{report.id}",
        )
        child.last_reported_on = today_in_japan()
        if data.consecutive_absent_days is not None:
            child.consecutive_absent_days = data.consecutive_absent_days
        audit.record(
            "report.immediate",
            actor=user,
            target=report,
            detail={"case_id": child.case_id, "child_id": child.id, "reason": data.reason},
        )
        summary = plain_text(body)
        if data.consecutive_absent_days:
            summary = f"連続欠席 {data.consecutive_absent_days}日。{summary}".rstrip("。")
        alert = alerts.raise_alert(
            user,
            council_id=council.id,
            child=child,
            reasons=[ImmediateReason(data.reason)],
            summary=summary,
            immediate_report_id=report.id,
        )
    return report, alert
