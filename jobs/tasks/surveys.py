"""Survey notices: ask the assignee when a matter closes, remind a week before, warn when overdue.

Keys: `survey:{id}:ask`, `survey:{id}:remind`, `survey:{id}:overdue` — each sent once. After
downtime the ask always goes out; a reminder is skipped once the survey is already overdue.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.blocks.surveys import ask_blocks
from bot.flows.surveys import survey_info
from bot.settings import Settings
from jobs import ledger
from jobs.registry import JobContext, PeriodicJob
from storage.models import Staff, Survey

REMIND_BEFORE = timedelta(days=7)


def plan_surveys(ctx: JobContext) -> int:
    """Enqueue the survey notices that are due; return how many were new."""
    settings, now, calendar = ctx.services.settings, ctx.now(), ctx.calendar
    created = 0
    with ctx.services.session() as session:
        pending = session.execute(select(Survey, Staff).outerjoin(Staff, Staff.id == Survey.assignee_id)
                                  .where(Survey.status == "pending").order_by(Survey.id)).all()
        for survey, assignee in pending:
            channel = assignee.slack_user_id if assignee and assignee.active else settings.partner_review_channel
            if not channel:
                continue
            locale = (assignee.locale if assignee else None) or settings.default_locale
            info = survey_info(session, survey_id=survey.id)
            due = calendar.local_date(survey.due_at).isoformat()
            wanted = [("ask", "survey.ask", survey.scheduled_at)]
            if now >= survey.due_at:
                wanted.append(("overdue", "survey.overdue", survey.due_at))
            elif now >= survey.due_at - REMIND_BEFORE:
                wanted.append(("remind", "survey.remind", survey.due_at - REMIND_BEFORE))
            for name, key, at in wanted:
                if now < at:
                    continue
                text, blocks = ask_blocks(info, key=key, locale=locale, due=due)
                created += ledger.enqueue(session, key=f"survey:{survey.id}:{name}", kind=f"survey_{name}",
                                          channel=channel, payload={"text": text, "blocks": blocks}, due_at=now)
    return created


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The survey planner, every tick."""
    return [PeriodicJob("survey-notices", plan_surveys, settings.jobs_tick_seconds)]
