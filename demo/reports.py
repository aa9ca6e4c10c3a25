"""Demo reports of みどり市 (SCENARIOS.md 2 and 4): months reported, this month's, an alert, assessments.

Everything goes through the services, as the agencies' people would send it: the schools and
nurseries reported the two months before the current one; for the current one, ひかり保育園 has
submitted and みどり第一小学校 keeps a draft (the others have not reported yet, SCENARIOS.md 2).
みどり第二小学校 then sends an immediate report that waits for the coordinator, and さくらこども園
fills two assessment sheets whose safety scale falls. So the practitioner meeting finds its reasons.
"""

from datetime import timedelta

from sqlalchemy import select

from cases.models import Child
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import User
from reports import access
from reports.alerts import immediate
from reports.alerts.models import ImmediateReason, ImmediateReport
from reports.assessments import services as assessments
from reports.assessments.models import AssessmentSheet, AssessmentSign
from reports.monthly import services
from reports.monthly.models import ABSENCE_ALERT_DAYS, Concern
from reports.monthly.periods import Period, current_period, recent_periods
from reports.monthly.rows import RowInput

# The people who send their agency's monthly report (SCENARIOS.md, "The world").
REPORTERS = ("takahashi", "kimura", "hayashi", "tanaka", "morita")
# (login id, submitted?) for the current period: the nursery has sent it, the school keeps a draft.
CURRENT = (("tanaka", True), ("takahashi", False))


def _person(login_id: str) -> User | None:
    """Return a demo person, if the demo town has them."""
    return db.session.scalar(select(User).where(User.login_id == login_id))


def _child(name: str) -> Child | None:
    """Return a demo child by name."""
    return db.session.scalar(select(Child).where(Child.name == name))


def _rows(user: User, council, period: Period) -> list[RowInput]:
    """Return an unremarkable line for each child the person's agency reports on."""
    school_days = min(20, period.days)
    return [
        RowInput(
            child_id=child.id,
            attended_days=school_days - 1,
            absent_notified=1,
            absent_unnotified=0,
            late_count=0,
            early_leave_count=0,
            consecutive_absent_days=0,
            condition="落ち着いて過ごしている。",
            concern=Concern.NONE.value,
        )
        for child in access.reportable_children(user, council)
    ]


def _save(user: User, council, period: Period, submit: bool) -> None:
    """Save (or submit) the agency's report for the period, unless it was started already."""
    rows = _rows(user, council, period)
    if rows and services.find_report(council, user.agency_id, period) is None:
        services.save_report(user, council, period, min(20, period.days), rows, submit=submit, via="demo")


def seed_reports() -> None:
    """Send the demo town's monthly reports, then the immediate report and the assessment sheets."""
    today = today_in_japan()
    for login_id in REPORTERS:
        user = _person(login_id)
        for council in access.reporting_councils(user) if user else []:
            # recent_periods: the ongoing period, the current one (due now), then the earlier ones.
            for period in reversed(recent_periods(council, today, count=4)[2:]):
                _save(user, council, period, submit=True)
    for login_id, submit in CURRENT:
        user = _person(login_id)
        for council in access.reporting_councils(user) if user else []:
            _save(user, council, current_period(council, today), submit)
    _seed_immediate_report(today)
    _seed_assessments(today)


def _seed_immediate_report(today) -> None:
    """みどり第二小学校 reports that 井上陽向 has been absent 7 days without contact (an open alert)."""
    kimura, child = _person("kimura"), _child("井上 陽向")
    if kimura is None or child is None or db.session.scalar(select(ImmediateReport.id).limit(1)):
        return
    council = next(c for c in access.reporting_councils(kimura) if c.id == child.case.council_id)
    data = immediate.ImmediateInput(
        child_id=child.id,
        reason=ImmediateReason.ABSENCE_7DAYS.value,
        occurred_on=today - timedelta(days=1),
        consecutive_absent_days=ABSENCE_ALERT_DAYS,
        body="<p>連絡のない欠席が続いている。電話に母が出ない。家庭訪問の同行をお願いしたい。</p>",
    )
    immediate.send_immediate(kimura, council, data)


def _seed_assessments(today) -> None:
    """さくらこども園 assesses 竹内咲良 twice; the newer safety scale is lower (a falling scale)."""
    morita, child = _person("morita"), _child("竹内 咲良")
    if morita is None or child is None or db.session.scalar(select(AssessmentSheet.id).limit(1)):
        return
    signs = {s.label: s.id for s in db.session.scalars(select(AssessmentSign))}
    for days_ago, scale, labels, recent in (
        (45, 6, ["食事を十分にとれていない様子"], "朝食を食べずに登園する日に補食を出している。"),
        (
            4,
            3,
            ["食事を十分にとれていない様子", "衣服や体の汚れ", "体重減少・体重増加不良"],
            "補食を続けているが、体重が2か月で500g減った。母に連絡がつきにくい。",
        ),
    ):
        data = assessments.SheetInput(
            assessed_on=today - timedelta(days=days_ago),
            sign_ids=[signs[label] for label in labels if label in signs],
            recent_actions=f"<p>{recent}</p>",
            safety_scale=scale,
            comment="",
        )
        assessments.submit_sheet(morita, child.case, data)
