"""In three real browsers: the facilitator runs a meeting; the school and the 児童相談所 follow live.

Moving on shows on the other pages within a second, the school never sees the case it may not see,
and a page reloaded mid-meeting comes back to the same state.
"""

import re
from datetime import date, datetime, time

import pytest
from playwright.sync_api import expect

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput
from meetings import services
from meetings.agenda import services as agenda
from meetings.models import ItemKind, Tier
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Role
from tests.factories import DEFAULT_PASSWORD, AgencyFactory, CouncilFactory, UserFactory, kind

pytestmark = pytest.mark.browser

# A change reaches every open page within this without a reload (generous: the suite shares two cores
# with the load bench; bench/live.py measures the real figures, tens of milliseconds).
LIVE = 3000

SECRET_CHILD = "川口 そら"


def build_meeting(live) -> tuple[int, str, str]:
    """Create みどり市, two cases and a practitioner meeting; return its id and both case numbers."""
    with live.app.app_context():
        council = CouncilFactory(name="みどり市要保護児童対策地域協議会", municipality="みどり市")
        center = AgencyFactory(
            name="みどり市こども家庭センター", kind=kind("こども家庭センター"), councils=[council]
        )
        school = AgencyFactory(name="みどり第一小学校", kind=kind("小学校"), councils=[council])
        other = AgencyFactory(name="みどり第二小学校", kind=kind("小学校"), councils=[council])
        cgc = AgencyFactory(name="県中央児童相談所", kind=kind("児童相談所"), councils=[council])
        council.coordinating_agency = center
        db.session.commit()
        suzuki = UserFactory(
            login_id="suzuki", name="鈴木", agency=center, roles=[Role.FACILITATOR, Role.COORDINATOR]
        )
        UserFactory(login_id="takahashi", name="高橋", agency=school)
        UserFactory(login_id="ito", name="伊藤", agency=cgc, roles=[Role.CASEWORKER])
        household = registration.register_case(
            suzuki,
            CaseInput(
                council_id=council.id,
                category="protection",
                received_on=date(2025, 6, 2),
                abuse_types=["physical"],
                children=[ChildInput("山本 はると", "", date(2016, 9, 1), "男", school.id, "3年2組")],
            ),
        )
        hidden = registration.register_case(
            suzuki,
            CaseInput(
                council_id=council.id,
                category="support",
                received_on=date(2025, 5, 1),
                children=[ChildInput(SECRET_CHILD, "", date(2015, 4, 3), "男", other.id, "4年1組")],
            ),
        )
        meeting = services.schedule_meeting(
            suzuki,
            services.MeetingInput(
                council_id=council.id,
                tier=Tier.PRACTITIONER.value,
                title="6月の実務者会議",
                starts_at=datetime.combine(today_in_japan(), time(10), tzinfo=services.JST),
                agency_ids=[school.id, cgc.id],
            ),
        )
        for item in (
            agenda.ItemInput(ItemKind.REPORT.value, "開会・新規登録の報告", "鈴木", 5),
            agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, household.id),
            agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, hidden.id),
        ):
            agenda.add_item(suzuki, meeting, item)
        return meeting.id, household.case_number, hidden.case_number


def open_as(browser, live, login_id: str, path: str):
    """Log a person in on their own browser context and open the page."""
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=live.url)
    context.set_default_timeout(10_000)
    other = context.new_page()
    other.goto("/login")
    other.get_by_label("ログインID", exact=True).fill(login_id)
    other.get_by_label("パスワード", exact=True).fill(DEFAULT_PASSWORD)
    other.get_by_role("button", name="ログイン", exact=True).click()
    other.wait_for_load_state()
    other.goto(path)
    return context, other


