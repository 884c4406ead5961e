"""The report's charts as PNG images, titled and labelled in the reader's language.

matplotlib draws on its Agg canvas through `matplotlib.figure.Figure` (never pyplot, so no
figure state is shared between threads, and no backend is chosen for the process; imported with
this module, so a process pays the import once at start, not at a partner's first Home); rendering is serialised by a lock, since matplotlib
does not promise thread safety. Chinese renders with Noto Sans CJK SC from the `mplfonts`
package: its font file is registered with matplotlib's font manager at the first render, in
memory only (nothing is copied or written to a home or configuration directory).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import logging
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.flows.quarters import Quarter
from bot.flows.report.figures import Chart, QuarterReport, Series, Unit
from bot.i18n import catalog, normalize_locale, t_plain
from bot.labels import label

RENDER_VERSION = "1"  # part of every chart's digest: bump when the drawing changes
CJK_FAMILY = "Noto Sans CJK SC"
CJK_FILE = "NotoSansCJKsc-Regular.otf"
FALLBACK_FAMILY = "DejaVu Sans"
DEFAULT_CSAT_TARGET = 90.0
WIDTH, HEIGHT, DPI = 8.0, 4.5, 110
BLUE, GREY, RED, ORANGE, GREEN = "#2b6cb0", "#a0aec0", "#c53030", "#dd6b20", "#2f855a"
THIS_QUARTER = ("this", "current", "this_quarter", "current_quarter")
LAST_QUARTER = ("last", "previous", "prev", "last_quarter", "previous_quarter")

log = logging.getLogger(__name__)
_render_lock = threading.Lock()
_font_family: str | None = None


@dataclass(frozen=True)
class ChartImage:
    """One rendered chart: its title and one-line summary (the alt text), content digest and PNG."""

    chart: Chart
    title: str
    alt: str
    digest: str
    png: bytes

    def filename(self, quarter: Quarter, locale: str) -> str:
        """'report-2026-Q4-revenue-en.png'."""
        return f"report-{quarter.label}-{self.chart.value}-{normalize_locale(locale)}.png"


def cjk_font_file() -> Path | None:
    """The Noto Sans CJK SC font shipped by `mplfonts`, found without importing that package."""
    spec = importlib.util.find_spec("mplfonts")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / CJK_FILE
        if path.is_file():
            return path
    return None


def font_family() -> str:
    """The family charts are drawn in: the CJK font, registered once (DejaVu Sans if it is missing)."""
    global _font_family
    if _font_family is None:
        from matplotlib import font_manager

        path = cjk_font_file()
        if path is not None:
            font_manager.fontManager.addfont(str(path))
            _font_family = CJK_FAMILY
        else:
            _font_family = FALLBACK_FAMILY
    return _font_family


# -- what a chart says --------------------------------------------------------------------------

def has_data(report: QuarterReport, chart: Chart) -> bool:
    """Whether the report holds something to draw for this chart."""
    series = report.charts.get(chart)
    if series is None or not series.categories or not series.values:
        return False
    if chart is Chart.CSAT_DIMENSIONS:
        overall = next((k for k in report.kpis if k.key == "csat"), None)
        if overall is not None and overall.value is None:
            return False
    return any(v for row in series.values.values() for v in row)


def charts_with_data(report: QuarterReport) -> list[Chart]:
    """The charts to draw, in the report's order."""
    return [chart for chart in Chart if has_data(report, chart)]


def charts_without_data(report: QuarterReport) -> list[Chart]:
    """The charts with nothing to draw this quarter."""
    return [chart for chart in Chart if not has_data(report, chart)]


def chart_title(chart: Chart, quarter: Quarter, locale: str) -> str:
    """The chart's title ('Revenue by tier — 2026-Q4')."""
    return t_plain(f"report.chart.{chart.value}.title", locale, quarter=quarter.label,
                   previous=quarter.previous().label)


