"""The data behind the charts that need no money: tiers, CSAT by dimension, demand by practice area."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.flows.report.figures import Chart, Kpi, Series, Unit
from bot.flows.report.window import Window
from bot.flows.surveys import DIMENSIONS
from storage.models import Client, Matter
from storage.models.enums import Tier

SCHEME_000 = (Tier.STRATEGIC, Tier.CORE, Tier.POTENTIAL, Tier.LOST)


def tier_distribution(session: Session) -> Series:
    """Clients per tier now (the 000 scheme's tiers always shown, others when they have clients)."""
    counts = dict(session.execute(select(Client.tier, func.count()).group_by(Client.tier)).all())
    tiers = [tier.value for tier in Tier if counts.get(tier.value) or tier in SCHEME_000]
    return Series(Chart.TIERS, tiers, {"clients": [float(counts.get(t, 0)) for t in tiers]}, Unit.COUNT,
                  notes={"total": sum(counts.values())})


def csat_series(kpis: dict[str, Kpi]) -> Series:
    """CSAT per dimension with the lowest one named; empty when no survey was completed."""
    if kpis["csat"].value is None:
        return Series(Chart.CSAT_DIMENSIONS, [], {"csat": []}, Unit.PERCENT, notes={"surveys": 0})
    values = [kpis[f"csat.{d}"].value or 0.0 for d in DIMENSIONS]
    lowest = min(range(len(DIMENSIONS)), key=lambda i: (values[i], i))
    return Series(Chart.CSAT_DIMENSIONS, list(DIMENSIONS), {"csat": [round(v, 1) for v in values]},
                  Unit.PERCENT,
                  notes={"surveys": int(kpis["csat"].denominator or 0), "lowest": DIMENSIONS[lowest],
                         "lowest_value": round(values[lowest], 1), "overall": round(kpis["csat"].value, 1)})


def opened_by_area(session: Session, *, window: Window) -> Counter[str]:
    """Matters opened in the window per practice area."""
    return Counter(dict(session.execute(
        select(Matter.practice_area, func.count())
        .where(Matter.opened_at >= window.start, Matter.opened_at < window.end)
        .group_by(Matter.practice_area)).all()))


def demand_series(session: Session, *, window: Window) -> Series:
    """New matters per practice area this quarter against the last, most first, with the % change."""
    before = window.previous()
    now, then = opened_by_area(session, window=window), opened_by_area(session, window=before)
    areas = sorted(set(now) | set(then), key=lambda a: (-now[a], -then[a], a))
    change = [round(100.0 * (now[a] - then[a]) / then[a], 1) if then[a] else None for a in areas]
    rising = [(c, a) for c, a in zip(change, areas) if c is not None]
    notes: dict[str, object] = {"current": window.quarter.label, "previous": before.quarter.label,
                                "change": change}
    if rising:
        top, area = max(rising, key=lambda ca: (ca[0], ca[1]))
        notes.update(top_change=top, top_change_area=area)
    return Series(Chart.DEMAND, areas, {"current": [float(now[a]) for a in areas],
                                        "previous": [float(then[a]) for a in areas]}, Unit.COUNT, notes=notes)
