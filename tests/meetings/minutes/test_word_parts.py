"""Word minutes: 配付番号 on every page, who recorded and confirmed, 共有のみ in one table, closures kept."""

from datetime import timedelta

from cases import codes, policy
from cases.models import Part
from meetings.agenda import services as agenda
from meetings.live import presence
from meetings.live import services as live
from meetings.minutes import services as minutes
from meetings.minutes import word as minutes_word
from meetings.models import ItemKind, Mark
from portal.dates import today_in_japan
from portal.extensions import db
from tests.meetings.conftest import SECRET_CHILD, schedule
from tests.meetings.minutes.test_minutes import body_text, open_docx


def test_copies_carry_their_number_on_every_page_and_keep_a_case_closed_at_the_meeting(town, hidden_case):
    boss = town.coordinator
    meeting = schedule(town, agencies=[town.school, town.other_school, town.cgc])
    for case in (town.case, hidden_case):
        agenda.add_item(boss, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, case.id))
    household, shared = meeting.items
    agenda.set_mark(boss, meeting, shared.id, Mark.SHARE.value, "<p>見守りを続ける</p>")
    live.start(boss, meeting)
    for index, user in enumerate([boss, town.teacher, town.other_teacher]):
        presence.join(user, meeting, f"sid-{index}")
    reason = next(iter(codes.labels("closure_reason")))
    soon = today_in_japan() + timedelta(days=30)
    live.record(boss, meeting, household.id, live.Decision("終結とする", soon, None, reason))
    live.approve_shared(boss, meeting)
    live.end(boss, meeting)
    db.session.refresh(town.case)
    assert town.case.status == "closed" and not policy.can_view(town.teacher, town.case, Part.LEDGER)
    version = minutes.draft(boss, meeting)
    minutes.confirm(boss, version)

    school = minutes_word.copy_for(boss, meeting, town.school.id)
    doc = open_docx(minutes_word.build(version, school))
    header = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    assert f"配付番号 {school.number}　みどり第一小学校 様" in header
    text = body_text(doc)
    # The case closed at the meeting stays in the school's copy: the school could see it there.
    assert f"ケース {town.case.case_number}" in text and "終結とする" in text
    assert "記録者" in text and "確定者" in text and boss.name in text and "確定日" in text
    # The 共有のみ case is one row of the compact table, shown only to the agency that sees it.
    assert "共有のみのケース（方針案を一括承認）" in text and "（非共有） 1件" in text
    assert SECRET_CHILD not in text and hidden_case.case_number not in text

    other = body_text(
        open_docx(minutes_word.build(version, minutes_word.copy_for(boss, meeting, town.other_school.id)))
    )
    assert hidden_case.case_number in other and "承認" in other
    assert "協議内容（現状・リスク）" not in other.split("共有のみのケース")[1], "no full section for it"
