"""The deployment of deploy/ on 127.0.0.1: PostgreSQL, Redis, two gunicorn instances, nginx in front.

One stack per test module (bench/stack.py starts it; starting costs ~15 s, mostly the migrations).
Each test's data is made in the stack's PostgreSQL through the `app` fixture (overridden here), and
the database is put back to its migrated state after the test, as on the suite's own PostgreSQL.
"""

from collections.abc import Iterator

import pytest

from bench.stack import Stack, missing_binaries
from portal.extensions import db, limiter, socketio
from tests import factories
from tests.conftest import _PostgresDatabase, _use_database
from tests.deploy.people import LivePage

NEEDED = ("postgres", "redis-server", "nginx")


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """PostgreSQL, Redis, two production-mode gunicorn instances and nginx, all on 127.0.0.1."""
    missing = missing_binaries(*NEEDED)
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: `make postgres redis nginx` installs Debian's")
    with Stack(tmp_path_factory.mktemp("stack")) as stack:
        url = stack.start_postgres()
        stack.start_redis()
        stack.database = _PostgresDatabase("stack", url.replace("postgresql://", "postgresql+psycopg://"))
        # Many logins come from 127.0.0.1 in one module; the throttle itself is tested elsewhere.
        stack.start_portals(2, PORTAL_LOGIN_RATE_LIMIT="1000 per minute", PORTAL_PRESENCE_TTL_SECONDS="3")
        stack.start_nginx()
        yield stack


@pytest.fixture
def app(shared_app, stack):
    """The suite's app on the stack's database (what a test makes, the instances serve)."""
    config = dict(shared_app.config)
    socketio.server = shared_app.extensions["test.socketio_server"]
    limiter.enabled = shared_app.config["RATELIMIT_ENABLED"]
    _use_database(shared_app, stack.database.url)
    with shared_app.app_context():
        factories.bind(db.session)
        yield shared_app
        db.session.remove()
        stack.database.reset(db.engine)
        db.engine.dispose()
    shared_app.config.clear()
    shared_app.config.update(config)
    _use_database(shared_app, config["SQLALCHEMY_DATABASE_URI"])  # the suite's own database again


@pytest.fixture(scope="module")
def town_file():
    """No prebuilt SQLite town here: the town is built in the stack's PostgreSQL for each test."""
    return None


@pytest.fixture
def pages(stack) -> list[LivePage]:
    """The pages a test opens, closed at its end."""
    opened: list[LivePage] = []
    yield opened
    for page in opened:
        page.close()
