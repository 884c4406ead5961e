"""Pipeline KPIs: conversion rate of decided enquiries and response time in working minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.flows.enquiries.stages import CLOSED, ENGAGED
from storage.models import Enquiry


@dataclass(frozen=True)
class PipelineMetrics:
    """Enquiries received in a period and what became of them."""

    received: int
    engaged: int
    closed: int
    answered: int
    within_target: int
    average_minutes: float | None
    target_minutes: int

    @property
    def decided(self) -> int:
        """Enquiries engaged or closed."""
        return self.engaged + self.closed

    @property
    def conversion_rate(self) -> float | None:
        """Engaged share of the decided enquiries (None before any is decided)."""
        return self.engaged / self.decided if self.decided else None

    @property
    def within_target_rate(self) -> float | None:
        """Share of answered enquiries taken or assigned within the target (None before any)."""
        return self.within_target / self.answered if self.answered else None


def pipeline_metrics(session: Session, *, target_minutes: int, since: datetime | None = None,
                     until: datetime | None = None) -> PipelineMetrics:
    """Conversion and response time of the enquiries received in [since, until)."""
    where = []
    if since is not None:
        where.append(Enquiry.received_at >= since)
    if until is not None:
        where.append(Enquiry.received_at < until)
    by_stage = dict(session.execute(select(Enquiry.stage, func.count()).where(*where)
                                    .group_by(Enquiry.stage)).all())
    answered, within, average = session.execute(
        select(func.count(Enquiry.response_minutes),
               func.count(Enquiry.response_minutes).filter(Enquiry.response_minutes <= target_minutes),
               func.avg(Enquiry.response_minutes)).where(*where)).one()
    return PipelineMetrics(received=sum(by_stage.values()), engaged=by_stage.get(ENGAGED, 0),
                           closed=by_stage.get(CLOSED, 0), answered=answered, within_target=within,
                           average_minutes=float(average) if average is not None else None,
                           target_minutes=target_minutes)
