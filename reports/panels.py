"""Home-page panels: a reporting agency's month and notices; a coordinator's open alerts (live)."""

from flask import render_template
from markupsafe import Markup

from portal.dates import today_in_japan
from portal.models import User
from reports import access
from reports.alerts import services as alerts
from reports.board import services as board
from reports.monthly import services
from reports.monthly.periods import current_period


def reporter_panel(user: User) -> Markup | None:
    """Return the panel of a person who reports for their agency, or None."""
    councils = access.reporting_councils(user)
    if not councils:
        return None
    today = today_in_japan()
    items = []
    for council in councils:
        period = current_period(council, today)
        report = services.find_report(council, user.agency_id, period)
        children = len(access.reportable_children(user, council))
        items.append({"council": council, "period": period, "report": report, "children": children})
    notices = board.unread_notifications(user)
    html = render_template("reports/monthly/_panel_reporter.html", items=items, notices=notices, today=today)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def coordinator_panel(user: User) -> Markup | None:
    """Return the panel of a coordinator: open alerts and links, updated live; or None."""
    councils = access.coordinated_councils(user)
    if not councils:
        return None
    today = today_in_japan()
    missing = []
    for council in councils:
        period = current_period(council, today)
        late = [
            line.agency.name
            for line in board.board_lines_for(user, council, period, today)
            if line.cells[0].late
        ]
        if late:
            missing.append({"council": council, "period": period, "agencies": late})
    html = render_template(
        "reports/alerts/_panel_coordinator.html",
        councils=councils,
        open_count=alerts.open_count(user),
        missing=missing,
    )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template
