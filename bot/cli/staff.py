"""`lawcrm staff add|list|remove|assist|handover-plan`: the staff directory and hand-over."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli import pass_services
from bot.flows import directory, handover
from bot.flows.actor import SYSTEM_CLI
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
        with services.session() as session:
            directory.upsert_staff(session, by=SYSTEM_CLI, slack_user_id=slack_user_id, name=name,
                                   role=role, locale=locale, managing_partner=managing_partner)
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
    @click.option("--to", "to", default=None, metavar="U_OTHER",
                  help="Hand every client and open matter they hold to this lawyer or partner.")
    @click.option("--plan", "plan_file", type=click.Path(path_type=Path), default=None,
                  help="A filled-in hand-over plan (from `staff handover-plan`): one new person per item.")
    @pass_services()
    def remove(services: Services, slack_user_id: str, to: str | None, plan_file: Path | None) -> None:
        """Remove a staff member's access (history is kept); someone who leads clients needs a hand-over."""
        with services.session() as session:
            if to is None and plan_file is None:
                directory.deactivate_staff(session, by=SYSTEM_CLI, slack_user_id=slack_user_id)
                result = None
            else:
                targets: dict[str, str] = {}
                if plan_file is not None:
                    plan = handover.handover_plan(session, slack_user_id=slack_user_id)
                    targets, refused = handover.read_plan(path=plan_file, plan=plan)
                    if refused:
                        for line, key in refused:
                            click.echo(f"{plan_file}:{line}: {t(key, 'en')}", err=True)
                        raise click.ClickException(t("handover.plan_refused", "en", count=len(refused)))
                result = handover.apply_handover(session, by=SYSTEM_CLI, slack_user_id=slack_user_id,
                                                 all_to=to, targets=targets)
        if result is not None:
            click.echo(t("handover.done_cli", "en", clients=result.clients, matters=result.matters,
                         follow_ups=result.follow_ups,
                         people=", ".join(f"{u}: {n}" for u, n in sorted(result.by_target.items())) or "-"))
        click.echo(f"{slack_user_id} deactivated")

    @staff.command("handover-plan")
    @click.argument("slack_user_id")
    @click.option("--out", "out", type=click.Path(path_type=Path), default=None,
                  help="Write the plan here (CSV) instead of to standard output.")
    @pass_services()
    def handover_plan(services: Services, slack_user_id: str, out: Path | None) -> None:
        """The clients and open matters someone holds, as a CSV plan to fill in (column `to`)."""
        with services.session() as session:
            text = handover.plan_csv(handover.handover_plan(session, slack_user_id=slack_user_id))
        if out is None:
            click.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            click.echo(f"{out}")

    @staff.command("assist")
    @click.argument("assistant_slack_id")
    @click.argument("lawyer_slack_id")
    @pass_services()
    def assist(services: Services, assistant_slack_id: str, lawyer_slack_id: str) -> None:
        """Record that an assistant assists a lawyer."""
        with services.session() as session:
            directory.assign_assistant(session, by=SYSTEM_CLI, assistant_slack_id=assistant_slack_id,
                                       lawyer_slack_id=lawyer_slack_id)
        click.echo(f"{assistant_slack_id} assists {lawyer_slack_id}")
