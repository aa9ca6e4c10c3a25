"""Routes that need a login, as a table built from the app's own URL map.

Every route of every blueprint is here as soon as it is registered: unless its endpoint is on
the short PUBLIC list, a stranger is sent to the login page and a stranger's POST changes nothing.
Every POST, public or not, refuses a form without a CSRF token. The error pages are Japanese,
the locale is ja whatever the browser asks for, and a server error rolls the session back.
"""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import get_locale, get_timezone
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter, UnicodeConverter

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput
from portal import create_app
from portal.extensions import db
from portal.ids import IdConverter
from portal.models import Council, Role
from tests.conftest import world_fixture
from tests.factories import DEFAULT_PASSWORD, AgencyFactory, CouncilFactory, UserFactory, kind

# The only endpoints a stranger may open. Adding one here is a decision, not a fix for a failing test.
PUBLIC = {"auth.login", "static", "health.healthz"}
# The second factor's pages: open to a login's password step, not to a session; without that step
# they send a stranger to the login page (tests/portal/test_two_factor.py).
SECOND_STEP = {"two_factor.verify", "two_factor.enrol_at_login"}

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _route_table() -> list:
    """Return (method, endpoint, rule) for every route of the portal, as test parameters."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collecting-routes"})
    return [
        pytest.param(method, rule.endpoint, rule, id=f"{method} {rule.rule}")
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        for method in sorted(rule.methods - IGNORED_METHODS)
    ]


ROUTES = _route_table()
GUARDED = [p for p in ROUTES if p.values[1] not in PUBLIC]
POSTS = [p for p in ROUTES if p.values[0] == "POST"]


def url_of(rule) -> str:
    """Build a URL for the rule; every id is 1, which the `world` fixture makes exist."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IdConverter):
            values[name] = 1
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, PathConverter):
            values[name] = "css/portal.css"
        elif isinstance(converter, UnicodeConverter):
            values[name] = "x"
        elif isinstance(converter, IntegerConverter):
            values[name] = 2025  # a 年度 (the figures)
        else:
            raise AssertionError(f"teach url_of to fill <{name}> of {rule.rule} ({type(converter).__name__})")
    with current_app.test_request_context():
        return url_for(rule.endpoint, **values)


def snapshot() -> dict:
    """Return every row of every table, to show that a refused request changed nothing."""
    rows = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            query = sa.select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(r) for r in conn.execute(query)]
    return rows


def build_world():
    """A council, its agencies and people, and a registered case, so that id 1 names real objects."""
    council = CouncilFactory()
    center = AgencyFactory(kind=kind("こども家庭センター"), councils=[council])
    school = AgencyFactory(councils=[council])
    AgencyFactory(kind=kind("児童相談所"), councils=[council])
    council.coordinating_agency = center
    db.session.commit()
    coordinator = UserFactory(agency=center, roles=[Role.COORDINATOR])
    registration.register_case(
        coordinator,
        CaseInput(
            council_id=council.id,
            category="protection",
            received_on=date(2025, 6, 2),
            abuse_types=["physical"],
            children=[ChildInput("山本 はると", "", date(2016, 9, 1), "男", school.id, "")],
        ),
    )
    return coordinator


world_file, world = world_fixture(build_world, "world")


def test_public_list_names_real_endpoints():
    assert {p.values[1] for p in ROUTES} >= PUBLIC, "a public endpoint is gone; take it off PUBLIC"
    assert len(GUARDED) > 20


@pytest.mark.parametrize(
    ("method", "endpoint", "rule"),
    [p for p in GUARDED if p.values[0] == "GET" and p.values[1] not in SECOND_STEP],
)
def test_stranger_is_sent_to_login_and_back(client, world, method, endpoint, rule):
    url = url_of(rule)
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [url]


