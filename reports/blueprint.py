"""The reports blueprint (every sub-feature's views module adds its pages) and the helpers they share."""

import html
from datetime import date

from flask import Blueprint, abort

from portal.dates import today_in_japan, wareki
from portal.models import Council
from reports import access
from reports.monthly import periods
from reports.monthly.models import CONCERN_LABELS

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


@bp.app_template_filter("report_value")
def report_value(value, name: str) -> str:
    """Return a row's value as people read it: the concern's Japanese name, dates in 和暦, text as typed."""
    if value is None or value == "":
        return ""
    if name == "concern":
        return CONCERN_LABELS.get(value, str(value))
    if isinstance(value, date):
        return wareki(value)
    if isinstance(value, str) and name.endswith("_on"):
        try:
            return wareki(date.fromisoformat(value))
        except ValueError:
            return value
    return html.unescape(str(value))
