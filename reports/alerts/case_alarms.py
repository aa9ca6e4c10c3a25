"""Alarms the cases feature raises about a case (48-hour check overdue, 所在不明), as alerts and notices.

cases.signals carries them here (registered at start-up), so cases never imports reports. An alarm
becomes an Alert on the council's list (the coordinators) and, when it concerns an abuse report or
a missing family, an in-portal notice to each caseworker of the case's 児童相談所.
"""

from dataclasses import dataclass, field

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from cases import policy, signals
from cases.models import Case, Part
from cases.sharing.models import Involvement, InvolvementKind
from portal import audit
from portal.extensions import db
from portal.models import Role, User
from reports.alerts import services as alerts
from reports.alerts.models import Alert, ImmediateReason
from reports.board.models import Notification
from reports.board.services import unread_notifications

NOTICE_KIND = "case_alarm"


@dataclass
class Raised:
    """An alarm as raised: its alert and the people given a notice."""

    alert: Alert
    notified: list[int] = field(default_factory=list)


def child_guidance_people(case: Case) -> list[User]:
    """Return the active caseworkers of the case's 児童相談所 (involved, or else the council's)."""
    agency_ids = set(
        db.session.scalars(
            select(Involvement.agency_id).where(
                Involvement.case_id == case.id,
                Involvement.kind == InvolvementKind.CHILD_GUIDANCE.value,
                Involvement.ended_on.is_(None),
            )
        )
    )
    if not agency_ids:
        agency_ids = {a.id for a in case.council.members if a.category.value == "child_guidance" and a.active}
    if not agency_ids:
        return []
    people = db.session.scalars(select(User).where(User.agency_id.in_(agency_ids), User.active))
    return [p for p in people if p.has_role(Role.CASEWORKER)]


def raise_case_alarm(user: User | None, alarm: signals.CaseAlarm) -> Raised:
    """Raise the alert (and the 児相's notices) in the caller's transaction, with its audit row."""
    case = alarm.case
    reason = ImmediateReason(alarm.reason)
    alert = Alert(
        council_id=case.council_id,
        agency_id=user.agency_id if user else case.council.coordinating_agency_id,
        case_id=case.id,
        child_id=alarm.child_id,
        reasons=reason.value,
        summary=alarm.summary[:2000],
        created_by_id=user.id if user else None,
    )
    db.session.add(alert)
    db.session.flush()
    raised = Raised(alert)
    if alarm.to_child_guidance:
        for person in child_guidance_people(case):
            # Linked only for a person who may open the case (a 受理 case may still be closed to them).
            link = f"/cases/{case.id}" if policy.can_view(person, case, Part.BASIC) else ""
            db.session.add(
                Notification(
                    user_id=person.id,
                    kind=NOTICE_KIND,
                    title=f"{reason.label}：{case.council.municipality} ケース {case.case_number}",
                    body=alarm.summary[:2000],
                    link=link,
                    created_by_id=user.id if user else None,
                )
            )
            raised.notified.append(person.id)
    audit.record(
        "report.alert",
        actor=user,
        target=alert,
        detail={
            "case_id": case.id,
            "child_id": alarm.child_id,
            "reasons": alert.reasons,
            "notified": raised.notified,
        },
    )
    return raised


def announce(handles: list[Raised]) -> int:
    """Send the alerts live to the coordinators' open pages (the 児相 sees its notices on the home page)."""
    return alerts.announce([h.alert for h in handles])


def register() -> None:
    """Hand the alarm handler to cases.signals."""
    signals.register_alarms(signals.AlarmSink(raise_alarm=raise_case_alarm, announce=announce))


def notices_panel(user: User) -> Markup | None:
    """Return the home panel of case alarms sent to this person (a 児相 caseworker), or None."""
    notices = [n for n in unread_notifications(user, 50) if n.kind == NOTICE_KIND]
    if not notices:
        return None
    html = render_template("reports/alerts/_panel_case_alarms.html", notices=notices)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template
