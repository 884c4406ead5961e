"""report snapshots: the stored report of the quarter for the partners' Home dashboard, with its refresh lease

Revision ID: 0017_report_snapshots
Revises: 0016_report_charts
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0017_report_snapshots'
down_revision = '0016_report_charts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report', sa.Text(), nullable=True),
    sa.Column('tables', sa.Text(), nullable=True),
    sa.Column('claim', sa.String(length=40), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshots')),
    sa.UniqueConstraint('quarter', name=op.f('uq_report_snapshots_quarter'))
    )


def downgrade() -> None:
    op.drop_table('report_snapshots')