def test_participants_follow_the_facilitator_live(live_server, browser, page, log_in):
    meeting_id, household_number, hidden_number = build_meeting(live_server)
    room = f"/meetings/{meeting_id}/live"
    log_in("suzuki")
    page.goto(room)
    school_context, school = open_as(browser, live_server, "takahashi", room)
    cgc_context, cgc = open_as(browser, live_server, "ito", room)
    try:
        for each in (page, school, cgc):
            expect(each.locator("#meeting-room")).to_have_attribute("data-connected", "yes")
        expect(page.locator("#presence")).to_contain_text("高橋")
        expect(page.locator("#presence")).to_contain_text("伊藤")
        school.evaluate("window.notReloaded = true")

        page.get_by_role("button", name="会議を開始").click()
        for each in (school, cgc):
            expect(each.locator("#current-title")).to_contain_text("開会・新規登録の報告", timeout=LIVE)
            expect(each.locator("#meeting-status")).to_have_text("開催中", timeout=LIVE)

        page.get_by_role("button", name="次の議題").click()
        expect(school.locator("#current-title")).to_contain_text(
            f"ケース {household_number} 山本 はると", timeout=LIVE
        )
        expect(cgc.locator("#current-title")).to_contain_text(household_number, timeout=LIVE)
        # The school's card of the case: the ledger's rows, its own child's report rows only.
        card = school.locator("#case-cards")
        expect(card).to_contain_text("リスク")
        expect(card).to_contain_text("最新の定期報告（山本 はると）")
        expect(card).to_contain_text("未記録")
        expect(card).not_to_contain_text("ゆい")
        page.locator("#notes").fill("家庭訪問の結果、父は面会に応じた。")
        expect(school.locator("#notes-view")).to_have_text("家庭訪問の結果、父は面会に応じた。")
        expect(school.locator("#timer")).to_have_text(re.compile(r"^\d\d:\d\d$"))
        # The decision form is a labelled grid in the minutes' headings.
        page.get_by_label("現状", exact=True).fill("父は指導に応じている。")
        page.get_by_label("短期目標").fill("毎日登校する")
        page.get_by_label(re.compile(r"^リスクの変更（現在")).select_option("1")
        page.get_by_role("button", name="決定を記録").click()
        expect(page.locator("#room-message")).to_contain_text("リスクを変更するときは")
        page.get_by_label("リスク変更の理由（変更するときは必須）").fill("あざが見られなくなった")
        page.get_by_role("button", name="決定を記録").click()
        expect(school.locator("#decision-view")).to_contain_text("短期目標: 毎日登校する", timeout=2000)
        expect(school.locator("#decision-view")).to_contain_text("リスクの変更: 低")
        expect(school.locator(".decision-form")).to_have_count(0)

        page.keyboard.press("Alt+ArrowDown")
        expect(page.locator("#current-title")).to_contain_text(SECRET_CHILD)
        for each in (school, cgc):
            expect(each.locator("#current-title")).to_have_text("3. 非共有", timeout=LIVE)
        page.locator("#notes").fill(f"{SECRET_CHILD}は欠席が続く。")
        expect(page.locator("#meeting-room")).to_have_attribute("data-change-number", "6")
        for each in (school, cgc):
            expect(each.locator("#meeting-room")).to_have_attribute("data-change-number", "6")
            content = each.content()
            assert SECRET_CHILD not in content and hidden_number not in content
        assert school.evaluate("window.notReloaded") is True

        # A page reloaded mid-meeting comes back to the same state.
        page.get_by_role("button", name="前の議題").click()
        expect(school.locator("#current-title")).to_contain_text(household_number, timeout=LIVE)
        school.reload()
        expect(school.locator("#meeting-room")).to_have_attribute("data-connected", "yes")
        expect(school.locator("#current-title")).to_contain_text(f"ケース {household_number}")
        expect(school.locator("#notes-view")).to_have_text("家庭訪問の結果、父は面会に応じた。")
        expect(school.locator("#meeting-room")).to_have_attribute("data-change-number", "7")
        # One number per item; each shows its planned minutes, the current one its running time.
        expect(school.locator("#agenda > li").first).to_contain_text("1. [報告]")
        assert "1. 1." not in school.locator("#agenda").inner_text()
        expect(school.locator("#agenda > li").nth(1)).to_contain_text("予定 10分")
        expect(school.locator("#item-running")).to_have_text(re.compile(r"^\d\d:\d\d$"))
        expect(school.locator("#connection")).to_contain_text("接続済み")
        assert "変更番号" not in school.content()
        assert SECRET_CHILD not in school.content()

        # A pause and the end reach every page at once, the facilitator's too, without a reload.
        for each in (page, school, cgc):
            each.evaluate("window.notReloaded = true")
        page.get_by_role("button", name="休憩").click()
        for each in (page, school, cgc):
            expect(each.locator("#meeting-status")).to_have_text("休憩中", timeout=LIVE)
            expect(each.locator("#timer")).to_contain_text("休憩中")
        page.get_by_role("button", name="再開").click()
        expect(school.locator("#meeting-status")).to_have_text("開催中", timeout=LIVE)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="会議を終了して台帳に反映").click()
        for each in (page, school, cgc):
            expect(each.locator("#meeting-status")).to_have_text("終了", timeout=LIVE)
            expect(each.locator("#timer")).to_have_text("--:--")
            expect(each.locator("#ended-note")).to_be_visible()
        expect(page.get_by_role("button", name="次の議題")).to_be_hidden()
        assert all(each.evaluate("window.notReloaded") for each in (page, school, cgc))
    finally:
        school_context.close()
        cgc_context.close()


def test_the_recorder_types_the_notes_the_facilitator_runs_the_meeting(live_server, browser, page, log_in):
    meeting_id, household_number, _hidden_number = build_meeting(live_server)
    with live_server.app.app_context():
        from meetings.models import Meeting
        from portal.models import User

        meeting = db.session.get(Meeting, meeting_id)
        suzuki = db.session.query(User).filter_by(login_id="suzuki").one()
        ito = db.session.query(User).filter_by(login_id="ito").one()
        services.set_recorder(suzuki, meeting, ito.id)
    room = f"/meetings/{meeting_id}/live"
    log_in("suzuki")
    page.goto(room)
    recorder_context, recorder = open_as(browser, live_server, "ito", room)
    try:
        for each in (page, recorder):
            expect(each.locator("#meeting-room")).to_have_attribute("data-connected", "yes")
        expect(recorder.get_by_role("button", name="次の議題")).to_have_count(0)
        page.get_by_role("button", name="会議を開始").click()
        for each in (page, recorder):
            expect(each.locator("#current-title")).to_contain_text("開会・新規登録の報告")
        page.get_by_role("button", name="次の議題").click()
        expect(page.locator("#current-title")).to_contain_text(household_number)
        expect(recorder.locator("#current-title")).to_contain_text(household_number, timeout=LIVE)
        recorder.locator("#notes").fill("記録係：父は面会に応じた。")
        expect(page.locator("#notes")).to_have_value("記録係：父は面会に応じた。", timeout=3000)
        # The case the 児童相談所 may not see: no notes box for the recorder, only 非共有.
        page.get_by_role("button", name="次の議題").click()
        expect(page.locator("#current-title")).to_contain_text(SECRET_CHILD)
        expect(recorder.locator("#current-title")).to_have_text("3. 非共有", timeout=LIVE)
        expect(recorder.locator("#notes")).to_have_count(0)
    finally:
        recorder_context.close()
