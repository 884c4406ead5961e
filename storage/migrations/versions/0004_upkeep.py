"""upkeep

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0001'
branch_labels = ('upkeep',)
depends_on = None


def upgrade() -> None:

    op.create_table('upkeep_runs',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_upkeep_runs'))
    )
    op.create_table('cadence_snoozes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_cadence_snoozes_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_cadence_snoozes_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadence_snoozes')),
    sa.UniqueConstraint('staff_id', 'client_id', name=op.f('uq_cadence_snoozes_staff_id_client_id'))
    )
    with op.batch_alter_table('cadence_snoozes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cadence_snoozes_client_id'), ['client_id'], unique=False)

    op.create_table('pending_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_pending_notes_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_notes'))
    )
    with op.batch_alter_table('pending_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_notes_staff_id'), ['staff_id'], unique=False)

    op.create_table('upkeep_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('handled_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_upkeep_alerts_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_upkeep_alerts')),
    sa.UniqueConstraint('kind', 'client_id', 'basis', name=op.f('uq_upkeep_alerts_kind_client_id_basis'))
    )
    with op.batch_alter_table('upkeep_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upkeep_alerts_client_id'), ['client_id'], unique=False)

    with op.batch_alter_table('contact_notes', schema=None) as batch_op:
        batch_op.create_index('ix_contact_notes_at_client_author', ['occurred_at', 'client_id', 'author_id'], unique=False)
        batch_op.create_index('ix_contact_notes_client_channel_at', ['client_id', 'channel', 'occurred_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('contact_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_notes_client_channel_at')
        batch_op.drop_index('ix_contact_notes_at_client_author')

    with op.batch_alter_table('upkeep_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_upkeep_alerts_client_id'))

    op.drop_table('upkeep_alerts')
    with op.batch_alter_table('pending_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_notes_staff_id'))

    op.drop_table('pending_notes')
    with op.batch_alter_table('cadence_snoozes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cadence_snoozes_client_id'))

    op.drop_table('cadence_snoozes')
    op.drop_table('upkeep_runs')

