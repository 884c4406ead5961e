"""client book: editable client details, referrer links, tier reason, re-confirmation, hearings

Revision ID: 0009_book_edit
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0009_book_edit'
down_revision = '0001'
branch_labels = ('book_edit',)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('company_size', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('decision_maker', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('referrer_client_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('referrer_staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tier_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('tier_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('details_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('details_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_clients_referrer_client_id'), ['referrer_client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clients_referrer_staff_id'), ['referrer_staff_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_clients_referrer_client_id_clients'), 'clients',
                                    ['referrer_client_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_clients_referrer_staff_id_staff'), 'staff',
                                    ['referrer_staff_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('client_contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wechat', sa.Text(), nullable=True))
    with op.batch_alter_table('important_dates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authority', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('important_dates', schema=None) as batch_op:
        batch_op.drop_column('authority')
    with op.batch_alter_table('client_contacts', schema=None) as batch_op:
        batch_op.drop_column('wechat')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_clients_referrer_staff_id_staff'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_clients_referrer_client_id_clients'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_clients_referrer_staff_id'))
        batch_op.drop_index(batch_op.f('ix_clients_referrer_client_id'))
        for name in ('details_confirmed_at', 'details_changed_at', 'tier_changed_at', 'tier_reason',
                     'referrer_staff_id', 'referrer_client_id', 'decision_maker', 'company_size',
                     'gender'):
            batch_op.drop_column(name)
