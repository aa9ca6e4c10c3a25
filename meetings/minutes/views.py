"""Minutes pages on the meetings blueprint: the draft, confirm, corrections, and the Word downloads."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from meetings import access
from meetings.agenda import packet
from meetings.blueprint import bp
from meetings.minutes import services as minutes
from meetings.minutes import word as minutes_word
from meetings.minutes.forms import TEXT_SUFFIX, CorrectionForm, HandoutsForm, MinutesForm, as_lines
from meetings.minutes.models import MINUTES_ACTION_LABELS
from meetings.minutes.word import MinutesCopy, View
from portal.audit import register_action_labels
from portal.downloads import attachment
from portal.extensions import db
from portal.gates import me
from portal.ids import arg_id
from portal.refusals import Refusal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
bp.record_once(lambda _state: register_action_labels(MINUTES_ACTION_LABELS))


def _page(meeting_id: int):
    """Redirect to the minutes page."""
    return redirect(url_for("meetings.minutes_page", meeting_id=meeting_id))


def _attempt(meeting_id: int, work, done: str):
    """Run one minutes service call, flash its outcome, and go back to the minutes page."""
    try:
        work()
    except Refusal as error:
        for message in error.messages:
            flash(message, "error")
    else:
        flash(done, "info")
    return _page(meeting_id)


@bp.get("/<id:meeting_id>/minutes")
@login_required
def minutes_page(meeting_id: int):
    """Show the minutes: the draft to edit for the coordinator, the confirmed version for participants."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id)
    found = minutes.minutes_of(meeting)
    can_run = access.can_run(user, meeting)
    version = (found.latest if can_run else found.confirmed) if found else None
    sections = version.sections if version else []
    copies = []
    if can_run:
        query = select(MinutesCopy).where(MinutesCopy.meeting_id == meeting.id)
        copies = db.session.scalars(query.order_by(MinutesCopy.id.desc()).limit(100)).all()
    form = MinutesForm(obj=version) if version is not None and not version.locked and can_run else None
    return render_template(
        "meetings/minutes/page.html",
        meeting=meeting,
        found=found,
        version=version,
        view=View.of_sections(user, sections),
        can_run=can_run,
        form=form,
        correction_form=CorrectionForm(),
        handouts_form=HandoutsForm(collect=bool(found and found.collect_handouts)),
        recipients=minutes_word.recipients(meeting) if can_run else [],
        copies=copies,
        as_lines=as_lines,
        text_suffix=TEXT_SUFFIX,
    )


@bp.post("/<id:meeting_id>/minutes/draft")
@login_required
def minutes_draft(meeting_id: int):
    """Assemble the draft minutes from the ended meeting."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    return _attempt(meeting_id, lambda: minutes.draft(user, meeting), "会議録の下書きを作成しました。")


def _version(meeting_id: int, number: int):
    """Load a version of a meeting the person runs (404 when missing)."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    found = minutes.minutes_of(meeting)
    version = next((v for v in found.versions if v.number == number), None) if found else None
    if version is None:
        abort(404)
    return user, version


@bp.post("/<id:meeting_id>/minutes/<id:number>/edit")
@login_required
def minutes_edit(meeting_id: int, number: int):
    """Save the draft's text."""
    user, version = _version(meeting_id, number)
    form = MinutesForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(errors[0], "error")
        return _page(meeting_id)
    data = form.to_edit(version, request.form)
    return _attempt(
        meeting_id, lambda: minutes.edit(user, version, data, form.revision.data), "会議録を保存しました。"
    )


@bp.post("/<id:meeting_id>/minutes/<id:number>/confirm")
@login_required
def minutes_confirm(meeting_id: int, number: int):
    """Confirm (lock) the draft."""
    user, version = _version(meeting_id, number)
    return _attempt(meeting_id, lambda: minutes.confirm(user, version), "会議録を確定しました。")


@bp.post("/<id:meeting_id>/minutes/correct")
@login_required
def minutes_correct(meeting_id: int):
    """Start a correction: a new version with the reason; the confirmed one is kept."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    form = CorrectionForm()
    found = minutes.minutes_of(meeting)
    if found is None or not form.validate_on_submit():
        flash("訂正の理由を入力してください。", "error")
        return _page(meeting_id)
    return _attempt(
        meeting_id, lambda: minutes.correct(user, found, form.reason.data), "訂正用の新しい版を作成しました。"
    )


@bp.post("/<id:meeting_id>/handouts")
@login_required
def minutes_handouts(meeting_id: int):
    """Mark whether handouts are collected after the meeting."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    form = HandoutsForm()
    form.validate_on_submit()
    collect = bool(form.collect.data)
    done = "配付資料の回収を設定しました。"
    return _attempt(meeting_id, lambda: minutes.set_collect_handouts(user, meeting, collect), done)


def _copy(meeting):
    """Return the copy asked for (?agency=<id> for an agency's numbered copy), or 404."""
    agency_id = arg_id("agency")
    copy = minutes_word.copy_for(me(), meeting, agency_id)
    if copy is None:
        abort(404)
    return copy


@bp.get("/<id:meeting_id>/minutes.docx")
@login_required
def minutes_docx(meeting_id: int):
    """Download the minutes as Word: one's own copy, or (coordinator) an agency's numbered copy."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id)
    found = minutes.minutes_of(meeting)
    version = (found.latest if access.can_run(user, meeting) else found.confirmed) if found else None
    if version is None:
        abort(404)
    copy = _copy(meeting)
    content = minutes_word.build(version, copy)
    minutes_word.record_copy(user, meeting, "minutes", copy, version.number)
    name = f"会議録_{meeting.title}_第{version.number}版_{copy.label}.docx"
    return attachment(content, DOCX, name, f"minutes-{meeting.id}-v{version.number}-{copy.number}.docx")


@bp.get("/<id:meeting_id>/packet.docx")
@login_required
def packet_docx(meeting_id: int):
    """Download the meeting packet as Word, with the same per-recipient rule."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id)
    copy = _copy(meeting)
    content = packet.build(meeting, copy)
    minutes_word.record_copy(user, meeting, "packet", copy, None)
    name = f"会議資料_{meeting.title}_{copy.label}.docx"
    return attachment(content, DOCX, name, f"packet-{meeting.id}-{copy.number}.docx")
