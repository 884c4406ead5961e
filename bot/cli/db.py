"""`lawcrm db upgrade|current`."""

from __future__ import annotations

import click

from bot.cli import pass_services
from bot.services import Services
from storage import migrate


def register(main: click.Group) -> None:
    """Attach the `db` group."""

    @main.group()
    def db() -> None:
        """Database schema."""

    @db.command("upgrade")
    @pass_services()
    def upgrade(services: Services) -> None:
        """Apply every migration (the only way the schema is made)."""
        click.echo(f"database at revision {migrate.current_revision(services.engine)}")

    @db.command("current")
    @pass_services(create_keys=False, schema=False)
    def current(services: Services) -> None:
        """Show the schema revision and whether it is the newest."""
        cur, head = migrate.current_revision(services.engine), migrate.head_revision()
        click.echo(f"current {cur}, head {head}" + ("" if cur == head else " (run: lawcrm db upgrade)"))
