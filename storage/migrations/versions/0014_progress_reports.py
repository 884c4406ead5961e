"""progress reports: the client's language and the drafted reports

Revision ID: 0014_progress_reports
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0014_progress_reports'
down_revision = '0001'
branch_labels = ('progress_reports',)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=True))
    op.create_table('progress_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('lawyer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_to_client_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_to_client_by', sa.Integer(), nullable=True),
    sa.Column('contact_note_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_progress_reports_client_id_clients'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_note_id'], ['contact_notes.id'],
                            name=op.f('fk_progress_reports_contact_note_id_contact_notes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lawyer_id'], ['staff.id'], name=op.f('fk_progress_reports_lawyer_id_staff')),
    sa.ForeignKeyConstraint(['sent_to_client_by'], ['staff.id'],
                            name=op.f('fk_progress_reports_sent_to_client_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_reports')),
    sa.UniqueConstraint('key', name=op.f('uq_progress_reports_key'))
    )
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_reports_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_reports_lawyer_id'), ['lawyer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_reports_lawyer_id'))
        batch_op.drop_index(batch_op.f('ix_progress_reports_client_id'))
    op.drop_table('progress_reports')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('language')
