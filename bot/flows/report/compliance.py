"""Process compliance: the share of the quarter's obligations met, in four families.

- cadence: per client (active or prospect, created before the quarter, with cadence rules for
  its current tier) and per rule, the quarter is cut into consecutive periods of the rule's
  length from its first day; a period is met when a contact on one of the rule's channels was
  recorded in it (the last, shorter period counts once the quarter is over; a running
  quarter counts only the periods already ended);
- complaints: per complaint received in the quarter, two clocks: acknowledged within
  `complaint_escalation_hours`, answered by the working-day deadline (or the extension date);
  a clock still running and not yet met is not counted;
- surveys: per survey due in the quarter (a month after the matter closed), completed by then;
- intake: per matter opened in the quarter through the bot (not imported from the ledger), a
  partner's approval of its conflict check (approved, or approved with a waiver).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, cast, func, literal_column, select
from sqlalchemy.orm import Session

from bot.flows.complaint_clocks import clocks_for
from bot.flows.report.figures import Kpi
from bot.flows.report.kpis import share
from bot.flows.report.window import Window
from bot.flows.workdays import calendar_of
from bot.settings import Settings
from storage.db import is_postgres
from storage.models import Client, Complaint, ContactNote, IntakeRequest, Matter, Survey
from storage.models.base import UTCDateTime
from storage.models.enums import ClientStatus

FAMILIES = ("cadence", "complaints", "surveys", "intake")
APPROVED = ("approved", "approved_waiver")
DAY_SECONDS = 86400


@dataclass(frozen=True)
class Tally:
    """Obligations met out of those due."""

    met: int
    due: int


def cadence_tally(session: Session, *, window: Window, settings: Settings) -> Tally:
    """Cadence periods met out of those due, over every eligible client and rule."""
    keys: list[tuple[frozenset[str], int]] = []
    tier_rules: dict[str, list[int]] = {}
    for tier, rules in settings.cadence.items():
        for rule in rules:
            key = (frozenset(rule["channels"]), int(rule["every_days"]))
            if key not in keys:
                keys.append(key)
            tier_rules.setdefault(tier, []).append(keys.index(key))
    span = (window.end - window.start).total_seconds()
    periods = [(math.ceil(span / (d * DAY_SECONDS)) if window.complete else int(span // (d * DAY_SECONDS)))
               for _, d in keys]
    clients = dict(session.execute(
        select(Client.id, Client.tier).where(
            Client.status.in_((ClientStatus.ACTIVE.value, ClientStatus.PROSPECT.value)),
            Client.tier.in_([t for t, r in tier_rules.items() if r]), Client.created_at < window.start)
    ).all())
    due = sum(periods[i] for tier in clients.values() for i in tier_rules[tier])
    if not due:
        return Tally(0, 0)
    by_channel: dict[str, list[int]] = defaultdict(list)
    for i, (channels, _) in enumerate(keys):
        for channel in channels:
            by_channel[channel].append(i)
    met: set[tuple[int, int, int]] = set()
    start = int(window.start.timestamp())
    # On SQLite "+occurred_at" keeps the planner off the occurred_at index (a row lookup per note
    # for its channel) and on the covering (client, channel, occurred_at) index: 2-3x faster.
    at = ContactNote.occurred_at if is_postgres(session) else literal_column("+contact_notes.occurred_at",
                                                                             UTCDateTime)
    for cid, channel, epoch in session.execute(
            select(ContactNote.client_id, ContactNote.channel, _epoch_seconds(session, ContactNote.occurred_at))
            .where(at >= window.start, at < window.end).execution_options(yield_per=20000)):
        tier = clients.get(cid)
        if tier is None:
            continue
        seconds = int(epoch) - start
        for i in by_channel.get(channel, ()):
            if i in tier_rules[tier]:
                k = int(seconds // (keys[i][1] * DAY_SECONDS))
                if k < periods[i]:
                    met.add((cid, i, k))
    return Tally(len(met), due)


def complaint_tally(session: Session, *, window: Window, settings: Settings) -> Tally:
    """Complaint clocks met (acknowledgement and answer) out of those run out or met."""
    cal = calendar_of(settings)
    met = due = 0
    for received, extended, acknowledged, answered in session.execute(
            select(Complaint.received_at, Complaint.extended_until, Complaint.acknowledged_at,
                   Complaint.answered_at)
            .where(Complaint.received_at >= window.start, Complaint.received_at < window.end)):
        clocks = clocks_for(received_at=_aware(received), extended_until=extended, calendar=cal,
                            reminder_hours=settings.complaint_reminder_hours,
                            escalation_hours=settings.complaint_escalation_hours,
                            working_days=settings.complaint_answer_working_days)
        for done, deadline in ((acknowledged, clocks.escalate_at), (answered, clocks.answer_due)):
            if done is not None and _aware(done) <= deadline:
                met, due = met + 1, due + 1
            elif done is not None or deadline <= window.now:
                due += 1
    return Tally(met, due)


def survey_tally(session: Session, *, window: Window) -> Tally:
    """Surveys due in the quarter completed by their due time."""
    met = due = 0
    for due_at, completed in session.execute(
            select(Survey.due_at, Survey.completed_at)
            .where(Survey.due_at >= window.start, Survey.due_at < window.end)):
        due += 1
        met += completed is not None and _aware(completed) <= _aware(due_at)
    return Tally(met, due)


def intake_tally(session: Session, *, window: Window) -> Tally:
    """Matters opened in the quarter through the bot that a partner approved after the conflict check."""
    opened = select(Matter.id).where(Matter.opened_at >= window.start, Matter.opened_at < window.end,
                                     Matter.import_key.is_(None))
    due = set(session.execute(opened).scalars())
    if not due:
        return Tally(0, 0)
    approved = set(session.execute(  # a semi-join: intake_requests.matter_id has no index of its own
        select(IntakeRequest.matter_id).where(IntakeRequest.decision.in_(APPROVED),
                                              IntakeRequest.matter_id.in_(opened))).scalars())
    return Tally(len(due & approved), len(due))


def compliance_kpis(session: Session, *, window: Window, settings: Settings) -> list[Kpi]:
    """Compliance overall (met / due over all four families) and per family."""
    tallies = {"cadence": cadence_tally(session, window=window, settings=settings),
               "complaints": complaint_tally(session, window=window, settings=settings),
               "surveys": survey_tally(session, window=window),
               "intake": intake_tally(session, window=window)}
    met, due = sum(t.met for t in tallies.values()), sum(t.due for t in tallies.values())
    return [share("compliance", met, due, settings),
            *(share(f"compliance.{name}", tallies[name].met, tallies[name].due, settings) for name in FAMILIES)]


def _epoch_seconds(session: Session, column: Any) -> Any:
    """Whole seconds since 1970 of a UTC timestamp column, computed by the database (no datetimes built)."""
    if is_postgres(session):
        return func.floor(func.extract("epoch", column))
    return cast(func.strftime("%s", column), Integer)  # SQLite stores UTC text


def _aware(moment: datetime) -> datetime:
    """A timestamp read back as UTC-aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


