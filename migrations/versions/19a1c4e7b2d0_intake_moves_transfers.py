"""Intake, the 48-hour check and moves: intake records (相談・通告受付票 with the urgency checklist, the
safety sighting and the 受理会議 decision), whereabouts-unknown periods (所在不明) and case transfers
between councils (ケース移管). New tables, and one closure reason the 受理会議
needs (助言のみ); existing rows are untouched.

Revision ID: 19a1c4e7b2d0
Revises: 17c4a9e2b6d0
Create Date: 2026-12-02 16:19:18.919534

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '19a1c4e7b2d0'
down_revision = '17c4a9e2b6d0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_missing_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('since_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=True),
    sa.Column('found_note', sa.Text(), nullable=False),
    sa.Column('found_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_missing_periods_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['found_by_id'], ['users.id'], name=op.f('fk_case_missing_periods_found_by_id_users')),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_case_missing_periods_marked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_missing_periods'))
    )
    with op.batch_alter_table('case_missing_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_missing_periods_case_id'), ['case_id'], unique=False)

    op.create_table('case_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_council_id', sa.Integer(), nullable=False),
    sa.Column('to_council_id', sa.Integer(), nullable=True),
    sa.Column('destination_name', sa.String(length=120), nullable=False),
    sa.Column('move_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('risk_level', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('handover_method', sa.String(length=10), nullable=False),
    sa.Column('handover_on', sa.Date(), nullable=True),
    sa.Column('handover_with', sa.String(length=120), nullable=False),
    sa.Column('handover_note', sa.Text(), nullable=False),
    sa.Column('handover_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('new_case_id', sa.Integer(), nullable=True),
    sa.Column('child_guidance_agency_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_transfers_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['child_guidance_agency_id'], ['agencies.id'], name=op.f('fk_case_transfers_child_guidance_agency_id_agencies')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_case_transfers_completed_by_id_users')),
    sa.ForeignKeyConstraint(['from_council_id'], ['councils.id'], name=op.f('fk_case_transfers_from_council_id_councils')),
    sa.ForeignKeyConstraint(['handover_by_id'], ['users.id'], name=op.f('fk_case_transfers_handover_by_id_users')),
    sa.ForeignKeyConstraint(['new_case_id'], ['cases.id'], name=op.f('fk_case_transfers_new_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_case_transfers_started_by_id_users')),
    sa.ForeignKeyConstraint(['to_council_id'], ['councils.id'], name=op.f('fk_case_transfers_to_council_id_councils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_transfers'))
    )
    with op.batch_alter_table('case_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_transfers_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_transfers_to_council_id'), ['to_council_id'], unique=False)

    op.create_table('intake_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('caller_anonymous', sa.Boolean(), nullable=False),
    sa.Column('caller_name', sa.String(length=60), nullable=False),
    sa.Column('caller_relation', sa.String(length=40), nullable=False),
    sa.Column('caller_contact', sa.String(length=80), nullable=False),
    sa.Column('heard', sa.Text(), nullable=False),
    sa.Column('abuse_report', sa.Boolean(), nullable=False),
    sa.Column('urgency_items', sa.String(length=300), nullable=False),
    sa.Column('urgency_level', sa.Integer(), nullable=False),
    sa.Column('safety_due_at', sa.DateTime(), nullable=False),
    sa.Column('sighted_at', sa.DateTime(), nullable=True),
    sa.Column('sighted_by', sa.String(length=120), nullable=False),
    sa.Column('sighted_how', sa.String(length=20), nullable=False),
    sa.Column('sighting_note', sa.Text(), nullable=False),
    sa.Column('sighting_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('overdue_alerted_at', sa.DateTime(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('referral_kind', sa.String(length=10), nullable=False),
    sa.Column('referral_agency_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_intake_records_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_intake_records_decided_by_id_users')),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_intake_records_received_by_id_users')),
    sa.ForeignKeyConstraint(['referral_agency_id'], ['agencies.id'], name=op.f('fk_intake_records_referral_agency_id_agencies')),
    sa.ForeignKeyConstraint(['sighting_recorded_by_id'], ['users.id'], name=op.f('fk_intake_records_sighting_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_records')),
    sa.UniqueConstraint('case_id', name=op.f('uq_intake_records_case_id'))
    )
    with op.batch_alter_table('intake_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_records_safety_due_at'), ['safety_due_at'], unique=False)

    items = sa.table(
        "code_items",
        sa.column("list_name", sa.String), sa.column("code", sa.String), sa.column("label", sa.String),
        sa.column("sort_order", sa.Integer), sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        items,
        [{"list_name": "closure_reason", "code": "advice_only", "label": "助言のみ（受理会議）", "sort_order": 45, "active": True}],
    )


def downgrade():
    op.execute("DELETE FROM code_items WHERE list_name = 'closure_reason' AND code = 'advice_only'")
    with op.batch_alter_table('intake_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_records_safety_due_at'))

    op.drop_table('intake_records')
    with op.batch_alter_table('case_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_transfers_to_council_id'))
        batch_op.drop_index(batch_op.f('ix_case_transfers_case_id'))

    op.drop_table('case_transfers')
    with op.batch_alter_table('case_missing_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_missing_periods_case_id'))

    op.drop_table('case_missing_periods')
