"""Archive clocks: late filings, loan reminders and overdue loans, the monthly retention list.

Everything is decided from the database on each tick and recorded in the ledger under unique keys,
so a rerun, a second scheduler process or a restart after downtime sends each notice once:

- `archive:filing:{id}:task` — a matter closed by another path than `/lawcrm matter close` (within
  30 days) gets its filing task here, its clock counted from the close.
- `archive:filing:{id}:late` — a filing task past its working-day deadline: the partners' channel.
- `archive:loan:{id}:{due}:remind` — the borrower, `archive_loan_reminder_days` before the due date.
- `archive:loan:{id}:{due}:overdue:…` — the borrower, the records officers and the partners' channel.
- `archive:retention-due:{YYYY-MM}:{staff_id}` — each records officer, once a month (from the first
  working day of the month, at the digest time), the files past retention.
"""

from __future__ import annotations

from bot.blocks import archive as notices
from bot.flows.archive import borrowing, destruction, filing
from bot.settings import Settings
from jobs.registry import JobContext, PeriodicJob


def plan_archive(ctx: JobContext) -> int:
    """Enqueue every archive notice due now; return how many were new."""
    settings, now = ctx.services.settings, ctx.now()
    local = now.astimezone(settings.tz)
    with ctx.services.session() as session:
        due = filing.open_missing(session, now=now, settings=settings)
        due += filing.late_notices(session, now=now, settings=settings)
        due += borrowing.clock_notices(session, now=now, settings=settings)
        if local.time().replace(tzinfo=None) >= settings.digest_time and ctx.calendar.is_working_day(local.date()):
            due += destruction.monthly_notices(session, now=now, settings=settings)
        return len(notices.enqueue(session, due, now=now))


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The archive planner, every tick."""
    return [PeriodicJob("archive-clocks", plan_archive, settings.jobs_tick_seconds)]
