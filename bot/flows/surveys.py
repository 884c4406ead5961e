"""Satisfaction surveys after a matter closes, service reviews for low scores, and CSAT."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.flows import improvements, policy
from bot.flows.actor import SYSTEM_JOBS, Actor
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.settings import Settings
from storage import ledger
from storage import audit
from storage.db import is_postgres
from storage.models import (Client, ClientTeamMember, Matter, MatterTeamMember, Notification, ServiceReview, Staff,
                            Survey)
from storage.models.enums import MatterStatus, TeamRole

DIMENSIONS = ("ability", "communication", "attitude", "result")
LOW_SCORE = 3
SATISFIED_AVERAGE = 4.0


def survey_assignee(session: Session, *, matter: Matter) -> int | None:
    """Who runs the survey: the lead lawyer, else client service on the client's or matter's team."""
    if matter.lead_lawyer_id:
        active = session.execute(select(Staff.id).where(Staff.id == matter.lead_lawyer_id,
                                                        Staff.active.is_(True))).scalar_one_or_none()
        if active:
            return active
    for model, owner in ((ClientTeamMember, ClientTeamMember.client_id == matter.client_id),
                         (MatterTeamMember, MatterTeamMember.matter_id == matter.id)):
        found = session.execute(
            select(model.staff_id).join(Staff, Staff.id == model.staff_id)
            .where(owner, model.role == TeamRole.CLIENT_SERVICE.value, Staff.active.is_(True))
            .order_by(model.id).limit(1)
        ).scalar_one_or_none()
        if found:
            return found
    return None


def schedule_survey(session: Session, *, by: str, matter: Matter, now: datetime,
                    settings: Settings) -> Survey:
    """The survey of a closed matter, due within `survey_within_days` (one per matter).

    Inserted with ON CONFLICT DO NOTHING on the unique matter id, so two processes scheduling the
    same matter at once end with one survey (and one audit entry) without any lock.
    """
    insert = pg_insert if is_postgres(session) else sqlite_insert
    created = session.execute(
        insert(Survey).values(
            matter_id=matter.id, assignee_id=survey_assignee(session, matter=matter),
            lawyer_id=matter.lead_lawyer_id, practice_area=matter.practice_area, status="pending",
            scheduled_at=now, due_at=(matter.closed_at or now) + timedelta(days=settings.survey_within_days),
        ).on_conflict_do_nothing(index_elements=["matter_id"]).returning(Survey.id)
    ).first()
    survey = session.execute(select(Survey).where(Survey.matter_id == matter.id)).scalar_one()
    if created is not None:
        audit.record(session, actor=by, action="schedule", entity="survey", entity_id=survey.id,
                     fields=["matter_id", "assignee_id", "due_at"])
    return survey


def cancel_pending_survey(session: Session, *, by: str, matter_id: int) -> bool:
    """Cancel the survey of a reopened matter unless its answers are recorded (audited).

    Its unsent notices are cancelled and the row is removed, so closing the matter again
    schedules a fresh survey with fresh notices. True when a survey was cancelled.
    """
    survey = session.execute(select(Survey).where(Survey.matter_id == matter_id).with_for_update()
                             ).scalar_one_or_none()
    if survey is None or survey.status != "pending":
        return False
    prefix = f"survey:{survey.id}:"
    ledger.cancel(session, key_prefix=prefix)
    # the notices stay as a record under a retired key: a later survey (SQLite may reuse the id)
    # must be able to send its own ask, reminder and overdue notice
    retired = f"retired:{survey.id}:{survey.scheduled_at.timestamp():.0f}:"
    for notice in session.execute(select(Notification).where(
            Notification.key.startswith(prefix, autoescape=True))).scalars():
        notice.key = retired + notice.key[len(prefix):]
    audit.record(session, actor=by, action="cancel", entity="survey", entity_id=survey.id,
                 fields=["status"])
    session.delete(survey)
    session.flush()
    return True


def schedule_missing(session: Session, *, now: datetime, settings: Settings) -> int:
    """Schedule surveys for matters closed within the survey window by any path, once each."""
    since = now - timedelta(days=settings.survey_within_days)
    matters = session.execute(
        select(Matter).where(Matter.status == MatterStatus.CLOSED.value, Matter.closed_at >= since,
                             ~select(Survey.id).where(Survey.matter_id == Matter.id).exists())
        .order_by(Matter.id)
    ).scalars().all()
    for matter in matters:
        schedule_survey(session, by=SYSTEM_JOBS, matter=matter, now=now, settings=settings)
    return len(matters)


@dataclass(frozen=True)
class SurveyInfo:
    """What the survey modal and notices show."""

    id: int
    matter_number: str
    client_name: str
    status: str
    assignee_id: int | None
    due_at: datetime


def survey_info(session: Session, *, survey_id: int) -> SurveyInfo:
    """A survey with its matter number and client name."""
    row = session.execute(
        select(Survey, Matter.number, Client.name).join(Matter, Matter.id == Survey.matter_id)
        .join(Client, Client.id == Matter.client_id).where(Survey.id == survey_id)
    ).first()
    if row is None:
        raise NotFound("survey.error.gone")
    survey, number, client_name = row
    return SurveyInfo(id=survey.id, matter_number=number, client_name=client_name, status=survey.status,
                      assignee_id=survey.assignee_id, due_at=survey.due_at)


def may_record(session: Session, *, actor: Actor, survey_id: int) -> SurveyInfo:
    """The survey, if the actor may record it now."""
    info = survey_info(session, survey_id=survey_id)
    if not policy.can_record_survey(actor, assignee_id=info.assignee_id):
        raise PermissionDenied("survey.error.not_allowed")
    if info.status != "pending":
        raise Conflict("survey.error.done")
    return info


def parse_score(value: object) -> int | None:
    """A score 1–5 from user input, or None."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit():
        return None
    score = int(text)
    return score if 1 <= score <= 5 else None


