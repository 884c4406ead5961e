"""The daily upkeep planner: digests, churn alerts and lost proposals, once per working day.

Each tick it checks the firm-local clock. From `digest_time` on a working day, the first
process to insert the day's marker row (`upkeep_runs`, primary key `daily:{date}`) computes
what is due and enqueues every notice in the SAME transaction, each under a unique ledger
key. A second process blocks on the marker insert until the first commits, then finds the
marker and does nothing; a crash rolls the marker back with the notices, so the next tick
redoes the whole day. A morning missed because no process ran is caught up at the next tick
(that day only: the marker is per day and earlier days are not revisited).

Churn alerts and lost proposals are grouped (ALERTS_PER_MESSAGE clients per message, each
with its own buttons) and at most MAX_ALERTS_PER_DAY new ones of each kind are raised per
day, oldest quiet period first; the rest stay candidates and are raised on the next days,
so a first run over a large imported book does not flood the channel. Delivery paces every
channel to one message per second.
"""

from __future__ import annotations

import logging
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.blocks.client_edit import reconfirm_blocks
from bot.blocks.upkeep import ALERTS_PER_MESSAGE, alert_blocks, digest_blocks
from bot.flows import churn, matter_moments, notes, reconfirm
from bot.flows.cadence import DuePlan, Rules, compute_due
from bot.flows.actor import SYSTEM_JOBS
from bot.flows.workdays import WorkCalendar
from bot.settings import Settings
from storage import ledger
from jobs.registry import JobContext, PeriodicJob
from storage import audit
from storage.db import is_postgres
from storage.models import UpkeepRun

log = logging.getLogger(__name__)
PENDING_NOTE_DAYS = 7
MAX_ALERTS_PER_DAY = 400


@dataclass
class DailyReport:
    """What a planner tick did."""

    day: date | None = None
    skipped: str | None = None
    digests: int = 0
    churn_alerts: int = 0
    lost_proposals: int = 0
    messages: int = 0
    reconfirm_lists: int = 0
    seconds: float = 0.0


def rules_from(settings: Settings) -> Rules:
    """The cadence rules of these settings."""
    return Rules(tiers=settings.cadence, lead_monthly=settings.lead_lawyer_monthly_contacts,
                 manager_monthly=settings.manager_monthly_contacts,
                 churn_days=settings.churn_after_days, lost_days=settings.lost_after_days)


