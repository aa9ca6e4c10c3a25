"""The reason of a case change (case_changes.reason): a change of the risk level says why.

Existing history lines get an empty reason.

Revision ID: 14a1c7e2d9b0
Revises: 15a1f0c3b2d4
Create Date: 2026-12-02 16:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "14a1c7e2d9b0"
down_revision = "15a1f0c3b2d4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("case_changes", schema=None) as batch_op:
        batch_op.drop_column("reason")
