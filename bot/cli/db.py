"""`lawcrm db upgrade|current`."""

from __future__ import annotations

import click

from bot.cli import CliState, pass_state
from bot.services import Services
from storage import migrate


def ensure_schema(services: Services) -> None:
    """Upgrade to the newest revisions (replicas take turns: see `migrate.upgrade`)."""
    migrate.upgrade(services.engine)


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
