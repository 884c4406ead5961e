"""What surveys tell people, recorded in the ledger (by the planner, or in the closing transaction).

Keys: `survey:{id}:ask`, `survey:{id}:remind`, `survey:{id}:overdue` (to the assignee, or the
partner review channel when nobody is assigned), `service-review:{id}` (the review channel).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.surveys import ask_blocks, review_blocks
from bot.flows.surveys import DIMENSIONS, survey_info
from bot.flows.workdays import calendar_of
from bot.i18n import t
from bot.settings import Settings
from bot.slack_text import escape, mention
from storage import ledger
from storage.models import ServiceReview, Staff, Survey


def enqueue_survey_notice(session: Session, *, survey_id: int, name: str, due_at: datetime,
                          settings: Settings, now: datetime) -> str | None:
    """Enqueue one survey notice (name: ask, remind, overdue); its key, or None with nowhere to send."""
    assignee = session.execute(select(Staff).join(Survey, Survey.assignee_id == Staff.id)
                               .where(Survey.id == survey_id)).scalar_one_or_none()
    channel = assignee.slack_user_id if assignee and assignee.active else settings.partner_review_channel
    if not channel:
        return None
    locale = (assignee.locale if assignee else None) or settings.default_locale
    info = survey_info(session, survey_id=survey_id)
    text, blocks = ask_blocks(info, key=f"survey.{name}", locale=locale,
                              due=calendar_of(settings).local_date(due_at).isoformat())
    key = f"survey:{survey_id}:{name}"
    ledger.enqueue(session, key=key, kind=f"survey_{name}", channel=channel,
                   payload={"text": text, "blocks": blocks}, due_at=now)
    return key


def enqueue_service_review(session: Session, *, review_id: int, settings: Settings, now: datetime) -> str | None:
    """Enqueue the service-review item for the partner review channel; its key (None without one)."""
    if not settings.partner_review_channel:
        return None
    review = session.get(ServiceReview, review_id)
    assert review is not None
    survey = session.get(Survey, review.survey_id)
    assert survey is not None
    info = survey_info(session, survey_id=survey.id)
    loc = settings.default_locale
    lawyer = session.execute(select(Staff.slack_user_id).where(Staff.id == survey.lawyer_id)
                             ).scalar_one_or_none() if survey.lawyer_id else None
    values = [survey.score_ability, survey.score_communication, survey.score_attitude, survey.score_result]
    text = t("survey.review", loc, number=escape(info.matter_number), client=escape(info.client_name),
             lawyer=mention(lawyer) if lawyer else t("common.none", loc),
             scores=" / ".join(str(v) for v in values),
             low=", ".join(t(f"survey.dim.{d}", loc) for d in review.low_dimensions.split(",") if d in DIMENSIONS),
             comment=escape(survey.comment or t("common.none", loc)))
    key = f"service-review:{review_id}"
    ledger.enqueue(session, key=key, kind="service_review", channel=settings.partner_review_channel,
                   payload={"text": text, "blocks": review_blocks(text, review_id=review_id, locale=loc)},
                   due_at=now)
    return key
