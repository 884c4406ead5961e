"""Test helpers for enquiries and win-back: the modal, the shortcut, clicks, job runs."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import select

from bot.console.fake_slack import FakeSlack
from bot.ids import EnquiryBlock, EnquiryShortcut
from bot.services import Services
from bot.slack_sender import SlackSender
from jobs.registry import JobContext
from jobs.tasks import enquiries as enquiry_jobs
from jobs.tasks.delivery import deliver
from storage.ledger import ChannelPacer
from storage.models import Enquiry
from tests.conftest import BOT_TOKEN

INTAKE = "C0INTAKE"
SH = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    """A Shanghai wall time as aware UTC."""
    return datetime(*args, tzinfo=SH).astimezone(UTC)


def answers(**overrides: Any) -> dict[str, Any]:
    """A complete set of answers for the enquiry modal."""
    values: dict[str, Any] = {
        EnquiryBlock.WHO: "陈静 Chen Jing <b>", EnquiryBlock.CONTACT: "+86 138 1234 5678; chen@example.cn",
        EnquiryBlock.NEED: "Dispute with a supplier over a late delivery", EnquiryBlock.SOURCE: "referral",
        EnquiryBlock.REFERRER: "Wang Wei (Acme Ltd)",
    }
    values.update(overrides)
    return values


def wait_until(check: Any, timeout: float = 5.0) -> None:
    """Poll until `check()` is true (listeners run after the ack)."""
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.01)


def log_enquiry(slack: Any, user: str, values: dict[str, Any]) -> Any:
    """Open /enquiry as `user` and submit `values`; wait for the recorder's DM when accepted."""
    slack.command(user, "/enquiry")
    view = slack.opened_view()
    before = len(slack.fake.messages_to(user))
    sent = slack.submit(user, view["id"], values)
    if not sent.json.get("errors"):
        wait_until(lambda: len(slack.fake.messages_to(user)) > before)
    slack.fake.settle()
    return sent


def shortcut(slack: Any, user: str, text: str, *, channel: str = "C0GENERAL") -> Any:
    """Use "Log as enquiry" on a message."""
    payload = slack._base(user, "message_action")
    payload.update({"callback_id": EnquiryShortcut.LOG, "channel": {"id": channel, "name": "general"},
                    "message": {"type": "message", "text": text, "user": "U0SOMEONE", "ts": "1.0"},
                    "message_ts": "1.0", "response_url": slack.fake.response_url()})
    return slack.interactive(payload)


def enquiry(services: Services, enquiry_id: int = 1) -> Enquiry:
    """The enquiry row (detached)."""
    with services.session() as session:
        row = session.execute(select(Enquiry).where(Enquiry.id == enquiry_id)).scalar_one()
        session.expunge(row)
        return row


def card(fake: FakeSlack, channel: str) -> dict[str, Any]:
    """The enquiry card as last posted or updated in the channel."""
    posts = [c.params for c in fake.of("chat.postMessage") if c.params.get("channel") == channel
             and not c.params.get("thread_ts") and c.params.get("blocks")]
    updates = [c.params for c in fake.of("chat.update") if c.params.get("channel") == channel]
    assert posts, f"no card in {channel}"
    return updates[-1] if updates else posts[-1]


def buttons(message: dict[str, Any]) -> list[str]:
    """The action ids of a message's buttons."""
    out = []
    for block in message.get("blocks") or []:
        out += [e["action_id"] for e in block.get("elements", []) if e.get("type") == "button"]
        if (block.get("accessory") or {}).get("type") == "button":
            out.append(block["accessory"]["action_id"])
    return out


def click(slack: Any, user: str, action: str, value: str, *, channel: str = INTAKE,
          blocks: list[dict[str, Any]] | None = None) -> Any:
    """Press a button in a message and wait until the listener is done."""
    mark = slack.fake.mark()
    sent = slack.click(user, action, value, message={"channel": channel, "ts": "1.0", "blocks": blocks or []})
    wait_until(lambda: slack.fake.calls_since(mark)[0] != [])
    slack.fake.settle()
    return sent


def job_context(services: Services, fake: FakeSlack) -> JobContext:
    """A job context whose sender talks to the fake Slack."""
    return JobContext(services=services, sender=SlackSender(WebClient(token=BOT_TOKEN, base_url=fake.url)),
                      owner="test-jobs")


def run_jobs(ctx: JobContext) -> None:
    """One pass of this feature's planners, then delivery (no pacing)."""
    enquiry_jobs.plan_enquiry_clocks(ctx)
    enquiry_jobs.plan_winback(ctx)
    deliver(ctx, pacer=ChannelPacer(interval=0))
