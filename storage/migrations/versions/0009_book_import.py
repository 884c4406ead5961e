"""client book import: a matter imported without a number is found again by its import key

Revision ID: 0009_book_import
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0009_book_import'
down_revision = '0001'
branch_labels = ('book_import',)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_key', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_matters_import_key', ['import_key'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index('ix_matters_import_key')
        batch_op.drop_column('import_key')
