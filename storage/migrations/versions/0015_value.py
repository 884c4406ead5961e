"""value: fees on matters, the value score and labels on clients, quarterly tier reviews

Revision ID: 0015_value
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0015_value'
down_revision = '0001'
branch_labels = ('value',)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_arrangement', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('agreed_amount', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('complexity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fees_set_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fees_set_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_matters_fees_set_by_id_staff'), 'staff', ['fees_set_by_id'],
                                    ['id'], ondelete='SET NULL')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('strategic_marked', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('strategic_marked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('strategic_marked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('high_net_worth', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('value_score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('value_label', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('value_scored_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_clients_strategic_marked_by_id_staff'), 'staff',
                                    ['strategic_marked_by_id'], ['id'], ondelete='SET NULL')
    op.create_table('fee_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('import_key', sa.String(length=64), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_fee_entries_client_id_clients'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_fee_entries_matter_id_matters'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_fee_entries_recorded_by_id_staff'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_entries')),
    sa.UniqueConstraint('import_key', name=op.f('uq_fee_entries_import_key'))
    )
    with op.batch_alter_table('fee_entries', schema=None) as batch_op:
        batch_op.create_index('ix_fee_entries_kind_on_client', ['kind', 'on_date', 'client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_entries_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_entries_matter_id'), ['matter_id'], unique=False)
    op.create_table('tier_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('scheme', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=True),
    sa.Column('ts', sa.String(length=40), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_reviews')),
    sa.UniqueConstraint('quarter', name=op.f('uq_tier_reviews_quarter'))
    )
    op.create_table('tier_review_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('old_tier', sa.String(length=20), nullable=False),
    sa.Column('new_tier', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('label', sa.String(length=20), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_tier_review_items_client_id_clients'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff.id'], name=op.f('fk_tier_review_items_decided_by_id_staff'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['tier_reviews.id'],
                            name=op.f('fk_tier_review_items_review_id_tier_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_review_items')),
    sa.UniqueConstraint('review_id', 'client_id', name=op.f('uq_tier_review_items_review_id_client_id'))
    )
    with op.batch_alter_table('tier_review_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tier_review_items_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tier_review_items_review_id'), ['review_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tier_review_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tier_review_items_review_id'))
        batch_op.drop_index(batch_op.f('ix_tier_review_items_client_id'))
    op.drop_table('tier_review_items')
    op.drop_table('tier_reviews')
    with op.batch_alter_table('fee_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_entries_matter_id'))
        batch_op.drop_index(batch_op.f('ix_fee_entries_client_id'))
        batch_op.drop_index('ix_fee_entries_kind_on_client')
    op.drop_table('fee_entries')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_clients_strategic_marked_by_id_staff'), type_='foreignkey')
        batch_op.drop_column('value_scored_at')
        batch_op.drop_column('value_label')
        batch_op.drop_column('value_score')
        batch_op.drop_column('high_net_worth')
        batch_op.drop_column('strategic_marked_at')
        batch_op.drop_column('strategic_marked_by_id')
        batch_op.drop_column('strategic_marked')
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_matters_fees_set_by_id_staff'), type_='foreignkey')
        batch_op.drop_column('fees_set_at')
        batch_op.drop_column('fees_set_by_id')
        batch_op.drop_column('complexity')
        batch_op.drop_column('agreed_amount')
        batch_op.drop_column('fee_arrangement')
