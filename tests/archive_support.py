"""Test helpers for records and archive: staff, matters closed and filed, replies, job runs."""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from bot.console.fake_slack import FakeSlack
from bot.flows import directory
from bot.services import Services
from jobs.registry import JobContext
from jobs.tasks import archive as archive_jobs
from jobs.tasks.delivery import deliver
from storage.ledger import ChannelPacer
from storage.models import ArchiveFiling, AuditEvent, Client, Matter, Staff
from tests.complaint_support import REVIEW_CHANNEL, job_context, make_staff

__all__ = ["REVIEW_CHANNEL", "job_context", "make_staff"]


def people(services: Services) -> None:
    """Partners (one managing), lawyers, an assistant of the lead, another assistant, a records officer."""
    make_staff(services, "U0MP", "partner", "Director", managing_partner=True)
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Sun Yu")
    make_staff(services, "U0ASSIST", "assistant", "Chen Jing", locale="zh-CN")
    make_staff(services, "U0ASSIST2", "assistant", "Zhou Ping")
    make_staff(services, "U0RECORDS", "admin", "Records Officer")
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    with services.session() as session:
        directory.assign_assistant(session, by="test", assistant_slack_id="U0ASSIST", lawyer_slack_id="U0LAWYER")


def client(services: Services, name: str = "Acme Ltd", *, tier: str = "core") -> int:
    """A client; its id."""
    with services.session() as session:
        row = Client(kind="enterprise", name=name, status="active", tier=tier)
        session.add(row)
        session.flush()
        return row.id


def staff_id(services: Services, slack_id: str) -> int:
    """A staff member's id."""
    with services.session() as session:
        return session.execute(select(Staff.id).where(Staff.slack_user_id == slack_id)).scalar_one()


def matter(services: Services, client_id: int, number: str, *, lead: str | None = "U0LAWYER",
           area: str = "lit_civil") -> int:
    """An open matter; its id."""
    with services.session() as session:
        lead_id = session.execute(select(Staff.id).where(Staff.slack_user_id == lead)).scalar_one() if lead else None
        row = Matter(number=number, client_id=client_id, practice_area=area, title="secret title",
                     status="open", lead_lawyer_id=lead_id, opened_at=services.now())
        session.add(row)
        session.flush()
        return row.id


def filed(services: Services, client_id: int, number: str, *, closed_at: datetime, area: str = "nl_other",
          judgment: date | None = None, lead: str = "U0LAWYER") -> int:
    """A matter closed at `closed_at` whose filing was accepted (set up directly); the filing id."""
    mid = matter(services, client_id, number, lead=lead, area=area)
    with services.session() as session:
        row = session.get(Matter, mid)
        row.status, row.closed_at = "closed", closed_at
        filing = ArchiveFiling(matter_id=mid, status="accepted", opened_at=closed_at, due_at=closed_at,
                               archive_number=f"A-{number}", catalogue="1. pleadings", volumes=2,
                               location="Room 3, shelf 4", judgment_date=judgment, returns=0, held_days=0)
        session.add(filing)
        session.flush()
        return filing.id


def reply(slack: Any, fake: FakeSlack, user: str, command: str, text: str) -> str:
    """The ephemeral answer to a slash command."""
    before = len(fake.of("response_url"))
    slack.command(user, command, text)
    return fake.wait_for("response_url", before + 1)[-1].params["text"]


def click(slack: Any, fake: FakeSlack, user: str, action: str, value: str) -> None:
    """Press a button in a DM and wait until the app is done."""
    slack.click(user, action, value, message={"channel": "D0" + user, "ts": "1.0"})
    fake.settle()


def wait_dm(fake: FakeSlack, user: str, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
    """The DMs to `user`, once there are at least `count`."""
    deadline = time.monotonic() + timeout
    while len(fake.messages_to(user)) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    fake.settle()
    return fake.messages_to(user)


def run_archive_jobs(ctx: JobContext) -> int:
    """One pass of the archive planner, then delivery."""
    created = archive_jobs.plan_archive(ctx)
    deliver(ctx, pacer=ChannelPacer(interval=0))
    return created


def audit_rows(services: Services, entity: str) -> list[tuple[str, str, str | None, list[str] | None]]:
    """(actor, action, entity_id, fields) of one entity kind's audit events, in order."""
    with services.session() as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.seq))
        return [(r.actor, r.action, r.entity_id, r.fields) for r in rows.scalars()]


def filing_of(services: Services, matter_number: str) -> ArchiveFiling:
    """The newest filing of a matter."""
    with services.session() as session:
        return session.execute(select(ArchiveFiling).join(Matter, Matter.id == ArchiveFiling.matter_id)
                               .where(Matter.number == matter_number).order_by(ArchiveFiling.id.desc())
                               ).scalars().first()
