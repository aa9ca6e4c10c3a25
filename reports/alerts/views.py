"""Alert pages: a reporting agency's immediate report, the coordinator's alert list and acknowledgement,
and the notices a person receives.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from portal.gates import me
from portal.ids import arg_id
from portal.refusals import Refusal
from reports import access
from reports.alerts import immediate
from reports.alerts import services as alerts
from reports.alerts.forms import AcknowledgeForm, ImmediateForm
from reports.blueprint import bp, reporting_council
from reports.board import services as board
from reports.monthly.forms import SheetForm


@bp.get("/alerts", endpoint="alerts")
@login_required
def alerts_page():
    """List the council's alerts, unacknowledged on top; new ones arrive live."""
    user = me()
    council = access.require_oversight(user, arg_id("council"))
    only_open = request.args.get("open") == "1"
    lines = alerts.alert_lines(user, council, only_open)
    return render_template(
        "reports/alerts/alerts.html",
        lines=lines,
        council=council,
        councils=access.coordinated_councils(user),
        only_open=only_open,
        form=AcknowledgeForm(formdata=None),
        open_count=alerts.open_count(user),
    )


@bp.post("/alerts/<id:alert_id>/ack")
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
    except Refusal as error:
        for message in error.messages:
            flash(message, "error")
        return redirect(url_for(".alerts"))
    alerts.announce([alert], event="report_alert_ack")
    flash(f"アラートを確認済みにしました（{alert.action_label}）。", "info")
    return redirect(url_for(".alerts", council=alert.council_id, _anchor=f"alert-{alert.id}"))


@bp.route("/immediate", methods=["GET", "POST"])
@login_required
def immediate_report():
    """Send an immediate report (至急の情報提供) about one child."""
    user = me()
    council = reporting_council(user, arg_id("council"))
    children = access.reportable_children(user, council)
    form = ImmediateForm(children, data={"child_id": arg_id("child")})
    if form.validate_on_submit() and (data := form.to_input()) is not None:
        try:
            _report, alert = immediate.send_immediate(user, council, data)
        except Refusal as error:
            form.form_errors.extend(error.messages)
        else:
            alerts.announce([alert])
            flash("至急の情報提供を送りました。調整機関に通知されました。", "info")
            return redirect(url_for(".monthly", council=council.id))
    status = 422 if request.method == "POST" else 200
    return render_template("reports/alerts/immediate.html", form=form, council=council), status


@bp.get("/notifications")
@login_required
def notifications():
    """Show the person's unread notices (reminders to report, ...)."""
    return render_template("reports/alerts/notifications.html", notices=board.unread_notifications(me(), 100))


@bp.post("/notifications/<id:notification_id>/read")
@login_required
def read_notification(notification_id: int):
    """Mark a notice as read."""
    form = SheetForm()
    if not form.validate_on_submit() or not board.mark_read(me(), notification_id):
        abort(404)
    return redirect(url_for(".notifications"))
