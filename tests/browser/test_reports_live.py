"""In a real browser: a school submits; the coordinator's open alert list shows it without reloading."""

from datetime import date

import pytest
from playwright.sync_api import expect

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput
from portal.extensions import db
from portal.models import Role
from tests.factories import DEFAULT_PASSWORD, AgencyFactory, CouncilFactory, UserFactory, kind

pytestmark = pytest.mark.browser


def build_town(live) -> None:
    """Create みどり市 with its center, one school, 佐藤, 高橋 and はると's registered case."""
    with live.app.app_context():
        council = CouncilFactory(name="みどり市要保護児童対策地域協議会", municipality="みどり市")
        center = AgencyFactory(
            name="みどり市こども家庭センター", kind=kind("こども家庭センター"), councils=[council]
        )
        school = AgencyFactory(name="みどり第一小学校", kind=kind("小学校"), councils=[council])
        council.coordinating_agency = center
        db.session.commit()
        coordinator = UserFactory(login_id="sato", name="佐藤", agency=center, roles=[Role.COORDINATOR])
        UserFactory(login_id="takahashi", name="高橋", agency=school)
        registration.register_case(
            coordinator,
            CaseInput(
                council_id=council.id,
                category="protection",
                received_on=date(2025, 6, 2),
                abuse_types=["physical"],
                children=[
                    ChildInput("山本 はると", "やまもと はると", date(2016, 9, 1), "男", school.id, "3年2組")
                ],
            ),
        )


def test_school_submits_and_coordinator_sees_the_alert_live(live_server, browser, page, log_in):
    build_town(live_server)
    log_in("sato")
    page.goto("/reports/alerts")
    expect(page.get_by_role("heading", name="アラート　みどり市要保護児童対策地域協議会")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-realtime", "connected")
    expect(page.locator("[data-open-alerts]").first).to_have_text("0")
    page.evaluate("window.notReloaded = true")

    school = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=live_server.url)
    teacher = school.new_page()
    try:
        teacher.goto("/login")
        teacher.get_by_label("ログインID", exact=True).fill("takahashi")
        teacher.get_by_label("パスワード", exact=True).fill(DEFAULT_PASSWORD)
        teacher.get_by_role("button", name="ログイン", exact=True).click()
        teacher.goto("/reports/monthly")
        teacher.get_by_label("授業・開所日数").fill("19")
        for label, value in (
            ("出席日数", "10"),
            ("欠席日数（連絡あり）", "0"),
            ("欠席日数（連絡なし）", "9"),
            ("遅刻", "0"),
            ("早退", "0"),
            ("連続欠席日数", "9"),
            ("欠席の理由", "連絡がつかない"),
        ):
            teacher.get_by_label(f"山本 はると {label}", exact=True).fill(value)
        teacher.get_by_role("button", name="すべて提出").click()
        expect(teacher.get_by_role("status").first).to_contain_text("報告を提出しました")
    finally:
        school.close()

    row = page.locator("#alert-list tbody tr").first
    expect(row).to_contain_text("山本 はると")
    expect(row).to_contain_text("7日以上の連続欠席")
    expect(row).to_contain_text("みどり第一小学校")
    expect(page.locator("[data-open-alerts]").first).to_have_text("1")
    expect(page.locator("#live-toasts")).to_contain_text("新しいアラート")
    assert page.evaluate("window.notReloaded") is True

    row.get_by_label("対応", exact=True).select_option(label="家庭訪問")
    row.get_by_label("対応の記録").fill("中村が夕方に家庭訪問")
    row.get_by_role("button", name="確認済みにする").click()
    expect(page.get_by_role("status").first).to_contain_text("確認済みにしました（家庭訪問）")
    expect(page.locator("#alert-list tbody tr").first).to_contain_text("家庭訪問（佐藤・")
