"""`lawcrm db upgrade|current`."""

from __future__ import annotations

import click

from bot.cli import CliState, pass_state
from bot.services import Services
from storage import migrate
from storage.db import is_postgres, lock_key


def ensure_schema(services: Services) -> None:
    """Upgrade to head; on PostgreSQL under an advisory lock so replicas don't race."""
    engine = services.engine
    if is_postgres(engine):
        from sqlalchemy import text

        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key("lawcrm:migrate")})
            try:
                migrate.upgrade(engine)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key("lawcrm:migrate")})
                conn.commit()
    else:
        migrate.upgrade(engine)


def register(main: click.Group) -> None:
    """Attach the `db` group."""

    @main.group()
    def db() -> None:
        """Database schema."""

    @db.command("upgrade")
    @pass_state
    def upgrade(state: CliState) -> None:
        """Apply every migration (the only way the schema is made)."""
        services = state.services()
        ensure_schema(services)
        click.echo(f"database at revision {migrate.current_revision(services.engine)}")

    @db.command("current")
    @pass_state
    def current(state: CliState) -> None:
        """Show the schema revision and whether it is the newest."""
        services = state.services(create_keys=False)
        cur, head = migrate.current_revision(services.engine), migrate.head_revision()
        click.echo(f"current {cur}, head {head}" + ("" if cur == head else " (run: lawcrm db upgrade)"))
