"""`/healthz` for the load balancer: whether this instance reaches its database and Redis.

No login, and no data: the answer names only the two dependencies and whether each answered. It
is 200 when every configured dependency answers and 503 otherwise, so nginx or a monitor can take
an instance out of service. Redis is "unused" when REDIS_URL is not set (one process).
"""

import redis
from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from portal.extensions import csrf, db, limiter

bp = Blueprint("health", __name__)
TIMEOUT_SECONDS = 2


def _database_ok() -> bool:
    """Return whether a trivial query runs on a fresh connection from the pool."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.warning("ヘルスチェック: データベースに接続できません。")
        return False
    return True


def _redis_client(app: Flask) -> redis.Redis:
    """Return this app's Redis client for health checks, made once."""
    client = app.extensions.get("portal.health_redis")
    if client is None:
        client = redis.Redis.from_url(
            app.config["SOCKETIO_MESSAGE_QUEUE"],
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
        )
        app.extensions["portal.health_redis"] = client
    return client


def _redis_state() -> str:
    """Return "ok", "unused" (no REDIS_URL) or "unreachable"."""
    if not current_app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        return "unused"
    try:
        _redis_client(current_app._get_current_object()).ping()
    except redis.RedisError:
        current_app.logger.warning("ヘルスチェック: Redis に接続できません。")
        return "unreachable"
    return "ok"


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    """Answer 200 when the database and Redis (if configured) are reachable, 503 otherwise."""
    database = "ok" if _database_ok() else "unreachable"
    redis_state = _redis_state()
    healthy = database == "ok" and redis_state != "unreachable"
    body = {"status": "ok" if healthy else "unavailable", "database": database, "redis": redis_state}
    return jsonify(body), 200 if healthy else 503
