"""Seeding helpers for the upkeep tests: clients, teams, matters, notes, dates (direct ORM)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

from sqlalchemy import select

from bot.services import Services
from storage.ledger import ChannelPacer
from jobs.registry import JobContext
from bot.slack_sender import SlackSender
from jobs.tasks.delivery import deliver
from jobs.tasks.upkeep import plan_daily
from storage.models import (Client, ClientTeamMember, ContactNote, FollowUp, ImportantDate, Matter,
                            Staff)

_numbers = count(1)


def staff_id(services: Services, slack_user_id: str) -> int:
    """The staff id of a Slack user."""
    with services.session() as session:
        return session.execute(select(Staff.id).where(Staff.slack_user_id == slack_user_id)).scalar_one()


def make_client(services: Services, name: str, *, tier: str = "core", status: str = "active",
                team: dict[str, str] | None = None, created_at: datetime | None = None) -> int:
    """A client with a team {slack_user_id: team role}; returns its id."""
    with services.session() as session:
        client = Client(kind="enterprise", name=name, tier=tier, status=status,
                        created_at=created_at or datetime(2025, 1, 1, tzinfo=UTC))
        session.add(client)
        session.flush()
        for uid, role in (team or {}).items():
            sid = session.execute(select(Staff.id).where(Staff.slack_user_id == uid)).scalar_one()
            session.add(ClientTeamMember(client_id=client.id, staff_id=sid, role=role))
        return client.id


def make_matter(services: Services, client_id: int, *, lead: str | None = None,
                status: str = "open") -> int:
    """A matter of a client (lead lawyer by Slack id)."""
    with services.session() as session:
        lead_id = (session.execute(select(Staff.id).where(Staff.slack_user_id == lead)).scalar_one()
                   if lead else None)
        matter = Matter(number=f"2026-LIT-{next(_numbers):04d}", client_id=client_id,
                        practice_area="litigation", status=status, lead_lawyer_id=lead_id,
                        opened_at=datetime(2025, 1, 1, tzinfo=UTC))
        session.add(matter)
        session.flush()
        return matter.id


def add_note(services: Services, client_id: int, author: str, at: datetime, *,
             channel: str = "call", text: str = "talked") -> int:
    """A contact note written directly."""
    with services.session() as session:
        sid = session.execute(select(Staff.id).where(Staff.slack_user_id == author)).scalar_one()
        note = ContactNote(client_id=client_id, author_id=sid, channel=channel, occurred_at=at, text=text)
        session.add(note)
        session.flush()
        return note.id


def add_follow_up(services: Services, client_id: int, owner: str, due_on: date,
                  title: str = "send the draft") -> int:
    """An open follow-up owned by a Slack user."""
    with services.session() as session:
        sid = session.execute(select(Staff.id).where(Staff.slack_user_id == owner)).scalar_one()
        f = FollowUp(client_id=client_id, owner_id=sid, title=title, due_on=due_on, status="open")
        session.add(f)
        session.flush()
        return f.id


def add_date(services: Services, *, kind: str, on: date, client_id: int | None = None,
             matter_id: int | None = None, yearly: bool = False, label: str | None = None) -> int:
    """An important date (birthday, anniversary, hearing…)."""
    with services.session() as session:
        d = ImportantDate(client_id=client_id, matter_id=matter_id, kind=kind, on_date=on,
                          yearly=yearly, label=label)
        session.add(d)
        session.flush()
        return d.id


def job_context(services: Services) -> JobContext:
    """A job context sending to the fake Slack."""
    from bot.app import make_web_client

    return JobContext(services=services, sender=SlackSender(make_web_client(services)))


def run_jobs(ctx: JobContext):  # type: ignore[no-untyped-def]
    """One planner tick and one delivery pass (no pacing sleeps); returns both reports."""
    report = plan_daily(ctx)
    sent = deliver(ctx, pacer=ChannelPacer(interval=0))
    return report, sent
