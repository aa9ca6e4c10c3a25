"""Two-factor login: who needs it, enrolment by QR code, codes at login, recovery codes, the admin reset."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from portal.audit import AuditEntry
from portal.auth import two_factor
from portal.auth.models import RecoveryCode
from portal.extensions import db
from portal.models import Role
from tests.factories import (
    DEFAULT_PASSWORD,
    CouncilFactory,
    UserFactory,
    enrol_second_factor,
    second_factor_code,
)


@pytest.fixture(autouse=True)
def asked(app):
    """Ask for second factors, as production does (the other tests' app turns them off)."""
    app.config["TWO_FACTOR"] = "on"


def _actions() -> list[str]:
    """Return the audit actions so far, oldest first."""
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def _person(*roles: Role, **kwargs):
    """Return a person with the roles, past their first password change."""
    user = UserFactory(roles=list(roles), must_change_password=False, **kwargs)
    db.session.commit()
    return user


def _password(client, user, next_url: str = ""):
    """Post the right password; return the response (not followed)."""
    return client.submit(f"/login{next_url}", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})


def _code(client, code: str):
    """Post a code on the second-factor page."""
    return client.submit("/login/code", {"code": code})


@pytest.mark.parametrize(
    ("role", "needed"),
    [
        (Role.COORDINATOR, True),
        (Role.FACILITATOR, True),
        (Role.CASEWORKER, True),
        (Role.ADMIN, True),
        (Role.AGENCY_MEMBER, False),
        (Role.ADVISOR, False),
        (Role.AUDITOR, False),
    ],
)
def test_who_needs_a_second_factor(role, needed):
    assert two_factor.required(_person(role)) is needed


def test_a_council_can_ask_it_of_its_member_agencies_people():
    member = _person(Role.AGENCY_MEMBER)
    council = CouncilFactory(two_factor_for_members=True)
    council.members.append(member.agency)
    db.session.commit()
    assert two_factor.required(member)


def test_a_coordinator_enrols_at_first_login_by_qr_code_and_gets_recovery_codes(client):
    user = _person(Role.COORDINATOR)
    response = _password(client, user, "?next=/cases/")
    assert response.headers["Location"] == "/login/enrol"
    assert client.get("/").status_code == 302, "the password alone does not log in"
    page = client.get("/login/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page and "認証アプリ" in page
    db.session.refresh(user)
    assert user.totp_secret in page and user.totp_confirmed_at is None
    wrong = client.submit("/login/enrol", {"code": "000000"})
    assert wrong.status_code == 422 and "確認コードが正しくありません" in wrong.get_data(as_text=True)
    done = client.submit("/login/enrol", {"code": pyotp.TOTP(user.totp_secret).now()})
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == two_factor.RECOVERY_CODES and len(set(codes)) == len(codes)
    assert 'href="/cases/"' in done.get_data(as_text=True), "then on to the page first asked for"
    assert _actions()[-2:] == ["account.two_factor_enrol", "login.success"]
    assert client.get("/").status_code == 200
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert not set(codes) & set(stored), "only hashes are kept"


def test_an_enrolled_person_logs_in_with_a_code_that_cannot_be_used_twice(app, client):
    user = _person(Role.CASEWORKER)
    secret = enrol_second_factor(user)
    assert _password(client, user).headers["Location"] == "/login/code"
    code = second_factor_code(secret)
    assert _code(client, code).status_code == 302
    assert client.get("/").status_code == 200
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login.success")).one()
    assert entry.detail_data == {"second_factor": "totp"}
    # The same code again, from another browser, is refused even with the right password.
    other = app.test_client()
    _password(other, user)
    replay = _code(other, code)
    assert replay.status_code == 422 and "確認コードが正しくない" in replay.get_data(as_text=True)
    assert other.get("/").status_code == 302


def test_a_recovery_code_works_once(client, app):
    user = _person(Role.COORDINATOR)
    client_enrol = app.test_client()
    _password(client_enrol, user)
    client_enrol.get("/login/enrol")
    db.session.refresh(user)
    page = client_enrol.submit("/login/enrol", {"code": pyotp.TOTP(user.totp_secret).now()})
    first = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page.get_data(as_text=True))[0]
    _password(client, user)
    assert _code(client, first.upper()).status_code == 302, "typed in capitals, it still counts"
    assert client.get("/").status_code == 200
    again = app.test_client()
    _password(again, user)
    assert _code(again, first).status_code == 422
    assert two_factor.remaining_recovery_codes(user) == two_factor.RECOVERY_CODES - 1


def test_wrong_codes_count_towards_the_lockout(app, client):
    user = _person(Role.COORDINATOR)
    enrol_second_factor(user)
    _password(client, user)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert _code(client, "123456").status_code == 422
    last = _code(client, "123456")
    assert last.headers["Location"] == "/login"
    db.session.refresh(user)
    assert user.locked_until is not None
    assert "login.lockout" in _actions()
    # Locked, the right password and a good code do not log in.
    _password(client, user)
    assert client.get("/login/code").headers["Location"] == "/login"


def test_the_password_step_expires(client, monkeypatch):
    user = _person(Role.COORDINATOR)
    secret = enrol_second_factor(user)
    _password(client, user)
    later = time.time() + 301
    monkeypatch.setattr("portal.auth.two_factor_views.time.time", lambda: later)
    assert _code(client, second_factor_code(secret)).headers["Location"] == "/login"


def test_a_member_without_the_council_setting_logs_in_with_the_password_alone(client):
    user = _person(Role.AGENCY_MEMBER)
    assert _password(client, user).headers["Location"] == "/"


def test_a_logged_in_person_newly_required_is_sent_to_enrol(client, login):
    user = _person(Role.AGENCY_MEMBER)
    login(user)
    council = CouncilFactory(two_factor_for_members=True)
    council.members.append(user.agency)
    db.session.commit()
    response = client.get("/cases/")
    assert response.headers["Location"] == "/account/two-factor/enrol"


def test_new_recovery_codes_need_a_current_code(client):
    user = _person(Role.COORDINATOR)
    secret = enrol_second_factor(user)
    _password(client, user)
    _code(client, second_factor_code(secret))
    wrong = client.submit("/account/two-factor", {"code": "000000"})
    assert wrong.status_code == 200 and "確認コードが正しくない" in wrong.get_data(as_text=True)
    db.session.refresh(user)
    fresh = client.submit("/account/two-factor", {"code": second_factor_code(secret, user.totp_last_step)})
    assert len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}</code>", fresh.get_data(as_text=True))) == 10
    assert _actions()[-1] == "account.recovery_codes"


def test_an_administrator_resets_a_lost_phone_and_it_is_audited(app, client, login):
    admin = _person(Role.ADMIN)
    enrol_second_factor(admin)
    user = _person(Role.COORDINATOR)
    enrol_second_factor(user)
    _password(client, admin)
    _code(client, second_factor_code(admin.totp_secret))
    response = client.submit(f"/admin/people/{user.id}/two-factor-reset", follow_redirects=True)
    assert "二段階認証をリセットしました" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.totp_secret is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "admin.two_factor_reset")).one()
    assert entry.actor_id == admin.id and entry.target_id == str(user.id)
    # The person enrols a new phone at their next login.
    assert _password(app.test_client(), user).headers["Location"] == "/login/enrol"
    # An administrator cannot reset their own.
    mine = client.submit(f"/admin/people/{admin.id}/two-factor-reset", follow_redirects=True)
    assert "他のシステム管理者にリセットを依頼" in mine.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/login/code", "/login/enrol"])
def test_the_second_factor_pages_need_the_password_step_first(client, url):
    response = client.get(url)
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
