"""Login throttling that protects accounts without locking a whole office out, one message for every
refusal, passwords that hold the person's name, and oversized requests audited."""

import pytest
from sqlalchemy import select

from portal import create_app
from portal.audit import AuditEntry
from portal.auth.services import FAILED
from portal.extensions import db
from portal.passwords import password_problems
from tests import factories
from tests.conftest import PortalClient, _test_config
from tests.factories import DEFAULT_PASSWORD, UserFactory

NAME_IN_PASSWORD = "氏名を含むパスワードは使えません。"


@pytest.fixture
def throttled(database, tmp_path):
    """An app of its own with the throttles on (a limiter's storage is made when it starts enabled):
    3 failures per account and address, 6 per address."""
    config = _test_config(database.fresh_url(tmp_path))
    config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", LOGIN_ADDRESS_LIMIT="6 per minute")
    app = create_app(config)
    app.test_client_class = PortalClient
    with app.app_context():
        factories.bind(db.session)
        yield app
        db.session.remove()
        database.reset(db.engine)
        db.engine.dispose()


def _try(client, login_id: str, password: str):
    """Post the login form from a fresh client of the same address; return the response."""
    return client.submit("/login", {"login_id": login_id, "password": password})


def _actions() -> list[str]:
    """Return the audit actions so far, oldest first."""
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def test_failures_for_one_account_are_throttled_and_audited(throttled):
    client = throttled.test_client()
    codes = [_try(client, "someone", "x").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert _actions()[-1] == "login.throttled"


def test_correct_logins_from_a_busy_office_address_are_never_throttled(throttled):
    # Twenty people of one office behind one address log in on a meeting morning.
    people = [UserFactory(must_change_password=False) for _ in range(20)]
    db.session.commit()
    for person in people:
        client = throttled.test_client()
        assert _try(client, person.login_id, DEFAULT_PASSWORD).status_code == 302, person.login_id


def test_a_correct_password_works_while_others_mistype_from_the_same_address(throttled):
    typist, colleague = UserFactory(must_change_password=False), UserFactory(must_change_password=False)
    db.session.commit()
    client = throttled.test_client()
    for _ in range(3):
        assert _try(client, typist.login_id, "wrong-one").status_code == 200
    assert _try(client, typist.login_id, "wrong-one").status_code == 429
    # The colleague at the next desk is not locked out by the typist's mistakes.
    assert _try(throttled.test_client(), colleague.login_id, DEFAULT_PASSWORD).status_code == 302


def test_an_address_spraying_many_accounts_is_throttled(throttled):
    client = throttled.test_client()
    codes = [_try(client, f"guess{n}", "Passw0rd!!").status_code for n in range(7)]
    assert codes[:6] == [200] * 6 and codes[6] == 429


def test_unknown_wrong_locked_and_disabled_answer_the_same_words(app, client, login):
    locked, disabled, wrong = UserFactory(), UserFactory(active=False), UserFactory()
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(locked, password="wrong-password")
    pages = {
        "unknown": client.submit("/login", {"login_id": "nobody-here", "password": "x"}),
        "wrong": login(wrong, password="wrong-password"),
        "locked": login(locked),
        "disabled": login(disabled),
    }
    for what, response in pages.items():
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and FAILED in page, what
        assert "ロック" not in page, f"{what}: the page tells that the account exists"


@pytest.mark.parametrize(
    "password",
    ["松本陽菜Pass-2025", "Pass-2025-松本 陽菜", "まつもとひなX-2025", "Xマツモトヒナ-2025", "Ab-2025-陽菜x"],
)
def test_a_password_holding_the_name_without_spaces_or_in_kana_is_refused(password):
    assert NAME_IN_PASSWORD in password_problems(password, "matsumoto", "松本 陽菜", "まつもと ひな")


def test_a_password_without_the_name_passes():
    assert password_problems("Kusunoki-2025!", "matsumoto", "松本 陽菜", "まつもと ひな") == []


def test_a_request_beyond_the_size_limit_is_refused_in_japanese_and_audited(app, client, login):
    user = UserFactory(must_change_password=False)
    db.session.commit()
    login(user)
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/reports/upload", data=b"x" * (limit + 1), content_type="application/octet-stream"
    )
    assert response.status_code == 413 and "ファイルが大きすぎます" in response.get_data(as_text=True)
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "request.too_large" and entry.actor_id == user.id
    assert entry.detail_data["content_length"] == limit + 1