def category_label(chart: Chart, code: str, locale: str) -> str:
    """The words for a stored code on a chart's axis."""
    code = str(code)
    if chart in (Chart.TIERS, Chart.REVENUE_PARETO):
        return label("tier", code, locale)
    if chart is Chart.DEMAND:
        return label("practice_area", code, locale)
    if chart is Chart.CSAT_DIMENSIONS:
        key = f"survey.dim.{code}"
        return _capitalised(t_plain(key, locale)) if key in catalog() else code.replace("_", " ")
    return code.replace("_", " ")


def series_label(name: str, quarter: Quarter, locale: str) -> str:
    """The legend words for a value row: a quarter, 'this quarter', 'last quarter' or a known name."""
    lowered = name.lower()
    if lowered in THIS_QUARTER:
        return quarter.label
    if lowered in LAST_QUARTER:
        return quarter.previous().label
    try:
        return Quarter.parse(name).label
    except Exception:  # noqa: BLE001 - not a quarter: a named row
        pass
    key = f"report.series.{lowered}"
    return t_plain(key, locale) if key in catalog() else name.replace("_", " ")


def value_text(value: float, unit: Unit, locale: str, currency: str = "") -> str:
    """A value as a chart labels it (61%, 1,234, 1.2M / 120万, 35 min)."""
    if unit is Unit.PERCENT:
        return f"{value:.0f}%"
    if unit is Unit.MONEY:
        return _money(value, locale)
    if unit is Unit.MINUTES:
        return t_plain("report.unit.minutes", locale, value=f"{value:.0f}")
    if unit is Unit.HOURS:
        return t_plain("report.unit.hours", locale, value=f"{value:.1f}")
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _money(value: float, locale: str) -> str:
    """A compact amount: 1.2M / 350k in English, 1.2亿 / 120万 in Chinese."""
    size = abs(value)
    if normalize_locale(locale) == "zh-CN":
        if size >= 1e8:
            return f"{value / 1e8:.1f}亿"
        if size >= 1e4:
            return f"{value / 1e4:.0f}万"
        return f"{value:,.0f}"
    if size >= 1e6:
        return f"{value / 1e6:.1f}M"
    if size >= 1e3:
        return f"{value / 1e3:.0f}k"
    return f"{value:,.0f}"


def _capitalised(text: str) -> str:
    """The first letter upper-cased (Chinese unchanged)."""
    return text[:1].upper() + text[1:]


def _fitted(row: Sequence[float | None], size: int) -> list[float]:
    """A value row as numbers, one per category (missing values are zero)."""
    numbers = [float(v) if isinstance(v, (int, float)) and v == v else 0.0 for v in list(row)[:size]]
    return numbers + [0.0] * (size - len(numbers))


def _first_row(series: Series) -> tuple[str, list[float]]:
    """The main value row (the first one given), one number per category."""
    name, row = next(iter(series.values.items()))
    return name, _fitted(row, len(series.categories))


def _csat_target(report: QuarterReport) -> float:
    """The CSAT target the chart draws (the KPI's, else the firm's 90 %)."""
    overall = next((k for k in report.kpis if k.key == "csat"), None)
    target = overall.target if overall is not None else report.charts[Chart.CSAT_DIMENSIONS].notes.get("target")
    return float(target) if target is not None else DEFAULT_CSAT_TARGET


def _pareto(series: Series) -> tuple[list[str], list[float], list[float]]:
    """Categories and values largest first, with the cumulative share (%) after each."""
    _, row = _first_row(series)
    pairs = sorted(zip(series.categories, row), key=lambda p: -p[1])
    total = sum(v for _, v in pairs) or 1.0
    cumulative, running = [], 0.0
    for _, value in pairs:
        running += value
        cumulative.append(100.0 * running / total)
    return [c for c, _ in pairs], [v for _, v in pairs], cumulative


def _lowest(series: Series) -> tuple[str, float]:
    """The lowest-scoring CSAT dimension (the report's note, else the smallest value)."""
    _, row = _first_row(series)
    code = series.notes.get("lowest")
    if code in series.categories:
        return str(code), row[series.categories.index(code)]
    index = min(range(len(row)), key=lambda i: row[i])
    return series.categories[index], row[index]


