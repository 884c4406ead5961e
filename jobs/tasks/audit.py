"""Verify the audit chain daily; a break alerts the alerts channel (counts and seq only, no data).

While it is intact, its head (seq, hash) is posted to ADMIN_CHANNEL (else ALERTS_CHANNEL) as a
witness outside the database; each run also checks the chain against the heads witnessed before.
"""

from __future__ import annotations

import logging

from bot.i18n import t
from bot.settings import Settings
from jobs import witness
from jobs.registry import JobContext, PeriodicJob
from storage import audit, ledger
from storage.ledger import SlackFailure
from storage.db import process_lock, read_only

log = logging.getLogger(__name__)
DAY = 24 * 3600


def verify_chain(ctx: JobContext) -> bool:
    """Walk the chain (read-only) against the witnesses; witness the head, or alert once a day."""
    settings = ctx.services.settings
    with process_lock(ctx.services.engine, "lawcrm:audit-verify") as mine:
        if not mine:
            return True  # another jobs process is walking the chain
        witnessed = _witnessed(ctx)
        with ctx.services.session() as session:
            report = audit.verify(read_only(session), witnesses=witnessed)
    if report.ok:
        _witness_head(ctx, report.head_seq, report.head_hash)
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


def _witnessed(ctx: JobContext) -> list[tuple[int, str]]:
    """The heads witnessed in Slack so far ([] when there is no channel or Slack cannot be read)."""
    channel = ctx.services.settings.audit_witness_channel
    if not channel or not isinstance(ctx.sender, witness.MessageReader):
        return []
    try:
        return witness.read_witnesses(ctx.sender, channel=channel)
    except SlackFailure as exc:
        log.warning("cannot read the audit witness posts; checking the chain alone",
                    extra={"slack_error": exc.code})
        return []


def _witness_head(ctx: JobContext, seq: int, digest: str) -> None:
    """Post the verified head to the witness channel (through the ledger, once per head)."""
    settings = ctx.services.settings
    channel = settings.audit_witness_channel
    if not channel or seq == 0:
        return
    key, payload = witness.head_notice(seq=seq, digest=digest, locale=settings.default_locale)
    with ctx.services.session() as session:
        ledger.enqueue(session, key=key, kind="audit_head", channel=channel, payload=payload,
                       due_at=ctx.now())


def jobs(settings: Settings) -> list[PeriodicJob]:
    """At start, then every 24 hours (one process walks at a time; the alert is deduplicated by day)."""
    return [PeriodicJob("audit-verify", verify_chain, DAY)]
