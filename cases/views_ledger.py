"""Ledger pages: the ledger (進行管理台帳) with its exports, a case's change history and access history."""

from flask import flash, render_template, request
from flask_login import login_required

from cases import ledger, policy, reading, services
from cases.forms import AccessHistoryForm, LedgerFilterForm, ledger_args
from cases.models import PART_LABELS, Part
from cases.views_common import attachment, bp, me
from portal import audit
from portal.dates import today_in_japan

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# History lines that are not ledger fields.
HISTORY_FIELDS = {**services.LEDGER_FIELDS, "status": "状況", "closure_reason": "終結理由"}


def _filters(tell: bool = True) -> tuple[LedgerFilterForm, ledger.LedgerFilters]:
    """Read the ledger filters from the query string; tell the person about values that were dropped."""
    form = LedgerFilterForm(me(), request.args)
    filters, problems = form.parse(request.args.get("page"))
    for problem in problems if tell else ():
        flash(problem, "warning")
    return form, filters


@bp.get("/")
@login_required
def ledger_view():
    """Show the ledger: the cases whose ledger the person may see, filtered, sorted and paged."""
    user = me()
    form, filters = _filters()
    page = ledger.ledger_page(user, filters)
    return render_template(
        "cases/ledger.html",
        page=page,
        form=form,
        args=ledger_args(filters),
        many_councils=len(form.councils) > 1,
        can_register=bool(policy.coordinated_council_ids(user)),
    )


@bp.get("/export.<any(csv, xlsx):fmt>")
@login_required
def ledger_export(fmt: str):
    """Download the filtered ledger as CSV (UTF-8 with BOM, for Excel) or as an Excel workbook."""
    # The export links carry the page's cleaned filters; a hand-edited bad value is dropped quietly.
    _form, filters = _filters(tell=False)
    content = ledger.export_ledger(me(), filters, fmt)
    stamp = today_in_japan().strftime("%Y%m%d")
    return attachment(content, EXPORT_TYPES[fmt], f"進行管理台帳_{stamp}.{fmt}", f"ledger_{stamp}.{fmt}")


@bp.get("/<int:case_id>/history")
@login_required
def history(case_id: int):
    """Show every change of the case's ledger: when, who, which field, before and after."""
    case, changes = reading.case_history(me(), case_id)
    return render_template("cases/history.html", case=case, changes=changes, field_labels=HISTORY_FIELDS)


@bp.get("/<int:case_id>/access")
@login_required
def access_history(case_id: int):
    """Show who has read or changed the case (coordinators of the council only)."""
    form = AccessHistoryForm(request.args)
    filters, problems = form.parse()
    for problem in problems:
        flash(problem, "warning")
    case, entries = reading.access_history(me(), case_id, filters)
    agency_names = form.fill_choices(case, entries)
    return render_template(
        "cases/access_history.html",
        case=case,
        entries=entries,
        form=form,
        agency_names=agency_names,
        action_label=audit.action_label,
        part_labels={p.value: PART_LABELS[p] for p in Part},
    )
