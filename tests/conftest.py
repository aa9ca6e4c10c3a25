"""Shared fixtures: a migrated database per test (SQLite or PostgreSQL), the app, clients, logins."""

import dataclasses
import io
import os
import re
import shutil
import time
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event

from portal import create_app
from portal.extensions import db, limiter, socketio
from tests import factories

PG_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgres")


def _test_config(url: str) -> dict:
    """Return the config every test app gets."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_ENABLED": False,
        # Second factors are asked for in the tests of them (tests/portal/test_two_factor.py, the
        # several-process and browser login tests), not at every test's login.
        "TWO_FACTOR": "off",
        "PASSWORD_HASHER": "fast",
        "SERVER_NAME": None,
    }


def _pg_url(worker: str) -> str:
    """Return this worker's PostgreSQL URL for tests, refusing one that does not look like a test database.

    With pytest-xdist each worker gets a database of its own (portal_test_gw0, ...), made on the
    server of DATABASE_URL when missing; a run without workers uses DATABASE_URL's database itself.
    """
    url = sa.engine.make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    if "test" not in (url.database or ""):
        raise pytest.UsageError(
            "DATABASE_URL must name a database whose name contains 'test'; tests wipe it."
        )
    if worker != "master":
        url = url.set(database=f"{url.database}_{worker}")
        server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database})
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        server.dispose()
    return url.render_as_string(hide_password=False)


class _PostgresDatabase:
    """One migrated PostgreSQL database, emptied back to its migrated state after each test."""

    def __init__(self, worker: str, url: str | None = None):
        self.url = url or _pg_url(worker)
        engine = sa.create_engine(self.url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        app = create_app(_test_config(self.url))
        with app.app_context():
            upgrade()
            inspector = sa.inspect(db.engine)
            self.tables = [t for t in inspector.get_table_names() if t != "alembic_version"]
            meta = sa.MetaData()
            meta.reflect(db.engine, only=self.tables)
            self.meta = meta
            with db.engine.connect() as conn:
                self.snapshot = {
                    t: [dict(r._mapping) for r in conn.execute(meta.tables[t].select())] for t in self.tables
                }
            db.engine.dispose()

    def fresh_url(self, tmp_path, world=None) -> str:
        """Return the URL; the database is in its migrated state (worlds are built per test here)."""
        return self.url

    def reset(self, engine) -> None:
        """Empty every table and put back the rows the migrations seeded.

        Servers may still be reading (tests/deploy's instances beat their presence): TRUNCATE's locks
        can then deadlock with a reader, and PostgreSQL cancels one side; the reset tries again.
        """
        for attempt in range(5):
            try:
                return self._reset(engine)
            except sa.exc.OperationalError as error:
                if "deadlock detected" not in str(error) or attempt == 4:
                    raise
                time.sleep(0.2)

    def _reset(self, engine) -> None:
        """Empty every table and put back the seeded rows, in one transaction."""
        with engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
            for table in self.meta.sorted_tables:
                rows = self.snapshot[table.name]
                if rows:
                    conn.execute(table.insert(), rows)
            for table in self.meta.sorted_tables:
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer) and self.snapshot[table.name]:
                    conn.execute(
                        # Table names come from the reflected schema, not from input.
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                            f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                        )
                    )


@event.listens_for(sa.Engine, "connect")
def _no_sync_in_tests(dbapi_connection, _record) -> None:
    """Let SQLite skip fsync for the suite's throwaway files (each test's commits cost 2 ms less)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


class _SqliteDatabase:
    """A migrated SQLite file, copied fresh for each test."""

    def __init__(self, directory):
        self.template = directory / "template.db"
        app = create_app(_test_config(f"sqlite:///{self.template}"))
        with app.app_context():
            upgrade()
            db.engine.dispose()

    def fresh_url(self, tmp_path, world=None) -> str:
        """Copy the template (or a module's prebuilt world) and return the copy's URL."""
        target = tmp_path / "portal.db"
        shutil.copy(world or self.template, target)
        return f"sqlite:///{target}"

    def reset(self, engine) -> None:
        """Nothing to do: every test has its own copy."""


@pytest.fixture(scope="session")
def database(tmp_path_factory, worker_id):
    """The migrated database the tests run on (one per pytest-xdist worker)."""
    if ON_POSTGRES:
        return _PostgresDatabase(worker_id)
    return _SqliteDatabase(tmp_path_factory.mktemp("db"))


class PortalClient(FlaskClient):
    """A test client that sends the CSRF token with its forms, as a browser would."""

    def open(self, *args, **kwargs):
        """Give each request a fresh `g`, as it would have outside the test's app context."""
        if has_app_context():
            for key in list(g):
                g.pop(key)
        response = super().open(*args, **kwargs)
        # Werkzeug's test client spools a large multipart body to a temporary file and leaves it open
        # (a 413 never reads it); close it, as a server closes the connection's stream.
        body = response.request.environ.get("wsgi.input")
        if body is not None and not isinstance(body, io.BytesIO):
            body.close()
        return response

    def csrf_token(self) -> str:
        """Open a page and read the CSRF token from its meta tag."""
        page = self.get("/login", follow_redirects=True)
        match = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        """POST a form with a valid CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture(scope="session")
def shared_app(database, tmp_path_factory):
    """One portal app for the session's tests (building one costs 0.2 s: werkzeug compiles each route)."""
    app = create_app(_test_config(database.fresh_url(tmp_path_factory.mktemp("shared"))))
    app.test_client_class = PortalClient
    # The extensions are module-wide objects that the latest create_app rebinds (a test may make an
    # app of its own): the fixture below gives them back to this app before every test.
    app.extensions["test.socketio_server"] = socketio.server
    return app


