"""Verify the audit chain daily; a break alerts the alerts channel (counts and seq only, no data)."""

from __future__ import annotations

import logging

from bot.i18n import t
from bot.settings import Settings
from jobs import ledger
from jobs.registry import JobContext, PeriodicJob
from storage import audit
from storage.db import process_lock, read_only

log = logging.getLogger(__name__)
DAY = 24 * 3600


def verify_chain(ctx: JobContext) -> bool:
    """Walk the chain (read-only); while it is broken, one alert per firm-local day."""
    settings = ctx.services.settings
    with process_lock(ctx.services.engine, "lawcrm:audit-verify") as mine:
        if not mine:
            return True  # another jobs process is walking the chain
        with ctx.services.session() as session:
            report = audit.verify(read_only(session))
    if report.ok:
        return True
    log.error("audit chain broken", extra={"problems": len(report.problems)})
    if settings.alerts_channel:
        day = ctx.calendar.local_date(ctx.now())
        text = t("audit.broken", settings.default_locale, count=len(report.problems),
                 first=report.problems[0])
        with ctx.services.session() as session:
            ledger.enqueue(session, key=f"audit-broken:{day}", kind="audit_broken",
                           channel=settings.alerts_channel, payload={"text": text}, due_at=ctx.now())
    return False


def jobs(settings: Settings) -> list[PeriodicJob]:
    """At start, then every 24 hours (one process walks at a time; the alert is deduplicated by day)."""
    return [PeriodicJob("audit-verify", verify_chain, DAY)]
