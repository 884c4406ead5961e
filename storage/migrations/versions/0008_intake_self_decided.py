"""intake: a request decided by its own requester, the firm's only active partner

Revision ID: 0008_intake
Revises: 0003
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0008_intake'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('intake_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('self_decided', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('intake_requests', schema=None) as batch_op:
        batch_op.drop_column('self_decided')
