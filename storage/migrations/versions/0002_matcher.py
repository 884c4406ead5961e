"""matcher: a change log of edited or deleted parties, written by triggers

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa

from storage.db import lock_key

revision = '0002'
down_revision = '0001'
branch_labels = ('matcher',)
depends_on = None

# The lock record_party and the import take (the audit chain's), so change ids become visible
# in commit order (PostgreSQL). The name is fixed here: a migration must not change with the code.
PARTIES_LOCK_KEY = lock_key("lawcrm:audit-chain")

# (trigger name, table, event, party id expression)
TRIGGERS = (
    ("parties_changed_upd", "parties", "UPDATE", "OLD.id"),
    ("parties_changed_del", "parties", "DELETE", "OLD.id"),
    ("party_aliases_changed_upd", "party_aliases", "UPDATE", "OLD.party_id"),
    ("party_aliases_changed_del", "party_aliases", "DELETE", "OLD.party_id"),
)


def upgrade() -> None:
    op.create_table('party_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_changes'))
    )
    with op.batch_alter_table('party_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_changes_party_id'), ['party_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for name, table, verb, expr in TRIGGERS:
            op.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ "
                f"BEGIN PERFORM pg_advisory_xact_lock({PARTIES_LOCK_KEY}); "
                f"INSERT INTO party_changes (party_id) VALUES ({expr}); RETURN NULL; END $$ "
                "LANGUAGE plpgsql"
            )
            op.execute(f"CREATE TRIGGER {name} AFTER {verb} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
    else:
        for name, table, verb, expr in TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {verb} ON {table} "
                f"BEGIN INSERT INTO party_changes (party_id) VALUES ({expr}); END"
            )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table, _verb, _expr in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    with op.batch_alter_table('party_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_changes_party_id'))

    op.drop_table('party_changes')
