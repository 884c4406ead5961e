"""Reading the quarterly report: partners only, and every read is audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.errors import PermissionDenied
from bot.flows.quarters import Quarter
from bot.flows.report.figures import QuarterReport
from bot.flows.report.quarter import quarter_report
from bot.settings import Settings
from storage import audit

READ_FIELDS = ("kpis", "charts", "referrals", "bonuses", "collected_fees")


def record_read(session: Session, *, by: str, quarter: Quarter) -> None:
    """Audit that the quarter's report (fees, bonuses) was read."""
    audit.record(session, actor=by, action="read", entity="quarter_report", entity_id=quarter.label,
                 fields=READ_FIELDS)


def read_quarter_report(session: Session, *, actor: Actor, quarter: Quarter, settings: Settings,
                        now: datetime) -> QuarterReport:
    """The quarter's report for a partner (audited); anyone else is refused."""
    if not policy.can_see_quarter_report(actor):
        raise PermissionDenied("kpis.denied")
    report = quarter_report(session, quarter=quarter, settings=settings, now=now)
    record_read(session, by=actor.audit_name, quarter=quarter)
    return report
