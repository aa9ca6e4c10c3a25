"""Logging in and out: passwords, lockout, idle timeout, disabled accounts, CSRF, safe redirects."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.audit import AuditEntry
from portal.config import build_config
from portal.extensions import db
from portal.models import Role
from portal.types import utcnow
from tests.factories import DEFAULT_PASSWORD, UserFactory


def audit_actions(**filters) -> list[str]:
    """Return the audit actions written so far, oldest first."""
    query = select(AuditEntry).order_by(AuditEntry.seq).filter_by(**filters)
    return [e.action for e in db.session.scalars(query)]


def test_login_page_is_japanese(client):
    page = client.get("/login")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="ja">' in text
    assert "ログインID" in text and "パスワード" in text


def test_login_success_goes_home_and_is_audited(client, login):
    user = UserFactory(name="高橋 直子")
    response = login(user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert "高橋 直子" in home.get_data(as_text=True)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login.success")).one()
    assert entry.actor_id == user.id and entry.outcome == "success" and entry.ip == "127.0.0.1"


def test_wrong_password_is_refused_and_audited(client, login):
    user = UserFactory()
    response = login(user, password="wrong-password", follow=True)
    assert "ログインIDまたはパスワードが正しくありません" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login.failure")).one()
    assert entry.outcome == "failure" and entry.actor_id == user.id


def test_unknown_login_id_is_audited_without_a_person(client):
    response = client.submit("/login", {"login_id": "nobody", "password": "x"}, follow_redirects=True)
    assert "ログインIDまたはパスワードが正しくありません" in response.get_data(as_text=True)
    entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.action == "login.failure" and entry.actor_id is None and entry.target_label == "nobody"


def test_lockout_after_repeated_failures(app, client, login):
    user = UserFactory()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(user, password="wrong-password")
    db.session.refresh(user)
    assert user.locked_until is not None and user.locked_until > utcnow()
    # Even the right password is refused while locked.
    response = login(user, follow=True)
    assert "ログインIDまたはパスワードが正しくありません" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert "login.lockout" in audit_actions()
    assert audit_actions(action="login.failure")[-1] == "login.failure"
    # After the lockout period the right password works again.
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert login(user).status_code == 302
    assert client.get("/").status_code == 200


def test_logout_needs_post_and_is_audited(client, login):
    user = UserFactory()
    login(user)
    assert client.get("/logout").status_code == 405
    response = client.submit("/logout", follow_redirects=True)
    assert "ログアウトしました" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert audit_actions()[-1] == "logout"


def test_post_without_csrf_token_is_rejected(client, login):
    user = UserFactory()
    response = client.post("/login", data={"login_id": user.login_id, "password": "x"})
    assert response.status_code == 400
    assert "送信を受け付けられませんでした" in response.get_data(as_text=True)
    login(user)
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/").status_code == 200  # still logged in


def test_idle_timeout_logs_out(app, client, login):
    user = UserFactory()
    login(user)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["IDLE_TIMEOUT"].total_seconds() + 1
    response = client.get("/", follow_redirects=True)
    assert "一定時間操作がなかったため" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "logout" and entry.detail_data["reason"] == "idle_timeout"


def test_disabled_person_is_logged_out_at_next_request(client, login):
    user = UserFactory()
    login(user)
    assert client.get("/").status_code == 200
    user.active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # And cannot log back in.
    user_again = login(user, follow=True)
    assert "正しくありません" in user_again.get_data(as_text=True)


def test_session_cookie_flags(client, login):
    user = UserFactory()
    response = login(user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_secure_over_https(client):
    user = UserFactory()
    token = client.csrf_token()
    response = client.post(
        "/login",
        data={"login_id": user.login_id, "password": "Test-Passw0rd-ok", "csrf_token": token},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account/password", "/account/password"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/%0d%0aX:1", "/"),
        ("/cases/%0aSet-Cookie:x=1", "/"),
    ],
)
def test_next_redirect_stays_on_site(client, next_url, expected):
    user = UserFactory()
    response = client.submit(
        "/login?next=" + next_url, {"login_id": user.login_id, "password": "Test-Passw0rd-ok"}
    )
    assert response.headers["Location"] == expected


def test_first_login_must_change_password(client, login):
    user = UserFactory(must_change_password=True)
    login(user)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    weak = client.submit(
        "/account/password",
        {"current": "Test-Passw0rd-ok", "new": "short", "confirm": "short"},
    )
    assert "10文字以上" in weak.get_data(as_text=True)
    ok = client.submit(
        "/account/password",
        {"current": "Test-Passw0rd-ok", "new": "Kodomo-Mamoru-2025", "confirm": "Kodomo-Mamoru-2025"},
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    db.session.refresh(user)
    assert not user.must_change_password
    assert "account.password_change" in audit_actions()


def test_password_change_ends_other_sessions(app, client, login):
    user = UserFactory()
    login(user)
    other = app.test_client()
    other.submit("/login", {"login_id": user.login_id, "password": "Test-Passw0rd-ok"})
    assert other.get("/").status_code == 200
    client.submit(
        "/account/password",
        {"current": "Test-Passw0rd-ok", "new": "Kodomo-Mamoru-2025", "confirm": "Kodomo-Mamoru-2025"},
    )
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_login_returns_to_the_page_first_asked_for(client):
    admin = UserFactory(roles=[Role.ADMIN])
    sent_to = client.get("/admin/people?status=locked").headers["Location"]
    assert sent_to.startswith("/login?next=")
    response = client.submit(sent_to, {"login_id": admin.login_id, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/admin/people?status=locked"


def test_idle_timeout_returns_to_the_same_page_after_logging_in_again(app, client, login):
    admin = UserFactory(roles=[Role.ADMIN])
    login(admin)
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["IDLE_TIMEOUT"].total_seconds() + 1
    sent_to = client.get("/admin/kinds").headers["Location"]
    response = client.submit(sent_to, {"login_id": admin.login_id, "password": DEFAULT_PASSWORD})
    assert urlsplit(response.headers["Location"]).path == "/admin/kinds"


def test_activity_within_the_idle_limit_keeps_the_session(app, client, login):
    login(UserFactory())
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["IDLE_TIMEOUT"].total_seconds() - 5
    assert client.get("/").status_code == 200
    # Each request starts the idle clock again.
    with client.session_transaction() as session:
        assert utcnow().timestamp() - session["last_seen"] < 5


def test_idle_timeout_and_lockout_are_configurable(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_IDLE_MINUTES", "10")
    monkeypatch.setenv("PORTAL_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("PORTAL_LOCKOUT_MINUTES", "60")
    monkeypatch.setenv("PORTAL_HTTPS", "1")
    config = build_config(str(tmp_path), {"SECRET_KEY": "x"})
    assert config["IDLE_TIMEOUT"] == timedelta(minutes=10)
    assert config["LOGIN_MAX_FAILURES"] == 3 and config["LOGIN_LOCKOUT"] == timedelta(minutes=60)
    assert config["SESSION_COOKIE_SECURE"] is True


def test_default_idle_timeout_is_thirty_minutes(app):
    assert app.config["IDLE_TIMEOUT"] == timedelta(minutes=30)


def test_a_successful_login_forgets_earlier_failures(app, client, login):
    user = UserFactory()
    almost = app.config["LOGIN_MAX_FAILURES"] - 1
    for _ in range(almost):
        login(user, password="wrong-password")
    login(user)
    client.submit("/logout")
    for _ in range(almost):
        login(user, password="wrong-password")
    db.session.refresh(user)
    assert user.locked_until is None
    assert login(user).status_code == 302


def test_lockout_is_audited_with_its_end(app, client, login):
    user = UserFactory()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(user, password="wrong-password")
    lockout = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login.lockout")).one()
    assert lockout.actor_id == user.id and lockout.outcome == "denied"
    db.session.refresh(user)
    assert lockout.detail_data["locked_until"] == user.locked_until.isoformat()
    # A try while locked is refused and audited as such, right password or not.
    login(user)
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last.action == "login.failure" and last.detail_data["reason"] == "locked"


def test_a_new_account_can_open_nothing_but_the_password_page(client, login):
    admin = UserFactory(roles=[Role.ADMIN], must_change_password=True)
    login(admin)
    for path in ("/", "/admin/people", "/audit/", "/cases/"):
        response = client.get(path)
        assert response.headers["Location"] == "/account/password", path
    # Not even a form posted with a valid token gets through.
    response = client.submit("/admin/kinds/new", {"name": "新種別", "category": "other", "sort_order": "1"})
    assert response.headers["Location"] == "/account/password"
    assert client.get("/account/password").status_code == 200
    assert client.submit("/logout").headers["Location"] == "/login"


def test_no_remember_me_cookie_is_set(client, login):
    response = login(UserFactory())
    assert all("remember_token" not in c for c in response.headers.getlist("Set-Cookie"))


def test_logged_in_person_opening_login_goes_home(client, login):
    login(UserFactory())
    assert client.get("/login").headers["Location"] == "/"


def test_a_copy_of_the_cookie_is_useless_after_logout(app, client, login):
    """Logging out ends the session everywhere it was copied, not only in this browser."""
    from tests.factories import UserFactory

    user = UserFactory(roles=["coordinator"])
    login(user)
    copy = app.test_client()
    cookie = client.get_cookie("portal_session")
    assert cookie is not None
    copy.set_cookie("portal_session", cookie.value)
    assert copy.get("/").status_code == 200
    client.submit("/logout")
    response = copy.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
