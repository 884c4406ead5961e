"""`lawcrm report --quarter 2026-Q4 [--xlsx FILE]`: the quarter's KPI table, and its figures as a workbook."""

from __future__ import annotations

import time
from pathlib import Path

import click

from bot.blocks.table import display_width, pad
from bot.cli import pass_services
from bot.flows.actor import SYSTEM_CLI
from bot.flows.errors import DomainError
from bot.flows.quarters import Quarter
from bot.flows.report.reading import current_quarter, record_report_read
from bot.flows.report.export import light_text, write_workbook
from bot.flows.report.figures import Direction, Kpi, QuarterReport, Unit
from bot.flows.report.quarter import quarter_report
from bot.i18n import t_plain as t
from bot.services import Services


def _number(value: float, unit: Unit, locale: str) -> str:
    """A KPI figure as read: '92.3 %', '45 min', '1,234'."""
    if unit is Unit.PERCENT:
        return f"{value:.1f} %"
    if unit in (Unit.MINUTES, Unit.HOURS):
        return t("kpis.minutes", locale, value=f"{value:g}")
    return f"{value:,.2f}" if unit is Unit.MONEY else f"{value:,.0f}"


def _basis(kpi: Kpi) -> str:
    """What the value was computed from."""
    if kpi.numerator is None or kpi.denominator is None:
        return ""
    fmt = (lambda x: f"{x:,.2f}") if kpi.key == "ltv_growth" else (lambda x: f"{x:,.0f}")
    return f"{fmt(kpi.numerator)} / {fmt(kpi.denominator)}"


def kpi_lines(report: QuarterReport, locale: str) -> list[str]:
    """The KPI table as plain text lines."""
    rows = [[t("kpis.col.kpi", locale), t("kpis.col.value", locale), t("kpis.col.target", locale),
             t("kpis.col.light", locale), t("kpis.col.basis", locale)]]
    for kpi in report.kpis:
        value = t("kpis.no_data", locale) if kpi.value is None else _number(kpi.value, kpi.unit, locale)
        goal = t("kpis.no_target", locale) if kpi.target is None else t(
            "kpis.at_least" if kpi.direction is Direction.AT_LEAST else "kpis.at_most", locale,
            target=_number(kpi.target, kpi.unit, locale))
        rows.append([t(f"kpis.kpi.{kpi.key}", locale), value, goal, light_text(kpi, locale), _basis(kpi)])
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def bonus_table_lines(report: QuarterReport, locale: str, *, referral: float, winback: float) -> list[str]:
    """Bonuses per person as plain text lines."""
    rows = report.tables.get("bonuses", [])
    head = t("kpis.cli.bonuses", locale, referral=f"{referral * 100:g}", winback=f"{winback * 100:g}")
    if not rows:
        return [head, "  " + t("kpis.cli.no_bonuses", locale)]
    width = max(display_width(r["staff"] or t("kpis.cli.unassigned", locale)) for r in rows)
    return [head] + [f"  {pad(r['staff'] or t('kpis.cli.unassigned', locale), width)}  "
                     f"{r['referral_bonus']:>12,.2f}  {r['winback_bonus']:>12,.2f}  {r['total']:>12,.2f}"
                     for r in rows]


def register(main: click.Group) -> None:
    """Attach the `report` command."""

    @main.command("report")
    @click.option("--quarter", "quarter_text", default=None,
                  help="The quarter, e.g. 2026-Q4 (default: the current one, measured up to now).")
    @click.option("--xlsx", "xlsx", type=click.Path(path_type=Path, dir_okay=False), default=None,
                  help="Also write the figures behind every KPI, chart and table to this XLSX file.")
    @click.option("--lang", type=click.Choice(["en", "zh-CN"]), default=None,
                  help="Language of the table and the workbook (default: DEFAULT_LOCALE).")
    @click.option("--quiet", is_flag=True, help="No progress lines.")
    @pass_services()
    def report(services: Services, quarter_text: str | None, xlsx: Path | None, lang: str | None,
               quiet: bool) -> None:
        """The quarter's KPIs against their targets; --xlsx writes every chart's data and table."""
        settings = services.settings
        locale = lang or settings.default_locale
        now = services.now()
        try:
            quarter = Quarter.parse(quarter_text) if quarter_text else current_quarter(now=now, settings=settings)
        except DomainError as exc:
            raise click.ClickException(t(exc.key, locale, **exc.params)) from None
        if xlsx is not None and not xlsx.parent.exists():
            raise click.ClickException(f"cannot write {xlsx}: the folder does not exist")
        started = time.perf_counter()

        def progress(step: str, seconds: float) -> None:
            """One line per step, on stderr."""
            if not quiet:
                click.echo(t("kpis.cli.step", locale, step=step, seconds=f"{seconds:.2f}"), err=True)

        with services.session() as session:
            figures = quarter_report(session, quarter=quarter, settings=settings, now=now, progress=progress)
            record_report_read(session, by=SYSTEM_CLI, quarter=quarter, where="cli")
        click.echo(t("kpis.title", locale, quarter=quarter.label))
        if quarter.bounds(settings.tz)[1] > now:
            click.echo(t("kpis.running", locale, now=now.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")))
        for line in kpi_lines(figures, locale):
            click.echo(line)
        click.echo("")
        for line in bonus_table_lines(figures, locale, referral=settings.referral_bonus_rate,
                                winback=settings.winback_bonus_rate):
            click.echo(line)
        if xlsx is not None:
            try:
                write_workbook(figures, xlsx, locale=locale)
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise click.ClickException(f"cannot write {xlsx}: {reason}") from None
            click.echo(t("kpis.cli.written", locale, file=str(xlsx)))
        click.echo(t("kpis.cli.took", locale, seconds=f"{time.perf_counter() - started:.1f}"))
