"""The service-improvement list: items from complaints, lost clients, low survey scores and partners.

Complaint root causes (on close), lost reasons (a client marked lost) and low survey scores (a
service review opened) each add one item automatically (`cause` + `source_id` unique, so a
repeated step never adds a second); partners add their own. Each item has an owner, an action,
a due date and a status (open / done). A low score's item records when the improvement was
told back to the client. Once a quarter partners get the summary (new, done, overdue; by cause).
Automatic items are due DEFAULT_DUE_DAYS after the (UTC) day they were opened.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.flows.actor import SYSTEM_JOBS, Actor
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.flows.quarters import Quarter
from bot.flows.text_rules import text_problem
from storage import audit
from storage.db import is_postgres
from storage.models import (Client, ClientTeamMember, Complaint, Matter, ServiceImprovement, ServiceReview,
                            Staff, Survey)
from storage.models.enums import Role, TeamRole

CAUSES = ("complaint", "lost", "survey", "partner")
OPEN, DONE = "open", "done"
MAX_ACTION = 500
DEFAULT_DUE_DAYS = 30


def _insert_once(session: Session, *, values: dict[str, object]) -> int | None:
    """Insert an automatic item unless its (cause, source) already has one; its id or None."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = (insert(ServiceImprovement).values(**values)
            .on_conflict_do_nothing(index_elements=["cause", "source_id"]).returning(ServiceImprovement.id))
    row = session.execute(stmt).first()
    if row is None:
        return None
    audit.record(session, actor=SYSTEM_JOBS, action="create", entity="service_improvement", entity_id=row[0],
                 fields=sorted(k for k, v in values.items() if v is not None))
    return int(row[0])


def _client_owner(session: Session, client_id: int) -> int | None:
    """The client's partner, else its lead lawyer (active staff only)."""
    for role in (TeamRole.PARTNER.value, TeamRole.LEAD_LAWYER.value):
        sid = session.execute(
            select(ClientTeamMember.staff_id).join(Staff, Staff.id == ClientTeamMember.staff_id)
            .where(ClientTeamMember.client_id == client_id, ClientTeamMember.role == role,
                   Staff.active.is_(True)).order_by(ClientTeamMember.id).limit(1)).scalar_one_or_none()
        if sid is not None:
            return int(sid)
    return None


def _base(*, cause: str, source_id: int, detail: str | None, client_id: int | None, owner_id: int | None,
          today: date, due_days: int, now: datetime) -> dict[str, object]:
    """The column values of an automatic item."""
    return {"cause": cause, "source_id": source_id, "detail": detail, "client_id": client_id,
            "owner_id": owner_id, "action": None, "due_on": today + timedelta(days=due_days),
            "status": OPEN, "created_by": SYSTEM_JOBS, "created_at": now}


def from_complaint(session: Session, *, complaint_id: int, today: date, now: datetime,
                   due_days: int = DEFAULT_DUE_DAYS) -> int | None:
    """The item of a closed complaint's root cause (owner: the complaint's owner, else the client's)."""
    c = session.get(Complaint, complaint_id)
    if c is None or not c.root_cause:
        return None
    owner = c.owner_id or _client_owner(session, c.client_id)
    return _insert_once(session, values=_base(cause="complaint", source_id=c.id, detail=c.root_cause,
                                              client_id=c.client_id, owner_id=owner, today=today,
                                              due_days=due_days, now=now))


def from_lost(session: Session, *, client_id: int, reason: str, today: date, now: datetime,
              due_days: int = DEFAULT_DUE_DAYS) -> int | None:
    """The item of a client marked lost, by its reason (one per client)."""
    return _insert_once(session, values=_base(cause="lost", source_id=client_id, detail=reason,
                                              client_id=client_id, owner_id=_client_owner(session, client_id),
                                              today=today, due_days=due_days, now=now))


def from_review(session: Session, *, review_id: int, today: date, now: datetime,
                due_days: int = DEFAULT_DUE_DAYS) -> int | None:
    """The item of a service review opened by a low survey score (owner: the matter's lead)."""
    review = session.get(ServiceReview, review_id)
    if review is None:
        return None
    matter = session.get(Matter, review.matter_id)
    survey = session.get(Survey, review.survey_id)
    client_id = matter.client_id if matter else None
    owner = (matter.lead_lawyer_id if matter else None) or (survey.lawyer_id if survey else None) \
        or (_client_owner(session, client_id) if client_id else None)
    return _insert_once(session, values=_base(cause="survey", source_id=review.id,
                                              detail=review.low_dimensions[:40], client_id=client_id,
                                              owner_id=owner, today=today, due_days=due_days, now=now))


@dataclass(frozen=True)
class NewItem:
    """A partner's item, as typed."""

    owner_slack_id: str | None
    due_on: date | None
    action: str


def add_item(session: Session, *, actor: Actor, item: NewItem, today: date) -> int:
    """A partner adds an item (owner defaults to the partner); InvalidInput names the field."""
    if actor.role != Role.PARTNER:
        raise PermissionDenied("improve.error.partners_only")
    action = " ".join(item.action.split())
    problem = text_problem(action)
    if problem or not action or len(action) > MAX_ACTION:
        raise InvalidInput(problem or ("improve.error.too_long" if action else "improve.error.action"),
                           field="action")
    if item.due_on is None:
        raise InvalidInput("improve.error.due", field="due")
    if item.due_on < today:
        raise InvalidInput("improve.error.past_due", field="due")
    owner_id = actor.staff_id
    if item.owner_slack_id:
        owner_id = session.execute(select(Staff.id).where(Staff.slack_user_id == item.owner_slack_id,
                                                          Staff.active.is_(True))).scalar_one_or_none()
        if owner_id is None:
            raise InvalidInput("improve.error.owner", field="owner")
    row = ServiceImprovement(cause="partner", source_id=None, owner_id=owner_id, action=action,
                             due_on=item.due_on, status=OPEN, created_by=actor.audit_name)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor.audit_name, action="create", entity="service_improvement",
                 entity_id=row.id, fields=["action", "cause", "due_on", "owner_id", "status"])
    return row.id


