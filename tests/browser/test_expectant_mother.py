"""特定妊婦 in the demo town: 小林あかり is the subject; 中村 writes her plan; the baby joins the case."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.demo_town import case_id_of, enter, screens, seed

pytestmark = pytest.mark.browser


@screens
def test_the_pregnant_woman_stands_where_a_child_would(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "sato", screen)
    page.goto("/cases/?category=pregnant")
    ledger = page.locator("table.ledger")
    expect(ledger).to_contain_text("小林 あかり")
    expect(ledger).to_contain_text("妊婦")
    expect(ledger).not_to_contain_text("（非共有）")


@screens
def test_nakamura_opens_and_writes_the_plan_of_a_woman_she_supports(live_server, page, log_in, screen):
    seed(live_server)
    case_id = case_id_of(live_server, "上田 かおる")
    enter(page, log_in, "nakamura", screen)
    page.goto(f"/cases/{case_id}/plans")
    expect(page.get_by_role("heading", name=re.compile("サポートプラン"))).to_be_visible()
    page.goto(f"/cases/{case_id}/plans/new")
    page.get_by_label("保護者の意向（こうしたい・こうなりたい）").fill("安心して出産したい")
    page.get_by_label("解決すべき課題（一緒に解決を目指すこと）").fill("妊婦健診の受診")
    page.get_by_label("支援1 種類").select_option(label="相談")
    page.get_by_label("支援1 内容").fill("保健師の訪問")
    page.get_by_label("担当者").select_option(label="中村 優子")
    page.get_by_role("button", name="プランを作成する").click()
    expect(page.get_by_role("status")).to_contain_text("サポートプランを作成しました。")


@screens
def test_after_the_birth_sato_adds_the_baby_to_the_same_case(live_server, page, log_in, screen):
    seed(live_server)
    case_id = case_id_of(live_server, "西田 美羽")
    enter(page, log_in, "sato", screen)
    page.goto(f"/cases/{case_id}")
    page.get_by_text("子どもを追加する（出生・きょうだいなど）").click()
    page.get_by_label("氏名", exact=True).fill("西田 ひかり")
    page.get_by_label("ふりがな", exact=True).fill("にしだ ひかり")
    page.get_by_role("button", name="このケースに子どもを追加").click()
    expect(page.get_by_role("status")).to_contain_text("西田 ひかり をこのケースに追加しました。")
    expect(page.locator("main")).to_contain_text("西田 美羽")
    expect(page).to_have_url(f"{live_server.url}/cases/{case_id}")
