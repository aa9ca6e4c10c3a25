"""The reason of a case change (case_changes.reason): a change of the risk level says why.

Existing history lines get an empty reason.

Revision ID: 14a1c7e2d9b0
Revises: d3e9a4b7c2f1
Create Date: 2026-12-02 16:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "14a1c7e2d9b0"
down_revision = "d3e9a4b7c2f1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("case_changes", schema=None) as batch_op:
        batch_op.drop_column("reason")
