"""The demo town (flask seed-demo) in a live server, the two screens people use, and small page helpers."""

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import select

from cases.models import Case, Child
from demo import seed_demo_town
from demo.identity import DEMO_PASSWORD
from portal.extensions import db

# The two screens every everyday page is tried on: an office laptop and a phone.
SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
screens = pytest.mark.parametrize("screen", list(SCREENS), ids=list(SCREENS))


def seed(live) -> None:
    """Load the whole demo town into the live server's database."""
    with live.app.app_context():
        seed_demo_town()


def case_id_of(live, child_name: str) -> int:
    """Return the id of the case of a demo child (or expectant mother)."""
    with live.app.app_context():
        return db.session.scalar(select(Case.id).join(Child).where(Child.name == child_name))


def enter(page, log_in, login_id: str, screen: str) -> None:
    """Size the window for the screen and log a demo person in."""
    page.set_viewport_size(SCREENS[screen])
    log_in(login_id, DEMO_PASSWORD)


def log_out(page) -> None:
    """Log out through the header, opening the phone menu first when it is folded.

    On a phone the menu shows unfolded until nav.js has run and folded it, so the helper waits for
    the script (its js-nav class) before looking for the button; then it presses the toggle until the
    menu is open, and the logout waits for the login page it leads to.
    """
    button = page.locator("header").get_by_role("button", name="ログアウト")
    toggle = page.locator(".nav-toggle")
    if toggle.is_visible():
        page.locator(".site-header.js-nav").wait_for(state="attached")
    for _ in range(10):
        if button.is_visible():
            break
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        with contextlib.suppress(PlaywrightTimeoutError):
            button.wait_for(state="visible", timeout=500)
    with page.expect_navigation():
        button.click()
