"""Meeting pages: the list, scheduling, the agenda with its triage, answers, and the live room."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from cases import policy
from cases.models import Case, Status
from meetings import access, hub, services, tasks
from meetings.agenda import materials, triage
from meetings.agenda import services as agenda
from meetings.blueprint import bp
from meetings.forms import InviteForm, ItemForm, MarkForm, MeetingForm, RecorderForm
from meetings.live import attendance, changes, events, payloads
from meetings.live.attendance_forms import PersonForm
from meetings.models import LEDGER_TIERS, Meeting, MeetingStatus, Tier
from portal.extensions import db
from portal.gates import me
from portal.ids import parse_int
from portal.models import Council, User
from portal.refusals import Refusal


def _councils(user) -> list[Council]:
    """Return the councils whose meetings the person schedules."""
    ids = policy.coordinated_council_ids(user)
    return list(db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name)))


@bp.route("/")
@login_required
def index():
    """List the meetings the person runs or is invited to."""
    user = me()
    if not access.may_use_meetings(user):
        abort(403)
    meetings = services.visible_meetings(user)
    answers = {m.id: access.invitation_of(user, m) for m in meetings}
    return render_template(
        "meetings/index.html", meetings=meetings, answers=answers, may_schedule=access.may_schedule(user)
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Schedule a meeting of any tier."""
    user = me()
    councils = _councils(user)
    policy.require(bool(councils))
    council = councils[0]
    form = MeetingForm()
    cases = db.session.scalars(
        select(Case)
        .where(Case.council_id == council.id, Case.status != Status.CLOSED.value)
        .order_by(Case.case_number)
    ).all()
    people = [u for a in council.members for u in a.people if u.active]
    form.fill_choices(councils, cases, council.members, people)
    if form.validate_on_submit():
        try:
            meeting = services.schedule_meeting(user, form.to_input())
        except Refusal as error:
            for message in error.messages:
                flash(message, "error")
        else:
            flash("会議を登録しました。", "info")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/new.html", form=form)


@bp.route("/<id:meeting_id>")
@login_required
def detail(meeting_id: int):
    """Show a meeting, its invitees and its agenda as the person may see it."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id)
    reader = payloads.Reader(user, meeting)
    item_form = ItemForm()
    item_form.fill_cases(services.active_cases(meeting))
    invite_form = InviteForm()
    invite_form.fill(meeting.council.members)
    recorder_form = None
    if reader.can_run and meeting.status != MeetingStatus.ENDED:
        recorder_form = RecorderForm(recorder_id=meeting.recorder_id)
        recorder_form.fill(services.recorder_candidates(meeting))
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        items=reader.items(meeting.items),
        can_run=reader.can_run,
        invitation=access.invitation_of(user, meeting),
        item_form=item_form,
        invite_form=invite_form,
        recorder_form=recorder_form,
        mark_form=MarkForm(),
        ledger_tier=Tier(meeting.tier) in LEDGER_TIERS,
        attendance=attendance.records(meeting),
        unrecorded=attendance.answered_not_recorded(meeting),
        can_record=access.can_record(user, meeting),
        person_form=_person_form(meeting),
        steps=hub.steps_for(user, meeting),
        documents=hub.documents(meeting) if reader.can_run else [],
        materials=materials.materials_for(user, meeting),
    )


def _person_form(meeting: Meeting) -> PersonForm:
    """Return the form adding a person to the attendance record."""
    form = PersonForm(formdata=None)
    form.fill(attendance.agency_choices(meeting))
    return form


def _back(meeting_id: int, anchor: str = ""):
    """Redirect to the meeting page."""
    return redirect(url_for("meetings.detail", meeting_id=meeting_id) + anchor)


def _attempt(meeting_id: int, work, done: str):
    """Run one service call, flash its outcome, and go back to the meeting page."""
    before = _change_number(meeting_id)
    try:
        work()
    except Refusal as error:
        for message in error.messages:
            flash(message, "error")
    else:
        _publish(meeting_id, before)
        flash(done, "info")
    return _back(meeting_id, "#agenda")


def _change_number(meeting_id: int) -> int:
    """Return the meeting's last change number."""
    return db.session.scalar(select(Meeting.change_number).where(Meeting.id == meeting_id)) or 0


def _publish(meeting_id: int, before: int) -> None:
    """Send the live room the changes an agenda edit made while the meeting runs (after the commit)."""
    meeting = db.session.get(Meeting, meeting_id)
    db.session.refresh(meeting)
    for row in changes.changes_since(meeting, before) or []:
        events.broadcast(meeting, changes.Change(row.number, row.kind, row.touched))