def _changes(series: Series) -> dict[str, float]:
    """Per-area % change this quarter against the last: from the report's notes, else from the rows."""
    for candidate in (series.notes.get("change"), series.notes.get("change_pct"), series.notes.get("changes"),
                      series.notes):
        if isinstance(candidate, dict):
            found = {c: float(candidate[c]) for c in series.categories
                     if isinstance(candidate.get(c), (int, float)) and not isinstance(candidate.get(c), bool)}
            if found:
                return found
    rows = [_fitted(row, len(series.categories)) for row in series.values.values()]
    if len(rows) == 2:
        return {c: 100.0 * (now - before) / before for c, now, before in zip(series.categories, rows[0], rows[1])
                if before}
    return {}


def headline(report: QuarterReport, chart: Chart, locale: str) -> str:
    """One sentence saying what the chart shows (also its alt text)."""
    if not has_data(report, chart):
        return t_plain("report.chart.no_data_named", locale, chart=chart_title(chart, report.quarter, locale))
    series = report.charts[chart]
    if chart is Chart.REVENUE_PARETO:
        categories, values, _ = _pareto(series)
        top = str(series.notes.get("top") or categories[0])
        share = series.notes.get("top_share")
        if share is None:
            total = sum(values) or 1.0
            share = 100.0 * values[categories.index(top)] / total if top in categories else 0.0
        return t_plain("report.chart.revenue.headline", locale, tier=label("tier", top, locale),
                       share=f"{float(share):.0f}")
    if chart is Chart.CSAT_DIMENSIONS:
        code, value = _lowest(series)
        return t_plain("report.chart.csat.headline", locale, dimension=category_label(chart, code, locale),
                       value=f"{value:.0f}")
    if chart is Chart.DEMAND:
        changes = _changes(series)
        rise = max(changes, key=lambda c: changes[c]) if changes else None
        fall = min(changes, key=lambda c: changes[c]) if changes else None
        if rise is not None and changes[rise] > 0:
            return t_plain("report.chart.demand.headline", locale, area=category_label(chart, rise, locale),
                           change=f"{changes[rise]:+.0f}")
        if fall is not None and changes[fall] < 0:  # nothing rose: the largest fall is the news
            return t_plain("report.chart.demand.fall", locale, area=category_label(chart, fall, locale),
                           change=f"{changes[fall]:+.0f}")
    _, row = _first_row(series)
    parts = ", ".join(f"{category_label(chart, c, locale)} {value_text(v, series.unit, locale, report.currency)}"
                      for c, v in zip(series.categories, row))
    return t_plain("report.chart.summary", locale, title=chart_title(chart, report.quarter, locale), parts=parts)


def chart_digest(report: QuarterReport, chart: Chart, locale: str) -> str:
    """A digest of everything the chart's picture depends on (re-upload only when it changes)."""
    series = report.charts.get(chart)
    data = {"v": RENDER_VERSION, "chart": chart.value, "quarter": report.quarter.label, "currency": report.currency,
            "locale": normalize_locale(locale), "csat_target": _csat_target(report) if series and
            chart is Chart.CSAT_DIMENSIONS else None, "has_data": has_data(report, chart),
            "series": None if series is None else {"categories": series.categories, "values": series.values,
                                                   "unit": series.unit.value, "notes": series.notes}}
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


# -- drawing -----------------------------------------------------------------------------------

