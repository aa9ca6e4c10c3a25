"""The practitioner meeting packet: agenda, ledger status, alerts and triage reasons, per recipient."""

import json

from sqlalchemy import select

from meetings import services
from meetings.agenda import packet, triage
from meetings.minutes import services as minutes
from meetings.minutes import word as minutes_word
from meetings.minutes.word import MinutesCopy
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from reports.alerts.immediate import ImmediateInput, send_immediate
from tests.meetings.conftest import SECRET_CHILD, schedule
from tests.meetings.minutes.test_minutes import all_xml, body_text, check_word_basics, open_docx

HIDDEN_ALERT = "川口さんの腕にあざ"


def practitioner_meeting(town, hidden_case):
    """A practitioner meeting with its agenda built from the ledger, after two alerts came in."""
    today = today_in_japan()
    send_immediate(
        town.teacher,
        town.council,
        ImmediateInput(
            town.haruto.id, "injury", today, None, "<p>はるとの頬に<b>あざ</b></p><script>x()</script>"
        ),
    )
    send_immediate(
        town.other_teacher,
        town.council,
        ImmediateInput(hidden_case.children[0].id, "injury", today, None, HIDDEN_ALERT),
    )
    meeting = schedule(town, agencies=[town.school, town.nursery, town.cgc, town.other_school])
    triage.build_agenda(town.coordinator, meeting)
    return meeting


def test_packet_lists_the_agenda_with_ledger_status_alerts_and_reasons(town, hidden_case):
    meeting = practitioner_meeting(town, hidden_case)
    minutes.set_collect_handouts(town.coordinator, meeting, True)
    copy = minutes_word.copy_for(town.coordinator, meeting, None, attending=False)
    doc = open_docx(packet.build(meeting, copy))
    check_word_basics(doc, town.council.name)
    text = body_text(doc)
    assert "会議資料" in text and "調整機関控え（完全版）" in text and "配付資料は会議終了後に回収" in text
    agenda = doc.tables[1]
    assert [c.text for c in agenda.rows[0].cells] == ["番号", "区分", "議題", "予定"]
    numbers = [row.cells[2].text for row in agenda.rows[1:]]
    assert f"ケース {town.case.case_number}" in numbers and f"ケース {hidden_case.case_number}" in numbers
    for label in (
        "協議の理由",
        "新たなけがの報告",
        "未確認のアラート",
        "主担当機関",
        "次回確認時期",
        "リスク",
    ):
        assert label in text, label
    assert "はるとの頬にあざ" in text and HIDDEN_ALERT in text and SECRET_CHILD in text
    assert "<script" not in text and "x()" in text


def test_an_agency_packet_hides_what_it_may_not_see(town, hidden_case, app):
    meeting = practitioner_meeting(town, hidden_case)
    copy = minutes_word.copy_for(town.coordinator, meeting, town.school.id, attending=False)
    content = packet.build(meeting, copy)
    text = body_text(open_docx(content))
    everything = all_xml(content)
    assert f"配付番号 {copy.number}　みどり第一小学校 様" in text
    for word in (SECRET_CHILD, "川口", HIDDEN_ALERT, hidden_case.case_number):
        assert word not in everything, word
    assert "（非共有）" in text
    assert f"ケース {town.case.case_number}" in text and town.haruto.name in text
    assert town.yui.name not in everything
    # The nursery sees the household (its child) but not the school's report on the boy.
    nursery = packet.build(meeting, minutes_word.copy_for(town.coordinator, meeting, town.nursery.id, False))
    assert town.yui.name in body_text(open_docx(nursery))
    assert "はるとの頬にあざ" not in all_xml(nursery) and HIDDEN_ALERT not in all_xml(nursery)


def test_packet_download_is_recorded_with_its_copy(town, hidden_case, client, login):
    meeting = practitioner_meeting(town, hidden_case)
    login(town.coordinator)
    response = client.get(f"/meetings/{meeting.id}/packet.docx?agency={town.other_school.id}")
    assert response.status_code == 200
    assert HIDDEN_ALERT in body_text(open_docx(response.data))
    assert f"ケース {town.case.case_number}" not in all_xml(response.data)
    row = db.session.scalars(select(MinutesCopy)).one()
    assert (row.document, row.agency_id, row.version_number) == ("packet", town.other_school.id, None)
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "minutes.packet")).one()
    assert json.loads(audit.detail)["copy"] == row.label and "みどり第二小学校" in row.label
    assert services.meeting_day(meeting) == today_in_japan()
