"""`lawcrm conflicts import|check`: bulk import of legacy conflict data and bulk checks."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import click

from bot.cli import CliState, pass_services, pass_state
from bot.flows.actor import SYSTEM_CLI
from bot.flows.conflict_import import ImportReport, import_file
from bot.flows.conflicts import QueryResult, search_conflicts, warm_up
from bot.flows.matching.engine import Progress, engine_for
from bot.flows.tabular import Table, is_table, read_lines
from bot.flows.text_rules import text_problem
from bot.flows.workdays import calendar_of
from bot.i18n import t_plain as t
from bot.services import Services
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
    if report.encoding:
        click.echo(f"encoding: {report.encoding}")
    click.echo(f"rows read: {report.rows}")
    click.echo(f"imported: {report.imported}")
    click.echo(f"duplicates skipped: {report.duplicates}")
    click.echo(f"refused: {len(report.refused)}")
    reasons = Counter(t(key, "en", **params) for _line, key, params in report.refused)
    for reason, count in reasons.most_common():
        click.echo(f"    {count} x {reason}")
    click.echo(f"time taken: {report.seconds:.1f}s")


ENCODING_HELP = "The file's text encoding (default: detected; UTF-8, UTF-16 with BOM or GB18030/GBK)."


def _names_from_file(path: Path, encoding: str | None) -> list[tuple[str, str]]:
    """(name, id number) pairs: a text file's (or stdin's) lines, or a CSV/XLSX's name and id_number."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        return [(text, "") for _line, text in read_lines(data, encoding=encoding)] if data.strip() else []
    if not is_table(path):
        return [(text, "") for _line, text in read_lines(path, encoding=encoding)]
    found: list[tuple[str, str]] = []
    for row in Table(path, wanted=("name", "id_number"), required=("name",), encoding=encoding):
        name = " ".join((row.values.get("name") or "").split())
        if not name:
            click.echo(t("conflict.check.blank_row", "en", line=row.line), err=True)
            continue
        found.append((name, (row.values.get("id_number") or "").strip()))
    return found


def _load_index(services: Services) -> None:
    """Load the conflict index before the first name; a load that lasts shows a progress line
    (stderr) each second and when done."""
    last = [time.monotonic()]
    shown = [False]

    def show(progress: Progress) -> None:
        """At most one line a second, after the first second (and the last one)."""
        now = time.monotonic()
        if (now - last[0] < 1.0 and progress.fraction < 1.0) or (progress.fraction >= 1.0 and not shown[0]):
            return
        last[0], shown[0] = now, True
        click.echo(t("conflict.check.loading", "en", phase=progress.phase,
                     percent=int(progress.fraction * 100)), err=True)

    warm_up(services.engine, cache=services.cache, on_progress=show)


def register(main: click.Group) -> None:
    """Attach the `conflicts` group."""

    @main.group()
    def conflicts() -> None:
        """The conflict index: import legacy data, check names in bulk."""

    @conflicts.command("import")
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--encoding", default=None, help=ENCODING_HELP)
    @click.option("--quiet", is_flag=True, help="No progress lines.")
    @pass_services()
    def import_(services: Services, file: Path, encoding: str | None, quiet: bool) -> None:
        """Import parties from CSV/XLSX: name, role, kind, matter, id_number (or Chinese headers)."""
        last = [time.monotonic()]

        def progress(report: ImportReport) -> None:
            """At most one progress line a second, on stderr."""
            if quiet or time.monotonic() - last[0] < 1.0:
                return
            last[0] = time.monotonic()
            click.echo(f"  {report.rows} rows read, {report.imported} imported, "
                       f"{report.duplicates} duplicates, {len(report.refused)} refused", err=True)

        report = import_file(services.engine, file, actor=SYSTEM_CLI, encoding=encoding,
                             progress=progress,
                             today=calendar_of(services.settings).local_date(services.now()))
        for line, key, params in report.refused[:1000]:
            click.echo(f"line {line}: {t(key, 'en', **params)}", err=True)
        if len(report.refused) > 1000:
            click.echo(f"... and {len(report.refused) - 1000} more refused rows", err=True)
        _summary(report)

    @conflicts.command("index")
    @click.option("--rebuild", is_flag=True, help="Build from the database even when a snapshot is there.")
    @pass_services()
    def index(services: Services, rebuild: bool) -> None:
        """Load (or build) the conflict index and write its snapshot to DATA_DIR, e.g. after an import."""
        engine = engine_for(services.cache, services.engine)
        if engine.snapshot_path is None:
            raise click.ClickException("no data directory for the snapshot")
        if rebuild:
            engine.snapshot_path.unlink(missing_ok=True)
        _load_index(services)
        written = "save" in engine.timings or engine.save(services.engine)
        click.echo(f"conflict index: {len(engine.index)} names, {engine.loaded_from} in "
                   f"{engine.timings.get('load', 0.0):.1f} s; snapshot "
                   f"{'written to' if written else 'left as it was at'} {engine.snapshot_path}")

    @conflicts.command("check")
    @click.argument("names", nargs=-1)
    @click.option("--file", "file", type=click.Path(path_type=Path), default=None,
                  help="A text file with one name per line ('-': standard input), or a CSV/XLSX with a "
                       "name (and id_number) column.")
    @click.option("--encoding", default=None, help=ENCODING_HELP)
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per line per query.")
    @pass_state
    def check(state: CliState, names: tuple[str, ...], file: Path | None, encoding: str | None,
              as_json: bool) -> None:
        """Check names against every recorded party, in input order."""
        blank = [str(i) for i, name in enumerate(names, 1) if not name.strip()]
        if blank:
            raise click.UsageError(t("conflict.check.blank_name", "en", positions=", ".join(blank)))
        queries = [(" ".join(name.split()), "") for name in names]
        if file is not None:
            queries += _names_from_file(file, encoding)
        if not queries:
            raise click.UsageError(t("conflict.check.no_names", "en"))
        for number, (name, id_number) in enumerate(queries, start=1):
            if problem := text_problem(name, name=True) or text_problem(id_number):
                raise click.UsageError(f"name {number}: {t(problem, 'en')}")
        services = state.services()
        _load_index(services)
        for start in range(0, len(queries), CHECK_CHUNK):
            chunk = queries[start:start + CHECK_CHUNK]
            with services.session() as session:
                results = search_conflicts(session, names=[name for name, _ in chunk],
                                           id_numbers=[idn for _, idn in chunk], cache=services.cache)
                record(session, actor=SYSTEM_CLI, action="conflicts.check", entity="parties",
                       fields=["name", "role", "matter_ref"])
            for result in results:
                if as_json:
                    click.echo(_as_json(result))
                else:
                    _print_table(result)
