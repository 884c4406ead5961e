"""complaints: the Slack view a complaint was submitted from (one complaint per submitted form)

Revision ID: 0007_complaints
Revises: 0005
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0007_complaints'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_complaints_submission_key'), ['submission_key'])


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_complaints_submission_key'), type_='unique')
        batch_op.drop_column('submission_key')
