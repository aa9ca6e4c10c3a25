"""The second factor: a person's TOTP secret (unconfirmed until a first code is typed), the last time
step used (so a code cannot be used twice), their one-time recovery codes (hashes only), and the
council's setting that asks it of member agencies' people too.

Existing people have no second factor: those whose roles require one enrol at their next login.
Existing councils do not ask it of member agencies until a coordinator turns the setting on.

Revision ID: 17c4a9e2b6d0
Revises: d3e9a4b7c2f1
Create Date: 2026-12-02 17:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "17c4a9e2b6d0"
down_revision = "d3e9a4b7c2f1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))

    # The server default fills the rows already there; the application always writes the value.
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("two_factor_for_members", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_codes_user_id"))
    op.drop_table("recovery_codes")

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("two_factor_for_members")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_confirmed_at")
        batch_op.drop_column("totp_secret")
