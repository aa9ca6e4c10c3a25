"""The report template download and the file upload: check the whole file, preview, confirm."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from portal.downloads import attachment
from portal.gates import me
from portal.ids import arg_id
from portal.refusals import Refusal
from reports.alerts import services as alerts
from reports.blueprint import bp, chosen_period, reporting_council
from reports.monthly import services
from reports.monthly.models import ROW_FIELDS
from reports.monthly.periods import parse_key
from reports.monthly.rows import FIELD_LABELS, parse_number
from reports.upload import services as upload
from reports.upload import template as templates
from reports.upload.forms import ConfirmUploadForm, UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/template.<fmt>")
@login_required
def template(fmt: str):
    """Download the month's template with the agency's registered children filled in (audited)."""
    user = me()
    council = reporting_council(user, arg_id("council"))
    period = chosen_period(council, request.args.get("period"))
    if fmt not in ("xlsx", "csv"):
        abort(404)
    content = templates.template_file(user, council, period, fmt)
    name = f"定期報告_{period.label}_{user.agency.name}.{fmt}"
    mimetype = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
    return attachment(content, mimetype, name, f"monthly-report-{period.key}.{fmt}")


@bp.route("/upload", methods=["GET", "POST"])
@login_required
def upload_file():
    """Check an uploaded month as a whole; show every problem, or a preview to confirm."""
    user = me()
    council = reporting_council(user, arg_id("council"))
    period = chosen_period(council, request.args.get("period"))
    form = UploadForm()
    context = {
        "form": form,
        "council": council,
        "period": period,
        "labels": FIELD_LABELS,
        "fields": ROW_FIELDS,
    }
    if not form.validate_on_submit():
        if request.method == "POST":
            upload.record_refused(user, council, period, "form")
            return render_template("reports/upload/upload.html", **context), 422
        return render_template("reports/upload/upload.html", **context)
    school_days, problem = parse_number(form.school_days.data)
    if problem:
        form.school_days.errors = [problem]
        upload.record_refused(user, council, period, "school_days")
        return render_template("reports/upload/upload.html", **context), 422
    file = form.file.data
    try:
        content = file.read()
    finally:
        file.close()  # a large upload is spooled to a temporary file: close it once read
    check = upload.check_file(user, council, period, school_days, file.filename or "", content)
    if not check.ok:
        return render_template("reports/upload/upload.html", check=check, **context), 422
    token = upload.make_token(user, council, period, school_days, check)
    confirm = ConfirmUploadForm(formdata=None, token=token)
    return render_template(
        "reports/upload/upload.html", check=check, confirm=confirm, school_days=school_days, **context
    )


@bp.post("/upload/confirm")
@login_required
def confirm_upload():
    """Save a checked file (checked again) as a draft or a submission."""
    user = me()
    form = ConfirmUploadForm()
    payload = upload.read_token(user, form.token.data or "") if form.validate_on_submit() else None
    if payload is None:
        upload.record_refused(user, None, None, "token")
        flash("確認の有効期限が切れたか、内容が正しくありません。もう一度ファイルを選んでください。", "error")
        return redirect(url_for(".upload_file"))
    council = reporting_council(user, payload["c"])
    period = parse_key(council, payload["p"])
    submit = request.form.get("action") == "submit"
    try:
        result = services.save_report(
            user,
            council,
            period,
            payload["s"],
            upload.rows_from_token(payload),
            submit=submit,
            via="upload",
            expected=upload.expected_state(payload),
        )
    except Refusal as error:
        upload.record_refused(user, council, period, "confirm")
        for message in error.messages:
            flash(message, "error")
        return redirect(url_for(".upload_file", council=council.id, period=period.key))
    alerts.announce(result.alerts)
    done = f"提出しました（第{result.report.version}版）" if submit else "下書きとして保存しました"
    flash(f"ファイルの内容を{done}。", "info")
    return redirect(url_for(".monthly", council=council.id, period=period.key))
