"""The quarter's KPIs against their targets (DOMAIN: CSAT, retention, referrals, LTV, compliance...).

Each KPI's definition (what is counted, over which window) is in the README's "Quarterly
report" section; the computations live one concern per module beside this one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.report.figures import Direction, Kpi, Unit
from bot.flows.report.window import Window
from bot.flows.surveys import DIMENSIONS, SATISFIED_AVERAGE
from bot.settings import Settings
from storage.models import Survey

# the order the KPIs are shown in (the CLI table, the export, the Slack side)
ORDER = ("csat", "csat.ability", "csat.communication", "csat.attitude", "csat.result", "retention",
         "referral_share", "ltv_growth", "enquiry_response", "compliance", "compliance.cadence",
         "compliance.complaints", "compliance.surveys", "compliance.intake", "cross_team",
         "complaint_rate", "conversion")


def target(settings: Settings, key: str) -> float | None:
    """The KPI's target from `kpi_targets` (None: no target, no light)."""
    return settings.kpi_targets.get(key)


def share(key: str, numerator: float, denominator: float, settings: Settings, *,
          direction: Direction = Direction.AT_LEAST) -> Kpi:
    """A percentage KPI; without a denominator it has no value ("no data", never 0 %)."""
    value = 100.0 * numerator / denominator if denominator else None
    return Kpi(key, value, target(settings, key), Unit.PERCENT, direction,
               numerator=numerator, denominator=denominator)


def csat_kpis(session: Session, *, window: Window, settings: Settings) -> list[Kpi]:
    """CSAT overall and per dimension over the surveys completed in the window (satisfied: score >= 4)."""
    rows = session.execute(
        select(Survey.score_ability, Survey.score_communication, Survey.score_attitude, Survey.score_result)
        .where(Survey.status == "done", Survey.completed_at >= window.start, Survey.completed_at < window.end)
    ).all()
    total = len(rows)
    overall = sum(sum(r) / 4 >= SATISFIED_AVERAGE for r in rows)
    kpis = [share("csat", overall, total, settings)]
    for i, dim in enumerate(DIMENSIONS):
        met = sum(r[i] >= SATISFIED_AVERAGE for r in rows)
        kpis.append(share(f"csat.{dim}", met, total, settings))
    return kpis
