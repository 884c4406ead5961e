"""Test helpers for complaints and surveys: clients, matters, the modal, and the job runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select

from bot.console.fake_slack import FakeSlack
from bot.ids import ComplaintBlock
from bot.services import Services
from storage.ledger import ChannelPacer
from jobs.registry import JobContext
from bot.slack_sender import SlackSender
from jobs.tasks import complaints as complaint_jobs
from jobs.tasks import surveys as survey_jobs
from jobs.tasks.delivery import deliver
from storage.models import AuditEvent, Client, ClientTeamMember, Matter, Staff
from tests.conftest import BOT_TOKEN, REVIEW_CHANNEL
from tests.support import make_staff

__all__ = ["REVIEW_CHANNEL", "make_staff"]


def make_client(services: Services, name: str, *, team: dict[str, str] | None = None) -> int:
    """A client (with team members by Slack id -> team role); returns its id."""
    with services.session() as session:
        client = Client(kind="enterprise", name=name, status="active")
        session.add(client)
        session.flush()
        for slack_id, role in (team or {}).items():
            staff_id = session.execute(select(Staff.id).where(Staff.slack_user_id == slack_id)).scalar_one()
            session.add(ClientTeamMember(client_id=client.id, staff_id=staff_id, role=role))
        return client.id


def make_matter(services: Services, client_id: int, number: str, *, lead: str | None = None,
                area: str = "litigation") -> int:
    """A matter with a lead lawyer (Slack id); returns its id."""
    with services.session() as session:
        lead_id = None
        if lead:
            lead_id = session.execute(select(Staff.id).where(Staff.slack_user_id == lead)).scalar_one()
        matter = Matter(number=number, client_id=client_id, practice_area=area, title="t",
                        status="open", lead_lawyer_id=lead_id, opened_at=services.now())
        session.add(matter)
        session.flush()
        return matter.id


def answers(client_id: int | str | None, *, against: str | None, received_at: datetime | None,
            **overrides: Any) -> dict[str, Any]:
    """A complete set of answers for the /complaint modal."""
    values: dict[str, Any] = {
        ComplaintBlock.CLIENT: str(client_id) if client_id is not None else None,
        ComplaintBlock.COMPLAINANT: "张伟 Zhang Wei",
        ComplaintBlock.CONTACT: "+86 138 0000 0000",
        ComplaintBlock.AGAINST: against,
        ComplaintBlock.MATTER: None,
        ComplaintBlock.WHAT: "No update for six weeks <b>",
        ComplaintBlock.REQUEST: "A call with the partner",
        ComplaintBlock.VIA: "phone",
        ComplaintBlock.RECEIVED_AT: int(received_at.timestamp()) if received_at else None,
    }
    values.update(overrides)
    return values


def file_complaint(slack: Any, user: str, values: dict[str, Any]) -> Any:
    """Open /complaint as `user` and submit `values`; return Bolt's answer to the submission."""
    slack.command(user, "/complaint")
    view = slack.opened_view()
    before = len(slack.fake.messages_to(user))
    sent = slack.submit(user, view["id"], values)
    if not sent.json.get("errors"):
        import time

        deadline = time.monotonic() + 5
        while len(slack.fake.messages_to(user)) == before and time.monotonic() < deadline:
            time.sleep(0.01)
    return sent


def job_context(services: Services, fake: FakeSlack, owner: str = "test-jobs") -> JobContext:
    """A job context whose sender talks to the fake Slack."""
    client = WebClient(token=BOT_TOKEN, base_url=fake.url)
    return JobContext(services=services, sender=SlackSender(client), owner=owner)


def run_jobs(ctx: JobContext) -> None:
    """One scheduler pass of this feature's planners, then delivery (no pacing)."""
    complaint_jobs.plan_complaint_clocks(ctx)
    survey_jobs.plan_surveys(ctx)
    deliver(ctx, pacer=ChannelPacer(interval=0))


def audit_actions(services: Services, entity: str, entity_id: int) -> list[tuple[str, str, list[str] | None]]:
    """(actor, action, fields) of the audit events of one entity, in order."""
    with services.session() as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.entity == entity,
                                                        AuditEvent.entity_id == str(entity_id))
                               .order_by(AuditEvent.seq)).scalars()
        return [(r.actor, r.action, r.fields) for r in rows]


def card_message(fake: FakeSlack, channel: str) -> dict[str, Any]:
    """The last root card posted to a channel, as a message dict for clicks."""
    posts = [c for c in fake.of("chat.postMessage") if c.params.get("channel") == channel
             and not c.params.get("thread_ts") and c.params.get("blocks")]
    assert posts, f"no card posted to {channel}"
    params = posts[-1].params
    return {"channel": channel, "ts": params.get("_ts", ""), "blocks": params["blocks"]}


def click_and_wait(slack: Any, user: str, action: str, value: str, *, channel: str = REVIEW_CHANNEL,
                   timeout: float = 5.0) -> Any:
    """Press a button and wait until the app has answered (a card update, a reply, or a modal)."""
    import time

    fake: FakeSlack = slack.fake
    watched = ("chat.update", "response_url", "views.open", "chat.postEphemeral")

    def count() -> int:
        """Answers seen so far."""
        return sum(len(fake.of(m)) for m in watched)

    before = count()
    sent = slack.click(user, action, value, message={"channel": channel, "ts": "1.0"})
    deadline = time.monotonic() + timeout
    while count() == before and time.monotonic() < deadline:
        time.sleep(0.01)
    fake.settle()
    return sent


def submit_step(slack: Any, user: str, view_id: str, values: dict[str, Any], timeout: float = 5.0) -> Any:
    """Submit a step modal; when accepted, wait until the card was refreshed and the thread told."""
    import time

    fake: FakeSlack = slack.fake
    updates, posts = len(fake.of("chat.update")), len(fake.of("chat.postMessage"))
    sent = slack.submit(user, view_id, values)
    if not sent.json.get("errors"):
        deadline = time.monotonic() + timeout
        while (len(fake.of("chat.update")) == updates or len(fake.of("chat.postMessage")) == posts) \
                and time.monotonic() < deadline:
            time.sleep(0.01)
    return sent
