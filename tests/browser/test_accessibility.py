"""Accessibility: a skip link, a visible focus ring, labelled inputs, keyboard order; axe-core really runs."""

import pytest
from playwright.sync_api import expect

from tests.browser import accessibility
from tests.browser.demo_town import SCREENS, case_id_of, enter, screens, seed

pytestmark = pytest.mark.browser

BAD_PAGE = '<!doctype html><html lang="ja"><title>t</title><main><input type="text"></main></html>'


def test_the_axe_check_catches_an_unlabelled_input_on_load(browser):
    page = browser.new_page()
    found: list[str] = []
    accessibility.watch(page, found)
    page.route("http://a11y.invalid/", lambda route: route.fulfill(body=BAD_PAGE, content_type="text/html"))
    page.goto("http://a11y.invalid/")
    page.wait_for_timeout(500)
    page.close()
    assert any(" label " in line for line in found), found


@screens
def test_keyboard_first_reaches_the_skip_link_then_the_page_in_order(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "sato", screen)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # No element jumps the queue with a positive tabindex anywhere on the everyday pages.
    case_id = case_id_of(live_server, "山本 はると")
    for url in ("/", "/cases/", f"/cases/{case_id}", f"/cases/{case_id}/edit", "/cases/new", "/meetings/new"):
        page.goto(url)
        assert page.locator("[tabindex]:not([tabindex='-1']):not([tabindex='0'])").count() == 0, url


@screens
def test_every_input_of_the_meeting_form_has_a_name(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "sato", screen)
    page.goto("/meetings/new")
    group = page.get_by_role("group", name="招待する機関")
    expect(group.get_by_role("checkbox")).to_have_count(13)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
              .map(e => e.name)"""
    )
    assert unnamed == []
    assert SCREENS[screen]["width"] == page.viewport_size["width"]
