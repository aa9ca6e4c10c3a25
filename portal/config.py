"""Configuration read from the environment, with safe defaults for the embedded SQLite setup."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, or a key kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    """Return DATABASE_URL, defaulting to a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the driver loosely; we use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{instance_path / 'portal.db'}"


def _origins(value: str) -> list[str] | None:
    """Return the configured origins, or None for the portal's own origin only."""
    origins = [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
    return origins or None


def build_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config mapping for one app instance."""
    path = Path(instance_path)
    idle_minutes = int(os.environ.get("PORTAL_IDLE_MINUTES", "30"))
    config = {
        "SECRET_KEY": _secret_key(path),
        "SQLALCHEMY_DATABASE_URI": _database_url(path),
        # hide_parameters: a database error in the error log shows the SQL, never the values (which
        # may be a child's name or a case's text).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # Sessions: HttpOnly, SameSite=Lax; Secure is forced when PORTAL_HTTPS=1 and is
        # also set per request when the request itself came over https (see sessions.py).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("PORTAL_HTTPS") == "1",
        "SESSION_COOKIE_NAME": "portal_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=idle_minutes),
        "IDLE_TIMEOUT": timedelta(minutes=idle_minutes),
        # A live-room connection not confirmed by its process within this many seconds is gone (the
        # process stopped without its disconnect handlers); each process confirms its own every third
        # (at least 3 s, so a mistaken 0 cannot turn the confirmation into a busy loop).
        "PRESENCE_TTL_SECONDS": max(3, int(os.environ.get("PORTAL_PRESENCE_TTL_SECONDS", "45"))),
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        # Login throttling: an account locks after this many failures in a row.
        "LOGIN_MAX_FAILURES": int(os.environ.get("PORTAL_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCKOUT": timedelta(minutes=int(os.environ.get("PORTAL_LOCKOUT_MINUTES", "15"))),
        # Throttles on failed logins (Flask-Limiter; Redis when configured): one account from one
        # address, and one address over all accounts. Correct logins are not counted, so an office
        # behind one shared address is not locked out on a meeting morning.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_RATE_LIMIT": os.environ.get("PORTAL_LOGIN_RATE_LIMIT", "10 per 10 minutes"),
        "LOGIN_ADDRESS_LIMIT": os.environ.get("PORTAL_LOGIN_ADDRESS_LIMIT", "100 per 10 minutes"),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "ja",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Tokyo",
        "PORTAL_TIMEZONE": "Asia/Tokyo",
        # Socket.IO message queue for several processes (Redis); None in the embedded setup.
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("REDIS_URL") or None,
        # Pages of which origins may open a Socket.IO connection: None is the portal's own origin
        # (as the request names it, or as the proxy forwards it); behind a proxy that rewrites the
        # host, list the public origins in PORTAL_ALLOWED_ORIGINS (comma-separated).
        "SOCKETIO_ALLOWED_ORIGINS": _origins(os.environ.get("PORTAL_ALLOWED_ORIGINS", "")),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    }
    if overrides:
        config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # PostgreSQL's JIT compiles the ledger's count query for ~20 ms and never pays it back.
        options = config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"options": "-c jit=off"})
    return config
