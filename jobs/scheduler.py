"""The APScheduler 3.x process: in-memory job store, jobs defined in code, run at start."""

from __future__ import annotations

import logging
import signal
from datetime import UTC

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.logging_setup import safe_stack
from jobs.registry import JobContext, PeriodicJob

log = logging.getLogger(__name__)


def run_job(ctx: JobContext, job: PeriodicJob) -> None:
    """Run one job, logging failures without payloads (the next run retries)."""
    try:
        result = job.func(ctx)
        log.info("job done", extra={"job": job.name, "result": repr(result)[:200]})
    except Exception as exc:  # noqa: BLE001 - the next run retries; messages may quote client data
        log.error("job failed", extra={"job": job.name, "stack": safe_stack(exc)})


def run_once(ctx: JobContext, jobs: list[PeriodicJob]) -> None:
    """Run every planner, then delivery (what `lawcrm jobs --once` does)."""
    for job in sorted(jobs, key=lambda j: j.name == "deliver"):
        run_job(ctx, job)


def build_scheduler(ctx: JobContext, jobs: list[PeriodicJob]) -> BlockingScheduler:
    """One interval job per PeriodicJob; first run at start so a missed run catches up."""
    scheduler = BlockingScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    now = ctx.now()
    for job in jobs:
        scheduler.add_job(run_job, "interval", seconds=job.every_seconds, args=[ctx, job],
                          id=job.name, name=job.name, next_run_time=now, replace_existing=True)
    return scheduler


def serve(ctx: JobContext, jobs: list[PeriodicJob]) -> None:
    """Run until SIGTERM/SIGINT, then finish running jobs and stop."""
    scheduler = build_scheduler(ctx, jobs)

    def _stop(signum: int, _frame: object) -> None:
        log.info("stopping scheduler", extra={"signal": signum})
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, _stop)
    log.info("scheduler started", extra={"jobs": ",".join(j.name for j in jobs), "owner": ctx.owner})
    scheduler.start()
