"""`lawcrm fees import`: invoices and payments from the billing system's export."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import click

from bot.cli import pass_services
from bot.flows.actor import SYSTEM_CLI
from bot.flows.value.fee_import import FeeImportReport, import_fees
from bot.flows.workdays import calendar_of
from bot.i18n import t_plain as t
from bot.services import Services

SHOWN = 1000


def _summary(report: FeeImportReport) -> None:
    """Refused rows by line, then the counts."""
    for line, key, params in report.refused[:SHOWN]:
        click.echo(f"line {line}: {t(key, 'en', **params)}")
    if len(report.refused) > SHOWN:
        click.echo(f"... and {len(report.refused) - SHOWN} more refused rows")
    click.echo(t("fees.import.applied" if report.applied else "fees.import.dry_run", "en"))
    if report.encoding:
        click.echo(f"encoding: {report.encoding}")
    click.echo(f"rows read: {report.rows}")
    click.echo(f"entries added: {report.added}")
    click.echo(f"already present: {report.present + report.repeated}"
               + (f" ({report.repeated} repeated in the file)" if report.repeated else ""))
    click.echo(f"matters whose terms were set: {report.terms_set}")
    click.echo(f"refused rows: {len(report.refused)}")
    for key, count in Counter(key for _line, key, _params in report.refused).most_common():
        click.echo(f"    {count} x {key.rsplit('.', 1)[-1]}")
    if report.rows and not report.added and not report.terms_set and not report.refused:
        click.echo(t("fees.import.nothing_new", "en"))
    click.echo(f"time taken: {report.seconds:.1f}s")


def register(main: click.Group) -> None:
    """Attach the `fees` group."""

    @main.group()
    def fees() -> None:
        """Fees on matters: import invoices and payments."""

    @fees.command("import")
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--apply", "apply_", is_flag=True, help="Write (the default is a dry run).")
    @click.option("--kind", type=click.Choice(("invoiced", "collected")), default=None,
                  help="Every row's kind, for a file without a kind column (invoices only, or payments only).")
    @click.option("--encoding", default=None,
                  help="The CSV's text encoding (default: detected; UTF-8, UTF-16 with BOM or GB18030/GBK).")
    @click.option("--quiet", is_flag=True, help="No progress lines.")
    @pass_services()
    def import_(services: Services, file: Path, apply_: bool, kind: str | None, encoding: str | None,
                quiet: bool) -> None:
        """Import invoiced and collected amounts (XLSX/CSV: matter number, kind, amount, date, reference)."""
        last = [time.monotonic()]

        def progress(report: FeeImportReport) -> None:
            """At most one progress line a second, on stderr."""
            if quiet or time.monotonic() - last[0] < 1.0:
                return
            last[0] = time.monotonic()
            click.echo(f"  {report.rows} rows read, {report.added} entries "
                       f"{'written' if report.applied else 'checked'}, {len(report.refused)} refused", err=True)

        settings = services.settings
        report = import_fees(services.engine, file, apply=apply_, actor=SYSTEM_CLI,
                             today=calendar_of(settings).local_date(services.now()),
                             currency=settings.currency, encoding=encoding, kind=kind, progress=progress)
        _summary(report)
