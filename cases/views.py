"""Case pages: registration, a case as the person may see it, ledger edits, notes, intake and closure.

The ledger and history pages are in views_ledger, the sharing pages in views_sharing; all three
modules add their routes to the one blueprint of views_common.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from cases import codes, policy, reading, services, views_ledger, views_sharing
from cases.forms import CaseForm, CloseForm, LedgerForm, NoteForm, RegisterForm
from cases.models import Part
from cases.services import CaseError
from cases.views_common import bp, me, refuse

__all__ = ["bp", "may_use_ledger", "views_ledger", "views_sharing"]

HOUSEHOLD = "世帯全体"


def may_use_ledger(user) -> bool:
    """Tell whether the ledger link is shown: people with a case role."""
    return user.has_role(*policy.CASE_ROLES)


def note_targets(user, case, access) -> list[tuple]:
    """Return what the person may write a note about: the household and/or each of their children."""
    targets = [("", HOUSEHOLD)] if policy.can_add_note(user, case, None, access) else []
    targets += [
        (c.id, c.name)
        for c in case.children
        if access.child_visible(Part.BASIC, c.id) and policy.can_add_note(user, case, c.id, access)
    ]
    return targets


def _render_case(case_id: int, note_form: NoteForm | None = None):
    """Read the case for the person (audited) and render its page."""
    user = me()
    view = reading.read_case(user, case_id)
    targets = note_targets(user, view.case, view.access)
    if note_form is None and targets:
        note_form = NoteForm(targets, formdata=None)
    return render_template(
        "cases/detail.html",
        view=view,
        case=view.case,
        access=view.access,
        Part=Part,
        note_form=note_form if targets else None,
        register_form=RegisterForm(formdata=None),
        labels={name: codes.labels(name) for name in ("abuse_type", "main_abuser", "referral_route")},
        closure_reasons=codes.labels("closure_reason"),
        legal_bases=codes.labels("legal_basis"),
        relations=codes.labels("relation"),
        note_kinds=codes.labels("note_kind"),
    )


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
        try:
            case = services.register_case(user, form.to_input())
        except CaseError as error:
            refuse(form, error)
        else:
            done = "登録" if case.registered_on else "受理"
            flash(f"ケースを{done}しました（番号 {case.case_number}）", "info")
            return redirect(url_for(".detail", case_id=case.id))
    return render_template("cases/new.html", form=form)


@bp.get("/<int:case_id>")
@login_required
def detail(case_id: int):
    """Show a case, part by part, as far as the person may see it (404 when they may see none)."""
    return _render_case(case_id)


@bp.post("/<int:case_id>/notes")
@login_required
def add_note(case_id: int):
    """Write a case note (経過記録) about a child or the household."""
    user = me()
    case, access = policy.get_case_or_404(user, case_id)
    targets = note_targets(user, case, access)
    policy.require(bool(targets))
    form = NoteForm(targets)
    if form.validate_on_submit():
        try:
            services.add_note(
                user,
                case,
                occurred_on=form.occurred_on.data,
                kind=form.kind.data,
                body=form.body.data,
                child_id=form.child_id.data,
            )
        except CaseError as error:
            refuse(form, error)
        else:
            flash("経過記録を追加しました。", "info")
            return redirect(url_for(".detail", case_id=case.id, _anchor="notes"))
    return _render_case(case_id, note_form=form)


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(case_id: int):
    """Change the case's ledger fields; a change made meanwhile by someone else is not overwritten."""
    user = me()
    case, access = policy.get_case_or_404(user, case_id, Part.LEDGER)
    policy.require(policy.can_edit_ledger(user, case, access))
    form = LedgerForm(case)
    if form.validate_on_submit():
        try:
            changed = services.update_case(user, case, form.changes(case), form.version.data)
        except CaseError as error:
            refuse(form, error)
        else:
            flash("台帳を更新しました。" if changed else "変更はありませんでした。", "info")
            return redirect(url_for(".detail", case_id=case.id))
    return render_template("cases/edit.html", form=form, case=case)


@bp.post("/<int:case_id>/register")
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
        services.register_intake(user, case, form.registered_on.data)
    except CaseError as error:
        for message in error.messages:
            flash(message, "error")
    else:
        flash(f"ケースを登録しました（番号 {case.case_number}）", "info")
    return redirect(url_for(".detail", case_id=case.id))


@bp.route("/<int:case_id>/close", methods=["GET", "POST"])
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
        except CaseError as error:
            refuse(form, error)
        else:
            flash("ケースを終結しました。", "info")
            return redirect(url_for(".detail", case_id=case.id))
    return render_template("cases/close.html", form=form, case=case)
