"""A quarter's report assembled: every KPI and every chart's data, read from the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.flows.quarters import Quarter
from bot.flows.report.figures import Chart, QuarterReport, Series, Unit
from bot.flows.report.kpis import DIMENSIONS, csat_kpis
from bot.settings import Settings
from storage.models import Client
from storage.models.enums import Tier


def tier_distribution(session: Session) -> Series:
    """Clients per tier now (tiers without clients show as zero)."""
    counts = dict(session.execute(select(Client.tier, func.count()).group_by(Client.tier)).tuples().all())
    tiers = [tier.value for tier in Tier if counts.get(tier.value) or tier in (Tier.STRATEGIC, Tier.CORE,
                                                                               Tier.POTENTIAL, Tier.LOST)]
    return Series(Chart.TIERS, tiers, {"clients": [float(counts.get(t, 0)) for t in tiers]}, Unit.COUNT)


def quarter_report(session: Session, *, quarter: Quarter, settings: Settings, now: datetime) -> QuarterReport:
    """The report of one quarter (the current one is measured up to `now`)."""
    kpis = csat_kpis(session, quarter=quarter, settings=settings)
    by_key = {k.key: k for k in kpis}
    csat = Series(Chart.CSAT_DIMENSIONS, list(DIMENSIONS),
                  {"csat": [by_key[f"csat.{d}"].value or 0.0 for d in DIMENSIONS]}, Unit.PERCENT)
    return QuarterReport(quarter=quarter, currency=getattr(settings, "currency", "CNY"), computed_at=now,
                         kpis=kpis, charts={Chart.TIERS: tier_distribution(session), Chart.CSAT_DIMENSIONS: csat})
