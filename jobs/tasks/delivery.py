"""Deliver due ledger notices; purge old delivery receipts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from bot.settings import Settings
from storage.ledger import ChannelPacer, DispatchReport, dispatch_due
from jobs.registry import JobContext, PeriodicJob
from storage.db import process_lock
from storage.models import SlackReceipt


def deliver(ctx: JobContext, *, pacer: ChannelPacer | None = None) -> DispatchReport:
    """Send every due notice in batches until none is left.

    One `lawcrm jobs` process delivers at a time (a PostgreSQL advisory lock), so the pacing
    of one message per channel per second holds across processes; the others take over at
    their next tick if it dies. Claims and leases still make every notice go out once.
    """
    with process_lock(ctx.services.engine, "lawcrm:deliver") as mine:
        if not mine:
            return DispatchReport()
        return _deliver_all(ctx, pacer=pacer or ChannelPacer())


def _deliver_all(ctx: JobContext, *, pacer: ChannelPacer) -> DispatchReport:
    """The delivery loop, under the lock."""
    total = DispatchReport()
    while True:
        report = dispatch_due(session_factory=ctx.services.session_factory, sender=ctx.sender,
                              owner=ctx.owner, now=ctx.now, pacer=pacer)
        for name in ("sent", "rate_limited", "retried", "failed", "released", "recovered"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        total.errors.extend(report.errors)
        done = report.sent + report.rate_limited + report.retried + report.failed
        if report.stopped:
            total.stopped = True
            return total
        if not report.released and done < 100:
            return total


def purge_receipts(ctx: JobContext) -> int:
    """Forget Slack delivery receipts older than a day (Slack retries within minutes)."""
    with ctx.services.session() as session:
        result = session.execute(
            delete(SlackReceipt).where(SlackReceipt.received_at < ctx.now() - timedelta(days=1))
        )
        return result.rowcount or 0


def jobs(settings: Settings) -> list[PeriodicJob]:
    """Delivery every tick; receipts purge hourly."""
    return [
        PeriodicJob("deliver", deliver, settings.jobs_tick_seconds),
        PeriodicJob("purge-receipts", purge_receipts, 3600),
    ]