def claim_day(session: Session, *, key: str, now: datetime) -> bool:
    """Insert the day's marker; False when another run already committed it."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = (insert(UpkeepRun).values(key=key, ran_at=now)
            .on_conflict_do_nothing(index_elements=["key"]).returning(UpkeepRun.key))
    return session.execute(stmt).first() is not None


def due_day(now: datetime, *, settings: Settings, cal: WorkCalendar) -> tuple[date, str | None]:
    """The firm-local day, and why nothing is due yet (None when the daily run is due)."""
    local = now.astimezone(settings.tz)
    today = local.date()
    if local.time().replace(tzinfo=None) < settings.digest_time:
        return today, "before_digest_time"
    if not cal.is_working_day(today):
        return today, "not_a_working_day"
    return today, None


def enqueue_plan(session: Session, *, plan: DuePlan, settings: Settings, cal: WorkCalendar,
                 now: datetime) -> DailyReport:
    """Put every digest, churn alert and lost proposal of the plan in the ledger."""
    report = DailyReport(day=plan.day)
    rules = rules_from(settings)
    for digest in plan.digests.values():
        text, blocks = digest_blocks(locale=digest.locale or settings.default_locale, digest=digest,
                                     names=plan.client_names, today=plan.day,
                                     lead_monthly=rules.lead_monthly)
        if ledger.enqueue(session, key=f"digest:{digest.staff_id}:{plan.day.isoformat()}",
                          kind="upkeep.digest", channel=digest.slack_user_id,
                          payload={"text": text, "blocks": blocks}, due_at=now):
            report.digests += 1
    if plan.digests:
        audit.record(session, actor=SYSTEM_JOBS, action="read_for_digests", entity="upkeep_run",
                     entity_id=f"daily:{plan.day.isoformat()}",
                     fields=["follow_ups.title", "important_dates.label",
                             "important_dates.authority"])
    groups = [("churn", plan.churn, settings.alerts_channel, settings.churn_after_days),
              ("lost", plan.lost, settings.partner_review_channel or settings.alerts_channel,
               settings.lost_after_days)]
    for kind, quiet, channel, days in groups:
        if not quiet:
            continue
        if channel is None:
            log.warning("no channel configured for upkeep alerts", extra={"kind": kind})
            continue
        oldest_first = sorted(quiet, key=lambda q: (q.basis, q.client_id))
        created = churn.record_alerts(session, kind=kind, quiet=oldest_first, now=now,
                                      limit=MAX_ALERTS_PER_DAY)
        if kind == "churn":
            report.churn_alerts += len(created)
        else:
            report.lost_proposals += len(created)
        views = churn.load_alerts(session, alert_ids=[aid for aid, _ in created], cal=cal)
        for i in range(0, len(views), ALERTS_PER_MESSAGE):
            group = views[i:i + ALERTS_PER_MESSAGE]
            text, blocks = alert_blocks(locale=settings.default_locale, kind=kind, views=group,
                                        days=days)
            if ledger.enqueue(session, key=f"{kind}:{plan.day.isoformat()}:{group[0].alert_id}",
                              kind=f"upkeep.{kind}", channel=channel,
                              payload={"text": text, "blocks": blocks}, due_at=now):
                report.messages += 1
    return report


def enqueue_reconfirm(session: Session, *, today: date, settings: Settings, cal: WorkCalendar,
                      now: datetime) -> int:
    """Once a quarter, from its last month on, each lead lawyer's list of clients to re-confirm.

    The quarter's marker row (`reconfirm:2026-Q4`) is claimed in the daily run's transaction,
    and each list goes in the ledger under `reconfirm:{staff}:{quarter}`: exactly once.
    """
    if today < reconfirm.reconfirm_from(today):
        return 0
    quarter = reconfirm.quarter_name(today)
    if not claim_day(session, key=f"reconfirm:{quarter}", now=now):
        return 0
    since = cal.at_local(reconfirm.quarter_start(today), time(0, 0))
    count = 0
    for lead in reconfirm.reconfirm_due(session, since=since).values():
        text, blocks = reconfirm_blocks(locale=lead.locale or settings.default_locale, quarter=quarter,
                                        clients=lead.clients)
        if ledger.enqueue(session, key=f"reconfirm:{lead.staff_id}:{quarter}", kind="upkeep.reconfirm",
                          channel=lead.slack_user_id, payload={"text": text, "blocks": blocks},
                          due_at=now):
            count += 1
    return count


def plan_daily(ctx: JobContext) -> DailyReport:
    """The planner tick (see the module docstring)."""
    settings, cal, now = ctx.services.settings, ctx.calendar, ctx.now()
    today, why = due_day(now, settings=settings, cal=cal)
    if why:
        return DailyReport(day=today, skipped=why)
    started = clock.perf_counter()
    with ctx.services.session() as session:
        if not claim_day(session, key=f"daily:{today.isoformat()}", now=now):
            return DailyReport(day=today, skipped="already_done")
        plan = compute_due(session, today=today, cal=cal, rules=rules_from(settings))
        matter_moments.add_to_plan(session, plan=plan, settings=settings)
        report = enqueue_plan(session, plan=plan, settings=settings, cal=cal, now=now)
        report.reconfirm_lists = enqueue_reconfirm(session, today=today, settings=settings, cal=cal,
                                                   now=now)
        notes.purge_pending(session, before=now - timedelta(days=PENDING_NOTE_DAYS))
    report.seconds = round(clock.perf_counter() - started, 3)
    return report


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The daily planner checks every tick (cheap until the day's run is due)."""
    return [PeriodicJob("upkeep-daily", plan_daily, settings.jobs_tick_seconds)]
