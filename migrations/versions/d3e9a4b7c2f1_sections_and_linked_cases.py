"""部会, linked cases and recorders: the council's sections (部会) and each case's section, the further
cases an agenda item takes up (agenda_item_cases), those cases as minuted (minutes_sections.linked),
a meeting's 記録係 (meetings.recorder_id), and when a live-room connection was last confirmed by its
process (meeting_presence.seen_at). Presence rows are the connections of running server processes,
which are stopped while the schema changes, so they are cleared rather than given a made-up time.

Existing rows get empty values: no 部会, no linked case ("[]" in the minutes).

Revision ID: d3e9a4b7c2f1
Revises: c2f8a1d6e5b0
Create Date: 2026-11-23 23:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d3e9a4b7c2f1"
down_revision = "c2f8a1d6e5b0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agenda_item_cases",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_agenda_item_cases_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_agenda_item_cases_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "case_id", name=op.f("pk_agenda_item_cases")),
    )
    with op.batch_alter_table("agenda_item_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_cases_case_id"), ["case_id"], unique=False)

    # The server defaults fill the rows already there; the application always writes the value.
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("section", sa.String(length=40), nullable=False, server_default=""))

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sections", sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table("minutes_sections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("linked", sa.Text(), nullable=False, server_default="[]"))

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorder_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meetings_recorder_id_users"), "users", ["recorder_id"], ["id"], ondelete="SET NULL"
        )


    op.execute("DELETE FROM meeting_presence")
    with op.batch_alter_table("meeting_presence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(), nullable=False))


def downgrade():
    with op.batch_alter_table("meeting_presence", schema=None) as batch_op:
        batch_op.drop_column("seen_at")

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_meetings_recorder_id_users"), type_="foreignkey")
        batch_op.drop_column("recorder_id")

    with op.batch_alter_table("minutes_sections", schema=None) as batch_op:
        batch_op.drop_column("linked")

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("sections")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("section")

    with op.batch_alter_table("agenda_item_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_cases_case_id"))

    op.drop_table("agenda_item_cases")
