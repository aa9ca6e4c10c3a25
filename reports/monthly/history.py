"""A monthly report's history: every submitted version with the lines that changed (audited)."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select

from cases.models import Child
from portal import audit
from portal.extensions import db
from portal.models import Council, User
from portal.transaction import transaction
from reports import access
from reports.monthly.models import (
    MonthlyReport,
    ReportSubmission,
)
from reports.monthly.periods import Period, period_for


def submissions_of(report: MonthlyReport | None) -> list[ReportSubmission]:
    """Return a report's submitted versions, newest first."""
    if report is None:
        return []
    return list(
        db.session.scalars(
            select(ReportSubmission)
            .where(ReportSubmission.report_id == report.id)
            .order_by(ReportSubmission.version.desc())
        )
    )


@dataclass
class History:
    """A report's submitted versions, with the children the reader may see."""

    report: MonthlyReport
    period: Period
    submissions: list[ReportSubmission]
    children: dict[int, Child]


def read_history(user: User, report_id: int) -> History:
    """Return a report the person may read with its versions (404 otherwise); audit the read."""
    with transaction(keep_loaded=True):
        report = db.session.get(MonthlyReport, report_id)
        if report is None or not access.can_read_report(user, report):
            abort(404)
        submissions = submissions_of(report)
        visible = access.visible_report_children(user, {cid for s in submissions for cid in s.rows})
        children = {c.id: c for c in db.session.scalars(select(Child).where(Child.id.in_(visible)))}
        audit.record("report.history", actor=user, target=report, detail={"children": sorted(visible)})
    council = db.session.get(Council, report.council_id)
    return History(report, period_for(council, report.year, report.month), submissions, children)
