"""Assessment sheets (アセスメントシート): the managed list of signs, one agency's sheet per case and
date (recent actions, a 0-10 safety scale, comment) and the signs checked on it.

Revision ID: c2f8a1d6e5b0
Revises: b7c4e2a9f1d3
Create Date: 2026-11-23 21:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c2f8a1d6e5b0"
down_revision = "b7c4e2a9f1d3"
branch_labels = None
depends_on = None

# The signs a new council starts with: direct signs about the child, the care, and the guardian.
SIGNS = (
    "不自然な傷・あざ",
    "繰り返すけが",
    "体重減少・体重増加不良",
    "衣服や体の汚れ",
    "食事を十分にとれていない様子",
    "欠席・遅刻の増加",
    "連絡のない欠席",
    "おびえ・表情の乏しさ",
    "家に帰りたがらない",
    "子どもからの被害の訴え",
    "医療・健診の未受診",
    "保護者の拒否的態度",
    "保護者の不安定な言動",
    "家庭内の暴力（DV）",
    "きょうだいの世話・家事の負担（ヤングケアラー）",
)


def upgrade():
    signs = op.create_table(
        "assessment_signs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("label"),
    )
    op.create_table(
        "assessment_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("recent_actions", sa.Text(), nullable=False),
        sa.Column("safety_scale", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"]),
        sa.ForeignKeyConstraint(["written_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assessment_sheets_agency_id", "assessment_sheets", ["agency_id"])
    op.create_index("ix_assessment_sheets_case_id", "assessment_sheets", ["case_id"])
    op.create_index("ix_assessment_sheets_council_id", "assessment_sheets", ["council_id"])
    op.create_table(
        "assessment_sheet_signs",
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("sign_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["sheet_id"], ["assessment_sheets.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sign_id"], ["assessment_signs.id"]),
        sa.PrimaryKeyConstraint("sheet_id", "sign_id"),
    )
    op.bulk_insert(
        signs,
        [{"label": label, "position": n, "active": True} for n, label in enumerate(SIGNS, start=1)],
    )


def downgrade():
    op.drop_table("assessment_sheet_signs")
    op.drop_index("ix_assessment_sheets_council_id", table_name="assessment_sheets")
    op.drop_index("ix_assessment_sheets_case_id", table_name="assessment_sheets")
    op.drop_index("ix_assessment_sheets_agency_id", table_name="assessment_sheets")
    op.drop_table("assessment_sheets")
    op.drop_table("assessment_signs")
