"""The Alembic migrations build exactly the models' schema, undo cleanly, and seed the fixed rows."""

from pprint import pformat

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.audit import GENESIS_HASH, AuditEntry, AuditHead
from portal.extensions import db
from portal.models import AgencyKind
from tests.conftest import ON_POSTGRES, _test_config


def schema_diff() -> list:
    """Return what autogenerate would still change to make the database match the models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    """Return the tables in the app's database."""
    return set(sa.inspect(db.engine).get_table_names())


def seeded_kinds() -> list[str]:
    """Return the agency kinds' names in their display order."""
    return list(db.session.scalars(sa.select(AgencyKind.name).order_by(AgencyKind.sort_order)))


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on an empty SQLite file, whatever database the rest of the suite uses."""
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'empty.db'}"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_from_empty_matches_the_models(database, tmp_path):
    # On PostgreSQL the session's `database` fixture dropped the schema and upgraded from empty,
    # so read that database; on SQLite upgrade an empty file here.
    url = database.fresh_url(tmp_path) if ON_POSTGRES else f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app(_test_config(url))
    with app.app_context():
        try:
            if not ON_POSTGRES:
                upgrade()
            diff = schema_diff()
        finally:
            db.session.remove()
            db.engine.dispose()
    assert diff == [], f"the migrations and the models disagree:\n{pformat(diff)}"


def test_downgrade_to_base_and_upgrade_again_on_sqlite(sqlite_app):
    upgrade()
    tables = table_names()
    kinds = seeded_kinds()
    assert {"users", "agencies", "councils", "audit_entries"} <= tables

    downgrade(revision="base")
    assert table_names() == {"alembic_version"}

    upgrade()
    assert table_names() == tables
    assert seeded_kinds() == kinds
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditHead)) == 1


def test_migration_seeds_agency_kinds_and_audit_head(app):
    kinds = {k.name: k for k in db.session.scalars(sa.select(AgencyKind))}
    assert {"こども家庭センター", "小学校", "保育所", "児童相談所", "警察", "その他"} <= set(kinds)
    assert kinds["小学校"].category == "school"
    assert kinds["保育所"].category == "nursery"
    assert kinds["児童相談所"].category == "child_guidance"
    assert all(k.active for k in kinds.values())
    assert len({k.sort_order for k in kinds.values()}) == len(kinds)

    head = db.session.get(AuditHead, 1)
    assert head is not None and head.seq == 0 and head.last_hash == GENESIS_HASH == "0" * 64
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
