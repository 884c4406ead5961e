"""report charts: the Slack files showing the partners' dashboard charts

Revision ID: 0016_report_charts
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0016_report_charts'
down_revision = '0001'
branch_labels = ('report_charts',)
depends_on = None


def upgrade() -> None:
    op.create_table('report_chart_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('chart', sa.String(length=20), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('file_id', sa.String(length=40), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_chart_files')),
    sa.UniqueConstraint('quarter', 'chart', 'locale', 'digest',
                        name=op.f('uq_report_chart_files_quarter_chart_locale_digest'))
    )


def downgrade() -> None:
    op.drop_table('report_chart_files')
