"""Right choices only, in the demo town: a risk change says why and reaches 佐藤; pickers offer members."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.demo_town import case_id_of, enter, log_out, screens, seed

pytestmark = pytest.mark.browser


@screens
def test_ito_raises_a_risk_with_its_reason_and_sato_reads_it_on_her_home_page(
    live_server, page, log_in, screen
):
    seed(live_server)
    case_id = case_id_of(live_server, "坂本 蓮")
    enter(page, log_in, "ito", screen)
    page.goto(f"/cases/{case_id}/edit")
    current = page.locator("input[name=risk_level]:checked").get_attribute("value")
    page.get_by_label("低" if current != "1" else "高", exact=True).check()
    page.get_by_role("button", name="保存する").click()
    expect(page.locator("main")).to_contain_text("リスクを変更する理由を入力してください。")
    page.get_by_label("リスクを変更する理由").fill("家庭訪問で、母の体調と登校の様子を確認した")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status")).to_contain_text("台帳を更新しました。")
    log_out(page)

    log_in("sato", "Midori-Demo-2025")
    panel = page.locator("#other-agency-changes")
    expect(panel).to_contain_text("県中央児童相談所")
    expect(panel).to_contain_text("母の体調と登校の様子を確認した")
    expect(panel.get_by_role("link", name=re.compile("令和"))).not_to_have_count(0)


@screens
def test_the_consent_picker_offers_only_midoris_members(live_server, page, log_in, screen):
    seed(live_server)
    case_id = case_id_of(live_server, "山本 はると")
    enter(page, log_in, "sato", screen)
    page.goto(f"/cases/{case_id}/sharing")
    consents = page.locator("#consents")
    expect(consents.get_by_label("みどり市民病院", exact=True)).to_have_count(1)
    expect(consents.get_by_label("あおば町子ども家庭センター", exact=True)).to_have_count(0)
    expect(consents).not_to_contain_text("情報政策課")
    page.goto(f"/cases/{case_id}/close")
    page.get_by_label("終結日").fill("2999-01-01")
    page.get_by_label("終結理由").select_option(index=1)
    page.get_by_role("button", name=re.compile("終結")).click()
    expect(page.locator("main")).to_contain_text("終結日に未来の日付は入力できません。")
