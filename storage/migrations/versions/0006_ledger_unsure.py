"""ledger: when an attempt with an unknown outcome began

Revision ID: 0006_ledger
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0006_ledger'
down_revision = '0001'
branch_labels = ('ledger_unsure',)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('unsure_since', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.drop_column('unsure_since')
