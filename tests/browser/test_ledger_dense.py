"""A dense, configurable ledger: 15 cases or more on a laptop screen, columns remembered per person."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.demo_town import enter, log_out, screens, seed

pytestmark = pytest.mark.browser

EXTRA = ("年齢", "保護者", "援助方針", "児相関与", "終結日")


def choose_columns(page) -> None:
    """Open the column chooser, pick the extra columns and compact mode, and save."""
    page.locator(".column-chooser > summary").click()
    chooser = page.locator(".chooser-form")
    for label in EXTRA:
        chooser.get_by_label(label, exact=True).check()
    chooser.get_by_label(re.compile("コンパクト表示")).check()
    chooser.get_by_role("button", name="この表示を保存").click()
    expect(page.get_by_role("status")).to_contain_text("台帳の表示を保存しました。")


@screens
def test_sato_chooses_her_columns_and_sees_fifteen_cases_at_once(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "sato", screen)
    page.goto("/cases/")
    choose_columns(page)
    header = page.locator("table.ledger thead")
    for label in EXTRA:
        expect(header).to_contain_text(label)
    rows = page.locator("table.ledger tbody tr")
    height = page.viewport_size["height"]
    in_view = [
        b for b in (rows.nth(i).bounding_box() for i in range(rows.count())) if b["y"] + b["height"] <= height
    ]
    if screen == "desktop":
        assert len(in_view) >= 15, f"only {len(in_view)} cases fit the screen"
    else:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The choice is remembered: after logging out and in again, the same columns.
    log_out(page)
    log_in("sato", "Midori-Demo-2025")
    page.goto("/cases/")
    expect(page.locator("table.ledger thead")).to_contain_text("児相関与")
    log_out(page)
    log_in("ito", "Midori-Demo-2025")
    page.goto("/cases/")
    expect(page.locator("table.ledger thead")).not_to_contain_text("児相関与")


@screens
def test_a_closed_case_shows_its_closure_date(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "sato", screen)
    page.goto("/cases/?status=closed")
    first = page.locator("table.ledger tbody tr").first
    expect(first).to_contain_text(re.compile(r"終結 令和\d+年\d+月\d+日"))
    expect(first).not_to_contain_text("期限超過")


@screens
def test_the_meeting_case_picker_names_the_children(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "sato", screen)
    page.goto("/meetings/new")
    options = page.get_by_label("対象ケース（個別ケース検討会議）").locator("option")
    expect(options.filter(has_text="山本 はると・山本 ゆい")).to_have_count(1)
