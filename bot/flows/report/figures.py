"""What a quarter's report holds: KPIs with targets and lights, and the data series behind each chart.

Plain data (no Slack, no matplotlib): the Slack handler, the App Home dashboard, the quarterly
post, the chart renderer and the XLSX export all read a `QuarterReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.flows.quarters import Quarter


class Light(StrEnum):
    """A KPI's traffic light."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"  # no data this quarter, or no target


class Unit(StrEnum):
    """How a KPI's value is read."""

    PERCENT = "percent"
    MINUTES = "minutes"
    HOURS = "hours"
    COUNT = "count"
    MONEY = "money"


class Direction(StrEnum):
    """Whether the target is a floor (at least) or a ceiling (at most)."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class Chart(StrEnum):
    """The report's charts, in the order they are shown."""

    TIERS = "tiers"                 # tier distribution (clients per tier)
    REVENUE_PARETO = "revenue"      # collected fees by tier, largest first, with the cumulative share
    CSAT_DIMENSIONS = "csat"        # CSAT per survey dimension
    DEMAND = "demand"               # new matters per practice area, this quarter against the last
    RETENTION = "retention"         # retention by cohort (year of first matter)


@dataclass(frozen=True)
class Kpi:
    """One KPI: its value this quarter against its target."""

    key: str                        # "csat", "csat.ability", "retention", "referral_share", ...
    value: float | None             # None: nothing to measure this quarter
    target: float | None
    unit: Unit = Unit.PERCENT
    direction: Direction = Direction.AT_LEAST
    numerator: float | None = None  # what the value was computed from, for the export
    denominator: float | None = None

    @property
    def light(self) -> Light:
        """Green when the target is met; amber within 10 % of it; red beyond; none without data or target."""
        if self.value is None or self.target is None:
            return Light.NONE
        if self.direction is Direction.AT_LEAST:
            if self.value >= self.target:
                return Light.GREEN
            return Light.AMBER if self.value >= self.target * 0.9 else Light.RED
        if self.value <= self.target:
            return Light.GREEN
        return Light.AMBER if self.value <= self.target * 1.1 else Light.RED


@dataclass(frozen=True)
class Series:
    """The data of one chart: categories (stored codes, labelled by the renderer) and named value rows."""

    chart: Chart
    categories: list[str]
    values: dict[str, list[float]]  # series name -> one value per category
    unit: Unit = Unit.COUNT
    notes: dict[str, Any] = field(default_factory=dict)  # e.g. {"top_share": 61.2, "top": "strategic"}


@dataclass(frozen=True)
class QuarterReport:
    """Everything a quarter's report shows."""

    quarter: Quarter
    currency: str
    computed_at: datetime
    kpis: list[Kpi]
    charts: dict[Chart, Series]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # referrals, bonuses, ...
