"""Each person's ledger preferences (ledger_preferences): the optional columns they chose and compact mode.

No rows at first: a person without one sees the ledger's default columns.

Revision ID: 14b2d8f3e0a1
Revises: 14a1c7e2d9b0
Create Date: 2026-12-02 17:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "14b2d8f3e0a1"
down_revision = "14a1c7e2d9b0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ledger_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("columns", sa.String(length=200), nullable=False),
        sa.Column("compact", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ledger_preferences_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_ledger_preferences")),
    )


def downgrade():
    op.drop_table("ledger_preferences")
