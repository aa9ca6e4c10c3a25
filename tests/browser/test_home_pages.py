"""Home pages per role in the demo town: each person sees what to do today, on a laptop and a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.demo_town import case_id_of, enter, log_out, screens, seed

pytestmark = pytest.mark.browser


@screens
def test_sato_sees_alerts_overdue_reviews_missing_reports_and_itos_risk(live_server, page, log_in, screen):
    seed(live_server)
    main = page.locator("main")
    enter(page, log_in, "ito", screen)
    case_id = case_id_of(live_server, "坂本 蓮")
    page.goto(f"/cases/{case_id}/edit")
    current = page.locator("input[name=risk_level]:checked").get_attribute("value")
    page.get_by_label("高" if current != "3" else "中", exact=True).check()
    page.get_by_label("リスクを変更する理由").fill("家庭訪問で新しいあざを確認")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status")).to_contain_text("台帳を更新しました")
    log_out(page)
    log_in("sato", "Midori-Demo-2025")
    expect(main.locator("#reports-coordinator-panel")).to_contain_text("未確認のアラート")
    expect(main.locator("#missing-reports")).to_contain_text("みどり第二小学校")
    expect(main.locator("#overdue-reviews")).to_contain_text("日超過")
    expect(main.locator("#other-agency-changes")).to_contain_text("家庭訪問で新しいあざを確認")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@screens
def test_takahashi_sees_her_reports_due_and_tasks(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "takahashi", screen)
    main = page.locator("main")
    expect(main).to_contain_text("定期報告")
    expect(main.locator("#overdue-reviews")).to_have_count(0)
    expect(main.locator("#other-agency-changes")).to_have_count(0)


@screens
def test_ito_sees_what_changed_across_his_councils_since_his_last_visit(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "ito", screen)
    log_out(page)
    enter(page, log_in, "sato", screen)
    case_id = case_id_of(live_server, "坂本 蓮")
    page.goto(f"/cases/{case_id}/edit")
    page.get_by_label("主たる援助者").fill("佐藤（こども家庭センター）・伊藤")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status")).to_contain_text("台帳を更新しました")
    log_out(page)
    log_in("ito", "Midori-Demo-2025")
    changes = page.locator("#changes-since-last-visit")
    expect(changes).to_contain_text("前回のログイン以降")
    expect(changes).to_contain_text("佐藤（こども家庭センター）・伊藤")


@screens
def test_nakamura_sees_the_due_dates_of_the_women_she_supports(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "nakamura", screen)
    pregnancies = page.locator("#pregnancies")
    expect(pregnancies).to_contain_text("小林 あかり")
    expect(pregnancies).to_contain_text("あと")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
