"""Backups that restore: a consistent copy of the whole database, and bringing one back.

SQLite is copied with its online backup API (a consistent snapshot while the portal keeps
serving; WAL readers never wait). PostgreSQL is dumped with pg_dump's custom format (one
transaction's snapshot) and restored with pg_restore in a single transaction. A restore goes only
into an empty database (no tables): it never mixes a backup with rows already there. The
connection's password goes to pg_dump/pg_restore through the environment, never on a command line.
"""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from portal.extensions import db


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why, in Japanese."""


def _sqlite_file(url) -> Path:
    """Return the file of a SQLite URL."""
    if not url.database or url.database == ":memory:":
        raise BackupError("メモリ上の SQLite はバックアップできません。")
    return Path(url.database)


def _pg_environment(url) -> dict[str, str]:
    """Return the libpq environment naming the URL's server, user, password and database."""
    env = {**os.environ, "PGDATABASE": url.database or ""}
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username)):
        if value:
            env[key] = str(value)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _pg_tool(name: str) -> str:
    """Return the path of pg_dump or pg_restore, preferring the newest server version's."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    path = str(found[-1]) if found else shutil.which(name)
    if not path:
        raise BackupError(f"{name} が見つかりません（Debian では postgresql-client を入れてください）。")
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client tool; raise BackupError with its message when it fails."""
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} が失敗しました: {done.stderr.strip()[-2000:]}")


def backup(target: Path) -> Path:
    """Write a consistent copy of the app's database to the target file (mode 600); return it."""
    url = make_url(db.engine.url)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} は既にあります。別のファイル名を指定してください。")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch(mode=0o600)
    try:
        if url.get_backend_name() == "sqlite":
            with _sqlite_pair(_sqlite_file(url), target) as (source, copy):
                source.backup(copy)
        elif url.get_backend_name() == "postgresql":
            dump = [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
            ]
            _run(dump, _pg_environment(url))
        else:
            raise BackupError(f"{url.get_backend_name()} のバックアップには対応していません。")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    target.chmod(0o600)
    return target


def restore(source: Path) -> None:
    """Bring a backup back into the app's database, which must be empty (no tables)."""
    url = make_url(db.engine.url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} が見つかりません。")
    tables = inspect(db.engine).get_table_names()
    db.engine.dispose()
    if tables:
        raise BackupError(
            f"復元先のデータベースが空ではありません（テーブル{len(tables)}個）。空のデータベースを指定してください。"
        )
    if url.get_backend_name() == "sqlite":
        with _sqlite_pair(source, _sqlite_file(url)) as (copy, database):
            copy.backup(database)
    elif url.get_backend_name() == "postgresql":
        command = [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={url.database}",
            str(source),
        ]
        _run(command, _pg_environment(url))
    else:
        raise BackupError(f"{url.get_backend_name()} への復元には対応していません。")


@contextmanager
def _sqlite_pair(first: Path, second: Path) -> Iterator[tuple[sqlite3.Connection, sqlite3.Connection]]:
    """Open two SQLite files and close both at the end."""
    one, two = sqlite3.connect(first), sqlite3.connect(second)
    try:
        yield one, two
    finally:
        one.close()
        two.close()
