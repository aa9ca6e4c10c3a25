"""Ledger pages: the ledger (進行管理台帳) and its exports, registration, a case as the person may see it,
its ledger edits, registration of a received case, closure, the change history and the access history.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from cases import codes, policy
from cases.blueprint import bp
from cases.ledger import columns, duplicates, exports, reading, registration, services
from cases.ledger import queries as ledger
from cases.ledger.filters import AccessHistoryForm, LedgerFilterForm, ledger_args
from cases.ledger.forms import CaseForm, CloseForm, LedgerForm, RegisterForm
from cases.ledger.page_forms import AddChildForm, ColumnsForm
from cases.models import PART_LABELS, Part
from cases.notes.forms import NoteForm
from cases.notes.targets import note_targets
from portal import audit
from portal.dates import today_in_japan
from portal.downloads import attachment
from portal.forms import show_refusal
from portal.gates import me
from portal.ids import parse_id
from portal.refusals import Refusal

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# History lines that are not ledger fields.
HISTORY_FIELDS = {
    **services.LEDGER_FIELDS,
    "status": "状況",
    "closure_reason": "終結理由",
    "children": "子どもの追加",
}
# History lines written by intake and moves (cases/intake, cases/moves).
HISTORY_FIELDS.update(
    {
        "safety_check": "安全確認",
        "enrolled_agency": "所属（転校・転園）",
        "missing": "所在不明",
        "transfer": "ケース移管",
    }
)


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
    shown, compact = columns.preferences(user)
    return render_template(
        "cases/ledger/ledger.html",
        page=page,
        form=form,
        args=ledger_args(filters),
        many_councils=len(form.councils) > 1,
        can_register=bool(policy.coordinated_council_ids(user)),
        shown=shown,
        compact=compact,
        extras=columns.extras(page.rows, shown),
        optional=columns.OPTIONAL_COLUMNS,
        chooser=ColumnsForm(formdata=None, columns=shown, compact=compact),
    )


@bp.post("/columns")
@login_required
def ledger_columns():
    """Remember the columns and the compact mode the person chose for the ledger."""
    form = ColumnsForm()
    if form.validate_on_submit():
        columns.save_preferences(me(), form.columns.data or [], bool(form.compact.data))
        flash("台帳の表示を保存しました。", "info")
    return redirect(url_for(".ledger_view"))


@bp.get("/export.<any(csv, xlsx):fmt>")
@login_required
def ledger_export(fmt: str):
    """Download the filtered ledger as CSV (UTF-8 with BOM, for Excel) or as an Excel workbook."""
    # The export links carry the page's cleaned filters; a hand-edited bad value is dropped quietly.
    _form, filters = _filters(tell=False)
    content = exports.export_ledger(me(), filters, fmt)
    stamp = today_in_japan().strftime("%Y%m%d")
    return attachment(content, EXPORT_TYPES[fmt], f"進行管理台帳_{stamp}.{fmt}", f"ledger_{stamp}.{fmt}")


@bp.get("/<id:case_id>/history")
@login_required
def history(case_id: int):
    """Show every change of the case's ledger: when, who, which field, before and after."""
    case, changes = reading.case_history(me(), case_id)
    return render_template(
        "cases/ledger/history.html", case=case, changes=changes, field_labels=HISTORY_FIELDS
    )


@bp.get("/<id:case_id>/access")
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
        "cases/ledger/access_history.html",
        case=case,
        entries=entries,
        form=form,
        agency_names=agency_names,
        action_label=audit.action_label,
        part_labels={p.value: PART_LABELS[p] for p in Part},
    )


def may_use_ledger(user) -> bool:
    """Tell whether the ledger link is shown: people with a case role."""
    return user.has_role(*policy.CASE_ROLES)


def render_case(case_id: int, note_form: NoteForm | None = None):
    """Read the case for the person (audited) and render its page (a failed note form passed in)."""
    user = me()
    view = reading.read_case(user, case_id)
    targets = note_targets(user, view.case, view.access)
    if note_form is None and targets:
        note_form = NoteForm(targets, formdata=None)
    return render_template(
        "cases/ledger/detail.html",
        view=view,
        case=view.case,
        access=view.access,
        Part=Part,
        note_form=note_form if targets else None,
        register_form=RegisterForm(formdata=None),
        add_child_form=_add_child_form(user, view.case),
        labels={name: codes.labels(name) for name in ("abuse_type", "main_abuser", "referral_route")},
        closure_reasons=codes.labels("closure_reason"),
        legal_bases=codes.labels("legal_basis"),
        relations=codes.labels("relation"),
        note_kinds=codes.labels("note_kind"),
    )


