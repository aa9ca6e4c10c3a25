"""A person logs in and out in a real browser, and sets their own password at first login."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Kodomo-Mamoru-2025"


def make_user(live, **fields) -> tuple[str, str]:
    """Create a person in the live server's database; return their login ID and name."""
    with live.app.app_context():
        user = UserFactory(**fields)
        return user.login_id, user.name


def test_log_in_see_home_and_log_out(live_server, page, log_in):
    login_id, name = make_user(live_server, name="高橋 直子")
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    expect(page).to_have_title(re.compile("^ログイン"))

    log_in(login_id)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{name} さん")
    expect(page.locator("header")).to_contain_text(name)

    page.locator("header").get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.get_by_role("status")).to_contain_text("ログアウトしました")
    expect(page.locator("header")).not_to_contain_text(name)


def test_wrong_password_is_refused(live_server, page, log_in):
    login_id, _ = make_user(live_server)
    log_in(login_id, password="wrong-password")
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.get_by_role("alert")).to_contain_text("ログインIDまたはパスワードが正しくありません")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))


def test_first_login_requires_a_new_password(live_server, page, log_in):
    login_id, name = make_user(live_server, name="佐藤 花子", must_change_password=True)
    log_in(login_id)
    expect(page).to_have_url(f"{live_server.url}/account/password")
    expect(page.get_by_role("heading", name="パスワード変更")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("新しいパスワードを設定してください")

    page.get_by_label("現在のパスワード", exact=True).fill("Test-Passw0rd-ok")
    page.get_by_label("新しいパスワード", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("新しいパスワード（確認）", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="変更する").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text("パスワードを変更しました")
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()

    # The new password is the one that works from now on.
    page.locator("header").get_by_role("button", name="ログアウト").click()
    log_in(login_id)
    expect(page.get_by_role("alert")).to_contain_text("ログインIDまたはパスワードが正しくありません")
    log_in(login_id, password=NEW_PASSWORD)
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{name} さん")


def test_a_coordinator_enrols_an_authenticator_and_logs_in_with_its_code(live_server, page, log_in):
    import pyotp

    from portal.models import Role

    live_server.app.config["TWO_FACTOR"] = "on"  # as production asks it
    login_id, name = make_user(
        live_server, name="佐藤 美咲", roles=[Role.COORDINATOR], must_change_password=False
    )
    log_in(login_id)
    expect(page).to_have_url(f"{live_server.url}/login/enrol")
    expect(page.get_by_role("heading", name="二段階認証の設定")).to_be_visible()
    expect(page.get_by_role("img", name="認証アプリに登録するQRコード")).to_be_visible()
    secret = page.locator("code.secret").inner_text().strip()
    first_code = pyotp.TOTP(secret).now()
    page.get_by_label("確認コード").fill(first_code)
    page.get_by_role("button", name="設定する").click()
    expect(page.get_by_role("heading", name="回復コード")).to_be_visible()
    expect(page.get_by_role("list", name="回復コード").get_by_role("listitem")).to_have_count(10)
    page.get_by_role("link", name="控えたので次へ進む").click()
    expect(page.locator("header")).to_contain_text(name)
    page.locator("header").get_by_role("button", name="ログアウト").click()

    # The next login asks for the app's code; the code just used is refused, the next one works.
    log_in(login_id)
    expect(page).to_have_url(f"{live_server.url}/login/code")
    totp = pyotp.TOTP(secret)
    page.get_by_label("確認コード").fill(first_code)
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("alert").first).to_contain_text("入力内容に誤りがあります")
    page.get_by_label("確認コード").fill(totp.at(time.time() + totp.interval))
    page.get_by_role("button", name="確認する").click()
    expect(page.locator("header")).to_contain_text(name)
