"""archive: filing records of closed matters, retention and holds, destruction lists, loans

Revision ID: 0010_archive
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0010_archive'
down_revision = '0001'
branch_labels = ('archive',)
depends_on = None


def upgrade() -> None:
    op.create_table('archive_destructions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('carried_out_by_id', sa.Integer(), nullable=True),
    sa.Column('carried_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('witness_one_id', sa.Integer(), nullable=True),
    sa.Column('witness_two_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['staff.id'], name=op.f('fk_archive_destructions_approved_by_id_staff')),
    sa.ForeignKeyConstraint(['carried_out_by_id'], ['staff.id'], name=op.f('fk_archive_destructions_carried_out_by_id_staff')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['staff.id'], name=op.f('fk_archive_destructions_proposed_by_id_staff')),
    sa.ForeignKeyConstraint(['witness_one_id'], ['staff.id'], name=op.f('fk_archive_destructions_witness_one_id_staff')),
    sa.ForeignKeyConstraint(['witness_two_id'], ['staff.id'], name=op.f('fk_archive_destructions_witness_two_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_destructions'))
    )
    op.create_table('archive_filings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archive_number', sa.String(length=60), nullable=True),
    sa.Column('catalogue', sa.Text(), nullable=True),
    sa.Column('volumes', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('judgment_date', sa.Date(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('returns', sa.Integer(), nullable=False),
    sa.Column('hold_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hold_by_id', sa.Integer(), nullable=True),
    sa.Column('hold_reason', sa.Text(), nullable=True),
    sa.Column('hold_lift_reason', sa.Text(), nullable=True),
    sa.Column('held_days', sa.Integer(), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff.id'], name=op.f('fk_archive_filings_assignee_id_staff')),
    sa.ForeignKeyConstraint(['hold_by_id'], ['staff.id'], name=op.f('fk_archive_filings_hold_by_id_staff')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_archive_filings_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['staff.id'], name=op.f('fk_archive_filings_reviewed_by_id_staff')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['staff.id'], name=op.f('fk_archive_filings_submitted_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_filings')),
    sa.UniqueConstraint('archive_number', name=op.f('uq_archive_filings_archive_number'))
    )
    with op.batch_alter_table('archive_filings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_filings_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_filings_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index('ix_archive_filings_status_due', ['status', 'due_at'], unique=False)

    op.create_table('archive_destruction_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('destruction_id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['destruction_id'], ['archive_destructions.id'], name=op.f('fk_archive_destruction_items_destruction_id_archive_destructions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['filing_id'], ['archive_filings.id'], name=op.f('fk_archive_destruction_items_filing_id_archive_filings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_destruction_items'))
    )
    with op.batch_alter_table('archive_destruction_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_destruction_items_destruction_id'), ['destruction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_destruction_items_filing_id'), ['filing_id'], unique=False)

    op.create_table('archive_loans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_key', sa.String(length=100), nullable=True),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('outsider', sa.Text(), nullable=True),
    sa.Column('copy', sa.Boolean(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('needs', sa.String(length=20), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('condition', sa.String(length=20), nullable=True),
    sa.Column('condition_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['approver_id'], ['staff.id'], name=op.f('fk_archive_loans_approver_id_staff')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['staff.id'], name=op.f('fk_archive_loans_checked_by_id_staff')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff.id'], name=op.f('fk_archive_loans_decided_by_id_staff')),
    sa.ForeignKeyConstraint(['filing_id'], ['archive_filings.id'], name=op.f('fk_archive_loans_filing_id_archive_filings')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff.id'], name=op.f('fk_archive_loans_requested_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_loans')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_archive_loans_submission_key'))
    )
    with op.batch_alter_table('archive_loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_loans_filing_id'), ['filing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_loans_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index('ix_archive_loans_status_due', ['status', 'due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('archive_loans', schema=None) as batch_op:
        batch_op.drop_index('ix_archive_loans_status_due')
        batch_op.drop_index(batch_op.f('ix_archive_loans_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_archive_loans_filing_id'))

    op.drop_table('archive_loans')
    with op.batch_alter_table('archive_destruction_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_destruction_items_filing_id'))
        batch_op.drop_index(batch_op.f('ix_archive_destruction_items_destruction_id'))

    op.drop_table('archive_destruction_items')
    with op.batch_alter_table('archive_filings', schema=None) as batch_op:
        batch_op.drop_index('ix_archive_filings_status_due')
        batch_op.drop_index(batch_op.f('ix_archive_filings_matter_id'))
        batch_op.drop_index(batch_op.f('ix_archive_filings_assignee_id'))

    op.drop_table('archive_filings')
    op.drop_table('archive_destructions')
