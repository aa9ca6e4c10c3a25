"""Alerts for the coordinator: raised by immediate reports and by monthly rows, listed, acknowledged.

Raising joins the reporting transaction; listing and acknowledging run their own. The live
notice is sent by the views after the commit (services never emit), one payload per recipient.
"""

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select

from cases.models import Case, Child
from cases.notes import services as note_services
from portal import audit, realtime
from portal.dates import today_in_japan, wareki_datetime
from portal.extensions import db
from portal.models import Council, User
from portal.refusals import Refusal
from portal.sanitize import clean_html, plain_text
from portal.transaction import transaction
from portal.types import utcnow
from reports import access
from reports.alerts.models import ACTION_LABELS, Alert, ImmediateReason
from reports.monthly.models import ABSENCE_ALERT_DAYS, Concern, MonthlyReport
from reports.notes import acknowledgement_note_body

# The case-note kind an acknowledgement is recorded as, by what was done.
ACTION_NOTE_KINDS = {
    "home_visit": "visit",
    "call_cgc": "call",
    "call_guardian": "call",
    "call_agency": "call",
    "meeting": "meeting",
    "watch": "observation",
    "other": "other",
}
LIST_LIMIT = 300


def row_alert_reasons(values: dict | None) -> set[ImmediateReason]:
    """Return what in a monthly line calls for an alert: a 7-day absence run, or concern 至急."""
    if not values:
        return set()
    reasons = set()
    if (values.get("consecutive_absent_days") or 0) >= ABSENCE_ALERT_DAYS:
        reasons.add(ImmediateReason.ABSENCE_7DAYS)
    if values.get("concern") == Concern.URGENT.value:
        reasons.add(ImmediateReason.URGENT_CONCERN)
    return reasons


def raise_alert(
    user: User,
    *,
    council_id: int,
    child: Child,
    reasons: list[ImmediateReason],
    summary: str,
    immediate_report_id: int | None = None,
    report: MonthlyReport | None = None,
) -> Alert:
    """Raise an alert with its audit row, in the reporting transaction (a report and its alert together)."""
    alert = Alert(
        council_id=council_id,
        agency_id=user.agency_id,
        case_id=child.case_id,
        child_id=child.id,
        reasons=",".join(r.value for r in reasons),
        immediate_report_id=immediate_report_id,
        report_id=report.id if report else None,
        report_version=report.version if report else None,
        summary=summary[:2000],
        created_by_id=user.id,
    )
    with transaction():
        db.session.add(alert)
        db.session.flush()
        audit.record(
            "report.alert",
            actor=user,
            target=alert,
            detail={"case_id": child.case_id, "child_id": child.id, "reasons": alert.reasons},
        )
    return alert


def alert_for_row(user: User, report: MonthlyReport, row, previous: dict | None) -> Alert | None:
    """Raise an alert for a submitted line whose reasons are new since the previous version."""
    reasons = row_alert_reasons(row.values()) - row_alert_reasons(previous)
    if not reasons:
        return None
    summary_parts = []
    if row.consecutive_absent_days:
        summary_parts.append(f"連続欠席 {row.consecutive_absent_days}日")
    for text in (row.absence_reason, row.signs, row.condition):
        if text:
            summary_parts.append(plain_text(text))
    return raise_alert(
        user,
        council_id=report.council_id,
        child=db.session.get(Child, row.child_id),
        reasons=sorted(reasons),
        summary="。".join(summary_parts),
        report=report,
    )


@dataclass
class AlertLine:
    """One alert as the list shows it."""

    alert: Alert
    child: Child
    case: Case


