"""The audit chain: rows link by hash, `flask audit verify` finds tampering, triggers refuse changes."""

from contextlib import contextmanager
from itertools import pairwise

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from portal import audit
from portal.audit import GENESIS_HASH, AuditEntry, AuditHead
from portal.extensions import db
from tests.factories import UserFactory


def write_rows(count: int = 4) -> list[AuditEntry]:
    """Write and commit a few audit rows; return them oldest first."""
    user = UserFactory()
    for n in range(count):
        audit.record("test.event", actor=user, target=user, detail={"n": n})
    db.session.commit()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def verify(app):
    """Run `flask audit verify` and return the result."""
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@contextmanager
def triggers_dropped():
    """Drop the append-only triggers, as a DBA with direct access could; put them back afterwards.

    On PostgreSQL the test database is shared and its reset does not restore triggers, so the
    trigger is re-created here with the migration's own SQL.
    """
    postgres = db.engine.dialect.name == "postgresql"
    # End the session's transaction first: on PostgreSQL its read lock would block the DDL.
    db.session.commit()
    with db.engine.begin() as conn:
        if postgres:
            conn.execute(text("DROP TRIGGER audit_entries_no_change ON audit_entries"))
        else:
            conn.execute(text("DROP TRIGGER audit_entries_no_update"))
            conn.execute(text("DROP TRIGGER audit_entries_no_delete"))
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            if postgres:
                conn.execute(
                    text(
                        "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries "
                        "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
                    )
                )
            else:
                for event in ("UPDATE", "DELETE"):
                    conn.execute(
                        text(
                            f"CREATE TRIGGER audit_entries_no_{event.lower()} BEFORE {event} "
                            "ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"
                        )
                    )


def test_rows_chain_by_hash(app):
    rows = write_rows()
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == GENESIS_HASH
    for previous, current in pairwise(rows):
        assert current.prev_hash == previous.hash
    assert len({r.hash for r in rows}) == len(rows)
    head = db.session.get(AuditHead, 1)
    assert head.seq == 4 and head.last_hash == rows[-1].hash


def test_a_rolled_back_row_leaves_no_gap(app):
    write_rows(2)
    audit.record("test.event")
    db.session.rollback()
    audit.record("test.event")
    db.session.commit()
    rows = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    assert [r.seq for r in rows] == [1, 2, 3]
    assert verify(app).exit_code == 0


def test_verify_passes_on_a_clean_log(app):
    write_rows()
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "監査ログは正常です（4行を検証しました）" in result.output


def test_verify_passes_on_an_empty_log(app):
    result = verify(app)
    assert result.exit_code == 0
    assert "0行を検証しました" in result.output


def test_verify_reports_an_altered_row(app):
    write_rows()
    with triggers_dropped():
        db.session.execute(text("UPDATE audit_entries SET target_label = '改ざん' WHERE seq = 2"))
        db.session.commit()
        result = verify(app)
    assert result.exit_code == 1
    assert "行 2: 内容が書き込み後に変更されています" in result.output
    assert "監査ログに1件の異常があります" in result.output


def rewrite(seq: int, **values) -> None:
    """Change a row and recompute its own hash, as a careful forger would (triggers must be off)."""
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(**values))
    db.session.commit()
    entry = db.session.get(AuditEntry, seq)
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(hash=audit._row_hash(entry)))
    db.session.commit()


def test_verify_reports_a_forged_middle_row(app):
    write_rows()
    with triggers_dropped():
        rewrite(2, actor_name="別人", detail='{"n": 99}')
        result = verify(app)
    assert result.exit_code == 1
    # The row is self-consistent now, but the next row still points at the original.
    assert "行 3: 前の行とのつながり（prev_hash）が一致しません" in result.output
    assert "行 2:" not in result.output


def test_verify_reports_a_deleted_middle_row(app):
    write_rows()
    with triggers_dropped():
        db.session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
        db.session.commit()
        result = verify(app)
    assert result.exit_code == 1
    assert "行 2: 行 2〜2 が削除されています" in result.output
    assert "行 3: 前の行とのつながり（prev_hash）が一致しません" in result.output
    assert "3行を検証しました" in result.output


def test_verify_reports_a_deleted_last_row(app):
    write_rows()
    with triggers_dropped():
        db.session.execute(text("DELETE FROM audit_entries WHERE seq = 4"))
        db.session.commit()
        result = verify(app)
    assert result.exit_code == 1
    assert "行 4: 末尾の行（4〜4）が削除されています" in result.output


def test_verify_reports_a_forged_last_row(app):
    write_rows()
    with triggers_dropped():
        # Nothing follows the last row, so only the head's record of its hash can tell.
        rewrite(4, target_label="改ざん")
        result = verify(app)
    assert result.exit_code == 1
    assert "行 4: 末尾の行のハッシュが記録と一致しません" in result.output


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda: db.session.execute(text("UPDATE audit_entries SET ip = '10.0.0.1'")), id="sql-update"
        ),
        pytest.param(
            lambda: db.session.execute(text("DELETE FROM audit_entries WHERE seq = 1")), id="sql-delete"
        ),
        pytest.param(lambda: db.session.execute(delete(AuditEntry)), id="orm-bulk-delete"),
        pytest.param(
            lambda: db.session.execute(update(AuditEntry).values(outcome="failure")), id="orm-bulk-update"
        ),
    ],
)
def test_triggers_refuse_update_and_delete(app, change):
    write_rows()
    with pytest.raises(DBAPIError, match="append-only"):
        change()
        db.session.commit()
    db.session.rollback()
    assert verify(app).exit_code == 0


def test_triggers_refuse_changing_a_loaded_row(app):
    entry = write_rows()[1]
    entry.target_label = "改ざん"
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, 1))
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert verify(app).exit_code == 0


def test_triggers_are_back_after_a_tampering_test(app):
    write_rows(1)
    with triggers_dropped():
        pass
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_entries"))
    db.session.rollback()