def render_chart(report: QuarterReport, chart: Chart, *, locale: str) -> bytes:
    """The chart as PNG bytes (a 'no data this quarter' picture when there is nothing to draw)."""
    with _render_lock:
        family = font_family()
        figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        title = chart_title(chart, report.quarter, locale)
        if not has_data(report, chart):
            _draw_empty(axes, locale, family)
        else:
            try:
                DRAW[chart](figure, axes, report, locale, family)
            except (ValueError, TypeError, KeyError, IndexError) as exc:  # malformed figures: say so, no crash
                log.warning("a report chart could not be drawn", extra={"chart": chart.value,
                                                                        "error": type(exc).__name__})
                figure.clear()
                axes = figure.add_subplot()
                _draw_empty(axes, locale, family)
        figure.suptitle(title, fontfamily=family, fontsize=13)
        said = headline(report, chart, locale) if has_data(report, chart) else ""
        if said and not said.startswith(title):  # a finding, not the title with the figures repeated
            axes.set_title(said, fontfamily=family, fontsize=10, color="#4a5568")
        _use_family(figure, family)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None})
        return out.getvalue()


def render_all(report: QuarterReport, *, locale: str) -> list[ChartImage]:
    """Every chart that has data, rendered in the reader's language (benchmarks call this too)."""
    return [ChartImage(chart=chart, title=chart_title(chart, report.quarter, locale),
                       alt=headline(report, chart, locale), digest=chart_digest(report, chart, locale),
                       png=render_chart(report, chart, locale=locale))
            for chart in charts_with_data(report)]


