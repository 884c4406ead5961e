"""The quarterly report in the partners' channel, once, on the first working day of each quarter.

Each tick on a working day (from `digest_time`, firm-local, on the quarter's first working day;
make-up working days count, holidays and weekends never post), the report of the quarter just
ended is due. The first process to insert the quarter's marker row (`upkeep_runs`, key
`report:2026-Q3`) records, in the same transaction, the KPI message and one file notice per chart
in the ledger (keys `report:quarterly:2026-Q3:kpis` and `…:chart:<chart>`); the `deliver` job
sends them with the ledger's claim and lease, so each goes out once. A later tick finds the
marker and does nothing; a missed first day is caught up at the next working day's tick. Without
a channel (PARTNERS_CHANNEL, else PARTNER_REVIEW_CHANNEL) nothing is claimed, so the report goes
out once one is configured.

`refresh_dashboard` keeps the partners' Home dashboard current: each tick, when this quarter's
stored report is missing or older than `dashboard_refresh_minutes`, the first process to claim
the refresh in the database (`report_snapshots`' lease, committed before computing) computes
and stores it; the others skip. A crashed claimer's lease expires and the next tick takes over.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.blocks.report import report_message
from bot.flows.quarters import Quarter, first_working_day
from bot.flows.report.charts import render_all
from bot.flows.report.quarter import quarter_report
from bot.flows.report.reading import current_quarter
from bot.flows.report.snapshot import claim_refresh, is_stale, release, store_claimed, stored_at
from bot.settings import Settings
from jobs.registry import JobContext, PeriodicJob
from jobs.tasks.upkeep import claim_day
from storage import ledger

log = logging.getLogger(__name__)
KIND = "report.quarterly"
FILE_KIND = "report.quarterly.chart"


@dataclass
class ReportRun:
    """What a tick did."""

    quarter: str | None = None
    skipped: str | None = None
    keys: list[str] = field(default_factory=list)


def post_quarterly_report(ctx: JobContext) -> ReportRun:
    """Record last quarter's report for the partners' channel if not done yet (see the module docstring)."""
    settings, cal, now = ctx.services.settings, ctx.calendar, ctx.now()
    local = now.astimezone(settings.tz)
    today = local.date()
    quarter = Quarter.of(today)
    reported = quarter.previous()
    if not cal.is_working_day(today):
        return ReportRun(quarter=reported.label, skipped="not_a_working_day")
    if today == first_working_day(quarter, cal) and local.time().replace(tzinfo=None) < settings.digest_time:
        return ReportRun(quarter=reported.label, skipped="before_digest_time")
    channel = settings.report_channel
    if not channel:
        log.warning("no partners' channel: the quarterly report waits")
        return ReportRun(quarter=reported.label, skipped="no_channel")
    prefix = f"report:quarterly:{reported.label}"
    with ctx.services.session() as session:
        if ledger.exists(session, f"{prefix}:kpis"):
            return ReportRun(quarter=reported.label, skipped="already_done")
    locale = settings.default_locale
    with ctx.services.session() as session:
        if not claim_day(session, key=f"report:{reported.label}", now=now):
            return ReportRun(quarter=reported.label, skipped="already_done")
        report = quarter_report(session, quarter=reported, settings=settings, now=now)
        text, blocks = report_message(report, locale=locale, tz=settings.tz)
        keys = []
        if ledger.enqueue(session, key=f"{prefix}:kpis", kind=KIND, channel=channel, due_at=now,
                          payload={"text": text, "blocks": blocks}):
            keys.append(f"{prefix}:kpis")
        for image in render_all(report, locale=locale):
            key = f"{prefix}:chart:{image.chart.value}"
            if ledger.enqueue(session, key=key, kind=FILE_KIND, channel=channel, due_at=now, payload={
                    "text": image.alt,
                    "file": {"filename": image.filename(reported, locale), "title": image.title,
                             "content_b64": base64.b64encode(image.png).decode("ascii")}}):
                keys.append(key)
    log.info("quarterly report recorded", extra={"quarter": reported.label, "notices": len(keys)})
    return ReportRun(quarter=reported.label, keys=keys)


@dataclass
class DashboardRun:
    """What a dashboard refresh tick did."""

    quarter: str
    skipped: str | None = None
    stored: bool = False


def refresh_dashboard(ctx: JobContext) -> DashboardRun:
    """Recompute this quarter's stored report when it is missing or stale, in one process only."""
    settings, now = ctx.services.settings, ctx.now()
    quarter = current_quarter(now=now, settings=settings)
    every = timedelta(minutes=settings.dashboard_refresh_minutes)
    with ctx.services.session() as session:
        if not is_stale(stored_at(session, quarter=quarter), now=now, refresh=every):
            return DashboardRun(quarter=quarter.label, skipped="fresh")
    with ctx.services.session() as session:  # the claim is committed before the long computation
        token = claim_refresh(session, quarter=quarter, now=now, refresh=every)
    if token is None:
        return DashboardRun(quarter=quarter.label, skipped="claimed_elsewhere")
    try:
        with ctx.services.session() as session:
            report = quarter_report(session, quarter=quarter, settings=settings, now=now)
            stored = store_claimed(session, report=report, token=token)
    except Exception:
        with ctx.services.session() as session:
            release(session, quarter=quarter, token=token)
        raise
    log.info("dashboard report stored", extra={"quarter": quarter.label, "stored": stored})
    return DashboardRun(quarter=quarter.label, stored=stored)


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The quarterly report checks every tick (cheap once the quarter's report is recorded); so does the dashboard."""
    return [PeriodicJob("report-quarterly", post_quarterly_report, settings.jobs_tick_seconds),
            PeriodicJob("report-dashboard", refresh_dashboard, settings.jobs_tick_seconds)]

