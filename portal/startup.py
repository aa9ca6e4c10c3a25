"""Safe start: in production mode the portal refuses a configuration that would serve data unsafely.

Production mode is PORTAL_ENV=production (the systemd units and the compose file set it). Then the
portal will not start without an explicit SECRET_KEY (a key generated into one instance folder
differs between instances and dies with the folder), with debug on (the debugger runs code typed
into a page), or on SQLite while several instances are configured (PORTAL_INSTANCES above 1: one
SQLite file cannot be shared safely by processes on several machines). The messages are Japanese.
"""

import os
from collections.abc import Mapping


class UnsafeStart(RuntimeError):
    """The configuration is not safe to serve in production; the message says why, in Japanese."""


def production(env: Mapping[str, str] | None = None) -> bool:
    """Return whether the portal runs in production mode."""
    return (os.environ if env is None else env).get("PORTAL_ENV", "").strip().lower() == "production"


def unsafe_start_problems(
    env: Mapping[str, str] | None = None, *, database_url: str | None = None, debug: bool = False
) -> list[str]:
    """Return why this configuration may not start in production mode (nothing outside it)."""
    env = os.environ if env is None else env
    if not production(env):
        return []
    problems = []
    if not env.get("SECRET_KEY", "").strip():
        problems.append(
            "本番モード（PORTAL_ENV=production）では SECRET_KEY を環境変数で明示してください"
            "（全インスタンスで同じ値。例: python3 -c 'import secrets; print(secrets.token_hex(32))'）。"
        )
    if debug or env.get("FLASK_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        problems.append("本番モードではデバッグを有効にできません（FLASK_DEBUG を外してください）。")
    url = database_url if database_url is not None else env.get("DATABASE_URL", "")
    try:
        instances = int(env.get("PORTAL_INSTANCES", "1") or "1")
    except ValueError:
        instances = 0
        problems.append("PORTAL_INSTANCES にはインスタンスの数（1以上の整数）を指定してください。")
    if instances > 1 and (not url or url.startswith("sqlite")):
        problems.append(
            f"インスタンスを{instances}つ設定していますが、データベースが SQLite です。"
            "複数のインスタンスでは DATABASE_URL に PostgreSQL を指定してください。"
        )
    return problems


def check(app) -> None:
    """Raise UnsafeStart when the app's configuration may not start in production mode."""
    if app.config.get("TESTING"):
        return
    problems = unsafe_start_problems(database_url=app.config["SQLALCHEMY_DATABASE_URI"], debug=app.debug)
    if problems:
        raise UnsafeStart("起動を中止しました。" + " ".join(problems))
