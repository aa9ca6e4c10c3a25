"""The reports blueprint (every sub-feature's views module adds its pages) and the helpers they share."""

import html

from flask import Blueprint, abort

from portal.dates import today_in_japan
from portal.models import Council
from reports import access
from reports.monthly import periods

bp = Blueprint("reports", __name__, url_prefix="/reports")


def reporting_council(user, council_id: int | None) -> Council:
    """Return the council the person reports to (the first when none is named); 403/404 otherwise."""
    councils = access.reporting_councils(user)
    if not councils:
        abort(403)
    if council_id is None:
        return councils[0]
    for council in councils:
        if council.id == council_id:
            return council
    abort(404)


def chosen_period(council: Council, key: str | None) -> periods.Period:
    """Return the period named in the request, or the one due now; refuse periods too far ahead."""
    today = today_in_japan()
    if not key:
        return periods.current_period(council, today)
    period = periods.parse_key(council, key)
    if period is None or period.start > today:
        abort(404)
    return period


@bp.app_template_filter("report_text")
def report_text(value: str | None) -> str:
    """Return stored (cleaned) text as the plain text a textarea shows again for editing."""
    return html.unescape(value or "")
