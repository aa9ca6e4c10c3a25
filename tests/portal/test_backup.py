"""`flask backup` writes a consistent copy; `flask restore` brings it back into an empty database.

The copy is restored into a database of its own (a new SQLite file, or a new PostgreSQL database on
the test server), and `flask audit verify` passes on it with every row, as on the original.
"""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from portal import audit, create_app
from portal.cli import create_admin_account
from portal.extensions import db
from portal.transaction import transaction
from tests.conftest import ON_POSTGRES, _test_config
from tests.factories import UserFactory


def _counts(engine) -> dict[str, int]:
    """Return the number of rows of every table."""
    names = sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        # Table names come from the schema itself.
        return {n: connection.scalar(sa.text(f'SELECT count(*) FROM "{n}"')) for n in names}  # noqa: S608


@pytest.fixture
def empty_url(app, tmp_path) -> Iterator[str]:
    """The URL of an empty database next to the test's (dropped again afterwards on PostgreSQL)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    target = url.set(database=f"{url.database}_restored")
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    try:
        yield target.render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        server.dispose()


def test_a_backup_restores_into_an_empty_database_and_its_audit_log_verifies(app, empty_url, tmp_path):
    UserFactory.create_batch(3)
    assert create_admin_account("first-admin", "最初 管理者", "情報政策課", "Kanri-Sha-2025-x!") == []
    with transaction():
        for n in range(5):
            audit.record("test.backup", detail={"n": n})
    db.session.remove()
    before = _counts(db.engine)
    checked_before, problems = audit.verify_chain()
    assert problems == [] and checked_before == before["audit_entries"] >= 6

    path = tmp_path / "backups" / "portal.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "バックアップを書き出しました" in result.output
    assert path.stat().st_mode & 0o777 == 0o600

    restored = create_app(_test_config(empty_url))
    runner = restored.test_cli_runner()
    # The commands run in the app context already pushed, so the restored app's is pushed here.
    with restored.app_context():
        result = runner.invoke(args=["restore", str(path)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == f"監査ログは正常です（{checked_before}行を検証しました）。"
        assert _counts(db.engine) == before
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(app, tmp_path):
    path = tmp_path / "portal.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(path)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 1
    assert "復元先のデータベースが空ではありません" in result.output


def test_backup_refuses_to_overwrite_a_file(app, tmp_path):
    path = tmp_path / "portal.backup"
    path.write_text("an older backup")
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 1 and "既にあります" in result.output
    assert path.read_text() == "an older backup"
