"""The report's chart images: five charts in English and Chinese, no missing glyphs, clear empty charts."""

from __future__ import annotations

import io
import threading
import warnings
from datetime import UTC, datetime

import pytest
from PIL import Image

from bot.blocks.report import dashboard_blocks, kpi_table, report_message
from bot.flows.quarters import Quarter
from bot.flows.report import charts
from bot.flows.report.figures import Chart, Direction, Kpi, QuarterReport, Series, Unit

PNG = b"\x89PNG\r\n\x1a\n"
Q4 = Quarter(2026, 4)


def full_report(**changes: object) -> QuarterReport:
    """A hand-built report with all five charts and a few KPIs."""
    series = {
        Chart.TIERS: Series(Chart.TIERS, ["strategic", "core", "potential", "lost"], {"clients": [12, 40, 55, 8]}),
        Chart.REVENUE_PARETO: Series(Chart.REVENUE_PARETO, ["strategic", "core", "potential", "lost"],
                                     {"collected": [6_100_000, 2_500_000, 1_200_000, 200_000]}, Unit.MONEY,
                                     {"top": "strategic", "top_share": 61.0}),
        Chart.CSAT_DIMENSIONS: Series(Chart.CSAT_DIMENSIONS, ["ability", "communication", "attitude", "result"],
                                      {"csat": [95.0, 72.0, 91.0, 88.0]}, Unit.PERCENT, {"lowest": "communication"}),
        Chart.DEMAND: Series(Chart.DEMAND, ["lit_civil", "nl_mna", "nl_ip"],
                             {"2026-Q4": [20, 8, 13], "2026-Q3": [18, 5, 10]}, Unit.COUNT,
                             {"change": {"lit_civil": 11.1, "nl_mna": 60.0, "nl_ip": 30.0}}),
        Chart.RETENTION: Series(Chart.RETENTION, ["2022", "2023", "2024", "2025"],
                                {"retention": [78.0, 84.0, 88.0, 92.0]}, Unit.PERCENT),
    }
    series.update(changes.pop("charts", {}))  # type: ignore[arg-type]
    kpis = changes.pop("kpis", [Kpi("csat", 85.0, 90.0), Kpi("retention", 82.0, 80.0),
                                Kpi("enquiry_response", 75.0, 60.0, Unit.MINUTES, Direction.AT_MOST),
                                Kpi("referral_share", None, 40.0)])
    return QuarterReport(quarter=Q4, currency="CNY", computed_at=datetime(2026, 12, 3, 2, 0, tzinfo=UTC),
                         kpis=kpis,  # type: ignore[arg-type]
                         charts={c: s for c, s in series.items() if s is not None})