@dataclass(frozen=True)
class Recorded:
    """The outcome of recording a survey."""

    matter_number: str
    average: float
    review_id: int | None


def record_answers(session: Session, *, actor: Actor, survey_id: int, scores: dict[str, object],
                   comment: str, now: datetime) -> Recorded:
    """Store the four scores and the comment; a score of 3 or less opens a service review.

    The review item's notice is the caller's (`bot.blocks.survey_notices`), in this transaction.
    """
    parsed = {d: parse_score(scores.get(d)) for d in DIMENSIONS}
    for dim in DIMENSIONS:
        if parsed[dim] is None:
            raise InvalidInput("survey.error.score", field=dim)
    survey = session.execute(select(Survey).where(Survey.id == survey_id).with_for_update()).scalar_one_or_none()
    if survey is None:
        raise NotFound()
    info = may_record(session, actor=actor, survey_id=survey_id)
    survey.score_ability, survey.score_communication = parsed["ability"], parsed["communication"]
    survey.score_attitude, survey.score_result = parsed["attitude"], parsed["result"]
    survey.comment = comment.strip() or None
    survey.status, survey.completed_at, survey.completed_by_id = "done", now, actor.staff_id
    ledger.cancel(session, key_prefix=f"survey:{survey.id}:")  # an unsent ask / reminder / overdue notice
    audit.record(session, actor=actor.audit_name, action="record", entity="survey", entity_id=survey.id,
                 fields=["score_ability", "score_communication", "score_attitude", "score_result",
                         "comment", "status"])
    values = [int(parsed[d] or 0) for d in DIMENSIONS]
    low = [d for d in DIMENSIONS if (parsed[d] or 0) <= LOW_SCORE]
    review_id = None
    if low:
        review = ServiceReview(survey_id=survey.id, matter_id=survey.matter_id, low_dimensions=",".join(low),
                               status="open", created_at=now)
        session.add(review)
        session.flush()
        review_id = review.id
        audit.record(session, actor=actor.audit_name, action="open", entity="service_review",
                     entity_id=review.id, fields=["survey_id", "low_dimensions"])
        improvements.from_review(session, review_id=review.id, today=now.date(), now=now)
    return Recorded(matter_number=info.matter_number, average=sum(values) / len(values), review_id=review_id)


def close_review(session: Session, *, actor: Actor, review_id: int, now: datetime) -> None:
    """A partner marks a service-review item as reviewed."""
    if not policy.can_close_service_review(actor):
        raise PermissionDenied("survey.error.review_partner")
    review = session.execute(select(ServiceReview).where(ServiceReview.id == review_id).with_for_update()
                             ).scalar_one_or_none()
    if review is None:
        raise NotFound()
    if review.status != "open":
        raise Conflict("survey.error.review_done")
    review.status, review.closed_at, review.closed_by_id = "done", now, actor.staff_id
    audit.record(session, actor=actor.audit_name, action="close", entity="service_review",
                 entity_id=review.id, fields=["status", "closed_at", "closed_by_id"])


@dataclass(frozen=True)
class CsatRow:
    """CSAT of one group."""

    group: str
    surveys: int
    satisfied: int
    average: float

    @property
    def csat(self) -> float:
        """Share of surveys with average ≥ 4, in percent."""
        return 100.0 * self.satisfied / self.surveys if self.surveys else 0.0


@dataclass(frozen=True)
class CsatReport:
    """CSAT overall, per month, per practice area and per lawyer."""

    overall: CsatRow | None
    by_month: list[CsatRow]
    by_area: list[CsatRow]
    by_lawyer: list[CsatRow]


def csat(session: Session, *, actor: Actor, settings: Settings) -> CsatReport:
    """CSAT of every completed survey, grouped (partners only)."""
    if not policy.can_see_csat(actor):
        raise PermissionDenied("stats.denied")
    rows = session.execute(  # the scores only: the encrypted comments are not read
        select(Survey.score_ability, Survey.score_communication, Survey.score_attitude, Survey.score_result,
               Survey.completed_at, Survey.practice_area, Staff.display_name)
        .outerjoin(Staff, Staff.id == Survey.lawyer_id).where(Survey.status == "done")
    ).all()
    groups: dict[str, dict[str, list[float]]] = {"month": defaultdict(list), "area": defaultdict(list),
                                                 "lawyer": defaultdict(list)}
    everything: list[float] = []
    for survey in rows:
        lawyer_name = survey.display_name
        avg = (survey.score_ability + survey.score_communication + survey.score_attitude
               + survey.score_result) / 4
        everything.append(avg)
        assert survey.completed_at is not None
        groups["month"][survey.completed_at.astimezone(settings.tz).strftime("%Y-%m")].append(avg)
        groups["area"][survey.practice_area].append(avg)
        groups["lawyer"][lawyer_name or "—"].append(avg)

    def row(name: str, avgs: list[float]) -> CsatRow:
        """One group's numbers."""
        return CsatRow(group=name, surveys=len(avgs), satisfied=sum(a >= SATISFIED_AVERAGE for a in avgs),
                       average=sum(avgs) / len(avgs))

    return CsatReport(
        overall=row("all", everything) if everything else None,
        by_month=[row(k, v) for k, v in sorted(groups["month"].items())],
        by_area=[row(k, v) for k, v in sorted(groups["area"].items())],
        by_lawyer=[row(k, v) for k, v in sorted(groups["lawyer"].items())],
    )
