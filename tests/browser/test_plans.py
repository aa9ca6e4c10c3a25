"""A caseworker writes a support plan with the family's consent; the named nursery then sees it."""

import io
import re
from datetime import date

import pytest
from docx import Document
from playwright.sync_api import expect

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from portal.extensions import db
from portal.models import Role
from tests.browser.demo_town import log_out
from tests.factories import AgencyFactory, CouncilFactory, UserFactory, kind

pytestmark = pytest.mark.browser


def build_town(live) -> int:
    """Create みどり市 with its center, two nurseries, their people and the 山本 case; return its id."""
    with live.app.app_context():
        council = CouncilFactory(name="みどり市要保護児童対策地域協議会", municipality="みどり市")
        center = AgencyFactory(
            name="みどり市こども家庭センター", kind=kind("こども家庭センター"), councils=[council]
        )
        nursery = AgencyFactory(name="ひかり保育園", kind=kind("保育所"), councils=[council])
        other = AgencyFactory(name="さくらこども園", kind=kind("認定こども園"), councils=[council])
        council.coordinating_agency = center
        db.session.commit()
        sato = UserFactory(login_id="sato", name="佐藤", agency=center, roles=[Role.COORDINATOR])
        UserFactory(login_id="tanaka", name="田中", agency=nursery)
        UserFactory(login_id="morita", name="森田", agency=other)
        case = registration.register_case(
            sato,
            CaseInput(
                council_id=council.id,
                category="support",
                received_on=date(2025, 6, 2),
                children=[ChildInput("山本 ゆい", "やまもと ゆい", date(2021, 1, 10), "女")],
                guardians=[GuardianInput("mother", "山本 亜紀")],
            ),
        )
        return case.id


def test_a_caseworker_writes_a_plan_and_the_named_nursery_sees_it(live_server, page, log_in):
    case_id = build_town(live_server)
    log_in("sato")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="サポートプランを作成").click()
    expect(page.get_by_role("heading", name=re.compile("サポートプランの作成"))).to_be_visible()
    page.get_by_label("対象", exact=True).select_option(label="山本 ゆい")
    page.get_by_label("こどもの意向（こうしたい・こうなりたい）").fill("ほいくえんでおともだちとあそびたい")
    page.get_by_label("保護者の意向（こうしたい・こうなりたい）").fill("朝、落ち着いて送り出したい")
    page.get_by_label("解決すべき課題（一緒に解決を目指すこと）").fill("朝の登園が遅れがち")
    page.get_by_label("支援1 種類").select_option(label="相談")
    page.get_by_label("支援1 内容").fill("家庭訪問と面談")
    page.get_by_label("支援1 頻度").fill("週1回")
    page.get_by_label("関係機関との共有に同意を得た").check()
    page.get_by_label("同意した人の氏名").fill("山本 亜紀")
    page.get_by_label("続柄", exact=True).select_option(label="実母")
    page.get_by_label("ひかり保育園", exact=True).check()
    page.get_by_role("button", name="プランを作成する").click()

    expect(page.get_by_role("status")).to_contain_text("サポートプランを作成しました。")
    expect(page.locator("main")).to_contain_text("ほいくえんでおともだちとあそびたい")
    expect(page.locator("#consents")).to_contain_text("ひかり保育園")
    plan_url = page.url
    log_out(page)

    log_in("tanaka")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="サポートプランを見る（1件）").click()
    page.get_by_role("link", name="山本 ゆい").click()
    expect(page).to_have_url(plan_url)
    expect(page.locator("main")).to_contain_text("ほいくえんでおともだちとあそびたい")
    expect(page.locator("main")).to_contain_text("家庭訪問と面談")
    expect(page.get_by_role("link", name="見直す")).to_have_count(0)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="ご家族用 Word").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    text = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert "ほいくえんでおともだちとあそびたい" in text
    log_out(page)

    # A nursery the family did not name sees nothing of the case.
    log_in("morita")
    response = page.goto(plan_url)
    assert response.status == 404
