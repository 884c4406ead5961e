"""Enquiry KPIs: the response time (median working minutes to a lawyer) and the conversion rate."""

from __future__ import annotations

from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.enquiries.metrics import pipeline_metrics
from bot.flows.report.figures import Direction, Kpi, Unit
from bot.flows.report.kpis import share, target
from bot.flows.report.window import Window
from bot.settings import Settings
from storage.models import Enquiry


def response_kpi(session: Session, *, window: Window, settings: Settings) -> Kpi:
    """Median response (working minutes until taken or assigned) of the enquiries received in the quarter.

    The export's numerator / denominator: answered within the target / answered.
    """
    minutes = list(session.execute(
        select(Enquiry.response_minutes).where(Enquiry.received_at >= window.start,
                                               Enquiry.received_at < window.end,
                                               Enquiry.response_minutes.is_not(None))).scalars())
    goal = target(settings, "enquiry_response")
    limit = goal if goal is not None else settings.enquiry_response_minutes
    return Kpi("enquiry_response", float(median(minutes)) if minutes else None, goal, Unit.MINUTES,
               Direction.AT_MOST, numerator=sum(m <= limit for m in minutes), denominator=len(minutes))


def conversion_kpi(session: Session, *, window: Window, settings: Settings) -> Kpi:
    """Enquiries received in the quarter and engaged, out of those engaged or closed."""
    metrics = pipeline_metrics(session, target_minutes=settings.enquiry_response_minutes,
                               since=window.start, until=window.end)
    return share("conversion", metrics.engaged, metrics.decided, settings)