def _editable(session: Session, *, actor: Actor, item_id: int) -> ServiceImprovement:
    """The item (locked), for its owner or a partner."""
    row = session.execute(select(ServiceImprovement).where(ServiceImprovement.id == item_id)
                          .with_for_update()).scalar_one_or_none()
    if row is None:
        raise NotFound()
    if actor.role != Role.PARTNER and row.owner_id != actor.staff_id:
        raise PermissionDenied("improve.error.not_allowed")
    return row


def complete(session: Session, *, actor: Actor, item_id: int, now: datetime) -> ServiceImprovement:
    """Mark an item done (its owner or a partner)."""
    row = _editable(session, actor=actor, item_id=item_id)
    if row.status != OPEN:
        raise Conflict("improve.error.done_already")
    row.status, row.done_at = DONE, now
    audit.record(session, actor=actor.audit_name, action="complete", entity="service_improvement",
                 entity_id=row.id, fields=["done_at", "status"])
    return row


def told_client(session: Session, *, actor: Actor, review_id: int, now: datetime) -> ServiceImprovement:
    """Record that the improvement of a low-score review was told back to the client."""
    item_id = session.execute(select(ServiceImprovement.id).where(
        ServiceImprovement.cause == "survey", ServiceImprovement.source_id == review_id)).scalar_one_or_none()
    if item_id is None:  # a review opened before the list existed gets its item now
        item_id = from_review(session, review_id=review_id, today=now.date(), now=now)
    if item_id is None:
        raise NotFound()
    row = _editable(session, actor=actor, item_id=item_id)
    if row.told_client_at is not None:
        raise Conflict("improve.error.told_already")
    row.told_client_at, row.told_client_by_id = now, actor.staff_id
    audit.record(session, actor=actor.audit_name, action="told_client", entity="service_improvement",
                 entity_id=row.id, fields=["told_client_at", "told_client_by_id"])
    return row


@dataclass(frozen=True)
class Listed:
    """An open item as listed."""

    item_id: int
    cause: str
    detail: str | None
    action: str | None
    owner_user_id: str | None
    client_name: str | None
    due_on: date


def open_items(session: Session, *, actor: Actor, limit: int = 50) -> tuple[list[Listed], int]:
    """Open items, earliest due first: all of them for partners, one's own for others; (shown, total)."""
    where = [ServiceImprovement.status == OPEN]
    if actor.role != Role.PARTNER:
        where.append(ServiceImprovement.owner_id == actor.staff_id)
    total = session.execute(select(func.count()).select_from(ServiceImprovement).where(*where)).scalar_one()
    rows = session.execute(
        select(ServiceImprovement, Staff.slack_user_id, Client.name)
        .outerjoin(Staff, Staff.id == ServiceImprovement.owner_id)
        .outerjoin(Client, Client.id == ServiceImprovement.client_id)
        .where(*where).order_by(ServiceImprovement.due_on, ServiceImprovement.id).limit(limit)).all()
    if rows:
        audit.record(session, actor=actor.audit_name, action="read", entity="service_improvement",
                     entity_id="list", fields=["action", "clients.name"])
    return [Listed(item_id=r.id, cause=r.cause, detail=r.detail, action=r.action, owner_user_id=uid,
                   client_name=name, due_on=r.due_on) for r, uid, name in rows], int(total)


@dataclass
class QuarterSummary:
    """The list's numbers for one quarter."""

    quarter: str
    new: int = 0
    done: int = 0
    overdue: int = 0
    open: int = 0
    by_cause: dict[str, int] = field(default_factory=dict)


def summarize(session: Session, *, day_in_quarter: date, start_at: datetime, end_at: datetime) -> QuarterSummary:
    """New and done in the quarter [start_at, end_at), overdue = open and due before its end; by cause (new)."""
    quarter = Quarter.of(day_in_quarter)
    end = quarter.next().first_day
    s = QuarterSummary(quarter=quarter.label)
    new = Counter(cause for (cause,) in session.execute(
        select(ServiceImprovement.cause).where(ServiceImprovement.created_at >= start_at,
                                               ServiceImprovement.created_at < end_at)))
    s.new, s.by_cause = sum(new.values()), {c: new[c] for c in CAUSES if new[c]}
    s.done = session.execute(select(func.count()).select_from(ServiceImprovement).where(
        ServiceImprovement.done_at >= start_at, ServiceImprovement.done_at < end_at)).scalar_one()
    s.open = session.execute(select(func.count()).select_from(ServiceImprovement).where(
        ServiceImprovement.status == OPEN, ServiceImprovement.created_at < end_at)).scalar_one()
    s.overdue = session.execute(select(func.count()).select_from(ServiceImprovement).where(
        ServiceImprovement.status == OPEN, ServiceImprovement.due_on < end,
        ServiceImprovement.created_at < end_at)).scalar_one()
    return s
