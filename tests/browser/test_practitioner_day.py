"""A whole 実務者会議 in four real browsers, as a council runs it.

25 registered cases are put on the agenda from the ledger; 鈴木 runs the meeting while the school
(高橋), the nursery (田中) and the 児童相談所 (伊藤) follow in their own browsers: start, items,
a decision and a role, the shared cases approved together, the end on every screen, attendance (one
person added by hand), the confirmed minutes, and each agency's numbered copy checked for what it
may and may not contain.
"""

import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn
from playwright.sync_api import expect

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput
from meetings import services
from meetings.agenda import services as agenda
from meetings.agenda import triage
from meetings.models import ItemKind, Meeting, Tier
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Role
from tests.browser.test_meeting_live import open_as
from tests.factories import AgencyFactory, CouncilFactory, UserFactory, kind

pytestmark = pytest.mark.browser

CASES = 25


def build_day(live) -> dict:
    """Create みどり市 with 25 registered cases and today's practitioner meeting built from the ledger."""
    with live.app.app_context():
        council = CouncilFactory(name="みどり市要保護児童対策地域協議会", municipality="みどり市")
        center = AgencyFactory(
            name="みどり市こども家庭センター", kind=kind("こども家庭センター"), councils=[council]
        )
        school = AgencyFactory(name="みどり第一小学校", kind=kind("小学校"), councils=[council])
        nursery = AgencyFactory(name="ひかり保育園", kind=kind("保育所"), councils=[council])
        cgc = AgencyFactory(name="県中央児童相談所", kind=kind("児童相談所"), councils=[council])
        health = AgencyFactory(name="みどり市保健センター", kind=kind("保健センター"), councils=[council])
        council.coordinating_agency = center
        db.session.commit()
        suzuki = UserFactory(
            login_id="suzuki", name="鈴木", agency=center, roles=[Role.FACILITATOR, Role.COORDINATOR]
        )
        UserFactory(login_id="takahashi", name="高橋", agency=school)
        UserFactory(login_id="tanaka", name="田中", agency=nursery)
        UserFactory(login_id="ito", name="伊藤", agency=cgc, roles=[Role.CASEWORKER])
        UserFactory(login_id="ogawa", name="小川", agency=health)
        children = {}
        for n in range(CASES):
            at_school = n % 2 == 0
            name = f"{'学校' if at_school else '保育'}児童{n:02d}"
            case = registration.register_case(
                suzuki,
                CaseInput(
                    council_id=council.id,
                    category="support" if n % 3 else "protection",
                    received_on=date(2025, 4, 1) + timedelta(days=n),
                    risk_level=3 if n < 3 else 2,
                    abuse_types=["neglect"] if n % 3 == 0 else [],
                    support_policy=f"<p>方針{n:02d}：見守りを続ける</p>",
                    children=[
                        ChildInput(
                            name, "", date(2017, 4, 1), "女", (school if at_school else nursery).id, "1組"
                        )
                    ],
                ),
            )
            children[case.id] = name
            # Reported on last month, so that stable cases are 共有のみ; five have no report (協議).
            if n >= 5:
                case.children[0].last_reported_on = today_in_japan() - timedelta(days=20)
        db.session.commit()
        day = today_in_japan()
        meeting = services.schedule_meeting(
            suzuki,
            services.MeetingInput(
                council_id=council.id,
                tier=Tier.PRACTITIONER.value,
                title="今月の実務者会議",
                starts_at=datetime.combine(day, time(10), tzinfo=services.JST),
                minutes_planned=150,
                place="みどり市役所 大会議室",
                agency_ids=[school.id, nursery.id, cgc.id, health.id],
            ),
        )
        agenda.add_item(
            suzuki, meeting, agenda.ItemInput(ItemKind.REPORT.value, "開会・新規登録の報告", "鈴木", 5)
        )
        triage.build_agenda(suzuki, meeting)
        db.session.refresh(meeting)
        items = [i for i in meeting.items if i.case_id]
        assert len(items) == CASES
        assert {i.mark for i in items} == {"share", "discuss"}
        # The first case item of a child at the school, that the nursery may not see.
        target = next(i for i in items if children[i.case_id].startswith("学校") and i.case.abuse_types)
        return {
            "meeting_id": meeting.id,
            "target_item": target.id,
            "target_case": target.case.case_number,
            "target_child": children[target.case_id],
            "school_children": [n for n in children.values() if n.startswith("学校")],
            "nursery_children": [n for n in children.values() if n.startswith("保育")],
            "agencies": {"school": school.id, "nursery": nursery.id, "cgc": cgc.id, "health": health.id},
            "cgc_name": cgc.name,
        }


def docx_text(content: bytes) -> str:
    """Return a Word file's text: the body's paragraphs and cells, and the page headers."""
    doc = Document(io.BytesIO(content))
    lines = [
        "".join(t.text or "" for t in block.iter(qn("w:t"))) for block in doc.element.body.iterchildren()
    ]
    lines += [p.text for p in doc.sections[0].header.paragraphs]
    return "\n".join(lines)


