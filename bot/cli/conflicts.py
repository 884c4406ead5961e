"""`lawcrm conflicts import|check`: bulk import of legacy conflict data and bulk checks."""

from __future__ import annotations

import json
from collections import Counter
import time
from pathlib import Path

import click

from bot.cli import CliState, pass_state
from bot.flows.actor import SYSTEM_CLI
from bot.flows.conflict_import import ImportReport, import_file
from bot.flows.conflicts import QueryResult, search_conflicts
from bot.flows.errors import DomainError
from bot.i18n import t
from storage.audit import record

CHECK_CHUNK = 200


def _print_table(result: QueryResult) -> None:
    """One query and its hits as a readable block."""
    click.echo(f"{result.query}")
    if not result.hits:
        click.echo("    no hits")
    for h in result.hits:
        role = t(f"conflict.role.{h.role}", "en")
        click.echo(f"    {h.score:5.1f}  {h.name}  [{role}{', ' + h.matter if h.matter else ''}]  {h.why}")
    if result.more:
        click.echo(f"    +{result.more} weaker hits")


def _as_json(result: QueryResult) -> str:
    """One query and its hits as one JSON line."""
    return json.dumps({"query": result.query,
                       "hits": [{"name": h.name, "role": h.role, "matter": h.matter, "score": h.score,
                                 "why": h.why} for h in result.hits], "more": result.more}, ensure_ascii=False)


def _summary(report: ImportReport) -> None:
    """The end-of-import summary."""
    click.echo(f"rows read: {report.rows}")
    click.echo(f"imported: {report.imported}")
    click.echo(f"duplicates skipped: {report.duplicates}")
    click.echo(f"refused: {len(report.refused)}")
    reasons = Counter(t(key, "en", **params) for _line, key, params in report.refused)
    for reason, count in reasons.most_common():
        click.echo(f"    {count} x {reason}")
    click.echo(f"time taken: {report.seconds:.1f}s")


def register(main: click.Group) -> None:
    """Attach the `conflicts` group."""

    @main.group()
    def conflicts() -> None:
        """The conflict index: import legacy data, check names in bulk."""

    @conflicts.command("import")
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--quiet", is_flag=True, help="No progress lines.")
    @pass_state
    def import_(state: CliState, file: Path, quiet: bool) -> None:
        """Import parties from a CSV (UTF-8, header) or XLSX file: name, role, kind, matter, id_number."""
        services = state.services()
        last = [time.monotonic()]

        def progress(report: ImportReport) -> None:
            """At most one progress line a second, on stderr."""
            if quiet or time.monotonic() - last[0] < 1.0:
                return
            last[0] = time.monotonic()
            click.echo(f"  {report.rows} rows read, {report.imported} imported, "
                       f"{report.duplicates} duplicates, {len(report.refused)} refused", err=True)

        try:
            report = import_file(services.engine, file, actor=SYSTEM_CLI, progress=progress)
        except DomainError as exc:
            raise click.ClickException(t(exc.key, "en", **exc.params)) from None
        for line, key, params in report.refused[:1000]:
            click.echo(f"line {line}: {t(key, 'en', **params)}", err=True)
        if len(report.refused) > 1000:
            click.echo(f"... and {len(report.refused) - 1000} more refused rows", err=True)
        _summary(report)

    @conflicts.command("check")
    @click.argument("names", nargs=-1)
    @click.option("--file", "file", type=click.File("r", encoding="utf-8-sig"), default=None,
                  help="A file with one name per line.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per line per query.")
    @pass_state
    def check(state: CliState, names: tuple[str, ...], file: click.utils.LazyFile | None,
              as_json: bool) -> None:
        """Check names against every recorded party, in input order."""
        queries = list(names)
        if file is not None:
            queries += [line.rstrip("\r\n") for line in file if line.strip()]
        if not queries:
            raise click.UsageError(t("conflict.check.no_names", "en"))
        services = state.services()
        for start in range(0, len(queries), CHECK_CHUNK):
            chunk = queries[start:start + CHECK_CHUNK]
            with services.session() as session:
                results = search_conflicts(session, names=chunk, cache=services.cache)
                record(session, actor=SYSTEM_CLI, action="conflicts.check", entity="parties",
                       fields=["name", "role", "matter_ref"])
            for result in results:
                if as_json:
                    click.echo(_as_json(result))
                else:
                    _print_table(result)