def _use_database(app, url: str) -> None:
    """Point the shared app's engine at this test's database.

    Flask-SQLAlchemy (pinned) keeps one engine per app, made in init_app; this makes it the way
    init_app does, for the new URL. Test-only: the portal itself never changes its database.
    """
    options = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "url": url, "echo": False, "echo_pool": False}
    db._apply_driver_defaults(options, app)
    engines = db._app_engines[app]
    for engine in engines.values():
        engine.dispose()
    engines[None] = db._make_engine(None, options, app)
    app.config["SQLALCHEMY_DATABASE_URI"] = url


# Worlds built once per test module: fixture name -> the module fixture that builds its file.
_WORLDS: dict[str, str] = {}


def world_fixture(build: Callable[[], Any], name: str):
    """Return (module fixture, test fixture) giving each test the world `build` makes, as its own copy.

    On SQLite the world is built once per test module into a file that each test's database is
    copied from, and the test gets the objects reloaded from its copy (a dataclass, dict, list or
    one model instance). On PostgreSQL it is built again for every test. Register the pair in the
    module (or conftest) as `<name>_file` and `<name>`.
    """

    @pytest.fixture(scope="module")
    def built(shared_app, database, tmp_path_factory):
        if ON_POSTGRES:
            return None
        path = tmp_path_factory.mktemp(name) / "world.db"
        shutil.copy(database.template, path)
        _use_database(shared_app, f"sqlite:///{path}")
        with shared_app.app_context():
            factories.bind(db.session)
            keys = _identities(build())
            db.session.remove()
            db.engine.dispose()
        return path, keys

    @pytest.fixture
    def world(app, request):
        found = request.getfixturevalue(f"{name}_file")
        if found is None:
            return build()
        return _reload(found[1])

    _WORLDS[name] = f"{name}_file"
    return built, world


def _identities(value):
    """Turn a world's objects into what reloads them (class and primary key for each instance)."""
    if isinstance(value, db.Model):
        return ("instance", type(value), sa.inspect(value).identity)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _identities(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return ("dataclass", type(value), fields)
    if isinstance(value, dict):
        return ("dict", {k: _identities(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return ("list", type(value), [_identities(v) for v in value])
    return ("value", value)


def _reload(spec):
    """Load a world's objects from this test's copy."""
    kind = spec[0]
    if kind == "instance":
        return db.session.get(spec[1], spec[2])
    if kind == "dataclass":
        return spec[1](**{k: _reload(v) for k, v in spec[2].items()})
    if kind == "dict":
        return {k: _reload(v) for k, v in spec[1].items()}
    if kind == "list":
        return spec[1](_reload(v) for v in spec[2])
    return spec[1]


def _prebuilt(request, fixture: str):
    """Return a module's prebuilt world, if the test's module has that world (a fixture of the same
    name elsewhere is an ordinary one)."""
    try:
        return request.getfixturevalue(fixture)
    except pytest.FixtureLookupError:
        return None


@pytest.fixture
def app(shared_app, database, tmp_path, request):
    """The portal app on a freshly migrated database of its own, with its app context pushed.

    A test using a module's prebuilt world (world_fixture) starts from a copy of that world.
    Whatever a test changes in the app's config is put back afterwards.
    """
    config = dict(shared_app.config)
    socketio.server = shared_app.extensions["test.socketio_server"]
    limiter.enabled = shared_app.config["RATELIMIT_ENABLED"]
    prebuilt = [_prebuilt(request, f) for n, f in _WORLDS.items() if n in request.fixturenames]
    prebuilt = [found for found in prebuilt if found is not None]
    assert len(prebuilt) <= 1, "a test can start from one prebuilt world only"
    url = database.fresh_url(tmp_path, prebuilt[0][0] if prebuilt else None)
    if url != shared_app.config["SQLALCHEMY_DATABASE_URI"]:
        _use_database(shared_app, url)
    with shared_app.app_context():
        factories.bind(db.session)
        yield shared_app
        db.session.remove()
        database.reset(db.engine)
        db.engine.dispose()
    shared_app.config.clear()
    shared_app.config.update(config)


@pytest.fixture
def client(app):
    """A browser-like client."""
    return app.test_client()


@pytest.fixture
def login(client):
    """Log a person in through the login form; return the response."""

    def do_login(user, password: str = factories.DEFAULT_PASSWORD, follow: bool = False):
        response = client.submit(
            "/login", {"login_id": user.login_id, "password": password}, follow_redirects=follow
        )
        return response

    return do_login
