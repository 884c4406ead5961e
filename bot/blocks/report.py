"""Block Kit of the partners' quarterly report: the KPI table, chart images, the Home dashboard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.common import Block, context, divider, header, section
from bot.flows.quarters import Quarter
from bot.flows.report.charts import chart_title, charts_without_data, value_text
from bot.flows.report.figures import Chart, Direction, Kpi, Light, QuarterReport, Unit
from bot.i18n import catalog, t, t_plain
from bot.ids import ReportBlock
from bot.slack_text import Mrkdwn, clamp

LIGHTS = {Light.GREEN: "🟢", Light.AMBER: "🟡", Light.RED: "🔴", Light.NONE: "⚪"}
SECTION_LIMIT = 2900


def kpi_name(key: str, locale: str) -> str:
    """The KPI's name in the reader's language (the names the KPI table and the export share)."""
    name = f"kpis.kpi.{key}"
    return t_plain(name, locale) if name in catalog() else key.replace("_", " ").replace(".", " — ")


def kpi_value(value: float, kpi: Kpi, locale: str, currency: str) -> str:
    """A KPI's value or target as the table shows it."""
    if kpi.unit is Unit.PERCENT:
        return f"{value:.1f} %"
    if kpi.unit is Unit.MONEY:
        return f"{value:,.0f} {currency}"
    return value_text(value, kpi.unit, locale, currency)


def kpi_line(kpi: Kpi, *, locale: str, currency: str) -> Mrkdwn:
    """One row of the table: light, name, value (or 'no data'), target."""
    value = kpi_value(kpi.value, kpi, locale, currency) if kpi.value is not None \
        else t_plain("report.kpi.no_data", locale)
    if kpi.target is None:
        return t("report.kpi_line_no_target", locale, light=LIGHTS[kpi.light], name=kpi_name(kpi.key, locale),
                 value=value)
    bound = "report.at_least" if kpi.direction is Direction.AT_LEAST else "report.at_most"
    target = t_plain(bound, locale, value=kpi_value(kpi.target, kpi, locale, currency))
    return t("report.kpi_line", locale, light=LIGHTS[kpi.light], name=kpi_name(kpi.key, locale), value=value,
             target=target)


def kpi_table(report: QuarterReport, *, locale: str) -> list[Block]:
    """The KPIs as section blocks of one line each (split to stay within Slack's section length)."""
    lines = [kpi_line(k, locale=locale, currency=report.currency) for k in report.kpis]
    if not lines:
        return [section(t("report.kpi.none", locale), block_id=ReportBlock.KPIS)]
    blocks: list[Block] = []
    chunk: list[str] = []
    for line in lines:
        if chunk and sum(len(c) + 1 for c in chunk) + len(line) > SECTION_LIMIT:
            blocks.append(section(Mrkdwn("\n".join(chunk)), block_id=f"{ReportBlock.KPIS}-{len(blocks)}"))
            chunk = []
        chunk.append(line)
    blocks.append(section(Mrkdwn("\n".join(chunk)), block_id=f"{ReportBlock.KPIS}-{len(blocks)}"))
    return blocks


def no_data_line(report: QuarterReport, *, locale: str) -> Mrkdwn | None:
    """'No data this quarter: …' naming the charts with nothing to draw, or None."""
    missing = charts_without_data(report)
    if not missing:
        return None
    names = "; ".join(chart_title(c, report.quarter, locale) for c in missing)
    return t("report.no_data_line", locale, charts=names)


def report_message(report: QuarterReport, *, locale: str, tz: ZoneInfo) -> tuple[str, list[Block]]:
    """The report's message: title, KPI table, when it was computed and which charts have no data."""
    quarter = report.quarter.label
    at = report.computed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    blocks: list[Block] = [header(t_plain("report.title", locale, quarter=quarter)),
                           *kpi_table(report, locale=locale)]
    notes = [t("report.computed", locale, at=at, tz=str(tz))]
    missing = no_data_line(report, locale=locale)
    if missing:
        notes.append(missing)
    blocks.append(context(Mrkdwn("\n".join(notes))))
    return t_plain("report.post.text", locale, quarter=quarter), blocks


def image_block(*, file_id: str, chart: Chart, title: str, alt: str) -> Block:
    """An image block showing an uploaded chart."""
    return {"type": "image", "block_id": f"{ReportBlock.CHART}-{chart.value}",
            "slack_file": {"id": file_id}, "alt_text": clamp(alt, 2000),
            "title": {"type": "plain_text", "text": clamp(title, 2000), "emoji": True}}


def as_of(computed_at: datetime, *, now: datetime, tz: ZoneInfo) -> str:
    """When the figures were computed, firm-local: 'HH:MM' today, else 'MM-DD HH:MM'."""
    local = computed_at.astimezone(tz)
    return local.strftime("%H:%M" if local.date() == now.astimezone(tz).date() else "%m-%d %H:%M")


def dashboard_blocks(report: QuarterReport, *, locale: str, images: Sequence[dict[str, Any]],
                     failed: bool = False, now: datetime | None = None, tz: ZoneInfo | None = None) -> list[Block]:
    """The partners' Home dashboard: the KPI table and the charts (`images`: chart, file_id, title, alt).

    With `now` and `tz`, the header says when the (stored) figures were computed.
    """
    title = t_plain("report.dashboard.title", locale, quarter=report.quarter.label) if now is None or tz is None \
        else t_plain("report.dashboard.title_at", locale, quarter=report.quarter.label,
                     at=as_of(report.computed_at, now=now, tz=tz))
    blocks: list[Block] = [divider(), header(title), *kpi_table(report, locale=locale)]
    blocks.extend(image_block(**image) for image in images)
    notes: list[str] = []
    missing = no_data_line(report, locale=locale)
    if missing:
        notes.append(missing)
    if failed:
        notes.append(t("report.dashboard.charts_failed", locale))
    notes.append(t("report.dashboard.more", locale))
    blocks.append(context(Mrkdwn("\n".join(notes))))
    return blocks


def dashboard_pending(quarter: Quarter, *, locale: str) -> list[Block]:
    """The dashboard's place while the quarter's first report is computed by another process."""
    return [divider(), header(t_plain("report.dashboard.title", locale, quarter=quarter.label)),
            context(t("report.dashboard.pending", locale))]


def comment(report: QuarterReport, *, locale: str) -> str:
    """The comment posted with the chart files."""
    return t_plain("report.charts_comment", locale, quarter=report.quarter.label)

