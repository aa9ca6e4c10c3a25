"""Minutes: a draft from the ended meeting, editing, confirming, corrections, and the Word copies."""

import io
import json
import re
from datetime import timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from meetings import services
from meetings.agenda import services as agenda
from meetings.live import presence
from meetings.live import services as live
from meetings.minutes import services as minutes
from meetings.minutes import word as minutes_word
from meetings.minutes.word import MinutesCopy
from meetings.models import ItemKind
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from portal.refusals import Refusal
from tests.meetings.conftest import SECRET_CHILD, schedule

HOSTILE = '<script>alert("x")</script><b onmouseover="steal()">太字の注意</b><p>閉じない<i>斜め'
SECRET_WORDS = [SECRET_CHILD, "川口", "転居予定の秘密メモ", "転居先へ引継ぎ", "転校手続きの確認"]


def ended_meeting(town, hidden_case, place="みどり市役所 第3会議室"):
    """Hold a practitioner meeting: a report, the household case and the hidden case; then end it."""
    boss = town.coordinator
    meeting = schedule(town, place=place, agencies=[town.school, town.nursery, town.cgc, town.other_school])
    add = agenda.add_item
    add(boss, meeting, agenda.ItemInput(ItemKind.REPORT.value, "新規登録の報告", "佐藤", 5))
    add(boss, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, town.case.id))
    add(boss, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, hidden_case.id))
    services.respond(town.other_teacher, meeting, "attending")
    live.start(boss, meeting)
    for index, user in enumerate([boss, town.teacher, town.caseworker]):
        presence.join(user, meeting, f"sid-{index}")
    report, household, secret = meeting.items
    soon = today_in_japan() + timedelta(days=30)
    live.save_notes(boss, meeting, report.id, "新規登録が2件あった。", 0)
    live.save_notes(boss, meeting, household.id, f"はるとの欠席が続いている。\n{HOSTILE}", 0)
    live.record(boss, meeting, household.id, live.Decision("家庭訪問を週1回続ける", soon, town.center.id))
    live.assign(boss, meeting, household.id, town.school.id, "高橋", "毎朝の登校確認", soon)
    live.save_notes(boss, meeting, secret.id, "転居予定の秘密メモ", 0)
    live.record(boss, meeting, secret.id, live.Decision("転居先へ引継ぎ", soon))
    live.assign(boss, meeting, secret.id, town.other_school.id, "木村", "転校手続きの確認", None)
    live.end(boss, meeting)
    return meeting


@pytest.fixture
def held(town, hidden_case):
    """The ended meeting."""
    return ended_meeting(town, hidden_case)


def open_docx(content: bytes):
    """Open .docx bytes with python-docx."""
    return Document(io.BytesIO(content))


def body_text(doc) -> str:
    """Return every paragraph and table cell of the body, one per line."""
    lines = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for cell in block.iter(qn("w:tc")):
                lines.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    return "\n".join(lines)


