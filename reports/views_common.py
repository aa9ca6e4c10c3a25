"""The reports blueprint and the helpers its view modules share."""

import html
from urllib.parse import quote

from flask import Blueprint, Response, abort
from flask_login import current_user

from portal.dates import today_in_japan
from portal.models import Council, User
from reports import access, periods

bp = Blueprint("reports", __name__, url_prefix="/reports")


def me() -> User:
    """Return the logged-in person."""
    return current_user._get_current_object()


def reporting_council(user: User, council_id: int | None) -> Council:
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


def attachment(content: bytes, mimetype: str, filename: str, fallback: str) -> Response:
    """Return a download with a Japanese file name and an ASCII fallback, kept out of caches."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_filter("report_text")
def report_text(value: str | None) -> str:
    """Return stored (cleaned) text as the plain text a textarea shows again for editing."""
    return html.unescape(value or "")
