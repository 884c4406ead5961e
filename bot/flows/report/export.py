"""The quarterly report as an XLSX workbook: the KPI table, one sheet per chart's data and per table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.flows.report.figures import Chart, Kpi, QuarterReport, Series
from bot.i18n import t_plain as t

TABLE_COLUMNS = {
    "referrals": ["referrer_kind", "referrer_id", "referrer", "new_clients"],
    "bonuses": ["staff_id", "staff", "referral_fees", "referral_bonus", "winback_fees", "winback_bonus",
                "total"],
    "bonus_lines": ["staff_id", "staff", "kind", "client_id", "client", "fees", "rate", "bonus"],
}
BOLD = Font(bold=True)


def light_text(kpi: Kpi, locale: str) -> str:
    """The light in words ("no data" when there is nothing to measure)."""
    if kpi.value is None:
        return t("kpis.no_data", locale)
    return t(f"kpis.light.{kpi.light.value}", locale)


def _kpi_sheet(book: Workbook, report: QuarterReport, locale: str) -> None:
    """The KPI table: key, name, value, target, direction, unit, light, numerator, denominator."""
    sheet = book.active
    assert sheet is not None
    sheet.title = t("kpis.sheet.kpis", locale)
    sheet.append([t(f"kpis.col.{c}", locale) for c in ("key", "kpi", "value", "target", "direction", "unit",
                                                         "light", "numerator", "denominator")])
    for kpi in report.kpis:
        sheet.append([kpi.key, t(f"kpis.kpi.{kpi.key}", locale),
                      None if kpi.value is None else round(kpi.value, 2), kpi.target, kpi.direction.value,
                      kpi.unit.value, light_text(kpi, locale), kpi.numerator, kpi.denominator])
    _bold_header(sheet)


def _chart_sheet(book: Workbook, series: Series, locale: str) -> None:
    """Categories down, one column per value series and per note given per category; other notes below."""
    sheet = book.create_sheet(t(f"kpis.sheet.{series.chart.value}", locale))
    per_category = {k: v for k, v in series.notes.items()
                    if isinstance(v, list) and len(v) == len(series.categories) and series.categories}
    sheet.append([t("kpis.col.category", locale), *series.values, *per_category])
    for i, category in enumerate(series.categories):
        sheet.append([category, *(v[i] for v in series.values.values()),
                      *(v[i] for v in per_category.values())])
    _bold_header(sheet)
    rest = {k: v for k, v in series.notes.items() if k not in per_category}
    if rest:
        sheet.append([])
        for key, value in rest.items():
            sheet.append([key, ", ".join(map(str, value)) if isinstance(value, list) else value])


def _table_sheet(book: Workbook, name: str, rows: list[dict[str, Any]], locale: str) -> None:
    """A table's rows under its column names."""
    sheet = book.create_sheet(t(f"kpis.sheet.{name}", locale))
    columns = TABLE_COLUMNS.get(name) or (list(rows[0]) if rows else [])
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    _bold_header(sheet)


def _bold_header(sheet: Any) -> None:
    """The first row in bold."""
    for cell in sheet[1]:
        cell.font = BOLD


def write_workbook(report: QuarterReport, path: Path, *, locale: str = "en") -> Path:
    """Write the report's figures to an XLSX file at `path`."""
    book = Workbook()
    _kpi_sheet(book, report, locale)
    for chart in Chart:
        if chart in report.charts:
            _chart_sheet(book, report.charts[chart], locale)
    for name, rows in report.tables.items():
        _table_sheet(book, name, rows, locale)
    book.save(path)
    return path
