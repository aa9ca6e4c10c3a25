"""A school teacher sees her own pupil's case, and only the parts shared with the school."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from portal.extensions import db
from portal.models import Role
from tests.browser.conftest import ARTIFACTS
from tests.factories import AgencyFactory, CouncilFactory, UserFactory, kind

pytestmark = pytest.mark.browser

NOT_SHARED = "（非共有）この情報は共有されていません"


def build_town(live) -> tuple[int, int]:
    """Create みどり市 with the 山本 household (はると at school, ゆい at nursery) and the 川口 one."""
    with live.app.app_context():
        council = CouncilFactory(name="みどり市要保護児童対策地域協議会", municipality="みどり市")
        center = AgencyFactory(
            name="みどり市こども家庭センター", kind=kind("こども家庭センター"), councils=[council]
        )
        school = AgencyFactory(name="みどり第一小学校", kind=kind("小学校"), councils=[council])
        nursery = AgencyFactory(name="ひかり保育園", kind=kind("保育所"), councils=[council])
        other_school = AgencyFactory(name="みどり第二小学校", kind=kind("小学校"), councils=[council])
        council.coordinating_agency = center
        db.session.commit()
        sato = UserFactory(login_id="sato", name="佐藤", agency=center, roles=[Role.COORDINATOR])
        UserFactory(login_id="takahashi", name="高橋 直子", agency=school)
        yamamoto = registration.register_case(
            sato,
            CaseInput(
                council_id=council.id,
                category="protection",
                received_on=date(2025, 6, 2),
                abuse_types=["physical"],
                children=[
                    ChildInput("山本 はると", "やまもと はると", date(2016, 9, 1), "男", school.id, "3年2組"),
                    ChildInput("山本 ゆい", "やまもと ゆい", date(2021, 1, 10), "女", nursery.id),
                ],
                guardians=[GuardianInput("father", "山本 健", "やまもと けん")],
                household_note="<p>父は夜勤があり、ゆいの送迎は祖母が担う。</p>",
            ),
        )
        kawaguchi = registration.register_case(
            sato,
            CaseInput(
                council_id=council.id,
                category="support",
                received_on=date(2025, 7, 1),
                children=[ChildInput("川口 そら", "かわぐち そら", date(2017, 4, 2), "男", other_school.id)],
                guardians=[GuardianInput("mother", "川口 みほ")],
            ),
        )
        return yamamoto.id, kawaguchi.id


def test_school_sees_its_pupils_case_and_only_the_shared_parts(live_server, page, log_in):
    yamamoto_id, kawaguchi_id = build_town(live_server)
    log_in("takahashi")

    page.locator("header").get_by_role("link", name="進行管理台帳").click()
    expect(page.get_by_role("heading", name="進行管理台帳")).to_be_visible()
    ledger = page.locator("table.ledger tbody")
    expect(ledger.get_by_role("row")).to_have_count(1)
    expect(ledger).to_contain_text("山本 はると")
    expect(ledger).to_contain_text("みどり第一小学校 3年2組")
    expect(ledger).not_to_contain_text("ゆい")
    expect(ledger).not_to_contain_text("川口")
    expect(page.locator("main")).to_contain_text("全1件")

    ledger.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/cases/{yamamoto_id}")
    # A part not shared says so right under its heading.
    for shared in ("basic", "ledger", "notes", "reports"):
        expect(page.locator(f"#{shared} > h2 + p.not-shared")).to_have_count(0)
    for hidden in ("plan", "meetings"):
        expect(page.locator(f"#{hidden} > h2 + p.not-shared")).to_have_text(NOT_SHARED)
    basic = page.locator("#basic")
    expect(basic.get_by_role("row")).to_have_count(2)  # the heading row and はると
    expect(basic).to_contain_text("山本 はると")
    expect(basic).to_contain_text("貴機関に共有されている子どもだけを表示しています。")
    # The guardians belong to the whole household, which the school's share does not cover.
    expect(basic.locator("h3:text-is('保護者') + p.not-shared")).to_have_text(NOT_SHARED)
    expect(page.locator("#ledger")).to_contain_text("身体的虐待")
    main = page.locator("main")
    for secret in ("山本 ゆい", "ひかり保育園", "山本 健", "祖母"):
        expect(main).not_to_contain_text(secret)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "case_visibility_school_case_page.png"), full_page=True)

    response = page.goto(f"/cases/{kawaguchi_id}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="ページが見つかりません")).to_be_visible()
    expect(page.locator("main")).to_contain_text("お探しのページは存在しないか、閲覧できません。")
    expect(page.locator("main")).not_to_contain_text("川口")
    expect(page).to_have_title(re.compile("ページが見つかりません"))
    page.screenshot(path=str(ARTIFACTS / "case_visibility_unseen_case_404.png"), full_page=True)
