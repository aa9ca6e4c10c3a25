"""From the first call to a case that follows the family, in the browser: a report taken on the 受付票
with its 48-hour countdown, sighting and 受理会議; a change of school; 所在不明 on the ledger; and a
transfer the receiving council sees only as a notice until it accepts."""

from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from portal.dates import TOKYO
from portal.extensions import db
from portal.models import Role
from tests.browser.demo_town import log_out
from tests.factories import AgencyFactory, CouncilFactory, UserFactory, kind

pytestmark = pytest.mark.browser


def build_town(live) -> int:
    """Create みどり市 and あおば町 (sharing one 児相) with the 山本 household registered in みどり市."""
    with live.app.app_context():
        council = CouncilFactory(name="みどり市要保護児童対策地域協議会", municipality="みどり市")
        aoba = CouncilFactory(name="あおば町要保護児童対策地域協議会", municipality="あおば町")
        center = AgencyFactory(
            name="みどり市こども家庭センター", kind=kind("こども家庭センター"), councils=[council]
        )
        aoba_center = AgencyFactory(
            name="あおば町子ども家庭センター", kind=kind("こども家庭センター"), councils=[aoba]
        )
        school = AgencyFactory(name="みどり第一小学校", kind=kind("小学校"), councils=[council])
        AgencyFactory(name="みどり第二小学校", kind=kind("小学校"), councils=[council])
        AgencyFactory(name="県中央児童相談所", kind=kind("児童相談所"), councils=[council, aoba])
        council.coordinating_agency = center
        aoba.coordinating_agency = aoba_center
        db.session.commit()
        sato = UserFactory(login_id="sato", name="佐藤", agency=center, roles=[Role.COORDINATOR])
        UserFactory(login_id="yamada", name="山田", agency=aoba_center, roles=[Role.COORDINATOR])
        case = registration.register_case(
            sato,
            CaseInput(
                council_id=council.id,
                category="protection",
                received_on=date(2025, 6, 2),
                abuse_types=["physical"],
                children=[
                    ChildInput("山本 はると", "やまもと はると", date(2016, 9, 1), "男", school.id, "3年2組")
                ],
                guardians=[GuardianInput("father", "山本 健", "やまもと けん")],
            ),
        )
        return case.id


def test_a_report_is_taken_checked_within_48_hours_and_decided(live_server, page, log_in):
    build_town(live_server)
    log_in("sato")
    page.locator("header").get_by_role("link", name="受付・安全確認").click()
    page.get_by_role("link", name="相談・通告を受け付ける").click()
    received = datetime.now(TOKYO) - timedelta(minutes=30)
    page.get_by_label("受付日").fill(received.date().isoformat())
    page.get_by_label("受付時刻").fill(received.strftime("%H:%M"))
    page.get_by_label("受付の方法").select_option(label="電話")
    page.get_by_label("匿名での通告").check()
    page.get_by_label("見たこと・聞いたこと").fill("夜中に泣き叫ぶ声が続いている")
    page.get_by_label("子ども1 氏名").fill("川口 そら")
    page.get_by_label("子どもの姿が確認できていない").check()
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_role("heading", name="相談・通告受付票（ケース")).to_be_visible()
    check = page.locator("#safety-check")
    expect(check).to_contain_text("時間）")
    expect(page.locator("main")).to_contain_text("中")

    seen = received + timedelta(minutes=20)
    check.get_by_label("確認日").fill(seen.date().isoformat())
    check.get_by_label("確認時刻").fill(seen.strftime("%H:%M"))
    check.get_by_label("確認した人（機関・氏名）").fill("佐藤（家庭訪問）")
    check.get_by_label("確認の方法").select_option(label="家庭訪問で直接目視")
    check.get_by_role("button", name="安全確認を記録").click()
    expect(page.locator("#safety-check")).to_contain_text("確認済み")

    decision = page.locator("#decision")
    decision.get_by_label("登録（要対協ケース）").check()
    decision.get_by_label("決定の理由").fill("継続的な見守りが必要")
    decision.get_by_label("登録区分（登録のとき）").select_option(label="要支援児童")
    decision.get_by_role("button", name="決定を記録").click()
    expect(page.locator("#decision")).to_contain_text("登録（要対協ケース）")


def test_missing_shows_on_the_ledger_and_a_school_change_shows_in_the_history(live_server, page, log_in):
    case_id = build_town(live_server)
    log_in("sato")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="転居・移管").click()
    page.locator("#missing").get_by_role("button", name="所在不明として記録").click()
    expect(page.locator("#missing")).to_contain_text("所在不明")
    page.goto("/cases/")
    expect(page.locator("#case-watch")).to_contain_text("所在不明")

    page.goto(f"/cases/{case_id}/moves")
    school = page.locator("#school-change")
    school.get_by_label("子ども").select_option(label="山本 はると")
    school.get_by_label("新しい所属（学校・保育所等）").select_option(label="みどり第二小学校")
    school.get_by_role("button", name="転校・転園を記録").click()
    page.goto(f"/cases/{case_id}/history")
    expect(page.locator("main")).to_contain_text("所属（転校・転園）")
    expect(page.locator("main")).to_contain_text("みどり第一小学校")
    expect(page.locator("main")).to_contain_text("みどり第二小学校")


def test_a_transfer_is_a_notice_until_the_receiving_council_accepts(live_server, page, log_in):
    case_id = build_town(live_server)
    log_in("sato")
    page.goto(f"/cases/{case_id}/moves")
    transfer = page.locator("#transfer")
    transfer.get_by_label("移管先の協議会").select_option(label="あおば町要保護児童対策地域協議会")
    transfer.get_by_label("移管の理由").fill("母の実家へ転居")
    transfer.get_by_label("高").check()
    transfer.get_by_role("button", name="移管の手続を始める").click()
    handover = page.locator("#handover")
    handover.get_by_label("電話").check()
    handover.get_by_label("引継ぎの相手（機関・氏名）").fill("あおば町 山田")
    handover.get_by_role("button", name="引継ぎを記録").click()
    expect(page.locator("#handover-set")).to_contain_text("電話")
    log_out(page)

    log_in("yamada")
    assert page.goto(f"/cases/{case_id}").status == 404
    page.goto("/")
    page.locator("#case-watch").get_by_role("link", name="からの移管").click()
    expect(page.locator("#handover-set")).to_contain_text("山本 はると")
    page.get_by_role("button", name="ケースを受け入れる").click()
    expect(page.get_by_role("heading", name="ケース")).to_contain_text("-")
    expect(page.locator("main")).to_contain_text("移管元：みどり市要保護児童対策地域協議会")
    page.goto("/cases/")
    expect(page.locator("table.ledger")).to_contain_text("山本 はると")
