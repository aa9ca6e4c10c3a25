"""In a real browser: the coordinator drags an agenda item to the top; the server's order stays.

The drop is saved through the JSON endpoint, the numbers follow, the database holds the new order
and a reload shows it. A refused drop puts the list back in the server's order with its message.
"""

from datetime import datetime, time

import pytest
from playwright.sync_api import Page, expect

from meetings import services
from meetings.agenda import services as agenda
from meetings.models import ItemKind, Meeting, MeetingStatus, Tier
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Role
from tests.factories import AgencyFactory, CouncilFactory, UserFactory, kind

pytestmark = pytest.mark.browser

TITLES = ["開会のあいさつ", "新規登録の報告", "閉会のあいさつ"]


def build_meeting(live) -> int:
    """Create みどり市 and a practitioner meeting with three agenda items; return its id."""
    with live.app.app_context():
        council = CouncilFactory(name="みどり市要保護児童対策地域協議会", municipality="みどり市")
        center = AgencyFactory(
            name="みどり市こども家庭センター", kind=kind("こども家庭センター"), councils=[council]
        )
        school = AgencyFactory(name="みどり第一小学校", kind=kind("小学校"), councils=[council])
        council.coordinating_agency = center
        db.session.commit()
        suzuki = UserFactory(
            login_id="suzuki", name="鈴木", agency=center, roles=[Role.FACILITATOR, Role.COORDINATOR]
        )
        meeting = services.schedule_meeting(
            suzuki,
            services.MeetingInput(
                council_id=council.id,
                tier=Tier.PRACTITIONER.value,
                title="6月の実務者会議",
                starts_at=datetime.combine(today_in_japan(), time(10), tzinfo=services.JST),
                agency_ids=[school.id],
            ),
        )
        for title in TITLES:
            agenda.add_item(suzuki, meeting, agenda.ItemInput(ItemKind.REPORT.value, title, "鈴木", 5))
        return meeting.id


def stored_titles(live, meeting_id: int) -> list[str]:
    """Return the agenda titles in the order the database holds them."""
    with live.app.app_context():
        return [i.title for i in db.session.get(Meeting, meeting_id).items]


def drag_above(page: Page, moving: int, onto: int) -> None:
    """Drag the handle of the item numbered `moving` onto the top half of the item numbered `onto`."""
    rows = page.locator("#agenda-list > li")
    # Playwright drives Chromium's native drag events (dragstart, dragover, drop), which SortableJS uses.
    handle = rows.nth(moving - 1).locator(".drag-handle")
    handle.drag_to(rows.nth(onto - 1), target_position={"x": 40, "y": 2})


def expect_order(page: Page, titles: list[str]) -> None:
    """Check the list shows the titles in this order, numbered from 1."""
    rows = page.locator("#agenda-list > li")
    expect(rows).to_have_count(len(titles))
    for number, title in enumerate(titles, start=1):
        expect(rows.nth(number - 1)).to_contain_text(title)
        expect(rows.nth(number - 1).locator(".number")).to_have_text(f"{number}.")


def test_the_coordinator_drags_the_last_item_to_the_top(live_server, page, log_in):
    meeting_id = build_meeting(live_server)
    log_in("suzuki")
    page.goto(f"/meetings/{meeting_id}")
    expect(page.locator("#agenda-list")).to_have_attribute("data-ready", "yes")
    expect(page.locator("#agenda-list .drag-handle").first).to_be_visible()

    drag_above(page, 3, 1)
    expect(page.locator("#agenda-message")).to_have_text("議題の順番を変えました。")
    expected = [TITLES[2], TITLES[0], TITLES[1]]
    expect_order(page, expected)
    expect(page.locator("#agenda-list > li").first.get_by_role("button", name="上へ")).to_be_disabled()
    expect(page.locator("#agenda-list > li").nth(2).get_by_role("button", name="下へ")).to_be_disabled()
    assert stored_titles(live_server, meeting_id) == expected

    page.reload()
    expect_order(page, expected)

    # The buttons (the keyboard's way) still work after a drag.
    page.locator("#agenda-list > li").nth(2).get_by_role("button", name="上へ").click()
    expect(page.locator(".flash-info")).to_have_text("議題の順番を変えました。")
    expect_order(page, [TITLES[2], TITLES[1], TITLES[0]])
    assert stored_titles(live_server, meeting_id) == [TITLES[2], TITLES[1], TITLES[0]]


def test_a_refused_drop_goes_back_to_the_servers_order(live_server, page, log_in):
    meeting_id = build_meeting(live_server)
    log_in("suzuki")
    page.goto(f"/meetings/{meeting_id}")
    expect(page.locator("#agenda-list")).to_have_attribute("data-ready", "yes")
    # The meeting ends in another window while this page is open.
    with live_server.app.app_context():
        db.session.get(Meeting, meeting_id).status = MeetingStatus.ENDED.value
        db.session.commit()

    drag_above(page, 3, 1)
    expect(page.locator("#agenda-message")).to_have_text("終了した会議の議題は変更できません。")
    expect(page.locator("#agenda-message")).to_have_class("flash flash-error")
    expect_order(page, TITLES)
    expect(page.locator("#agenda-list")).not_to_have_attribute("aria-busy", "true")
    assert stored_titles(live_server, meeting_id) == TITLES