def _add_child_form(user, case) -> AddChildForm | None:
    """Return the form that adds a child, for the coordinating body."""
    return AddChildForm(case, formdata=None) if policy.can_manage_sharing(user, case) else None


@bp.post("/<id:case_id>/children")
@login_required
def child_add(case_id: int):
    """Add a child to the case (a baby born to a 特定妊婦, a sibling); the case goes on."""
    user = me()
    case, _access = policy.get_case_or_404(user, case_id)
    policy.require(policy.can_manage_sharing(user, case))
    form = AddChildForm(case)
    try:
        if not form.validate_on_submit():
            raise Refusal(*(m for messages in form.errors.values() for m in messages))
        child = registration.add_child(user, case, form.to_input())
    except Refusal as error:
        for message in error.messages:
            flash(message, "error")
    else:
        flash(f"{child.name} をこのケースに追加しました。", "info")
    return redirect(url_for(".detail", case_id=case.id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Receive (受理) and register (登録) a case with its household (coordinators only)."""
    user = me()
    policy.require(bool(policy.coordinated_council_ids(user)))
    form = CaseForm(user)
    added = next((n for n in ("children", "guardians") if f"add_{n}" in request.form), None)
    if added:
        form.add_row(added)
    elif form.validate_on_submit():
        data = form.to_input()
        existing = parse_id(request.form.get("open_case", ""))
        if existing is not None:
            case = duplicates.open_existing(user, existing, data)
            return redirect(url_for(".detail", case_id=case.id))
        found = [] if request.form.get("confirm_new") else duplicates.likely_duplicates(user, data)
        if found:
            return render_template("cases/ledger/new.html", form=form, duplicates=found)
        try:
            register = (
                duplicates.register_despite if request.form.get("confirm_new") else registration.register_case
            )
            case = register(user, data)
        except Refusal as error:
            show_refusal(form, error)
        else:
            done = "登録" if case.registered_on else "受理"
            flash(f"ケースを{done}しました（番号 {case.case_number}）", "info")
            return redirect(url_for(".detail", case_id=case.id))
    return render_template("cases/ledger/new.html", form=form)


@bp.get("/<id:case_id>")
@login_required
def detail(case_id: int):
    """Show a case, part by part, as far as the person may see it (404 when they may see none)."""
    return render_case(case_id)


@bp.route("/<id:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(case_id: int):
    """Change the case's ledger fields; a change made meanwhile by someone else is not overwritten."""
    user = me()
    case, access = policy.get_case_or_404(user, case_id, Part.LEDGER)
    policy.require(policy.can_edit_ledger(user, case, access))
    form = LedgerForm(case)
    if form.validate_on_submit():
        try:
            changed = services.update_case(
                user, case, form.changes(case), form.version.data, reason=form.risk_reason.data or ""
            )
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash("台帳を更新しました。" if changed else "変更はありませんでした。", "info")
            return redirect(url_for(".detail", case_id=case.id))
    return render_template("cases/ledger/edit.html", form=form, case=case)


@bp.post("/<id:case_id>/register")
@login_required
def register(case_id: int):
    """Register (登録) a received case; statutory sharing among the involved agencies starts."""
    user = me()
    case, _access = policy.get_case_or_404(user, case_id)
    policy.require(policy.can_manage_sharing(user, case))
    form = RegisterForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for(".detail", case_id=case.id))
    try:
        registration.register_intake(user, case, form.registered_on.data)
    except Refusal as error:
        for message in error.messages:
            flash(message, "error")
    else:
        flash(f"ケースを登録しました（番号 {case.case_number}）", "info")
    return redirect(url_for(".detail", case_id=case.id))


@bp.route("/<id:case_id>/close", methods=["GET", "POST"])
@login_required
def close(case_id: int):
    """Close (終結) a case with its date and reason."""
    user = me()
    case, _access = policy.get_case_or_404(user, case_id)
    policy.require(policy.can_manage_sharing(user, case))
    form = CloseForm()
    if form.validate_on_submit():
        try:
            services.close_case(user, case, form.closed_on.data, form.reason.data)
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash("ケースを終結しました。", "info")
            return redirect(url_for(".detail", case_id=case.id))
    return render_template("cases/ledger/close.html", form=form, case=case)
