"""The quarterly re-tiering proposal, posted once to the partners' review channel.

From `digest_time` (firm-local) on the quarter's first working day (make-up working days count),
the proposal is built (a read-only scan) and the review opened: inserting the quarter's tier_reviews row is the
claim (a second process or a rerun finds it and does nothing), and the message is enqueued in the
same transaction under the ledger key `retier:2026-Q4`. A day missed (downtime) is caught up on the
next working day of the quarter. Without a review channel, or without any client yet, nothing is
claimed, so the proposal goes out once there is one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.blocks.retier import review_blocks
from bot.flows.quarters import Quarter, first_working_day
from bot.flows.value import retier
from bot.settings import Settings
from jobs.registry import JobContext, PeriodicJob
from storage import ledger
from storage.db import read_only

log = logging.getLogger(__name__)


@dataclass
class RetierRun:
    """What a tick did."""

    quarter: str | None = None
    skipped: str | None = None
    changes: int = 0
    sent: bool = False


def propose_quarter(ctx: JobContext) -> RetierRun:
    """Open and post this quarter's proposal if it is due and not done yet (see the module docstring)."""
    settings, cal, now = ctx.services.settings, ctx.calendar, ctx.now()
    local = now.astimezone(settings.tz)
    today = local.date()
    quarter = Quarter.of(today)
    if today < first_working_day(quarter, cal):
        return RetierRun(quarter=quarter.label, skipped="before_first_working_day")
    if not cal.is_working_day(today):
        return RetierRun(quarter=quarter.label, skipped="not_a_working_day")
    if local.time().replace(tzinfo=None) < settings.digest_time:
        return RetierRun(quarter=quarter.label, skipped="before_digest_time")
    channel = settings.partner_review_channel
    if not channel:
        log.warning("no partner review channel: the re-tiering proposal waits")
        return RetierRun(quarter=quarter.label, skipped="no_channel")
    with ctx.services.session() as session:
        read_only(session)   # the scan takes seconds: on SQLite, no write lock meanwhile
        if retier.review_exists(session, quarter=quarter.label):
            return RetierRun(quarter=quarter.label, skipped="already_done")
        proposal = retier.propose(session, quarter=quarter, settings=settings, cal=cal)
    if not proposal.clients:   # nothing to re-tier yet (a new install): the quarter stays unclaimed
        return RetierRun(quarter=quarter.label, skipped="no_clients")
    with ctx.services.session() as session:
        review_id = retier.open_review(session, proposal=proposal, channel=channel, now=now)
        if review_id is None:
            return RetierRun(quarter=quarter.label, skipped="already_done")
        view = retier.review_view(session, review_id=review_id, limit=settings.retier_items_shown)
        text, blocks = review_blocks(view, as_of=quarter.first_day, locale=settings.default_locale)
        sent = ledger.enqueue(session, key=f"retier:{quarter.label}", kind="retier.proposal", channel=channel,
                              payload={"text": text, "blocks": blocks}, due_at=now)
    log.info("re-tiering proposal opened", extra={"quarter": quarter.label, "changes": len(proposal.changes)})
    return RetierRun(quarter=quarter.label, changes=len(proposal.changes), sent=bool(sent))


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The proposal checks every tick (one indexed look-up until a quarter's is due)."""
    return [PeriodicJob("retier-quarterly", propose_quarter, settings.jobs_tick_seconds)]
