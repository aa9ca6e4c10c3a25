"""Shared fixtures: a migrated database per test (SQLite or PostgreSQL), the app, clients, logins."""

import os
import re
import shutil

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db
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

    def __init__(self, worker: str):
        self.url = _pg_url(worker)
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

    def fresh_url(self, tmp_path) -> str:
        """Return the URL; the database is in its migrated state."""
        return self.url

    def reset(self, engine) -> None:
        """Empty every table and put back the rows the migrations seeded."""
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


class _SqliteDatabase:
    """A migrated SQLite file, copied fresh for each test."""

    def __init__(self, directory):
        self.template = directory / "template.db"
        app = create_app(_test_config(f"sqlite:///{self.template}"))
        with app.app_context():
            upgrade()
            db.engine.dispose()

    def fresh_url(self, tmp_path) -> str:
        """Copy the template and return the copy's URL."""
        target = tmp_path / "portal.db"
        shutil.copy(self.template, target)
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
        return super().open(*args, **kwargs)

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


@pytest.fixture
def app(database, tmp_path):
    """A portal app on a freshly migrated database, with its app context pushed."""
    app = create_app(_test_config(database.fresh_url(tmp_path)))
    app.test_client_class = PortalClient
    with app.app_context():
        factories.bind(db.session)
        yield app
        db.session.remove()
        database.reset(db.engine)
        db.engine.dispose()


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
