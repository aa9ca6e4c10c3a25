"""The pregnant woman as the subject of a 特定妊婦 case (children.expectant_mother).

She was kept as the case's guardian with the relation "self" (本人); she now stands where a child
would (the ledger, agendas, minutes, exports, with her own access scope), her hospital as her
enrolled agency. Each such guardian row becomes a subject row of the same case; a downgrade moves
it back.

Revision ID: 14c3e9a4f1b2
Revises: 14b2d8f3e0a1
Create Date: 2026-12-02 17:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "14c3e9a4f1b2"
down_revision = "14b2d8f3e0a1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expectant_mother", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        """
        INSERT INTO children (case_id, name, name_kana, birth_date, sex, grade_class, note, search_key,
                              expectant_mother)
        SELECT g.case_id, g.name, g.name_kana, g.birth_date, '女', '', g.note, g.search_key, TRUE
        FROM guardians g JOIN cases c ON c.id = g.case_id
        WHERE c.category = 'pregnant' AND g.relation = 'self'
        """
    )
    op.execute(
        """
        DELETE FROM guardians WHERE relation = 'self'
        AND case_id IN (SELECT id FROM cases WHERE category = 'pregnant')
        """
    )


def downgrade():
    op.execute(
        """
        INSERT INTO guardians (case_id, relation, name, name_kana, birth_date, phone, note, search_key)
        SELECT case_id, 'self', name, name_kana, birth_date, '', note, search_key
        FROM children WHERE expectant_mother
        """
    )
    op.execute("DELETE FROM children WHERE expectant_mother")
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("expectant_mother")
