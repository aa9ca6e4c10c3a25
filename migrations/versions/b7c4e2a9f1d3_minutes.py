"""Minutes of meetings: versions (draft, confirmed, corrections with a reason) with one section per
agenda item, the meeting's flag for collecting handouts, and a record of every downloaded copy.

Revision ID: b7c4e2a9f1d3
Revises: 9e3b6d1f4a27
Create Date: 2026-11-23 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b7c4e2a9f1d3"
down_revision = "9e3b6d1f4a27"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("collect_handouts", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id"),
    )
    op.create_table(
        "minutes_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held", sa.String(length=120), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["minutes_id"], ["meeting_minutes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("minutes_id", "number"),
    )
    op.create_index("ix_minutes_versions_minutes_id", "minutes_versions", ["minutes_id"])
    op.create_table(
        "minutes_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("case_number", sa.String(length=20), nullable=False),
        sa.Column("children", sa.Text(), nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("discussion", sa.Text(), nullable=False),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("short_goals", sa.Text(), nullable=False),
        sa.Column("long_goals", sa.Text(), nullable=False),
        sa.Column("lead_agency", sa.String(length=120), nullable=False),
        sa.Column("key_person", sa.String(length=120), nullable=False),
        sa.Column("next_review", sa.String(length=60), nullable=False),
        sa.Column("closure", sa.String(length=60), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["minutes_versions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_minutes_sections_version_id", "minutes_sections", ["version_id"])
    op.create_index("ix_minutes_sections_case_id", "minutes_sections", ["case_id"])
    op.create_table(
        "minutes_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=10), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("copy_number", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("downloaded_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["downloaded_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_minutes_copies_meeting_id", "minutes_copies", ["meeting_id"])


def downgrade():
    op.drop_index("ix_minutes_copies_meeting_id", table_name="minutes_copies")
    op.drop_table("minutes_copies")
    op.drop_index("ix_minutes_sections_case_id", table_name="minutes_sections")
    op.drop_index("ix_minutes_sections_version_id", table_name="minutes_sections")
    op.drop_table("minutes_sections")
    op.drop_index("ix_minutes_versions_minutes_id", table_name="minutes_versions")
    op.drop_table("minutes_versions")
    op.drop_table("meeting_minutes")
