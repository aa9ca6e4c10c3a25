"""A meeting day (issue 13): invitations share only what the meeting needs.

meeting_invitees.shares_household / household_reason: whether the coordinator shared the whole
household (other children, guardians, household note) with an invited agency, and why. Existing
invitations get "not shared". Existing meeting grants for the whole case lose 基本情報 (bit 1): an
invitation shares the case's ledger and the meeting's record, and the agency's own children come
from its statutory grants, so no agency keeps a household it was never meant to see.

Revision ID: 13a1c0ffee01
Revises: 19a1c4e7b2d0
Create Date: 2026-12-02 16:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "13a1c0ffee01"
down_revision = "19a1c4e7b2d0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meeting_invitees") as batch:
        batch.add_column(sa.Column("shares_household", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("household_reason", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("paused_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("agenda_items") as batch:
        batch.add_column(sa.Column("situation", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("risk_level", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("risk_reason", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("short_goals", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("long_goals", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("key_person", sa.String(120), nullable=False, server_default=""))
        batch.add_column(sa.Column("seen_by", sa.Text(), nullable=False, server_default="[]"))
    with op.batch_alter_table("meeting_attendance") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("agency_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("name", sa.String(60), nullable=False, server_default=""))
        batch.add_column(sa.Column("agency_name", sa.String(120), nullable=False, server_default=""))
        batch.add_column(sa.Column("title", sa.String(60), nullable=False, server_default=""))
        batch.add_column(sa.Column("attended", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("left_early", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("note", sa.String(120), nullable=False, server_default=""))
    op.execute(
        "UPDATE access_grants SET parts = parts - 1"
        " WHERE cause = 'meeting' AND child_id IS NULL AND parts % 2 = 1"
    )


def downgrade():
    # The narrowed grants stay narrowed: widening them again would re-open households.
    op.execute("DELETE FROM meeting_attendance WHERE user_id IS NULL OR agency_id IS NULL")
    with op.batch_alter_table("meeting_attendance") as batch:
        for name in ("note", "left_early", "late", "attended", "title", "agency_name", "name"):
            batch.drop_column(name)
        batch.alter_column("agency_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("agenda_items") as batch:
        for name in ("seen_by", "key_person", "long_goals", "short_goals", "risk_reason", "risk_level", "situation"):
            batch.drop_column(name)
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("paused_at")
    with op.batch_alter_table("meeting_invitees") as batch:
        batch.drop_column("household_reason")
        batch.drop_column("shares_household")