def _use_family(figure: Any, family: str) -> None:
    """Every text of the figure (ticks, legends, labels) in the chosen family."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        text.set_fontfamily(family)


def _draw_empty(axes: Any, locale: str, family: str) -> None:
    """A clear 'no data this quarter' picture."""
    axes.set_axis_off()
    axes.text(0.5, 0.5, t_plain("report.chart.no_data", locale), ha="center", va="center",
              fontsize=16, color="#718096", fontfamily=family, transform=axes.transAxes)


def _labels(chart: Chart, codes: Sequence[str], locale: str) -> list[str]:
    """Axis labels for the codes, wrapped when long."""
    width = 8 if normalize_locale(locale) == "zh-CN" else 14
    out = []
    for code in codes:
        words = category_label(chart, code, locale).replace(" — ", " ")
        out.append(textwrap.fill(words, width=width, break_long_words=False) if len(words) > width else words)
    return out


def _annotate(axes: Any, bars: Any, values: Sequence[float], unit: Unit, locale: str, currency: str) -> None:
    """The value above each bar."""
    axes.bar_label(bars, labels=[value_text(v, unit, locale, currency) for v in values],
                   padding=2, fontsize=9)


def _unit_axis(unit: Unit, locale: str, currency: str) -> str:
    """The value axis label for a unit."""
    return t_plain(f"report.axis.{unit.value}", locale, currency=currency)


def _draw_tiers(figure: Any, axes: Any, report: QuarterReport, locale: str, family: str) -> None:
    """Clients per tier: bars."""
    series = report.charts[Chart.TIERS]
    _, row = _first_row(series)
    bars = axes.bar(_labels(Chart.TIERS, series.categories, locale), row, color=BLUE)
    _annotate(axes, bars, row, series.unit, locale, report.currency)
    axes.set_ylabel(t_plain("report.axis.clients", locale))
    axes.margins(y=0.15)


def _draw_revenue(figure: Any, axes: Any, report: QuarterReport, locale: str, family: str) -> None:
    """Revenue by tier as a Pareto chart: bars largest first, the cumulative share as a line."""
    from matplotlib.ticker import FuncFormatter

    series = report.charts[Chart.REVENUE_PARETO]
    categories, values, cumulative = _pareto(series)
    names = _labels(Chart.REVENUE_PARETO, categories, locale)
    top = str(series.notes.get("top") or categories[0])
    colours = [BLUE if c == top else GREY for c in categories]
    bars = axes.bar(names, values, color=colours)
    _annotate(axes, bars, values, Unit.MONEY, locale, report.currency)
    axes.set_ylabel(_unit_axis(Unit.MONEY, locale, report.currency))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _money(v, locale)))
    axes.margins(y=0.15)
    share = axes.twinx()
    share.plot(names, cumulative, color=ORANGE, marker="o", linewidth=2)
    for x, y in zip(names, cumulative):
        share.annotate(f"{y:.0f}%", (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                       fontsize=9, color=ORANGE)
    share.set_ylim(0, 110)
    share.set_ylabel(t_plain("report.axis.cumulative", locale), color=ORANGE)


def _draw_csat(figure: Any, axes: Any, report: QuarterReport, locale: str, family: str) -> None:
    """CSAT per dimension against the target, the lowest dimension in red."""
    series = report.charts[Chart.CSAT_DIMENSIONS]
    _, row = _first_row(series)
    lowest, _ = _lowest(series)
    target = _csat_target(report)
    colours = [RED if c == lowest else BLUE for c in series.categories]
    bars = axes.bar(_labels(Chart.CSAT_DIMENSIONS, series.categories, locale), row,
                    color=colours)
    _annotate(axes, bars, row, Unit.PERCENT, locale, report.currency)
    axes.axhline(target, color=ORANGE, linestyle="--", linewidth=1.5,
                 label=t_plain("report.chart.target", locale, target=f"{target:.0f}"))
    axes.set_ylim(0, 110)
    axes.set_ylabel(_unit_axis(Unit.PERCENT, locale, report.currency))
    axes.legend(loc="lower right", fontsize=9)


def _draw_demand(figure: Any, axes: Any, report: QuarterReport, locale: str, family: str) -> None:
    """New matters per practice area: one bar per quarter side by side, the % change above."""
    series = report.charts[Chart.DEMAND]
    rows = [(name, _fitted(row, len(series.categories))) for name, row in series.values.items()]
    count = len(rows)
    width = 0.8 / count
    positions = list(range(len(series.categories)))
    colours = [BLUE, GREY, ORANGE, RED]
    for index, (name, row) in enumerate(rows):
        offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
        bars = axes.bar(offsets, row, width=width, color=colours[index % len(colours)],
                        label=series_label(name, report.quarter, locale))
        _annotate(axes, bars, row, series.unit, locale, report.currency)
    changes = _changes(series)
    tallest = max((v for _, row in rows for v in row), default=0.0)
    for index, (position, code) in enumerate(zip(positions, series.categories)):
        if code in changes:
            group = max(row[index] for _, row in rows)
            axes.annotate(f"{changes[code]:+.0f}%", (position, group + tallest * 0.09), ha="center",
                          fontsize=9, fontweight="normal", color=RED if changes[code] < 0 else GREEN)
    axes.set_xticks(positions, _labels(Chart.DEMAND, series.categories, locale), fontsize=8)
    axes.set_ylim(0, tallest * 1.35 or 1)
    axes.set_ylabel(t_plain("report.axis.matters", locale))
    axes.legend(loc="upper right", fontsize=9)


def _draw_retention(figure: Any, axes: Any, report: QuarterReport, locale: str, family: str) -> None:
    """Retention by cohort: one bar per cohort, the target dashed when the report gives one."""
    series = report.charts[Chart.RETENTION]
    _, row = _first_row(series)
    bars = axes.bar(_labels(Chart.RETENTION, series.categories, locale), row, color=BLUE)
    _annotate(axes, bars, row, series.unit, locale, report.currency)
    kpi = next((k for k in report.kpis if k.key == "retention"), None)
    target = series.notes.get("target", kpi.target if kpi is not None else None)
    if series.unit is Unit.PERCENT:
        axes.set_ylim(0, 110)
        if isinstance(target, (int, float)):
            axes.axhline(float(target), color=ORANGE, linestyle="--", linewidth=1.5,
                         label=t_plain("report.chart.target", locale, target=f"{float(target):.0f}"))
            axes.legend(loc="lower right", fontsize=9)
    else:
        axes.margins(y=0.15)
    axes.set_xlabel(t_plain("report.axis.cohort", locale))
    axes.set_ylabel(_unit_axis(series.unit, locale, report.currency))


DRAW = {
    Chart.TIERS: _draw_tiers,
    Chart.REVENUE_PARETO: _draw_revenue,
    Chart.CSAT_DIMENSIONS: _draw_csat,
    Chart.DEMAND: _draw_demand,
    Chart.RETENTION: _draw_retention,
}
