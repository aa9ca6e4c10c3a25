"""Small screens: the menu folds on a phone, the monthly form and the ledger fit, the upload preview reads."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.demo_town import enter, log_out, screens, seed

pytestmark = pytest.mark.browser


def scroll_width(page) -> int:
    """Return how wide the page is drawn (wider than the window means sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth")


@screens
def test_the_menu_folds_behind_one_button_on_a_phone(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "sato", screen)
    header = page.locator("header")
    ledger_link = header.get_by_role("link", name="進行管理台帳")
    toggle = header.get_by_role("button", name="メニュー")
    if screen == "phone":
        assert header.bounding_box()["height"] < 80, "the closed menu takes one line"
        expect(ledger_link).to_be_hidden()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    else:
        expect(toggle).to_be_hidden()
        assert header.bounding_box()["height"] < 80
    expect(ledger_link).to_be_visible()
    expect(header.get_by_role("button", name="ログアウト")).to_be_visible()
    assert scroll_width(page) <= page.viewport_size["width"]
    ledger_link.click()
    expect(page.get_by_role("heading", name="進行管理台帳")).to_be_visible()
    log_out(page)
    expect(page.get_by_role("status")).to_contain_text("ログアウトしました")


@screens
def test_the_monthly_form_fits_the_screen(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "takahashi", screen)
    page.goto("/reports/monthly")
    name = page.locator("th.child-name").first
    expect(name).to_contain_text("悠真")
    assert name.bounding_box()["width"] >= 100, "the child's name is not squeezed to a letter a line"
    assert scroll_width(page) <= page.viewport_size["width"]
    rows = page.locator("table.report-grid tbody tr")
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    if screen == "phone":
        # One card per child: the whole row fits the phone, its fields one under another.
        assert first["width"] <= 390 and second["y"] >= first["y"] + first["height"]
        attended = page.get_by_label(re.compile(r"藤井 悠真 出席日数"))
        assert attended.bounding_box()["width"] > 250
    else:
        assert first["height"] < 120, "a child's row stays one line of fields"
    page.get_by_label(re.compile(r"藤井 悠真 欠席の理由")).fill("発熱")
    page.get_by_role("button", name="下書き保存").click()
    expect(page.get_by_role("status")).to_contain_text("下書き")


@screens
def test_the_ledger_reads_as_cards_on_a_phone(live_server, page, log_in, screen):
    seed(live_server)
    enter(page, log_in, "sato", screen)
    page.goto("/cases/")
    assert scroll_width(page) <= page.viewport_size["width"]
    rows = page.locator("table.ledger tbody tr")
    first = rows.first.bounding_box()
    if screen == "phone":
        assert first["width"] <= 390 and first["height"] > 200, "a case is a card"
    else:
        assert first["width"] > 1000, "a case is a row of the table"


@screens
def test_the_upload_preview_is_in_japanese_with_wareki_dates(live_server, page, log_in, screen, tmp_path):
    seed(live_server)
    enter(page, log_in, "morita", screen)
    page.goto("/reports/monthly")
    template = page.get_by_role("link", name="様式をダウンロード（CSV）").get_attribute("href")
    text = page.request.get(template).body().decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert lines, "the template lists the nursery's children"
    for line in lines:
        line.update(
            {
                "出席日数": "15",
                "欠席日数（連絡あり）": "1",
                "欠席日数（連絡なし）": "0",
                "遅刻": "0",
                "早退": "0",
                "連続欠席日数": "0",
                "最終登校・登園日": "",
                "気になる度合い": "変化なし",
            }
        )
    lines[0].update({"気になる度合い": "気になる", "連続欠席日数": "2", "最終登校・登園日": "2026-11-27"})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(lines[0]))
    writer.writeheader()
    writer.writerows(lines)
    path = tmp_path / "sakura.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    page.get_by_role("link", name="ファイルから取り込む").click()
    page.get_by_label(re.compile("ファイル")).set_input_files(str(path))
    page.get_by_label(re.compile("授業・開所日数")).fill("18")
    page.get_by_role("button", name="確認する").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("気になる")
    expect(preview).to_contain_text("変化なし")
    expect(preview).to_contain_text("令和8年11月27日")
    for english in ("none", "watch", "urgent", "2026-11-27", "None"):
        expect(preview).not_to_contain_text(english)
    assert scroll_width(page) <= page.viewport_size["width"]
