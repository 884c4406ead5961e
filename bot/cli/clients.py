"""`lawcrm clients import|template`: the firm's existing client ledger brought in."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import click

from bot.cli import pass_services
from bot.flows.actor import SYSTEM_CLI
from bot.flows.client_import import UNKNOWN_STAFF, ImportReport, import_clients
from bot.flows.client_template import write_template
from bot.flows.workdays import calendar_of
from bot.i18n import t_plain as t
from bot.services import Services

SHOWN = 1000


def _lines(values: tuple[str, ...]) -> list[str]:
    """Line labels given as repeated options or comma-separated lists."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _summary(report: ImportReport) -> None:
    """Refused rows, decisions wanted and the counts."""
    for line, key, params in report.refused[:SHOWN]:
        click.echo(f"line {line}: {t(key, 'en', **params)}")
    if len(report.refused) > SHOWN:
        click.echo(f"... and {len(report.refused) - SHOWN} more refused rows")
    for line, into, name in report.merged[:SHOWN]:
        click.echo(t("client_import.summary.merged", "en", line=line, into=into, name=name))
    for line, name, close in report.held[:SHOWN]:
        click.echo(t("client_import.summary.held", "en", line=line, name=name,
                     close=", ".join(f'"{c}"' for c in close)))
    for line, name in report.open_leads[:SHOWN]:
        click.echo(t("client_import.summary.open_lead", "en", line=line, name=name))
    click.echo(t("client_import.summary.applied" if report.applied else "client_import.summary.dry_run", "en"))
    if report.encodings:
        click.echo(f"encoding: {', '.join(report.encodings)}")
    click.echo(f"rows read: {report.rows}")
    click.echo(f"clients created: {report.clients_created}")
    click.echo(f"clients updated: {report.clients_updated}")
    click.echo(f"clients unchanged: {report.clients_unchanged}")
    click.echo(f"rows merged into a client under another spelling: {len(report.merged)}")
    click.echo(f"clients held for a decision (possible duplicates): {len(report.held)}")
    click.echo(f"matters created: {report.matters_created}")
    click.echo(f"matters updated: {report.matters_updated}")
    click.echo(f"contacts added: {report.contacts_added}")
    click.echo(f"team members added: {report.team_added}")
    click.echo(f"parties added to the conflict index: {report.parties_added}")
    click.echo(f"refused rows: {report.refused_rows}")
    reasons = Counter(key for _line, key, _params in report.refused)
    for key, count in reasons.most_common():
        click.echo(f"    {count} x {key.rsplit('.', 1)[-1]}")
    click.echo(t(f"client_import.summary.unknown_staff.{report.unknown_staff}", "en"))
    click.echo(f"left open for assignment: {len(report.open_leads)}")
    click.echo(f"time taken: {report.seconds:.1f}s")


def register(main: click.Group) -> None:
    """Attach the `clients` group."""

    @main.group()
    def clients() -> None:
        """The client book: import the firm's ledger, write the template."""

    @clients.command("import")
    @click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--apply", "apply_", is_flag=True, help="Write (the default is a dry run).")
    @click.option("--unknown-staff", type=click.Choice(UNKNOWN_STAFF), default="refuse", show_default=True,
                  help="A row naming someone not on staff: refuse it, or import it with that role left open.")
    @click.option("--merge", multiple=True, help="Lines (as reported) whose possible duplicate is the same client.")
    @click.option("--separate", multiple=True, help="Lines (as reported) whose possible duplicate is another client.")
    @click.option("--encoding", default=None,
                  help="The CSV's text encoding (default: detected; UTF-8, UTF-16 with BOM or GB18030/GBK).")
    @click.option("--quiet", is_flag=True, help="No progress lines.")
    @pass_services()
    def import_(services: Services, files: tuple[Path, ...], apply_: bool, unknown_staff: str,
                merge: tuple[str, ...], separate: tuple[str, ...], encoding: str | None, quiet: bool) -> None:
        """Import clients, contacts, matters and teams from XLSX/CSV (one flat sheet, or clients and matters)."""
        last = [time.monotonic()]

        def progress(report: ImportReport) -> None:
            """At most one progress line a second, on stderr."""
            if quiet or time.monotonic() - last[0] < 1.0:
                return
            last[0] = time.monotonic()
            click.echo(f"  {report.rows} rows read, {report.clients_created + report.clients_updated} clients "
                       f"and {report.matters_created + report.matters_updated} matters "
                       f"{'written' if report.applied else 'checked'}, {report.refused_rows} refused", err=True)

        settings, cal = services.settings, calendar_of(services.settings)
        report = import_clients(services.engine, list(files), apply=apply_, actor=SYSTEM_CLI,
                                today=cal.local_date(services.now()),
                                tz=cal.tz, pattern=settings.matter_number_pattern,
                                unknown_staff=unknown_staff, merge=_lines(merge), separate=_lines(separate),
                                encoding=encoding, progress=progress)
        _summary(report)

    @clients.command("template")
    @click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
    def template(file: Path) -> None:
        """Write an XLSX template (headers in Chinese and English, example rows)."""
        write_template(file)
        click.echo(f"template written to {file}")
