"""book teams: the client-manager team role is stored as "client_manager" (was "manager")

Revision ID: 0009_book_teams
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op

revision = '0009_book_teams'
down_revision = '0001'
branch_labels = ('book_teams',)
depends_on = None

TABLES = (('client_team', 'client_id'), ('matter_team', 'matter_id'))


def _rename(old: str, new: str) -> None:
    """Rename a team role in both team tables, dropping rows the new name already holds."""
    for table, owner in TABLES:
        op.execute(
            f"DELETE FROM {table} WHERE role = '{old}' AND EXISTS (SELECT 1 FROM {table} AS t2 "
            f"WHERE t2.{owner} = {table}.{owner} AND t2.staff_id = {table}.staff_id AND t2.role = '{new}')")
        op.execute(f"UPDATE {table} SET role = '{new}' WHERE role = '{old}'")


def upgrade() -> None:
    _rename('manager', 'client_manager')


def downgrade() -> None:
    _rename('client_manager', 'manager')
