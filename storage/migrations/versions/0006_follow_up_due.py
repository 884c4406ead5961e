"""follow-ups: a snooze moves the due date (one source of truth); snoozed_until dropped

Revision ID: 0006_follow_up_due
Revises: 0004 (the upkeep branch it changes)
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0006_follow_up_due'
down_revision = '0004'
branch_labels = ('follow_up_due',)
depends_on = '0004'  # stated, as every feature migration states where it starts


def upgrade() -> None:
    follow_ups = sa.table('follow_ups', sa.column('due_on', sa.Date()),
                          sa.column('snoozed_until', sa.Date()))
    op.execute(follow_ups.update()
               .where(follow_ups.c.snoozed_until.is_not(None),
                      follow_ups.c.snoozed_until > follow_ups.c.due_on)
               .values(due_on=follow_ups.c.snoozed_until))
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_column('snoozed_until')


def downgrade() -> None:
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snoozed_until', sa.Date(), nullable=True))
