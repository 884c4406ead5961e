"""`lawcrm staff add|list|remove|assist`: the staff directory."""

from __future__ import annotations

import click

from bot.cli import pass_services
from bot.flows import directory
from bot.flows.actor import SYSTEM_CLI
from bot.flows.errors import DomainError
from bot.i18n import t_plain as t
from bot.services import Services
from storage.models.enums import Role


def register(main: click.Group) -> None:
    """Attach the `staff` group."""

    @main.group()
    def staff() -> None:
        """Who may use the bot, with which role."""

    @staff.command("add")
    @click.argument("slack_user_id")
    @click.argument("name")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--locale", type=click.Choice(["en", "zh-CN"]), default=None)
    @click.option("--managing-partner", is_flag=True)
    @pass_services()
    def add(services: Services, slack_user_id: str, name: str, role: str, locale: str | None,
            managing_partner: bool) -> None:
        """Add a staff member (or change their name, role or language)."""
        try:
            with services.session() as session:
                directory.upsert_staff(session, by=SYSTEM_CLI, slack_user_id=slack_user_id, name=name,
                                       role=role, locale=locale, managing_partner=managing_partner)
        except DomainError as exc:
            raise click.ClickException(t(exc.key, "en", **exc.params)) from None
        click.echo(f"{slack_user_id} {name}: {role}")

    @staff.command("list")
    @pass_services()
    def list_(services: Services) -> None:
        """List the directory."""
        with services.session() as session:
            for s in directory.list_staff(session):
                flags = (" managing-partner" if s.is_managing_partner else "") + ("" if s.active else " (inactive)")
                click.echo(f"{s.slack_user_id}\t{s.role}\t{s.locale or '-'}\t{s.display_name}{flags}")

    @staff.command("remove")
    @click.argument("slack_user_id")
    @pass_services()
    def remove(services: Services, slack_user_id: str) -> None:
        """Remove a staff member's access (history is kept)."""
        try:
            with services.session() as session:
                directory.deactivate_staff(session, by=SYSTEM_CLI, slack_user_id=slack_user_id)
        except DomainError as exc:
            raise click.ClickException(t(exc.key, "en", **exc.params)) from None
        click.echo(f"{slack_user_id} deactivated")

    @staff.command("assist")
    @click.argument("assistant_slack_id")
    @click.argument("lawyer_slack_id")
    @pass_services()
    def assist(services: Services, assistant_slack_id: str, lawyer_slack_id: str) -> None:
        """Record that an assistant assists a lawyer."""
        try:
            with services.session() as session:
                directory.assign_assistant(session, by=SYSTEM_CLI, assistant_slack_id=assistant_slack_id,
                                           lawyer_slack_id=lawyer_slack_id)
        except DomainError as exc:
            raise click.ClickException(t(exc.key, "en", **exc.params)) from None
        click.echo(f"{assistant_slack_id} assists {lawyer_slack_id}")
