"""Demo reports of みどり市 (SCENARIOS.md, "The monthly loop"): a nursery report and a school draft."""

from sqlalchemy import select

from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import User
from reports import access, services
from reports.models import Concern
from reports.periods import current_period
from reports.rows import RowInput


def _rows(user: User, council, period, absent_run: int = 0) -> list[RowInput]:
    """Return an unremarkable line for each child the person's agency reports on."""
    school_days = min(20, period.days)
    rows = []
    for child in access.reportable_children(user, council):
        rows.append(
            RowInput(
                child_id=child.id,
                attended_days=school_days - 1,
                absent_notified=1,
                absent_unnotified=0,
                late_count=0,
                early_leave_count=0,
                consecutive_absent_days=absent_run,
                condition="落ち着いて過ごしている。",
                concern=Concern.NONE.value,
            )
        )
    return rows


def seed_reports() -> None:
    """Submit last month's report for ひかり保育園 and leave a draft for みどり第一小学校."""
    today = today_in_japan()
    for login_id, submit in (("tanaka", True), ("takahashi", False)):
        user = db.session.scalar(select(User).where(User.login_id == login_id))
        if user is None:
            continue
        for council in access.reporting_councils(user):
            period = current_period(council, today)
            rows = _rows(user, council, period)
            if rows and services.find_report(council, user.agency_id, period) is None:
                services.save_report(
                    user, council, period, min(20, period.days), rows, submit=submit, via="demo"
                )
