"""staff interests (conflict check of the firm's own people)

Revision ID: 0006_staff_interests
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0006_staff_interests'
down_revision = '0001'
branch_labels = ('staff_interests',)
depends_on = None


def upgrade() -> None:
    op.create_table('staff_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_interests_staff_id_staff'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_interests'))
    )
    with op.batch_alter_table('staff_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_interests_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_interests_staff_id'))
    op.drop_table('staff_interests')
