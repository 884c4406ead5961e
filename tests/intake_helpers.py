"""Helpers for the intake tests: fill the form, reach the review message, read rows."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from bot.console.driver import SlackDriver
from bot.console.fake_slack import FakeSlack
from bot.ids import Command, IntakeBlock
from bot.services import Services
from storage.models import IntakeRequest

REVIEW = "C0REVIEW"


def answers(**overrides: Any) -> dict[str, Any]:
    """A valid form (enterprise, civil litigation, two opposing parties), by block id."""
    base: dict[str, Any] = {
        IntakeBlock.KIND: "enterprise", IntakeBlock.NAME: "Acme Robotics Ltd",
        IntakeBlock.SOURCE: "website", IntakeBlock.AREA: "lit_civil",
        IntakeBlock.NEED: "Contract dispute with a supplier", IntakeBlock.EMAIL: "legal@acme.example",
        IntakeBlock.OPPOSING: "Globex Corporation\nInitech LLC", IntakeBlock.RELATED: "",
    }
    base.update(overrides)
    return base


def open_form(slack: SlackDriver, user: str) -> dict[str, Any]:
    """Type /intake and return the modal Slack shows."""
    sent = slack.command(user, Command.INTAKE)
    assert sent.status == 200
    return slack.opened_view()


def submit_form(slack: SlackDriver, fake: FakeSlack, user: str, form: dict[str, Any]) -> dict[str, Any]:
    """Open, fill and submit the form; return the results view after the check."""
    view = open_form(slack, user)
    before = len(fake.of("views.update"))
    sent = slack.submit(user, view["id"], form)
    assert sent.json.get("response_action") == "update", sent.json
    fake.wait_for("views.update", count=before + 1)
    return fake.views[view["id"]]


def send_for_approval(slack: SlackDriver, fake: FakeSlack, user: str, results_view: dict[str, Any],
                      note: str = "") -> dict[str, Any]:
    """Submit the results view; return the review-channel post."""
    before = len(fake.messages_to(REVIEW))
    sent = slack.submit(user, results_view["id"], {IntakeBlock.NOTE: note})
    assert sent.json.get("response_action") == "update", sent.json
    fake.wait_for("chat.postMessage", count=before + 1)
    return fake.messages_to(REVIEW)[-1]


def review_ref(services: Services, request_id: int | None = None) -> dict[str, Any]:
    """The review message's channel and ts, as Slack would put them in a click.

    The listener stores them when its transaction commits, just after the post: wait for it.
    """
    deadline = time.monotonic() + 5
    while True:
        with services.session() as session:
            q = select(IntakeRequest).order_by(IntakeRequest.id.desc())
            if request_id is not None:
                q = q.where(IntakeRequest.id == request_id)
            req = session.execute(q.limit(1)).scalar_one()
        if req.review_ts or time.monotonic() > deadline:
            return {"channel": req.review_channel, "ts": req.review_ts, "id": req.id}
        time.sleep(0.02)


def requests(services: Services) -> list[IntakeRequest]:
    """Every intake request row."""
    with services.session() as session:
        return list(session.execute(select(IntakeRequest).order_by(IntakeRequest.id)).scalars())


def section_text(view_or_message: dict[str, Any]) -> str:
    """All section and context text of a view or message, joined."""
    out = []
    for block in view_or_message.get("blocks") or []:
        if block.get("type") == "section":
            out.append(block["text"]["text"])
        elif block.get("type") == "context":
            out += [e.get("text", "") for e in block["elements"]]
        elif block.get("type") == "header":
            out.append(block["text"]["text"])
    return "\n".join(out)
