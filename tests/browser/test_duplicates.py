"""Registering 山本はると again: a warning before saving; the registrar opens the existing case or goes on."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from cases.models import Case, Child
from portal.audit import AuditEntry
from portal.extensions import db
from tests.browser.demo_town import case_id_of, enter, screens, seed

pytestmark = pytest.mark.browser


def haruto_birth_date(live) -> str:
    """Return はると's birth date as the date input takes it."""
    with live.app.app_context():
        return db.session.scalar(select(Child.birth_date).where(Child.name == "山本 はると")).isoformat()


def count(live, model, *where) -> int:
    """Count rows in the live server's database."""
    with live.app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def type_haruto_again(page, birth: str) -> None:
    """Fill the registration form for 山本はると, as if the school called again."""
    page.goto("/cases/new")
    page.get_by_label("登録区分").select_option(label="要保護児童")
    page.get_by_label("子ども1 氏名").fill("山本 はると")
    page.get_by_label("子ども1 ふりがな").fill("ヤマモト ハルト")
    page.get_by_label("子ども1 生年月日").fill(birth)
    page.get_by_label("子ども1 所属").select_option(label="みどり第一小学校")
    page.get_by_role("button", name="受理・登録する", exact=True).click()


@screens
def test_the_registrar_is_warned_and_opens_the_existing_case(live_server, page, log_in, screen):
    seed(live_server)
    existing = case_id_of(live_server, "山本 はると")
    before = count(live_server, Case)
    enter(page, log_in, "sato", screen)
    type_haruto_again(page, haruto_birth_date(live_server))
    warning = page.locator("#duplicates")
    expect(warning).to_contain_text("同じ世帯かもしれないケースがあります")
    expect(warning).to_contain_text("山本 はると（生年月日が同じで、氏名が同じか似ています）")
    assert count(live_server, Case) == before, "nothing is saved before the choice"
    warning.get_by_role("button", name="このケースを開く").first.click()
    expect(page).to_have_url(f"{live_server.url}/cases/{existing}")
    assert count(live_server, Case) == before
    assert count(live_server, AuditEntry, AuditEntry.action == "case.duplicate_open") == 1


@screens
def test_the_registrar_confirms_a_new_household(live_server, page, log_in, screen):
    seed(live_server)
    before = count(live_server, Case)
    enter(page, log_in, "sato", screen)
    type_haruto_again(page, haruto_birth_date(live_server))
    page.get_by_role("button", name="別の世帯です。新しいケースとして登録する").click()
    expect(page.get_by_role("status")).to_contain_text("ケースを登録しました")
    assert count(live_server, Case) == before + 1
    assert count(live_server, AuditEntry, AuditEntry.action == "case.duplicate_new") == 1