def alert_lines(user: User, council: Council, only_open: bool = False) -> list[AlertLine]:
    """Return the council's alerts, unacknowledged first, newest first within each (audited)."""
    query = (
        select(Alert, Child, Case)
        .join(Child, Child.id == Alert.child_id)
        .join(Case, Case.id == Alert.case_id)
        .where(Alert.council_id == council.id)
        .order_by(Alert.acknowledged_at.is_not(None), Alert.created_at.desc(), Alert.id.desc())
        .limit(LIST_LIMIT)
    )
    if only_open:
        query = query.where(Alert.acknowledged_at.is_(None))
    with transaction(keep_loaded=True):
        lines = [AlertLine(a, ch, ca) for a, ch, ca in db.session.execute(query)]
        audit.record(
            "report.alerts_view",
            actor=user,
            target=council,
            detail={"alerts": [line.alert.id for line in lines][:100], "only_open": only_open},
        )
    return lines


def open_count(user: User) -> int:
    """Return how many alerts of the person's overseen councils wait for acknowledgement."""
    ids = [c.id for c in access.coordinated_councils(user)]
    if not ids:
        return 0
    return db.session.scalar(
        select(func.count(Alert.id)).where(Alert.council_id.in_(ids), Alert.acknowledged_at.is_(None))
    )


def acknowledge(user: User, alert_id: int, action: str, note: str) -> Alert:
    """Acknowledge an alert with what was done; the case record gets a note of it."""
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        raise Refusal("アラートが見つかりません。")
    access.require_oversight(user, alert.council_id)
    if alert.acknowledged_at is not None:
        who = alert.acknowledged_by.name if alert.acknowledged_by else ""
        raise Refusal(
            f"このアラートは既に{who}さんが確認済みです（{wareki_datetime(alert.acknowledged_at)}）。"
        )
    if action not in ACTION_LABELS:
        raise Refusal("対応した内容を選んでください。")
    cleaned = clean_html(note)
    if len(cleaned) > 2000:
        raise Refusal("対応の記録は2000文字以内で入力してください。")
    with transaction():
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by_id = user.id
        alert.action = action
        alert.action_note = cleaned
        case = db.session.get(Case, alert.case_id)
        note_services.add_note(
            user,
            case,
            occurred_on=today_in_japan(),
            kind=ACTION_NOTE_KINDS[action],
            body=acknowledgement_note_body(alert),
            child_id=alert.child_id,
            source=f"report_alert:{alert.id}",
        )
        audit.record("report.alert_ack", actor=user, target=alert, detail={"action": action})
    return alert


def _payload_builder(alert: Alert, event: str):
    """Return the function that builds the live notice of an alert for one recipient."""
    council_id = alert.council_id
    child = db.session.get(Child, alert.child_id)
    case = db.session.get(Case, alert.case_id)

    def build(user: User) -> dict | None:
        if council_id not in {c.id for c in access.coordinated_councils(user)}:
            return None
        visible = alert.child_id in access.visible_report_children(user, [alert.child_id])
        payload = {
            "id": alert.id,
            "reasons": alert.reason_labels,
            "agency": alert.agency.name,
            "child": child.name if visible else "（非共有）",
            "case_number": case.case_number,
            "summary": plain_text(alert.summary) if visible else "",
            "created_at": wareki_datetime(alert.created_at),
            "url": url_for("reports.alerts", council=council_id, _anchor=f"alert-{alert.id}"),
            "ack_url": url_for("reports.acknowledge", alert_id=alert.id),
            "case_url": url_for("cases.detail", case_id=alert.case_id),
            "open_count": open_count(user),
        }
        if event == "report_alert_ack":
            payload.update(
                acknowledged_by=alert.acknowledged_by.name if alert.acknowledged_by else "",
                acknowledged_at=wareki_datetime(alert.acknowledged_at),
                action=alert.action_label,
            )
        return payload

    return build


def announce(alerts: list[Alert], event: str = "report_alert") -> int:
    """Send each alert live to its council's coordinators' open pages; return how many got one."""
    sent = 0
    for alert in alerts:
        council = db.session.get(Council, alert.council_id)
        sent += realtime.notify_users(access.overseers(council), event, _payload_builder(alert, event))
    return sent