def _render_quietly(report: QuarterReport, locale: str) -> tuple[list[charts.ChartImage], list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images = charts.render_all(report, locale=locale)
    return images, [str(w.message) for w in caught]


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_all_five_charts_render_as_pngs_without_missing_glyphs(locale):
    images, warned = _render_quietly(full_report(), locale)
    assert [i.chart for i in images] == list(Chart)
    assert not [w for w in warned if "missing from" in w or "findfont" in w], warned
    for image in images:
        assert image.png.startswith(PNG)
        with Image.open(io.BytesIO(image.png)) as picture:
            assert picture.size == (880, 495)
            assert len(picture.convert("L").getcolors(maxcolors=65536)) > 10  # something is drawn, not a blank canvas
    assert charts.font_family() == charts.CJK_FAMILY


def test_the_cjk_font_comes_from_the_package_and_a_plain_font_would_miss_chinese_glyphs():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    assert charts.cjk_font_file() is not None and charts.cjk_font_file().stat().st_size > 1_000_000
    charts.font_family()

    def draw(family: str) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            figure = Figure()
            FigureCanvasAgg(figure)
            figure.suptitle("战略客户贡献了 61% 的收入", fontfamily=family)
            figure.savefig(io.BytesIO(), format="png")
        return [str(w.message) for w in caught if "missing from" in str(w.message)]

    assert draw("DejaVu Sans")            # the check can fail: the default font has no Chinese
    assert draw(charts.CJK_FAMILY) == []


def test_headlines_in_both_languages():
    report = full_report()
    assert charts.headline(report, Chart.REVENUE_PARETO, "en") == "Strategic clients bring 61 % of revenue"
    assert charts.headline(report, Chart.REVENUE_PARETO, "zh-CN") == "战略客户贡献了 61% 的收入"
    assert charts.headline(report, Chart.CSAT_DIMENSIONS, "en") == "Timeliness of communication scores lowest (72 %)"
    assert charts.headline(report, Chart.CSAT_DIMENSIONS, "zh-CN") == "沟通及时性得分最低（72%）"
    assert charts.headline(report, Chart.DEMAND, "en") == "Largest rise: Non-litigation — M&A (+60 %)"
    assert charts.chart_title(Chart.DEMAND, Q4, "zh-CN") == "各业务领域新增案件 — 2026-Q4 对比 2026-Q3"
    assert "2025 92%" in charts.headline(report, Chart.RETENTION, "en")


def test_headlines_without_notes_come_from_the_values():
    report = full_report(charts={
        Chart.REVENUE_PARETO: Series(Chart.REVENUE_PARETO, ["core", "strategic"], {"collected": [300.0, 700.0]},
                                     Unit.MONEY),
        Chart.CSAT_DIMENSIONS: Series(Chart.CSAT_DIMENSIONS, ["ability", "result"], {"csat": [95.0, 60.0]},
                                      Unit.PERCENT),
        Chart.DEMAND: Series(Chart.DEMAND, ["lit_civil", "nl_tax"], {"this": [10, 4], "last": [5, 4]})})
    assert charts.headline(report, Chart.REVENUE_PARETO, "en") == "Strategic clients bring 70 % of revenue"
    assert charts.headline(report, Chart.CSAT_DIMENSIONS, "en") == "Result scores lowest (60 %)"
    assert charts.headline(report, Chart.DEMAND, "en") == "Largest rise: Litigation — civil (+100 %)"
    assert charts.series_label("this", Q4, "en") == "2026-Q4" and charts.series_label("last", Q4, "en") == "2026-Q3"


def test_when_no_area_rose_the_headline_names_the_largest_fall():
    report = full_report(charts={
        Chart.DEMAND: Series(Chart.DEMAND, ["lit_civil", "nl_tax", "nl_mna"],
                             {"current": [2, 3, 0], "previous": [4, 3, 1]})})
    assert charts.headline(report, Chart.DEMAND, "en") == "Largest fall: Non-litigation — M&A (-100 %)"
    assert charts.headline(report, Chart.DEMAND, "zh-CN").startswith("下降最多：")
    flat = full_report(charts={Chart.DEMAND: Series(Chart.DEMAND, ["nl_tax"], {"current": [3], "previous": [3]})})
    assert "Largest" not in charts.headline(flat, Chart.DEMAND, "en")


def test_charts_without_data_are_skipped_and_named_and_an_empty_chart_renders_clearly():
    report = full_report(charts={Chart.DEMAND: None, Chart.RETENTION: None,
                                 Chart.REVENUE_PARETO: Series(Chart.REVENUE_PARETO, ["strategic", "core"],
                                                              {"collected": [0.0, 0.0]}, Unit.MONEY)},
                         kpis=[Kpi("csat", None, 90.0)])
    assert charts.charts_with_data(report) == [Chart.TIERS]          # CSAT without surveys is no data
    images, warned = _render_quietly(report, "zh-CN")
    assert [i.chart for i in images] == [Chart.TIERS] and not [w for w in warned if "missing from" in w]
    assert charts.render_chart(report, Chart.DEMAND, locale="zh-CN").startswith(PNG)
    assert charts.headline(report, Chart.RETENTION, "en") == "Retention by cohort — 2026-Q4: no data this quarter"
    text, blocks = report_message(report, locale="en", tz=UTC)
    tail = blocks[-1]["elements"][0]["text"]
    assert "No data this quarter" in tail and "Revenue by tier" in tail and "Clients per tier" not in tail


def test_the_digest_follows_the_figures_and_the_language():
    report = full_report()
    same = charts.chart_digest(full_report(), Chart.TIERS, "en")
    assert charts.chart_digest(report, Chart.TIERS, "en") == same
    assert charts.chart_digest(report, Chart.TIERS, "zh-CN") != same
    changed = full_report(charts={Chart.TIERS: Series(Chart.TIERS, ["strategic"], {"clients": [13]})})
    assert charts.chart_digest(changed, Chart.TIERS, "en") != same
    assert charts.chart_digest(changed, Chart.CSAT_DIMENSIONS, "en") == charts.chart_digest(
        report, Chart.CSAT_DIMENSIONS, "en")


def test_rendering_from_several_threads_gives_the_same_pictures():
    report = full_report()
    alone = charts.render_chart(report, Chart.REVENUE_PARETO, locale="zh-CN")
    out: list[bytes] = []

    def work() -> None:
        out.append(charts.render_chart(report, Chart.REVENUE_PARETO, locale="zh-CN"))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert out == [alone] * 3


def test_the_kpi_table_shows_lights_targets_and_no_data():
    text = "\n".join(b["text"]["text"] for b in kpi_table(full_report(), locale="en"))
    assert "🟡 *CSAT (overall)* — 85.0 % · target ≥ 90.0 %" in text
    assert "🟢 *1-year retention* — 82.0 % · target ≥ 80.0 %" in text
    assert "🔴 *Enquiry response (median, working minutes)* — 75 min · target ≤ 60 min" in text
    assert "⚪ *Referral share of new clients* — no data · target ≥ 40.0 %" in text
    zh = "\n".join(b["text"]["text"] for b in kpi_table(full_report(), locale="zh-CN"))
    assert "客户满意度（总体）" in zh and "暂无数据" in zh and "目标 ≥ 90.0 %" in zh
    unknown = kpi_table(full_report(kpis=[Kpi("bonus_paid", 3.0, None, Unit.COUNT)]), locale="en")
    assert unknown[0]["text"]["text"] == "⚪ *bonus paid* — 3"


def test_the_dashboard_shows_images_by_file_id_within_limits():
    report = full_report()
    images = [{"chart": c, "file_id": f"F{i}", "title": charts.chart_title(c, Q4, "en"),
               "alt": charts.headline(report, c, "en")} for i, c in enumerate(Chart)]
    blocks = dashboard_blocks(report, locale="en", images=images)
    shown = [b for b in blocks if b["type"] == "image"]
    assert [b["slack_file"] for b in shown] == [{"id": f"F{i}"} for i in range(5)]
    assert shown[1]["alt_text"] == "Strategic clients bring 61 % of revenue"
    assert len(blocks) <= 12


def test_ragged_or_odd_figures_still_render():
    report = full_report(charts={
        Chart.TIERS: Series(Chart.TIERS, ["strategic", "core", "potential"], {"clients": [3, None]}),  # type: ignore[list-item]
        Chart.DEMAND: Series(Chart.DEMAND, ["lit_civil", "nl_tax"], {"2026-Q4": [4, 2, 9], "2026-Q3": [0]}),
        Chart.RETENTION: Series(Chart.RETENTION, [2023, 2024], {"retention": [float("nan"), 80.0]},  # type: ignore[list-item]
                                Unit.PERCENT)})
    images, warned = _render_quietly(report, "en")
    assert [i.chart for i in images] == list(Chart) and all(i.png.startswith(PNG) for i in images)
    assert charts.headline(report, Chart.RETENTION, "en").endswith("2023 0%, 2024 80%")


def test_every_kpi_has_a_name_in_both_languages() -> None:
    from bot.blocks.report import kpi_name
    from bot.i18n import catalog
    from bot.settings import KPI_KEYS
    for key in KPI_KEYS:
        assert f"kpis.kpi.{key}" in catalog()
        english, chinese = kpi_name(key, "en"), kpi_name(key, "zh-CN")
        assert english and chinese and english != chinese and "kpis." not in english + chinese
