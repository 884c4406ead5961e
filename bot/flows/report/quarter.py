"""A quarter's report assembled: every KPI and every chart's data, read from the database."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows.quarters import Quarter
from bot.flows.report.compliance import compliance_kpis
from bot.flows.report.crossteam import cross_team_kpi
from bot.flows.report.engagement import cohort_series, complaint_rate_kpi, engagement, retention_kpi
from bot.flows.report.figures import Chart, Kpi, QuarterReport
from bot.flows.report.kpis import ORDER, csat_kpis
from bot.flows.report.pipeline import conversion_kpi, response_kpi
from bot.flows.report.referrals import (bonus_lines, bonus_table, new_clients, referral_share_kpi,
                                        referral_table, referrers_of)
from bot.flows.report.revenue import FeeBook, ltv_kpi, revenue_pareto
from bot.flows.report.series import csat_series, demand_series, tier_distribution
from bot.flows.report.window import Window
from bot.settings import Settings

__all__ = ["quarter_report", "tier_distribution"]


def quarter_report(session: Session, *, quarter: Quarter, settings: Settings, now: datetime,
                   progress: Callable[[str, float], None] | None = None) -> QuarterReport:
    """The report of one quarter (a running one measured up to `now`); `progress(step, seconds)` per step."""
    window = Window.of(quarter, tz=settings.tz, now=now)
    last = [time.perf_counter()]

    def step(name: str) -> None:
        """Report the step just done and its time."""
        if progress is not None:
            moment = time.perf_counter()
            progress(name, moment - last[0])
            last[0] = moment

    kpis: list[Kpi] = csat_kpis(session, window=window, settings=settings)
    step("csat")
    book = FeeBook.read(session, window=window)
    step("fees")
    engaged = engagement(session, window=window, book=book)
    kpis.append(retention_kpi(before=engaged.year_before, last_year=engaged.last_year, settings=settings))
    kpis.append(complaint_rate_kpi(session, window=window, active=engaged.quarter, settings=settings))
    kpis.append(ltv_kpi(book=book, engaged_last_year=engaged.last_year, engaged_year_before=engaged.year_before,
                        settings=settings))
    step("engagement")
    referred = referrers_of(session)
    new = new_clients(first=engaged.first, window=window)
    kpis.append(referral_share_kpi(new=new, referred=referred, settings=settings))
    lines = bonus_lines(session, book=book, referred=referred, window=window, settings=settings)
    tables = {"referrals": referral_table(session, new=new, referred=referred),
              "bonuses": bonus_table(lines), "bonus_lines": lines}
    step("referrals")
    kpis.append(response_kpi(session, window=window, settings=settings))
    kpis.append(conversion_kpi(session, window=window, settings=settings))
    step("enquiries")
    kpis.extend(compliance_kpis(session, window=window, settings=settings))
    step("compliance")
    kpis.append(cross_team_kpi(session, window=window, settings=settings))
    step("cross_team")
    by_key = {k.key: k for k in kpis}
    charts = {Chart.TIERS: tier_distribution(session),
              Chart.REVENUE_PARETO: revenue_pareto(session, book=book),
              Chart.CSAT_DIMENSIONS: csat_series(by_key),
              Chart.DEMAND: demand_series(session, window=window),
              Chart.RETENTION: cohort_series(first=engaged.first, last_year=engaged.last_year, window=window)}
    step("charts")
    return QuarterReport(quarter=quarter, currency=settings.currency, computed_at=now,
                         kpis=[by_key[key] for key in ORDER], charts=charts, tables=tables)
