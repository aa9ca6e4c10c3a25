"""The submission board (agency x month against the due day) and reminders to the agencies that are late."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from portal import realtime
from portal.dates import today_in_japan
from portal.gates import me
from portal.ids import arg_id
from reports import access
from reports.blueprint import bp
from reports.board import services as board
from reports.board.forms import RemindForm
from reports.monthly import periods

BOARD_MONTHS = 6


@bp.get("/board", endpoint="board")
@login_required
def board_page():
    """Show each reporting agency's state for the recent months against the due day."""
    user = me()
    council = access.require_oversight(user, arg_id("council"))
    today = today_in_japan()
    shown = periods.recent_periods(council, today, BOARD_MONTHS + 1)[1:]
    lines = board.board(user, council, shown, today)
    return render_template(
        "reports/board/board.html",
        lines=lines,
        council=council,
        councils=access.coordinated_councils(user),
        periods=shown,
        form=RemindForm(formdata=None, period=shown[0].key),
        today=today,
    )


@bp.post("/board/remind")
@login_required
def remind():
    """Send reminders to the chosen agencies that are late (portal notice; email when configured)."""
    user = me()
    council = access.require_oversight(user, arg_id("council"))
    form = RemindForm()
    period = periods.parse_key(council, form.period.data) if form.validate_on_submit() else None
    if period is None:
        abort(400)
    agency_ids = [int(v) for v in request.form.getlist("agency_id") if v.isdigit()]
    link = url_for(".monthly", council=council.id, period=period.key)
    result = board.send_reminders(user, council, period, agency_ids, today_in_japan(), link)
    realtime.notify_users(result.user_ids, "notification", _notice_builder(period, link))
    if result.agencies:
        names = "、".join(a.name for a in result.agencies)
        mailed = f"（メール {result.emailed}通）" if result.emailed else ""
        flash(f"{names} に督促を送りました{mailed}。", "info")
    else:
        flash("督促の対象（未提出・期限超過）の機関が選ばれていません。", "error")
    return redirect(url_for(".board", council=council.id))


def _notice_builder(period, link):
    """Return the builder of a reminder's live notice for one recipient."""

    def build(user):
        return {
            "title": f"{period.label}の定期報告が未提出です",
            "url": link,
            "unread": len(board.unread_notifications(user, 100)),
        }

    return build
