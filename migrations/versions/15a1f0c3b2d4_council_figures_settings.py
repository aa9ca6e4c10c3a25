"""Council settings for the figures of the representative meeting: how a child's age is taken for the
age bands (figures_age_basis: "year_end" = on the last day of the 年度, the default; "year_start" = on
its first day) and where counts of 1–2 are shown as "3未満" (figures_small_counts: "exports" = in the
Word and Excel copies, the default; "everywhere" = on the page too; "never").

Existing councils get the defaults.

Revision ID: 15a1f0c3b2d4
Revises: 13a1c0ffee01
Create Date: 2026-12-02 16:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "15a1f0c3b2d4"
down_revision = "13a1c0ffee01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("figures_age_basis", sa.String(length=12), nullable=False, server_default="year_end")
        )
        batch_op.add_column(
            sa.Column("figures_small_counts", sa.String(length=12), nullable=False, server_default="exports")
        )


def downgrade():
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("figures_small_counts")
        batch_op.drop_column("figures_age_basis")
