"""Attendance pages on the meetings blueprint: mark who attended, add people without a device."""

from flask import flash, redirect, url_for
from flask_login import login_required

from meetings import access
from meetings.blueprint import bp
from meetings.live import attendance
from meetings.live.attendance_forms import MarkAttendanceForm, PersonForm
from portal.gates import me
from portal.refusals import Refusal


def _attempt(meeting_id: int, work, done: str):
    """Run one attendance change, flash its outcome, go back to the meeting page's attendance."""
    try:
        work()
    except Refusal as error:
        for message in error.messages:
            flash(message, "error")
    else:
        flash(done, "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting_id) + "#attendance")


@bp.post("/<id:meeting_id>/attendance")
@login_required
def attendance_add(meeting_id: int):
    """Add a person present without a device, or of an agency without an account."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id)
    form = PersonForm()
    form.fill(attendance.agency_choices(meeting))
    if not form.validate_on_submit():
        return _attempt(meeting_id, lambda: form.refuse(), "")
    return _attempt(
        meeting_id, lambda: attendance.add_person(user, meeting, form.to_input()), "出席者を追加しました。"
    )


@bp.post("/<id:meeting_id>/attendance/<id:row_id>")
@login_required
def attendance_mark(meeting_id: int, row_id: int):
    """Mark one person attended or not, late or leaving early."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id)
    form = MarkAttendanceForm()
    form.validate_on_submit()

    def work():
        return attendance.mark(
            user,
            meeting,
            row_id,
            present=bool(form.attended.data),
            late=bool(form.late.data),
            left_early=bool(form.left_early.data),
            note=form.note.data or "",
        )

    return _attempt(meeting_id, work, "出席の記録を更新しました。")
