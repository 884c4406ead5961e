"""Who is engaged when: 1-year retention, retention by cohort, the complaint rate.

A client is *engaged* in a period when one of its matters was open at some moment of it
(opened before its end, not closed before its start) or a fee was collected from it on a day
of it. The matter side is one grouped pass over the matters (a plain table scan on SQLite:
walking the client index instead is several times slower); the fee side comes from the fee book
the money figures read anyway.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.flows.report.figures import Chart, Direction, Kpi, Series, Unit
from bot.flows.report.kpis import share
from bot.flows.report.revenue import FeeBook
from bot.flows.report.window import Window
from bot.settings import Settings
from storage.models import Complaint, Matter


@dataclass(frozen=True)
class Engagement:
    """Each client's first matter, and who was engaged in the report's three periods."""

    first: dict[int, datetime]
    year_before: set[int]
    last_year: set[int]
    quarter: set[int]


def engagement(session: Session, *, window: Window, book: FeeBook) -> Engagement:
    """First matters, and the clients engaged in the 12 months before the last 12, the last 12, the quarter."""
    periods: list[tuple[date, date]] = [(window.two_years_ago_day, window.year_ago_day),
                                        (window.year_ago_day, window.end_day), (window.first_day, window.end_day)]
    flags = [func.max(case((and_(Matter.opened_at < window.at(until),
                                 or_(Matter.closed_at.is_(None), Matter.closed_at >= window.at(since))), 1),
                           else_=0)) for since, until in periods]
    first: dict[int, datetime] = {}
    engaged: list[set[int]] = [set(), set(), set()]
    client = (Matter.client_id + 0).label("client")  # "+ 0": SQLite scans the table, not the client index
    for cid, opened, *hit in session.execute(
            select(client, func.min(Matter.opened_at), *flags).group_by(client)):
        first[cid] = _aware(opened)
        for i, flag in enumerate(hit):
            if flag:
                engaged[i].add(cid)
    engaged[0].update(book.year_before)
    engaged[1].update(book.last_year)
    engaged[2].update(book.quarter)
    return Engagement(first, *engaged)


def retention_kpi(*, before: set[int], last_year: set[int], settings: Settings) -> Kpi:
    """Share of the clients engaged in the 12 months before the last 12 still engaged in the last 12."""
    return share("retention", len(before & last_year), len(before), settings)


def cohort_series(*, first: dict[int, datetime], last_year: set[int], window: Window) -> Series:
    """Retention by cohort (firm-local year of the first matter): the share engaged in the last 12 months.

    Only clients whose first matter came before those 12 months count (a newer client is
    engaged by definition).
    """
    cutoff = window.at(window.year_ago_day)
    clients: Counter[int] = Counter()
    retained: Counter[int] = Counter()
    for cid, opened in first.items():
        if opened < cutoff:
            year = opened.astimezone(window.tz).year
            clients[year] += 1
            retained[year] += cid in last_year
    years = sorted(clients)
    return Series(Chart.RETENTION, [str(y) for y in years],
                  {"retention": [round(100.0 * retained[y] / clients[y], 1) for y in years]}, Unit.PERCENT,
                  notes={"clients": [clients[y] for y in years], "retained": [retained[y] for y in years],
                         "since": window.year_ago_day.isoformat(), "until": window.end_day.isoformat()})


def complaint_rate_kpi(session: Session, *, window: Window, active: set[int], settings: Settings) -> Kpi:
    """Complaints received in the quarter per 100 clients engaged in it (at most)."""
    received = session.execute(
        select(func.count()).select_from(Complaint)
        .where(Complaint.received_at >= window.start, Complaint.received_at < window.end)
    ).scalar_one()
    return share("complaint_rate", received, len(active), settings, direction=Direction.AT_MOST)


def _aware(moment: datetime) -> datetime:
    """A timestamp read back as UTC-aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
