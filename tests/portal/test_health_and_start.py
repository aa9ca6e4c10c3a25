"""`/healthz` answers for the load balancer without login or data; production mode refuses unsafe starts."""

import os
import subprocess
import sys

import pytest

from portal import create_app
from portal.config import ROOT
from portal.startup import UnsafeStart, unsafe_start_problems

PRODUCTION = {"PORTAL_ENV": "production", "SECRET_KEY": "x" * 64, "DATABASE_URL": "postgresql://db/portal"}


def test_healthz_answers_without_login_and_names_no_data(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "unused"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_when_redis_is_unreachable(app, client, unused_port):
    app.config["SOCKETIO_MESSAGE_QUEUE"] = f"redis://127.0.0.1:{unused_port}/0"
    app.extensions.pop("portal.health_redis", None)
    try:
        response = client.get("/healthz")
    finally:
        app.config["SOCKETIO_MESSAGE_QUEUE"] = None
        app.extensions.pop("portal.health_redis", None)
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "redis": "unreachable"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/portal.db", "TESTING": True}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_proper_production_configuration_starts():
    assert unsafe_start_problems(PRODUCTION) == []
    assert unsafe_start_problems({**PRODUCTION, "PORTAL_INSTANCES": "2"}) == []


def test_outside_production_mode_nothing_is_refused():
    assert unsafe_start_problems({"FLASK_DEBUG": "1", "PORTAL_INSTANCES": "3"}) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY を環境変数で明示"),
        ({"FLASK_DEBUG": "1"}, "デバッグを有効にできません"),
        ({"PORTAL_INSTANCES": "2", "DATABASE_URL": "sqlite:////srv/portal.db"}, "データベースが SQLite"),
        ({"PORTAL_INSTANCES": "2", "DATABASE_URL": ""}, "データベースが SQLite"),
        ({"PORTAL_INSTANCES": "many"}, "PORTAL_INSTANCES には"),
    ],
)
def test_production_mode_refuses_an_unsafe_configuration_in_japanese(change, words):
    problems = unsafe_start_problems({**PRODUCTION, **change})
    assert len(problems) == 1 and words in problems[0]


def test_one_sqlite_instance_may_run_in_production_mode():
    assert unsafe_start_problems({**PRODUCTION, "DATABASE_URL": "sqlite:////srv/portal.db"}) == []


def test_the_app_factory_refuses_an_unsafe_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(UnsafeStart, match=r"起動を中止しました。.*SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


def test_gunicorn_refuses_to_start_and_says_why(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}},
        "PORTAL_ENV": "production",
        "PORTAL_INSTANCES": "2",
        "PORTAL_BIND": "127.0.0.1:0",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode != 0
    assert "起動を中止しました: 本番モード（PORTAL_ENV=production）では SECRET_KEY" in done.stderr
    assert "データベースが SQLite です" in done.stderr
