"""A reporting agency's monthly report pages: this month's grid, saving and submitting, its history."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from portal.dates import today_in_japan
from portal.gates import me
from portal.ids import arg_id
from portal.refusals import Refusal
from reports import access
from reports.alerts import services as alerts
from reports.blueprint import bp, chosen_period, reporting_council
from reports.monthly import history as report_history
from reports.monthly import periods, services
from reports.monthly.forms import SheetForm, cell_name, read_grid, typed_from_rows
from reports.monthly.models import CONCERN_LABELS, NUMBER_FIELDS, ROW_FIELDS, TEXT_FIELDS
from reports.monthly.rows import FIELD_LABELS
from reports.monthly.services import GridRefusal


def _render_sheet(sheet, form, typed, problems=None, messages=(), status=200):
    """Render the report grid with what was typed and any problems next to their cells."""
    today = today_in_japan()
    return (
        render_template(
            "reports/monthly/monthly.html",
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
    council = reporting_council(user, arg_id("council"))
    sheet = services.open_sheet(user, council, chosen_period(council, request.args.get("period")))
    school_days = sheet.report.school_days if sheet.report else None
    form = SheetForm(formdata=None, school_days="" if school_days is None else str(school_days))
    return _render_sheet(sheet, form, typed_from_rows(sheet.rows))


@bp.post("/monthly")
@login_required
def save_monthly():
    """Save the grid as a draft, or submit every line at once; a refusal keeps everything typed."""
    user = me()
    council = reporting_council(user, arg_id("council"))
    period = chosen_period(council, request.args.get("period"))
    form = SheetForm()
    if not form.validate_on_submit():
        abort(400)
    sheet = services.Sheet(council, period, None, access.reportable_children(user, council))
    rows, typed = read_grid(request.form, sheet.children)
    school_days, problem = form.school_days_value()
    try:
        if problem:
            raise GridRefusal(f"授業・開所日数: {problem}", school_days=problem)
        result = services.save_report(
            user, council, period, school_days, rows, submit=request.form.get("action") == "submit"
        )
    except Refusal as error:
        sheet.report = services.find_report(council, user.agency_id, period)
        grid = error if isinstance(error, GridRefusal) else GridRefusal()
        form.school_days.errors = [grid.school_days] if grid.school_days else []
        return _render_sheet(sheet, form, typed, grid.rows, error.messages, status=422)
    if result.submitted:
        alerts.announce(result.alerts)
        note = f"調整機関にアラートを{len(result.alerts)}件送りました。" if result.alerts else ""
        flash(f"{period.label}の報告を提出しました（第{result.report.version}版）。{note}", "info")
    else:
        flash("下書きを保存しました。提出するまで調整機関には届きません。", "info")
    return redirect(url_for(".monthly", council=council.id, period=period.key))


@bp.get("/<id:report_id>/history")
@login_required
def history(report_id: int):
    """Show every submitted version of a report, with the lines that changed."""
    view = report_history.read_history(me(), report_id)
    return render_template(
        "reports/monthly/history.html",
        view=view,
        labels=FIELD_LABELS,
        fields=ROW_FIELDS,
        concerns=CONCERN_LABELS,
    )
