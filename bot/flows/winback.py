"""Win-back plans of lost clients: owner, actions with due dates, the outcome, the bonus count.

A plan is opened from the database: every client marked lost (churn flow, reason required)
gets one plan per loss (unique client and loss time), so a rerun or a second scheduler opens it
once. A client won back is flagged for key attention on its card for a year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.flows.actor import SYSTEM_JOBS, Actor
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.flows.workdays import WorkCalendar
from storage import audit
from storage.db import is_postgres
from storage.models import Client, ClientTeamMember, Matter, Staff, WinbackPlan, WinbackStep
from storage.models.enums import ClientStatus, Role, TeamRole, Tier

DEFAULT_STEPS = (("apology_offer", 3), ("partner_call", 7), ("event_invite", 30))
WON, NOT_WON = "won_back", "not_won_back"
ATTENTION_DAYS = 365


@dataclass(frozen=True)
class StepView:
    """One action of a plan."""

    step_id: int
    kind: str
    due_on: date
    done: bool


@dataclass(frozen=True)
class PlanView:
    """A displayable win-back plan."""

    plan_id: int
    client_id: int
    client_name: str
    owner: str
    owner_locale: str | None
    reason: str
    steps: tuple[StepView, ...]
    outcome: str | None
    won_back_by: str | None


def _default_owner(session: Session, client_id: int) -> int | None:
    """The lead lawyer (team, else the latest matter's), else a team partner, else the managing partner."""
    team = dict((role, sid) for sid, role in session.execute(
        select(ClientTeamMember.staff_id, ClientTeamMember.role).join(Staff, Staff.id == ClientTeamMember.staff_id)
        .where(ClientTeamMember.client_id == client_id, Staff.active.is_(True))
        .order_by(ClientTeamMember.id.desc())))
    if TeamRole.LEAD_LAWYER.value in team:
        return team[TeamRole.LEAD_LAWYER.value]
    lead = session.execute(
        select(Matter.lead_lawyer_id).join(Staff, Staff.id == Matter.lead_lawyer_id)
        .where(Matter.client_id == client_id, Staff.active.is_(True))
        .order_by(Matter.opened_at.desc(), Matter.id.desc()).limit(1)).scalar()
    if lead is not None:
        return lead
    if TeamRole.PARTNER.value in team:
        return team[TeamRole.PARTNER.value]
    return session.execute(select(Staff.id).where(Staff.is_managing_partner.is_(True), Staff.active.is_(True))
                           .order_by(Staff.id).limit(1)).scalar()


def open_plans(session: Session, *, cal: WorkCalendar, limit: int = 200) -> list[int]:
    """Open a plan for every lost client without one for its latest loss; return the new plan ids."""
    planned = exists().where(WinbackPlan.client_id == Client.id, WinbackPlan.opened_at >= Client.lost_at)
    lost = session.execute(
        select(Client.id, Client.lost_at, Client.lost_reason)
        .where(Client.status == ClientStatus.LOST.value, Client.lost_at.is_not(None), ~planned)
        .order_by(Client.lost_at, Client.id).limit(limit)).all()
    insert = pg_insert if is_postgres(session) else sqlite_insert
    created: list[int] = []
    for client_id, lost_at, reason in lost:
        owner = _default_owner(session, client_id)
        if owner is None:
            continue
        plan_id = session.execute(
            insert(WinbackPlan).values(client_id=client_id, owner_id=owner, reason=reason or "other",
                                       opened_at=lost_at)
            .on_conflict_do_nothing(index_elements=["client_id", "opened_at"])
            .returning(WinbackPlan.id)).scalar()
        if plan_id is None:
            continue
        start = cal.local_date(lost_at)
        session.add_all(WinbackStep(plan_id=plan_id, kind=kind, due_on=start + timedelta(days=days))
                        for kind, days in DEFAULT_STEPS)
        audit.record(session, actor=SYSTEM_JOBS, action="open_winback", entity="client", entity_id=client_id,
                     fields=["winback_plan"])
        created.append(plan_id)
    session.flush()
    return created


def plan_view(session: Session, *, plan_id: int) -> PlanView:
    """The plan as shown to its owner."""
    plan = session.get(WinbackPlan, plan_id)
    if plan is None:
        raise NotFound("winback.not_found")
    client_name = session.execute(select(Client.name).where(Client.id == plan.client_id)).scalar_one()
    owner = session.get(Staff, plan.owner_id)
    assert owner is not None
    won_by = session.execute(select(Staff.slack_user_id).where(Staff.id == plan.won_back_by_id)).scalar() \
        if plan.won_back_by_id else None
    steps = tuple(StepView(step_id=s.id, kind=s.kind, due_on=s.due_on, done=s.done_at is not None)
                  for s in session.execute(select(WinbackStep).where(WinbackStep.plan_id == plan_id)
                                           .order_by(WinbackStep.due_on, WinbackStep.id)).scalars())
    return PlanView(plan_id=plan.id, client_id=plan.client_id, client_name=client_name,
                    owner=owner.slack_user_id, owner_locale=owner.locale, reason=plan.reason, steps=steps,
                    outcome=plan.outcome, won_back_by=won_by)


def _open_plan(session: Session, *, actor: Actor, plan_id: int) -> WinbackPlan:
    """The plan when it is still open and the actor is its owner or a partner."""
    plan = session.get(WinbackPlan, plan_id, with_for_update=is_postgres(session))
    if plan is None:
        raise NotFound("winback.not_found")
    if plan.owner_id != actor.staff_id and actor.role != Role.PARTNER:
        raise PermissionDenied("winback.error.not_owner")
    if plan.outcome is not None:
        raise Conflict("winback.error.decided")
    return plan


def may_edit(session: Session, *, actor: Actor, plan_id: int) -> PlanView:
    """The plan, when the actor may change it now."""
    _open_plan(session, actor=actor, plan_id=plan_id)
    return plan_view(session, plan_id=plan_id)


def edit_plan(session: Session, *, actor: Actor, plan_id: int, owner_user_id: str | None,
              dues: dict[int, date | None]) -> None:
    """A new owner (an active lawyer or partner) and due dates for the plan's actions."""
    plan = _open_plan(session, actor=actor, plan_id=plan_id)
    owner = session.execute(select(Staff).where(Staff.slack_user_id == (owner_user_id or ""))).scalar()
    if owner is None or not owner.active or owner.role not in (Role.PARTNER.value, Role.LAWYER.value):
        raise InvalidInput("winback.error.owner", field="owner")
    steps = {s.id: s for s in session.execute(select(WinbackStep).where(WinbackStep.plan_id == plan_id)).scalars()}
    for step_id, due in dues.items():
        if step_id not in steps:
            raise NotFound("winback.not_found")
        if due is None:
            raise InvalidInput("winback.error.due", field=f"due-{step_id}")
    for step_id, due in dues.items():
        steps[step_id].due_on = due  # type: ignore[assignment]
    plan.owner_id = owner.id
    audit.record(session, actor=actor.audit_name, action="edit_winback", entity="winback_plan",
                 entity_id=plan_id, fields=["owner_id", "due_on"])


def complete_step(session: Session, *, actor: Actor, step_id: int, now: datetime) -> int:
    """Mark one action done; returns its plan id."""
    step = session.get(WinbackStep, step_id)
    if step is None:
        raise NotFound("winback.not_found")
    _open_plan(session, actor=actor, plan_id=step.plan_id)
    if step.done_at is None:
        step.done_at, step.done_by_id = now, actor.staff_id
        audit.record(session, actor=actor.audit_name, action="winback_step_done", entity="winback_plan",
                     entity_id=step.plan_id, fields=[step.kind])
    return step.plan_id


def record_outcome(session: Session, *, actor: Actor, plan_id: int, won: bool, now: datetime) -> None:
    """Won back (the client is active again; the owner is credited) or not."""
    plan = _open_plan(session, actor=actor, plan_id=plan_id)
    plan.outcome, plan.outcome_at, plan.outcome_by_id = (WON if won else NOT_WON), now, actor.staff_id
    fields = ["outcome"]
    if won:
        plan.won_back_by_id = plan.owner_id
        session.execute(update(Client).where(Client.id == plan.client_id).values(
            status=ClientStatus.ACTIVE.value, tier=Tier.POTENTIAL.value, lost_reason=None))
        fields += ["won_back_by_id", "client.status", "client.tier"]
    audit.record(session, actor=actor.audit_name, action="winback_outcome", entity="winback_plan",
                 entity_id=plan_id, fields=fields)


def key_attention(session: Session, *, client_id: int, today: date, tz: tzinfo) -> bool:
    """Whether the client was won back within the last year up to `today` (flagged for key attention)."""
    since = datetime.combine(today - timedelta(days=ATTENTION_DAYS), time(0, 0), tzinfo=tz)
    return session.execute(
        select(WinbackPlan.id).where(WinbackPlan.client_id == client_id, WinbackPlan.outcome == WON,
                                     WinbackPlan.outcome_at >= since)
        .limit(1)).first() is not None


@dataclass(frozen=True)
class StepDue:
    """A win-back action due (or overdue) for the owner's digest."""

    plan_id: int
    step_id: int
    client_id: int
    kind: str
    due_on: date


def due_steps(session: Session, *, today: date) -> dict[int, list[StepDue]]:
    """Per owner, the open plans' actions due today or earlier."""
    out: dict[int, list[StepDue]] = defaultdict(list)
    for plan_id, step_id, client_id, owner_id, kind, due_on in session.execute(
            select(WinbackPlan.id, WinbackStep.id, WinbackPlan.client_id, WinbackPlan.owner_id,
                   WinbackStep.kind, WinbackStep.due_on)
            .join(WinbackStep, and_(WinbackStep.plan_id == WinbackPlan.id, WinbackStep.done_at.is_(None)))
            .where(WinbackPlan.outcome.is_(None), WinbackStep.due_on <= today)
            .order_by(WinbackStep.due_on, WinbackStep.id)):
        out[owner_id].append(StepDue(plan_id=plan_id, step_id=step_id, client_id=client_id, kind=kind,
                                     due_on=due_on))
    return dict(out)


def bonus_counts(session: Session, *, since: datetime | None = None,
                 until: datetime | None = None) -> dict[int, int]:
    """Clients won back per staff member in [since, until) (for the win-back bonus)."""
    where = [WinbackPlan.outcome == WON]
    if since is not None:
        where.append(WinbackPlan.outcome_at >= since)
    if until is not None:
        where.append(WinbackPlan.outcome_at < until)
    return dict(session.execute(select(WinbackPlan.won_back_by_id, func.count())
                                .where(*where).group_by(WinbackPlan.won_back_by_id)).all())
