"""The figures page in a browser, at a laptop's and a phone's size: tables beside their charts (the
table is the chart's text alternative), no horizontal scrolling of the page, and the strict CSP holds."""

from datetime import date

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput
from portal.extensions import db
from portal.models import Role
from tests.factories import AgencyFactory, CouncilFactory, UserFactory, kind

pytestmark = pytest.mark.browser


def build_town(live) -> int:
    """Create a council with its center, a school and a few cases over two 年度; return its id."""
    with live.app.app_context():
        council = CouncilFactory(name="みどり市要保護児童対策地域協議会", municipality="みどり市")
        center = AgencyFactory(
            name="みどり市こども家庭センター", kind=kind("こども家庭センター"), councils=[council]
        )
        school = AgencyFactory(name="みどり第一小学校", kind=kind("小学校"), councils=[council])
        council.coordinating_agency = center
        council.sections = "乳幼児部会\n学齢部会"
        db.session.commit()
        sato = UserFactory(login_id="sato", name="佐藤", agency=center, roles=[Role.COORDINATOR])
        UserFactory(login_id="takahashi", name="高橋", agency=school)
        for n, day in enumerate([date(2024, 6, 3), date(2025, 4, 1), date(2025, 9, 1), date(2026, 1, 15)]):
            registration.register_case(
                sato,
                CaseInput(
                    council_id=council.id,
                    category=["protection", "support"][n % 2],
                    received_on=day,
                    referral_route="school",
                    abuse_types=["neglect"],
                    section="学齢部会",
                    children=[ChildInput(f"図表 子{n}", "", date(2016, 5, n + 1), "男", school.id, "")],
                ),
            )
        return council.id


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)], ids=["laptop", "phone"])
def test_the_figures_page_reads_at_both_sizes(page, live_server, log_in, width, height):
    council_id = build_town(live_server)
    page.set_viewport_size({"width": width, "height": height})
    log_in("sato")
    if width < 700:  # on a phone the menu is folded behind one button
        page.get_by_role("button", name="メニュー").click()
    page.get_by_role("link", name="統計", exact=True).click()
    page.get_by_role("link", name="令和7年度").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("令和7年度")
    assert page.url.endswith(f"/figures/{council_id}/2025")
    registered = page.locator("#t-registered")
    expect(registered.get_by_role("row", name="要保護児童")).to_contain_text("2")
    expect(registered.locator("tr.total")).to_contain_text("4")
    # Each chart is an image named by its title and described by its table.
    charts = page.locator("figure.figure-chart svg[role=img]")
    expect(charts).to_have_count(10)
    assert charts.first.get_attribute("aria-describedby") == "t-registered"
    expect(page.locator("#t-months-section polyline.line-closed")).to_have_count(2)
    assert page.get_by_text("数え方:").count() == 11
    # Nothing wider than the window: the page never scrolls sideways (wide tables scroll in their box).
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll}px wide in a {width}px window"
    # The chart beside the table on a laptop, under it on a phone: waited for, not read once, since
    # a busy machine may still be laying the section out (a run measured the table at the full width
    # while the chart already stood at its right).
    beside = width > 800
    try:
        page.wait_for_function(
            """(beside) => {
                const box = (selector) => document.querySelector(selector).getBoundingClientRect();
                const table = box('#t-registered-section .figure-table');
                const chart = box('figure.figure-chart svg[role=img]');
                return beside ? chart.x > table.x + table.width - 1 : chart.y > table.y;
            }""",
            arg=beside,
            timeout=5000,
        )
    except PlaywrightTimeoutError:
        pytest.fail("the chart stands beside the table" if beside else "the chart comes under the table")
    with page.expect_download() as download:
        page.get_by_role("link", name="代表者会議資料（Word）").click()
    assert download.value.suggested_filename.endswith("代表者会議資料.docx")


def test_a_teacher_has_no_figures(page, live_server, log_in):
    council_id = build_town(live_server)
    log_in("takahashi")
    expect(page.get_by_role("link", name="統計", exact=True)).to_have_count(0)
    response = page.goto(f"/figures/{council_id}/2025")
    assert response.status == 404