@bp.post("/<id:meeting_id>/respond")
@login_required
def respond(meeting_id: int):
    """Answer an invitation (出席/欠席)."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id)
    answer = request.form.get("response", "")
    return _attempt(meeting_id, lambda: services.respond(user, meeting, answer), "出欠を登録しました。")


@bp.post("/<id:meeting_id>/invite")
@login_required
def invite(meeting_id: int):
    """Invite more agencies."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    form = InviteForm()
    form.fill(meeting.council.members)
    form.validate_on_submit()
    agency_ids = form.agency_ids.data or []
    return _attempt(
        meeting_id,
        lambda: services.invite(user, meeting, agency_ids, household=form.household()),
        "招待しました。",
    )


@bp.post("/<id:meeting_id>/recorder")
@login_required
def set_recorder(meeting_id: int):
    """Name (or clear) the 記録係."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    form = RecorderForm()
    form.fill(services.recorder_candidates(meeting))
    if not form.validate_on_submit():
        flash("記録係は一覧から選んでください。", "error")
        return _back(meeting_id, "#invitees")
    work = lambda: services.set_recorder(user, meeting, form.recorder_id.data)  # noqa: E731
    response = _attempt(meeting_id, work, "記録係を設定しました。")
    if meeting.status == MeetingStatus.LIVE:
        # The pages in the room learn at once who may now type the record.
        events.send_states(meeting)
    return response


@bp.post("/<id:meeting_id>/items")
@login_required
def add_item(meeting_id: int):
    """Add an agenda item."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    form = ItemForm()
    form.fill_cases(services.active_cases(meeting))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back(meeting_id, "#agenda")
    return _attempt(
        meeting_id, lambda: agenda.add_item(user, meeting, form.to_input()), "議題を追加しました。"
    )


@bp.post("/<id:meeting_id>/items/<id:item_id>/move")
@login_required
def move_item(meeting_id: int, item_id: int):
    """Move an item up or down, or to a numbered position."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    current = next((i.position for i in meeting.items if i.id == item_id), 0)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""), 0)
    target = parse_int(request.form.get("position"), 1, 10_000) or current + step
    return _attempt(
        meeting_id, lambda: agenda.move_item(user, meeting, item_id, target), "議題の順番を変えました。"
    )


@bp.post("/<id:meeting_id>/items/<id:item_id>/place")
@login_required
def place_item(meeting_id: int, item_id: int):
    """Move an item to a numbered position for the page's drag and drop; answer the order as JSON."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    if item_id not in {i.id for i in meeting.items}:
        abort(404)
    count = len(meeting.items)
    position = parse_int(request.form.get("position"), 1, 10_000)
    try:
        # The service clamps a position; a dropped item names one that exists, so refuse any other.
        if position is None or not 1 <= position <= count:
            raise Refusal(f"移動先は1〜{count}番で指定してください。")
        before = _change_number(meeting_id)
        order = agenda.move_item(user, meeting, item_id, position)
    except Refusal as error:
        return jsonify(ok=False, errors=error.messages, order=[i.id for i in meeting.items]), 400
    _publish(meeting_id, before)
    return jsonify(ok=True, order=order, message="議題の順番を変えました。")


@bp.post("/<id:meeting_id>/items/<id:item_id>/remove")
@login_required
def remove_item(meeting_id: int, item_id: int):
    """Remove an item."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    return _attempt(meeting_id, lambda: agenda.remove_item(user, meeting, item_id), "議題を削除しました。")


@bp.post("/<id:meeting_id>/items/<id:item_id>/mark")
@login_required
def mark_item(meeting_id: int, item_id: int):
    """Override a case's mark and write its draft policy."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    form = MarkForm()
    form.validate_on_submit()
    work = lambda: agenda.set_mark(user, meeting, item_id, form.mark.data, form.draft_policy.data or "")  # noqa: E731
    return _attempt(meeting_id, work, "区分と方針案を保存しました。")


@bp.post("/<id:meeting_id>/build")
@login_required
def build_agenda(meeting_id: int):
    """Build the agenda from the ledger (practitioner and progress meetings)."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id, run=True)
    return _attempt(meeting_id, lambda: triage.build_agenda(user, meeting), "台帳から議題を作成しました。")


@bp.post("/tasks/<id:task_id>/done")
@login_required
def task_done(task_id: int):
    """Mark one of the agency's tasks done."""
    user: User = me()
    try:
        tasks.mark_done(user, task_id)
    except Refusal as error:
        for message in error.messages:
            flash(message, "error")
    else:
        flash("役割を完了にしました。", "info")
    return redirect(url_for("portal.home"))
