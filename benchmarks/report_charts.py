"""How long rendering the quarterly report's five charts takes (matplotlib Agg, Noto Sans CJK SC).

Usage: .venv/bin/python benchmarks/report_charts.py [--rounds 5]
Builds a report with all five charts filled (eight practice areas, six cohorts), then times
`render_all` in English and Chinese: the first call in the process (imports matplotlib and
registers the CJK font) and the median of the following calls. `benchmarks/report_scale.py` can
call `render_all(report, locale=...)` on a report computed from a seeded database the same way.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from bot.flows.quarters import Quarter
from bot.flows.report.figures import Chart, Kpi, QuarterReport, Series, Unit

AREAS = ["lit_civil", "lit_criminal", "lit_admin", "nl_mna", "nl_ip", "nl_tax", "nl_other", "retainer"]


def sample_report() -> QuarterReport:
    """A report with every chart filled."""
    return QuarterReport(
        quarter=Quarter(2026, 4), currency="CNY", computed_at=datetime(2026, 12, 3, tzinfo=UTC),
        kpis=[Kpi("csat", 86.0, 90.0), Kpi("retention", 82.0, 80.0)],
        charts={
            Chart.TIERS: Series(Chart.TIERS, ["strategic", "core", "potential", "lost"],
                                {"clients": [120, 400, 5500, 800]}),
            Chart.REVENUE_PARETO: Series(Chart.REVENUE_PARETO, ["strategic", "core", "potential", "lost"],
                                         {"collected": [61e6, 25e6, 12e6, 2e6]}, Unit.MONEY,
                                         {"top": "strategic", "top_share": 61.0}),
            Chart.CSAT_DIMENSIONS: Series(Chart.CSAT_DIMENSIONS, ["ability", "communication", "attitude", "result"],
                                          {"csat": [95.0, 72.0, 91.0, 88.0]}, Unit.PERCENT,
                                          {"lowest": "communication"}),
            Chart.DEMAND: Series(Chart.DEMAND, AREAS, {"2026-Q4": [40, 8, 3, 12, 20, 6, 9, 15],
                                                       "2026-Q3": [36, 9, 3, 8, 15, 6, 7, 15]}),
            Chart.RETENTION: Series(Chart.RETENTION, ["2020", "2021", "2022", "2023", "2024", "2025"],
                                    {"retention": [65.0, 70.0, 78.0, 84.0, 88.0, 92.0]}, Unit.PERCENT),
        })


def main() -> None:
    """Print the first and the steady render times per language."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    report = sample_report()
    started = time.perf_counter()
    from bot.flows.report.charts import render_all

    first = render_all(report, locale="en")
    print(f"first call (import, font registration, five charts): {time.perf_counter() - started:.2f} s; "
          f"{sum(len(i.png) for i in first) // 1024} KiB of PNG")
    for locale in ("en", "zh-CN"):
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            images = render_all(report, locale=locale)
            times.append(time.perf_counter() - t0)
        assert len(images) == 5
        print(f"{locale}: five charts, median of {rounds}: {statistics.median(times):.2f} s "
              f"(min {min(times):.2f} s, max {max(times):.2f} s)")


if __name__ == "__main__":
    main()
