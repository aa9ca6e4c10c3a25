"""Writing a case note (経過記録) from the case page."""

from flask import flash, redirect, url_for
from flask_login import login_required

from cases import policy
from cases.blueprint import bp
from cases.ledger.views import render_case
from cases.notes import services
from cases.notes.forms import NoteForm
from cases.notes.targets import note_targets
from portal.forms import show_refusal
from portal.gates import me
from portal.refusals import Refusal


@bp.post("/<id:case_id>/notes")
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
        except Refusal as error:
            show_refusal(form, error)
        else:
            flash("経過記録を追加しました。", "info")
            return redirect(url_for(".detail", case_id=case.id, _anchor="notes"))
    return render_case(case_id, note_form=form)