def test_a_whole_practitioner_meeting(live_server, browser, page, log_in):
    day = build_day(live_server)
    meeting_id = day["meeting_id"]
    room = f"/meetings/{meeting_id}/live"
    log_in("suzuki")
    page.goto(f"/meetings/{meeting_id}")
    expect(page.locator("#steps")).to_contain_text("会議室を開いて会議を始める")
    page.get_by_role("link", name="会議室を開いて会議を始める").click()
    others = {login: open_as(browser, live_server, login, room) for login in ("takahashi", "tanaka", "ito")}
    school, nursery, cgc = (others[login][1] for login in ("takahashi", "tanaka", "ito"))
    everyone = [page, school, nursery, cgc]
    try:
        for each in everyone:
            expect(each.locator("#meeting-room")).to_have_attribute("data-connected", "yes")
        expect(page.locator("#presence")).to_contain_text("田中")

        # Start: every screen follows; 26 items, one number each.
        page.get_by_role("button", name="会議を開始").click()
        for each in everyone:
            expect(each.locator("#meeting-status")).to_have_text("開催中", timeout=2000)
            expect(each.locator("#agenda > li")).to_have_count(CASES + 1)
        assert "1. 1." not in school.locator("#agenda").inner_text()

        # The school's case: the nursery sees only 非共有; the school its card and the decision.
        page.locator(f'#agenda > li[data-item="{day["target_item"]}"] button').click()
        expect(school.locator("#current-title")).to_contain_text(day["target_case"], timeout=2000)
        expect(school.locator("#case-cards")).to_contain_text("援助方針（現在）")
        expect(nursery.locator("#current-title")).to_contain_text("非共有", timeout=2000)
        page.get_by_label("現状", exact=True).fill("欠席が減り、表情が明るい。")
        page.get_by_label("援助方針", exact=True).fill("学校が毎朝見守り、児童相談所が月1回家庭訪問する。")
        page.get_by_label("短期目標").fill("毎日登校する")
        page.get_by_role("button", name="決定を記録").click()
        expect(school.locator("#decision-view")).to_contain_text("短期目標: 毎日登校する", timeout=2000)
        form = page.locator(".assign-form")
        form.get_by_label("機関").select_option(label=day["cgc_name"])
        form.get_by_label("担当者").fill("伊藤")
        form.get_by_label("役割").fill("月1回の家庭訪問")
        form.get_by_label("期限").fill((today_in_japan() + timedelta(days=30)).isoformat())
        form.get_by_role("button", name="役割を追加").click()
        for each in (school, cgc):
            expect(each.locator("#assignments")).to_contain_text("月1回の家庭訪問", timeout=2000)
        assert day["target_child"] not in nursery.content() and day["target_case"] not in nursery.content()

        # The shared cases together, then the end on every screen without a reload.
        page.get_by_role("button", name="共有のみのケースの方針案を一括承認").click()
        expect(page.locator("#room-message")).to_have_text("")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="会議を終了して台帳に反映").click()
        for each in everyone:
            expect(each.locator("#meeting-status")).to_have_text("終了", timeout=3000)
            expect(each.locator("#ended-note")).to_be_visible()

        # Attendance: the three followed from the start; 小川 came without a device, late.
        page.get_by_role("link", name="会議のページで出席と会議録へ進む").click()
        attendance = page.locator("#attendance")
        for name in ("高橋", "田中", "伊藤"):
            expect(attendance).to_contain_text(name)
        add = attendance.locator("form.grid-form")
        add.get_by_label("氏名").fill("小川 浩")
        add.get_by_label("機関", exact=True).select_option(label="みどり市保健センター")
        add.get_by_label("職名・役割").fill("保健師")
        add.get_by_label("遅参").check()
        add.get_by_role("button", name="出席者を追加").click()
        expect(page.locator("#attendance")).to_contain_text("小川 浩")

        # Minutes: draft, confirm, then every agency's numbered copy.
        page.get_by_role("button", name="会議録の下書きを作成する").click()
        expect(page).to_have_url(re.compile(r"/minutes$"))  # the draft opens for editing
        expect(page.locator(".rich-editor").first).to_be_visible()
        page.get_by_role("button", name="確定する（以後は編集できません）").click()
        expect(page.locator("body")).to_contain_text("会議録を確定しました。")
        page.goto(f"/meetings/{meeting_id}#documents")
        rows = page.locator("#documents tbody tr")
        copies = {}
        for index in range(rows.count()):
            row = rows.nth(index)
            number, name = row.locator("td").nth(0).inner_text(), row.locator("td").nth(1).inner_text()
            href = row.get_by_role("link", name="会議録").get_attribute("href")
            response = page.request.get(href)
            assert response.status == 200, name
            copies[name] = (number, docx_text(response.body()))
            packet = page.request.get(row.get_by_role("link", name="会議資料").get_attribute("href"))
            assert packet.status == 200, name
        assert set(copies) >= {"みどり第一小学校", "ひかり保育園", "県中央児童相談所", "みどり市保健センター"}
        for name, (number, text) in copies.items():
            assert f"配付番号 {number}　{name} 様" in text, name
        school_copy = copies["みどり第一小学校"][1]
        nursery_copy = copies["ひかり保育園"][1]
        cgc_copy = copies["県中央児童相談所"][1]
        assert day["target_child"] in school_copy and "月1回の家庭訪問" in school_copy
        assert "月1回の家庭訪問" in cgc_copy
        assert "小川 浩" in school_copy and "遅参" in school_copy
        assert "記録者" in school_copy and "確定者" in school_copy
        for child in day["nursery_children"]:
            assert child not in school_copy, child
        for child in day["school_children"]:
            assert child not in nursery_copy, child
        assert day["target_case"] not in nursery_copy and "（非共有）" in nursery_copy
        assert "共有のみのケース（方針案を一括承認）" in school_copy
    finally:
        for context, _page in others.values():
            context.close()
    with live_server.app.app_context():
        assert db.session.get(Meeting, meeting_id).status == "ended"
