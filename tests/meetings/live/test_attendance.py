"""Attendance is a record: people in the room from the start, marked and added by hand; the minutes follow."""

import pytest
from werkzeug.exceptions import Forbidden

from meetings.live import attendance, presence
from meetings.live import services as live
from meetings.minutes import services as minutes
from meetings.minutes import word as minutes_word
from portal.refusals import Refusal
from tests.meetings.conftest import schedule
from tests.meetings.minutes.test_minutes import body_text, browser_of, open_docx


def test_people_in_the_room_before_the_start_are_recorded_and_leaving_keeps_them(town):
    meeting = schedule(town)
    presence.join(town.teacher, meeting, "sid-teacher")  # in the room before the start (小川's case)
    live.start(town.facilitator, meeting)
    presence.leave("sid-teacher")  # leaves at half time
    presence.join(town.caseworker, meeting, "sid-cgc")
    live.end(town.facilitator, meeting)
    names = {(a.agency_label, a.person_name) for a in attendance.attended(meeting)}
    assert names == {("みどり第一小学校", "高橋"), ("県中央児童相談所", "伊藤")}


def test_the_facilitator_marks_and_adds_people_and_the_minutes_follow(town, app):
    meeting = schedule(town)
    live.start(town.facilitator, meeting)
    presence.join(town.teacher, meeting, "sid-teacher")
    item_agency = town.nursery
    with pytest.raises(Refusal, match="氏名"):
        attendance.add_person(town.facilitator, meeting, attendance.PersonInput("", item_agency.id))
    with pytest.raises(Refusal, match="機関を選ぶか"):
        attendance.add_person(town.facilitator, meeting, attendance.PersonInput("民生委員A"))
    with pytest.raises(Forbidden):  # a participant does not keep the record
        attendance.add_person(town.teacher, meeting, attendance.PersonInput("田中", item_agency.id))
    attendance.add_person(
        town.facilitator,
        meeting,
        attendance.PersonInput("田中 由美", item_agency.id, title="園長", late=True),
    )
    attendance.add_person(
        town.facilitator, meeting, attendance.PersonInput("山口 和子", agency_name="みどり地区民生委員協議会")
    )
    [teacher] = [a for a in attendance.records(meeting) if a.user_id == town.teacher.id]
    attendance.mark(
        town.facilitator, meeting, teacher.id, present=True, late=False, left_early=True, note="14:30退出"
    )
    live.end(town.facilitator, meeting)
    version = minutes.draft(town.coordinator, meeting)
    people = {(a["agency"], a["name"], a["remark"]) for a in version.attendee_list}
    assert people == {
        ("みどり第一小学校", "高橋", "早退・14:30退出"),
        ("ひかり保育園", "田中 由美", "遅参"),
        ("みどり地区民生委員協議会", "山口 和子", ""),
    }
    # The nursery attended without a device: it gets a numbered copy; the agency without an account cannot.
    assert {a.name for a in minutes_word.recipients(meeting)} == {"みどり第一小学校", "ひかり保育園"}
    # Marking someone absent after the draft updates the draft at once.
    attendance.mark(town.facilitator, meeting, teacher.id, present=False, late=False, left_early=False)
    version = minutes.minutes_of(meeting).latest
    assert "高橋" not in {a["name"] for a in version.attendee_list}
    text = body_text(
        open_docx(minutes_word.build(version, minutes_word.copy_for(town.coordinator, meeting, None)))
    )
    assert "山口 和子" in text and "遅参" in text


def test_the_meeting_page_keeps_the_record(town, app):
    meeting = schedule(town)
    live.start(town.facilitator, meeting)
    facilitator = browser_of(app, town.facilitator)
    response = facilitator.submit(
        f"/meetings/{meeting.id}/attendance",
        {"name": "小川 浩", "agency_id": str(town.hospital.id), "title": "医師", "left_early": "y"},
    )
    assert response.status_code == 302
    page = facilitator.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "小川 浩" in page and "（端末なし）" in page
    teacher = browser_of(app, town.teacher)
    assert teacher.submit(f"/meetings/{meeting.id}/attendance", {"name": "x"}).status_code == 403
    assert "x" not in {a.person_name for a in attendance.records(meeting)}
