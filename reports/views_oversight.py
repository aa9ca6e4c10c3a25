"""The coordinator's report pages: the alert list with acknowledgement, the submission board, reminders."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from portal import realtime
from portal.dates import today_in_japan
from reports import access, alerts, board, periods
from reports.alerts import AlertError
from reports.forms import AcknowledgeForm, RemindForm
from reports.views_common import bp, me

BOARD_MONTHS = 6


@bp.get("/alerts", endpoint="alerts")
@login_required
def alerts_page():
    """List the council's alerts, unacknowledged on top; new ones arrive live."""
    user = me()
    council = access.require_oversight(user, request.args.get("council", type=int))
    only_open = request.args.get("open") == "1"
    lines = alerts.alert_lines(user, council, only_open)
    return render_template(
        "reports/alerts.html",
        lines=lines,
        council=council,
        councils=access.coordinated_councils(user),
        only_open=only_open,
        form=AcknowledgeForm(formdata=None),
        open_count=alerts.open_count(user),
    )


@bp.post("/alerts/<int:alert_id>/ack")
@login_required
def acknowledge(alert_id: int):
    """Acknowledge an alert with what was done; the other coordinators' pages update live."""
    user = me()
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(request.referrer or url_for(".alerts"))
    try:
        alert = alerts.acknowledge(user, alert_id, form.action.data, form.note.data or "")
    except AlertError as error:
        for message in error.messages:
            flash(message, "error")
        return redirect(url_for(".alerts"))
    alerts.announce([alert], event="report_alert_ack")
    flash(f"アラートを確認済みにしました（{alert.action_label}）。", "info")
    return redirect(url_for(".alerts", council=alert.council_id, _anchor=f"alert-{alert.id}"))


@bp.get("/board", endpoint="board")
@login_required
def board_page():
    """Show each reporting agency's state for the recent months against the due day."""
    user = me()
    council = access.require_oversight(user, request.args.get("council", type=int))
    today = today_in_japan()
    shown = periods.recent_periods(council, today, BOARD_MONTHS + 1)[1:]
    lines = board.board(user, council, shown, today)
    return render_template(
        "reports/board.html",
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
    council = access.require_oversight(user, request.args.get("council", type=int))
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
