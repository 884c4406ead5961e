"""The quarter's KPIs against their targets (DOMAIN: CSAT, retention, referrals, LTV, compliance...)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.quarters import Quarter
from bot.flows.report.figures import Kpi, Unit
from bot.flows.surveys import SATISFIED_AVERAGE
from bot.settings import Settings
from storage.models import Survey

DIMENSIONS = ("ability", "communication", "attitude", "result")
CSAT_TARGET = 90.0


def csat_kpis(session: Session, *, quarter: Quarter, settings: Settings) -> list[Kpi]:
    """CSAT overall and per dimension over the surveys completed in the quarter (satisfied: score >= 4)."""
    start, end = quarter.bounds(settings.tz)
    rows = session.execute(
        select(Survey.score_ability, Survey.score_communication, Survey.score_attitude, Survey.score_result)
        .where(Survey.status == "done", Survey.completed_at >= start, Survey.completed_at < end)
    ).all()
    total = len(rows)
    overall = sum(sum(r) / 4 >= SATISFIED_AVERAGE for r in rows)
    kpis = [Kpi("csat", 100.0 * overall / total if total else None, CSAT_TARGET, Unit.PERCENT,
                numerator=overall, denominator=total)]
    for i, dim in enumerate(DIMENSIONS):
        met = sum(r[i] >= SATISFIED_AVERAGE for r in rows)
        kpis.append(Kpi(f"csat.{dim}", 100.0 * met / total if total else None, CSAT_TARGET, Unit.PERCENT,
                        numerator=met, denominator=total))
    return kpis
