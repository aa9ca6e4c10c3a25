"""Report pages of a reporting agency: this month's report, its history, immediate reports, notices.

The coordinator's pages are in views_oversight and the file upload in views_upload; all add
their routes to the one blueprint of views_common.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from portal.dates import today_in_japan
from reports import access, alerts, board, immediate, periods, services, views_oversight, views_upload
from reports.forms import ImmediateForm, SheetForm, cell_name, read_grid, typed_from_rows
from reports.models import CONCERN_LABELS, NUMBER_FIELDS, ROW_FIELDS, TEXT_FIELDS
from reports.rows import FIELD_LABELS
from reports.services import ReportError
from reports.views_common import bp, chosen_period, me, reporting_council

__all__ = ["bp", "views_oversight", "views_upload"]


def _render_sheet(sheet, form, typed, problems=None, messages=(), status=200):
    """Render the report grid with what was typed and any problems next to their cells."""
    today = today_in_japan()
    return (
        render_template(
            "reports/monthly.html",
            sheet=sheet,
            form=form,
            typed=typed,
            problems=problems or {},
            messages=list(messages),
            councils=access.reporting_councils(me()),
            choices=periods.recent_periods(sheet.council, today, 13),
            labels=FIELD_LABELS,
            fields=ROW_FIELDS,
            number_fields=NUMBER_FIELDS,
            text_fields=TEXT_FIELDS,
            concerns=CONCERN_LABELS,
            cell_name=cell_name,
        ),
        status,
    )


@bp.get("/monthly")
@login_required
def monthly():
    """Show this month's report of the person's agency: one line per registered child enrolled there."""
    user = me()
    council = reporting_council(user, request.args.get("council", type=int))
    sheet = services.open_sheet(user, council, chosen_period(council, request.args.get("period")))
    school_days = sheet.report.school_days if sheet.report else None
    form = SheetForm(formdata=None, school_days="" if school_days is None else str(school_days))
    return _render_sheet(sheet, form, typed_from_rows(sheet.rows))


@bp.post("/monthly")
@login_required
def save_monthly():
    """Save the grid as a draft, or submit every line at once; a refusal keeps everything typed."""
    user = me()
    council = reporting_council(user, request.args.get("council", type=int))
    period = chosen_period(council, request.args.get("period"))
    form = SheetForm()
    if not form.validate_on_submit():
        abort(400)
    sheet = services.Sheet(council, period, None, access.reportable_children(user, council))
    rows, typed = read_grid(request.form, sheet.children)
    school_days, problem = form.school_days_value()
    try:
        if problem:
            raise ReportError(f"授業・開所日数: {problem}", school_days=problem)
        result = services.save_report(
            user, council, period, school_days, rows, submit=request.form.get("action") == "submit"
        )
    except ReportError as error:
        sheet.report = services.find_report(council, user.agency_id, period)
        form.school_days.errors = [error.school_days] if error.school_days else []
        return _render_sheet(sheet, form, typed, error.rows, error.messages, status=422)
    if result.submitted:
        alerts.announce(result.alerts)
        note = f"調整機関にアラートを{len(result.alerts)}件送りました。" if result.alerts else ""
        flash(f"{period.label}の報告を提出しました（第{result.report.version}版）。{note}", "info")
    else:
        flash("下書きを保存しました。提出するまで調整機関には届きません。", "info")
    return redirect(url_for(".monthly", council=council.id, period=period.key))


@bp.get("/<int:report_id>/history")
@login_required
def history(report_id: int):
    """Show every submitted version of a report, with the lines that changed."""
    view = services.read_history(me(), report_id)
    return render_template(
        "reports/history.html", view=view, labels=FIELD_LABELS, fields=ROW_FIELDS, concerns=CONCERN_LABELS
    )


@bp.route("/immediate", methods=["GET", "POST"])
@login_required
def immediate_report():
    """Send an immediate report (至急の情報提供) about one child."""
    user = me()
    council = reporting_council(user, request.args.get("council", type=int))
    children = access.reportable_children(user, council)
    form = ImmediateForm(children, data={"child_id": request.args.get("child", type=int)})
    if form.validate_on_submit() and (data := form.to_input()) is not None:
        try:
            _report, alert = immediate.send_immediate(user, council, data)
        except ReportError as error:
            form.form_errors.extend(error.messages)
        else:
            alerts.announce([alert])
            flash("至急の情報提供を送りました。調整機関に通知されました。", "info")
            return redirect(url_for(".monthly", council=council.id))
    status = 422 if request.method == "POST" else 200
    return render_template("reports/immediate.html", form=form, council=council), status


@bp.get("/notifications")
@login_required
def notifications():
    """Show the person's unread notices (reminders to report, ...)."""
    return render_template("reports/notifications.html", notices=board.unread_notifications(me(), 100))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read_notification(notification_id: int):
    """Mark a notice as read."""
    form = SheetForm()
    if not form.validate_on_submit() or not board.mark_read(me(), notification_id):
        abort(404)
    return redirect(url_for(".notifications"))