def all_xml(content: bytes) -> str:
    """Return every XML part of the package as text (to look for anything leaked anywhere)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return "\n".join(package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml"))


def check_word_basics(doc, council_name: str) -> None:
    """Assert the A4 page, the header (council, 秘), the n / N fields, East Asian fonts and ja-JP."""
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    header = section.header.paragraphs[0].text
    assert council_name in header and "秘" in header
    footer = section.footer.paragraphs[0]._element
    instructions = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert [f.get(qn("w:fldCharType")) for f in footer.iter(qn("w:fldChar"))] == [
        "begin",
        "separate",
        "end",
    ] * 2
    assert " / " in section.footer.paragraphs[0].text
    runs = [r for p in doc.element.body.iter(qn("w:r")) for r in [p] if r.find(qn("w:t")) is not None]
    assert runs
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")), "a run without an East Asian font"
    normal = doc.styles["Normal"].element.find(qn("w:rPr"))
    assert normal.find(qn("w:lang")).get(qn("w:eastAsia")) == "ja-JP"


def browser_of(app, user):
    """Return a new browser logged in as the person."""
    browser = app.test_client()
    response = browser.submit("/login", {"login_id": user.login_id, "password": "Test-Passw0rd-ok"})
    assert response.status_code == 302
    return browser


def copy_for(town, meeting, agency=None, user=None):
    """Return a copy: an agency's numbered one (asked by the coordinator), or a person's own."""
    return minutes_word.copy_for(user or town.coordinator, meeting, agency.id if agency else None, True)


def test_draft_holds_the_meeting_record(held, town, hidden_case):
    version = minutes.draft(town.coordinator, held)
    assert version.number == 1 and not version.locked
    assert version.title == "実務者会議（テスト会議）"
    assert "令和" in version.held and "（" in version.held and "～" in version.held
    assert version.place == "みどり市役所 第3会議室"
    people = {(a["agency"], a["name"]) for a in version.attendee_list}
    assert {
        ("みどり第一小学校", "高橋"),
        ("県中央児童相談所", "伊藤"),
        ("みどり市こども家庭センター", "佐藤"),
    } <= people
    report, household, secret = version.sections
    assert "新規登録が2件あった。" in report.discussion and report.case_id is None
    assert household.case_number == town.case.case_number
    assert "家庭訪問を週1回続ける" in household.policy
    assert household.lead_agency == "みどり市こども家庭センター"
    assert household.next_review.startswith("令和")
    assert (
        household.role_list[0]["task"] == "毎朝の登校確認"
        and household.role_list[0]["agency"] == "みどり第一小学校"
    )
    assert "<script" not in household.discussion and "onmouseover" not in household.discussion
    assert secret.case_id == hidden_case.id
    # Opening it again returns the same draft, not a second one.
    assert minutes.draft(town.coordinator, held).id == version.id


def test_only_the_coordinating_staff_draft_and_only_after_the_meeting(town, hidden_case):
    meeting = schedule(town)
    with pytest.raises(Refusal, match="終了後"):
        minutes.draft(town.coordinator, meeting)
    with pytest.raises(Refusal, match="調整機関"):
        minutes.draft(town.teacher, meeting)


def test_edit_confirm_lock_and_correct_keeps_the_old_version(held, town):
    version = minutes.draft(town.coordinator, held)
    household = version.sections[1]
    edit = minutes.MinutesEdit(
        title=version.title,
        held=version.held,
        place=version.place,
        remarks="<p>次回は<b>6月</b></p><script>x()</script>",
        sections={
            household.id: minutes.SectionEdit({"short_goals": "<ul><li>毎日登校</li></ul>"}, "学校", "母", "")
        },
    )
    minutes.edit(town.coordinator, version, edit, base_revision=0)
    assert version.remarks == "<p>次回は<b>6月</b></p>x()"
    assert household.short_goals == "<ul><li>毎日登校</li></ul>" and household.key_person == "母"
    with pytest.raises(Refusal, match="他の人"):
        minutes.edit(town.coordinator, version, edit, base_revision=0)
    minutes.confirm(town.coordinator, version)
    with pytest.raises(Refusal, match="確定した"):
        minutes.edit(town.coordinator, version, edit, base_revision=1)
    with pytest.raises(Refusal, match="理由"):
        minutes.correct(town.coordinator, version.minutes, "  ")
    second = minutes.correct(town.coordinator, version.minutes, "キーパーソンの誤り")
    assert (second.number, second.reason, second.locked) == (2, "キーパーソンの誤り", False)
    assert second.sections[1].short_goals == household.short_goals
    minutes.edit(town.coordinator, second, _keep(second, key_person="父"), base_revision=0)
    db.session.expire_all()
    first = version.minutes.versions[0]
    assert first.locked and first.sections[1].key_person == "母"
    assert version.minutes.confirmed.number == 1 and version.minutes.latest.number == 2
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("minutes.%")).order_by(AuditEntry.seq)
    ).all()
    assert actions == ["minutes.draft", "minutes.edit", "minutes.confirm", "minutes.correct", "minutes.edit"]


def _keep(version, **case_fields):
    """Return an edit that keeps the version's text and changes case fields of its case sections."""
    sections = {
        s.id: minutes.SectionEdit(
            {}, s.lead_agency, case_fields.get("key_person", s.key_person), s.next_review
        )
        for s in version.sections
    }
    return minutes.MinutesEdit(version.title, version.held, version.place, version.remarks, sections)