@pytest.mark.parametrize(("method", "endpoint", "rule"), [p for p in GUARDED if p.values[0] == "POST"])
def test_strangers_post_is_sent_to_login_and_changes_nothing(client, world, method, endpoint, rule):
    token = client.csrf_token()
    before = snapshot()
    response = client.post(url_of(rule), data={"csrf_token": token, "name": "書き換え", "active": "y"})
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/login"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "endpoint", "rule"), [p for p in ROUTES if p.values[1] in PUBLIC and p.values[0] == "GET"]
)
def test_public_pages_open_without_login(client, method, endpoint, rule):
    response = client.get(url_of(rule))
    response.close()  # a static file is streamed from an open file
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "endpoint", "rule"), POSTS)
def test_post_without_csrf_token_is_refused(client, login, world, method, endpoint, rule):
    if endpoint not in PUBLIC:
        # Someone holding every role, so that only the missing token can stop the request.
        login(UserFactory(roles=list(Role), agency=world.agency))
    before = snapshot()
    response = client.post(url_of(rule), data={"name": "書き換え", "active": "y"})
    assert response.status_code == 400
    assert "送信を受け付けられませんでした" in response.get_data(as_text=True)
    assert snapshot() == before


# Error pages


def test_unknown_page_answers_404_in_japanese(client, login):
    login(UserFactory())
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<html lang="ja">' in page and "ページが見つかりません" in page


def test_unknown_page_answers_404_to_a_stranger_too(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.get_data(as_text=True)


def test_forbidden_page_answers_403_in_japanese(client, login):
    login(UserFactory(roles=[Role.AGENCY_MEMBER]))
    response = client.get("/admin/people")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert '<html lang="ja">' in page and "この操作は許可されていません" in page


def test_wrong_method_answers_405_in_japanese(client, login):
    login(UserFactory())
    response = client.get("/logout")
    assert response.status_code == 405
    assert "この方法ではこのページを利用できません" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(database, tmp_path):
    """An app with one extra page that writes a council, then fails before committing."""
    from tests.conftest import PortalClient, _test_config
    from tests.factories import bind

    app = create_app({**_test_config(database.fresh_url(tmp_path)), "PROPAGATE_EXCEPTIONS": False})
    app.test_client_class = PortalClient

    @app.get("/test-only/fail")
    def fail():
        db.session.add(Council(name="書きかけの協議会", municipality="どこか市"))
        db.session.flush()
        raise RuntimeError("boom")

    with app.app_context():
        bind(db.session)
        yield app
        db.session.remove()
        database.reset(db.engine)
        db.engine.dispose()


def test_server_error_is_japanese_and_rolls_the_session_back(failing_app):
    user = UserFactory()
    client = failing_app.test_client()
    client.submit("/login", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})
    response = client.get("/test-only/fail")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert '<html lang="ja">' in page and "システムエラーが発生しました" in page
    assert "変更は保存されていません" in page
    # The half-written council is gone, even after the next request commits its own work.
    assert db.session.scalar(sa.select(Council).where(Council.name == "書きかけの協議会")) is None
    client.submit("/logout")
    with db.engine.connect() as conn:
        names = conn.execute(sa.select(Council.name)).scalars().all()
    assert "書きかけの協議会" not in names


def test_server_error_still_answers_in_japanese_when_the_page_cannot_be_drawn(failing_app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database is down")

    monkeypatch.setattr("portal.errors.render_template", broken)
    response = failing_app.test_client().get("/test-only/fail")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert '<html lang="ja">' in page and "システムエラーが発生しました" in page


# Locale


def test_locale_is_japanese_whatever_the_browser_asks(app, client):
    response = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    page = response.get_data(as_text=True)
    assert '<html lang="ja">' in page and "ログイン" in page and "Login" not in page
    with app.test_request_context("/", headers={"Accept-Language": "en-US"}):
        assert str(get_locale()) == "ja"
        assert str(get_timezone()) == "Asia/Tokyo"


def test_form_messages_come_in_japanese(client, login):
    login(UserFactory(roles=[Role.ADMIN]))
    response = client.submit("/admin/kinds/new", {"name": "x", "category": "other", "sort_order": "abc"})
    assert "無効な整数です" in response.get_data(as_text=True)
