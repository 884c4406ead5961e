"""The quarterly summary of the service-improvement list, once per quarter, in the review channel.

Each tick from `digest_time` (firm-local) on, the summary of the quarter just ended is due. The
first process to insert the quarter's marker row (`upkeep_runs`, key `improvements:2026-Q3`)
enqueues the summary under the ledger key `improvements:summary:2026-Q3` in the same
transaction; any later tick finds the marker and does nothing. A run missed at the turn of the
quarter is caught up at the next tick (that quarter only). Without a review channel nothing is
claimed, so the summary goes out once one is configured.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import time

from bot.blocks.improvements import summary_blocks
from bot.flows import improvements
from bot.flows.quarters import Quarter
from bot.settings import Settings
from jobs.registry import JobContext, PeriodicJob
from jobs.tasks.upkeep import claim_day
from storage import ledger

log = logging.getLogger(__name__)


@dataclass
class SummaryRun:
    """What a tick did."""

    quarter: str | None = None
    skipped: str | None = None
    sent: bool = False


def summarize_quarter(ctx: JobContext) -> SummaryRun:
    """Enqueue the last quarter's summary if not done yet (see the module docstring)."""
    settings, cal, now = ctx.services.settings, ctx.calendar, ctx.now()
    local = now.astimezone(settings.tz)
    last = Quarter.of(local.date()).previous()
    name, start, end = last.label, last.first_day, last.next().first_day
    if local.time().replace(tzinfo=None) < settings.digest_time:
        return SummaryRun(quarter=name, skipped="before_digest_time")
    channel = settings.partner_review_channel
    if not channel:
        log.warning("no partner review channel: the improvement summary waits")
        return SummaryRun(quarter=name, skipped="no_channel")
    with ctx.services.session() as session:
        if not claim_day(session, key=f"improvements:{name}", now=now):
            return SummaryRun(quarter=name, skipped="already_done")
        summary = improvements.summarize(session, day_in_quarter=start,
                                         start_at=cal.at_local(start, time(0, 0)),
                                         end_at=cal.at_local(end, time(0, 0)))
        text, blocks = summary_blocks(summary, locale=settings.default_locale)
        sent = ledger.enqueue(session, key=f"improvements:summary:{name}", kind="improvements.summary",
                              channel=channel, payload={"text": text, "blocks": blocks}, due_at=now)
    return SummaryRun(quarter=name, sent=bool(sent))


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The summary checks every tick (cheap until a quarter has ended)."""
    return [PeriodicJob("improvements-quarterly", summarize_quarter, settings.jobs_tick_seconds)]
