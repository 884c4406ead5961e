"""improvements: the service-improvement list and matter contact moments

Revision ID: 0013_improvements
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0013_improvements'
down_revision = '0001'
branch_labels = ('improvements',)
depends_on = None


def upgrade() -> None:
    op.create_table('service_improvements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=40), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Text(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('told_client_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('told_client_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_service_improvements_client_id_clients'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], name=op.f('fk_service_improvements_owner_id_staff')),
    sa.ForeignKeyConstraint(['told_client_by_id'], ['staff.id'],
                            name=op.f('fk_service_improvements_told_client_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_improvements')),
    sa.UniqueConstraint('cause', 'source_id', name=op.f('uq_service_improvements_cause_source_id'))
    )
    with op.batch_alter_table('service_improvements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_improvements_cause'), ['cause'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_improvements_status'), ['status'], unique=False)

    op.create_table('matter_moments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('event_on', sa.Date(), nullable=False),
    sa.Column('noticed_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_matter_moments_client_id_clients'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_moments_matter_id_matters'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_matter_moments_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_moments')),
    sa.UniqueConstraint('kind', 'source', 'source_id', name=op.f('uq_matter_moments_kind_source_source_id'))
    )
    with op.batch_alter_table('matter_moments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_moments_matter_id'), ['matter_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('matter_moments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_moments_matter_id'))
    op.drop_table('matter_moments')
    with op.batch_alter_table('service_improvements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_improvements_status'))
        batch_op.drop_index(batch_op.f('ix_service_improvements_cause'))
    op.drop_table('service_improvements')