def test_complete_copy_is_a_proper_japanese_word_file(held, town, hidden_case):
    minutes.set_collect_handouts(town.coordinator, held, True)
    version = minutes.draft(town.coordinator, held)
    content = minutes_word.build(version, copy_for(town, held))
    doc = open_docx(content)
    check_word_basics(doc, town.council.name)
    text = body_text(doc)
    for heading in (
        "会議名",
        "日時",
        "場所",
        "出席機関・出席者",
        "対象ケース",
        "協議内容（現状・リスク）",
        "援助方針",
    ):
        assert heading in text
    for heading in ("短期目標", "長期目標", "役割分担", "主担当機関", "次回開催予定/モニタリング時期"):
        assert heading in text
    assert "調整機関控え（完全版）" in text and "配付資料は会議終了後に回収" in text
    for word in [*SECRET_WORDS[1:], town.haruto.name, town.yui.name]:
        assert word in text, word
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings[0] == "議題1　新規登録の報告"
    assert headings[1].startswith(f"議題2　ケース検討　ケース {town.case.case_number}（")
    assert town.haruto.name in headings[1] and town.yui.name in headings[1]
    assert headings[2] == f"議題3　ケース検討　ケース {hidden_case.case_number}（{SECRET_CHILD}）"
    attendees = doc.tables[1]
    assert [c.text for c in attendees.rows[0].cells] == ["機関", "氏名", "職名", "備考"]
    assert ["みどり第一小学校", "高橋"] in [[c.text for c in row.cells][:2] for row in attendees.rows]
    roles = [t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["機関", "担当者"]]
    assert [c.text for c in roles[0].rows[1].cells] == [
        "みどり第一小学校",
        "高橋",
        "毎朝の登校確認",
        roles[0].rows[1].cells[3].text,
    ]
    assert roles[0].rows[1].cells[3].text.startswith("令和")


def test_hostile_notes_come_out_as_plain_text(held, town):
    version = minutes.draft(town.coordinator, held)
    content = minutes_word.build(version, copy_for(town, held))
    doc = open_docx(content)
    text = body_text(doc)
    assert "太字の注意" in text and "閉じない" in text and "斜め" in text
    for markup in ("<script", "onmouseover", "steal()", "<b", "<p>", "<i>"):
        assert markup not in text
    bold = [r for p in doc.paragraphs for r in p.runs if "太字の注意" in r.text]
    assert bold and bold[0].bold


def test_an_agency_copy_says_nothing_of_a_case_it_may_not_see(held, town, hidden_case):
    minutes.draft(town.coordinator, held)
    version = minutes.minutes_of(held).latest
    copy = copy_for(town, held, town.school)
    assert copy.number is not None and copy.number >= 1
    content = minutes_word.build(version, copy)
    text = body_text(open_docx(content))
    everything = all_xml(content)
    assert f"配付番号 {copy.number}　みどり第一小学校 様" in text
    for word in [*SECRET_WORDS, hidden_case.case_number]:
        assert word not in everything, word
    assert "（非共有）" in text
    # The school sees its pupil's item (and only its pupil by name), and the report item.
    assert "毎朝の登校確認" in text and town.haruto.name in text and town.yui.name not in everything
    assert "新規登録が2件あった。" in text
    # The other school sees the hidden case and not the household.
    other = minutes_word.build(version, copy_for(town, held, town.other_school))
    other_text = body_text(open_docx(other))
    assert "転校手続きの確認" in other_text and SECRET_CHILD in other_text
    assert town.haruto.name not in all_xml(other) and "毎朝の登校確認" not in all_xml(other)


def test_numbered_copies_follow_the_attending_agencies(held, town):
    numbers = {a.name: n for n, a in enumerate(minutes_word.recipients(held, attending=True), start=1)}
    assert set(numbers) >= {"みどり第一小学校", "県中央児童相談所"}
    assert copy_for(town, held, town.cgc).number == numbers["県中央児童相談所"]
    # Only the coordinating staff take other agencies' copies; others get their own.
    assert minutes_word.copy_for(town.teacher, held, town.cgc.id, True) is None
    own = copy_for(town, held, user=town.teacher)
    assert own.agency == town.school and own.number == numbers["みどり第一小学校"] and not own.complete


