"""Survey notices: ask the assignee when a matter closes, remind a week before, warn when overdue.

A matter closed by any other path (not `/lawcrm matter close`) within the survey window gets its
survey scheduled here too (one per matter, under an advisory lock).

Keys: `survey:{id}:ask`, `survey:{id}:remind`, `survey:{id}:overdue` — each sent once. After
downtime the ask always goes out; a reminder is skipped once the survey is already overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.blocks.surveys import ask_blocks
from bot.flows.surveys import schedule_missing, survey_info
from bot.settings import Settings
from jobs import ledger
from jobs.registry import JobContext, PeriodicJob
from storage.models import Notification, Staff, Survey

REMIND_BEFORE = timedelta(days=7)


def plan_surveys(ctx: JobContext) -> int:
    """Enqueue the survey notices that are due and not yet recorded; return how many."""
    settings, now, calendar = ctx.services.settings, ctx.now(), ctx.calendar
    created = 0
    with ctx.services.session() as session:
        schedule_missing(session, now=now, settings=settings)
    with ctx.services.session() as session:
        pending = session.execute(select(Survey.id, Survey.scheduled_at, Survey.due_at, Staff)
                                  .outerjoin(Staff, Staff.id == Survey.assignee_id)
                                  .where(Survey.status == "pending").order_by(Survey.id)).all()
        wanted: list[tuple[str, str, int, Staff | None, datetime]] = []
        for survey_id, scheduled_at, due_at, assignee in pending:
            notices = [("ask", "survey.ask", scheduled_at)]
            if now >= due_at:
                notices.append(("overdue", "survey.overdue", due_at))
            elif now >= due_at - REMIND_BEFORE:
                notices.append(("remind", "survey.remind", due_at - REMIND_BEFORE))
            wanted.extend((f"survey:{survey_id}:{name}", key, survey_id, assignee, due_at)
                          for name, key, at in notices if now >= at)
        keys = [w[0] for w in wanted]
        existing = set(session.execute(select(Notification.key).where(Notification.key.in_(keys))).scalars()) \
            if keys else set()
        for key, message, survey_id, assignee, due_at in wanted:
            channel = assignee.slack_user_id if assignee and assignee.active else settings.partner_review_channel
            if key in existing or not channel:
                continue
            locale = (assignee.locale if assignee else None) or settings.default_locale
            info = survey_info(session, survey_id=survey_id)
            text, blocks = ask_blocks(info, key=message, locale=locale, due=calendar.local_date(due_at).isoformat())
            ledger.enqueue(session, key=key, kind=f"survey_{key.rsplit(':', 1)[1]}", channel=channel,
                           payload={"text": text, "blocks": blocks}, due_at=now)
            created += 1
    return created


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The survey planner, every tick."""
    return [PeriodicJob("survey-notices", plan_surveys, settings.jobs_tick_seconds)]
