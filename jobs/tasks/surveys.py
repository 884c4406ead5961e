"""Survey notices: ask the assignee when a matter closes, remind a week before, warn when overdue.

A matter closed by any other path (not `/lawcrm matter close`) within the survey window gets its
survey scheduled here too (one per matter: the insert does nothing when it exists).

Keys: `survey:{id}:ask`, `survey:{id}:remind`, `survey:{id}:overdue` — each sent once. After
downtime the ask always goes out; a reminder is skipped once the survey is already overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.flows.surveys import schedule_missing
from bot.blocks.survey_notices import enqueue_survey_notice
from bot.settings import Settings
from jobs.registry import JobContext, PeriodicJob
from storage.models import Notification, Survey

REMIND_BEFORE = timedelta(days=7)


def plan_surveys(ctx: JobContext) -> int:
    """Enqueue the survey notices that are due and not yet recorded; return how many."""
    settings, now = ctx.services.settings, ctx.now()
    created = 0
    with ctx.services.session() as session:
        schedule_missing(session, now=now, settings=settings)
    with ctx.services.session() as session:
        pending = session.execute(select(Survey.id, Survey.scheduled_at, Survey.due_at)
                                  .where(Survey.status == "pending").order_by(Survey.id)).all()
        wanted: list[tuple[int, str, datetime]] = []
        for survey_id, scheduled_at, due_at in pending:
            notices = [("ask", scheduled_at)]
            if now >= due_at:
                notices.append(("overdue", due_at))
            elif now >= due_at - REMIND_BEFORE:
                notices.append(("remind", due_at - REMIND_BEFORE))
            wanted.extend((survey_id, name, due_at) for name, at in notices if now >= at)
        keys = [f"survey:{survey_id}:{name}" for survey_id, name, _ in wanted]
        existing = set(session.execute(select(Notification.key).where(Notification.key.in_(keys))).scalars()) \
            if keys else set()
        for survey_id, name, due_at in wanted:
            if f"survey:{survey_id}:{name}" in existing:
                continue
            if enqueue_survey_notice(session, survey_id=survey_id, name=name, due_at=due_at, settings=settings,
                                     now=now):
                created += 1
    return created


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The survey planner, every tick."""
    return [PeriodicJob("survey-notices", plan_surveys, settings.jobs_tick_seconds)]