def test_downloads_are_recorded_and_audited_with_the_copy(held, town, client, login):
    version = minutes.draft(town.coordinator, held)
    login(town.coordinator)
    response = client.get(f"/meetings/{held.id}/minutes.docx?agency={town.school.id}")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "転校手続きの確認" not in body_text(open_docx(response.data))
    full = client.get(f"/meetings/{held.id}/minutes.docx")
    assert "転校手続きの確認" in body_text(open_docx(full.data))
    copies = db.session.scalars(select(MinutesCopy).order_by(MinutesCopy.id)).all()
    assert [(c.agency_id, c.document, c.version_number) for c in copies] == [
        (town.school.id, "minutes", 1),
        (None, "minutes", 1),
    ]
    assert copies[1].label == "調整機関控え（完全版）" and copies[1].copy_number == 0
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "minutes.download")).all()
    assert [json.loads(a.detail)["copy"] for a in audits] == [copies[0].label, copies[1].label]
    assert version.number == 1


def test_participants_read_only_confirmed_minutes_in_their_own_view(held, town, client, login, app):
    version = minutes.draft(town.coordinator, held)
    login(town.teacher)
    assert client.get(f"/meetings/{held.id}/minutes.docx").status_code == 404
    assert client.get(f"/meetings/{held.id}/minutes.docx?agency={town.cgc.id}").status_code == 404
    minutes.confirm(town.coordinator, version)
    response = client.get(f"/meetings/{held.id}/minutes.docx")
    assert response.status_code == 200
    text = body_text(open_docx(response.data))
    assert "毎朝の登校確認" in text and "転校手続きの確認" not in text
    page = client.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    assert "毎朝の登校確認" in page and "転校手続きの確認" not in page and SECRET_CHILD not in page
    # A person of an agency never invited does not find the meeting at all.
    assert browser_of(app, town.doctor).get(f"/meetings/{held.id}/minutes.docx").status_code == 404


def test_coordinator_edits_confirms_and_corrects_through_the_pages(held, town, client, login, app):
    login(town.coordinator)
    assert client.submit(f"/meetings/{held.id}/minutes/draft").status_code == 302
    version = minutes.minutes_of(held).latest
    household = version.sections[1]
    page = client.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    # Each heading is a field of its own; no textarea shows stored HTML (the editor script takes
    # the cleaned HTML from a template and posts it under the field's name).
    assert f'name="s{household.id}-policy-text"' in page and 'class="rich-html"' in page
    for box in re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, re.S):
        assert "<p>" not in box and "&lt;p&gt;" not in box, box
    form = {
        "title": version.title,
        "held": version.held,
        "place": "オンライン",
        "remarks": "",
        "revision": "0",
        f"s{household.id}-policy": "<p>方針を<strong>変更</strong></p><img src=x onerror=y()>",
        f"s{household.id}-key_person": "祖母",
    }
    assert client.submit(f"/meetings/{held.id}/minutes/1/edit", form).status_code == 302
    db.session.expire_all()
    assert household.policy == "<p>方針を<strong>変更</strong></p>" and household.key_person == "祖母"
    # Without the script the plain lines typed in the textarea are kept as paragraphs.
    plain = {**form, "revision": "1", f"s{household.id}-policy-text": "一行目\n<二行目>"}
    del plain[f"s{household.id}-policy"]
    assert client.submit(f"/meetings/{held.id}/minutes/1/edit", plain).status_code == 302
    db.session.expire_all()
    assert household.policy == "<p>一行目</p><p>&lt;二行目&gt;</p>"
    assert client.submit(f"/meetings/{held.id}/minutes/1/confirm").status_code == 302
    again = client.submit(
        f"/meetings/{held.id}/minutes/1/edit", {**form, "revision": "2"}, follow_redirects=True
    )
    assert "確定した会議録は編集できません" in again.get_data(as_text=True)
    assert client.submit(f"/meetings/{held.id}/minutes/correct", {"reason": "場所の誤り"}).status_code == 302
    db.session.expire_all()
    assert [v.number for v in minutes.minutes_of(held).versions] == [1, 2]
    teacher = browser_of(app, town.teacher)
    assert teacher.submit(f"/meetings/{held.id}/minutes/correct", {"reason": "x"}).status_code == 403
