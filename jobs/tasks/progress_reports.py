"""Client progress reports: draft the due ones and record the lead lawyer's DM in the ledger, once.

What is due comes from the database (bot/flows/progress_reports.py). Each report is drafted in
one transaction with its two ledger notices (the DOCX upload, the DM with "Sent to the client"):
a rerun finds its key and does nothing; the `deliver` job sends the notices with the ledger's
claim and lease, so each goes out once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.progress_report_docx import progress_report_docx
from bot.blocks.progress_reports import enqueue_report_dm
from bot.flows import progress_reports as flow
from bot.flows.actor import Actor
from bot.flows.errors import DomainError
from bot.flows.workdays import WorkCalendar
from bot.settings import Settings
from jobs.registry import JobContext, PeriodicJob
from storage.models import Client, Staff

log = logging.getLogger(__name__)
EVERY_SECONDS = 3600


def plan_progress_reports(ctx: JobContext) -> int:
    """Draft every due report not drafted yet and record its DM; return how many were drafted."""
    settings, now, cal = ctx.services.settings, ctx.now(), ctx.calendar
    today = cal.local_date(now)
    with ctx.services.session() as session:
        due = flow.due_reports(session, today=today, cal=cal)
        done = flow.existing_keys(session, [d.key for d in due])
    drafted = 0
    for item in due:
        if item.key in done:
            continue
        try:
            with ctx.services.session() as session:  # one report and its notices per transaction
                if _draft(session, item=item, settings=settings, now=now, cal=cal):
                    drafted += 1
        except DomainError as exc:  # e.g. the lead no longer serves the client: the next pass tries again
            log.warning("progress report not drafted", extra={"client_id": item.client_id, "error": exc.key})
    return drafted


def _draft(session: Session, *, item: flow.DueReport, settings: Settings, now: datetime,
           cal: WorkCalendar) -> bool:
    """Record one report, gather its content as its lawyer may see it, and enqueue the DM."""
    staff = session.get(Staff, item.lawyer_id)
    language = session.execute(select(Client.language).where(Client.id == item.client_id)).scalar_one()
    report_id = flow.record_report(session, due=item,
                                   language=flow.language_of(language, default=settings.default_locale), now=now)
    if staff is None or report_id is None:
        return False
    lawyer = Actor.from_staff(staff, default_locale=settings.default_locale)
    content = flow.gather(session, report_id=report_id, lawyer=lawyer, cal=cal,
                          default_language=settings.default_locale)
    enqueue_report_dm(session, key=item.key, report_id=report_id, channel=staff.slack_user_id,
                      content=content, docx=progress_report_docx(content), locale=lawyer.locale, now=now)
    log.info("progress report drafted", extra={"report_id": report_id, "kind": item.kind})
    return True


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The progress-report planner, hourly."""
    return [PeriodicJob("progress-reports", plan_progress_reports, EVERY_SECONDS)]
