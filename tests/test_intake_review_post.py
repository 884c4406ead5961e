"""The review post goes through the ledger: a refused post is sent later, never lost."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.ids import IntakeAction, IntakeBlock
from jobs.registry import JobContext
from bot.slack_sender import SlackSender
from jobs.tasks.delivery import deliver
from storage.models import Notification
from tests.intake_helpers import REVIEW, answers, requests, submit_form
from tests.support import make_staff


@pytest.fixture
def people(services):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")


def _posted_to_review(fake_slack):
    return [c for c in fake_slack.of("chat.postMessage")
            if c.params.get("channel") == REVIEW and c.answer.get("ok")]


def _submit_rate_limited(slack, fake_slack):
    results = submit_form(slack, fake_slack, "U0LAWYER", answers())
    fake_slack.fail("chat.postMessage", status=429, retry_after=30)
    sent = slack.submit("U0LAWYER", results["id"], {IntakeBlock.NOTE: "urgent"})
    assert sent.json["response_action"] == "update"
    fake_slack.wait_for("chat.postMessage")
    fake_slack.settle()


def _deliver(services, fake_slack):
    deliver(JobContext(services=services,
                       sender=SlackSender(WebClient(token="xoxb-test", base_url=fake_slack.url))))


def test_a_rate_limited_review_post_is_delivered_later_and_decided(services, slack, fake_slack,
                                                                   people, clock):
    _submit_rate_limited(slack, fake_slack)
    [req] = requests(services)
    assert req.status == "pending" and req.review_ts is None and req.note == "urgent"
    assert _posted_to_review(fake_slack) == []

    _deliver(services, fake_slack)
    assert _posted_to_review(fake_slack) == []  # not before Retry-After
    clock.advance(seconds=31)
    _deliver(services, fake_slack)
    _deliver(services, fake_slack)
    [post] = _posted_to_review(fake_slack)
    assert "Acme Robotics Ltd" in post.params["text"]
    ts = post.answer["ts"]

    # The partner approves from that message: the decision finds its ts and updates it.
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(req.id),
                message={"channel": REVIEW, "ts": ts, "blocks": post.params.get("blocks") or []})
    update = fake_slack.wait_for("chat.update")[0].params
    fake_slack.settle()
    assert update["channel"] == REVIEW and update["ts"] == ts
    [req] = requests(services)
    assert req.status == "approved" and req.review_channel == REVIEW and req.review_ts == ts


def test_a_decision_before_the_queued_post_went_out_posts_the_outcome_instead(
        services, slack, fake_slack, people, clock):
    _submit_rate_limited(slack, fake_slack)
    [req] = requests(services)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(req.id),
                message={"channel": REVIEW, "ts": "1.000001", "blocks": []})
    fake_slack.wait_for("chat.postMessage", count=3)  # the outcome and the requester's DM
    fake_slack.settle()
    clock.advance(seconds=31)
    _deliver(services, fake_slack)
    [outcome] = _posted_to_review(fake_slack)
    assert "approved" in outcome.params["text"].lower()
    assert not fake_slack.of("chat.update")
    with services.session() as session:
        review = session.execute(select(Notification).where(
            Notification.key == f"intake:{req.id}:review")).scalar_one()
    assert review.status == "cancelled"


@pytest.mark.parametrize("action,value,block_id", [
    (IntakeAction.APPROVE, "12abc", "b"),
    (IntakeAction.DECLINE, "", "b"),
    (IntakeAction.LINK_CLIENT, "", f"{IntakeBlock.CHOICES}:x1"),
])
def test_a_malformed_action_gets_a_friendly_answer(services, slack, fake_slack, people, action, value,
                                                   block_id):
    message = {"channel": REVIEW, "ts": "1.000001", "blocks": []}
    if action == IntakeAction.LINK_CLIENT:
        slack.click("U0PARTNER", action, block_id=block_id, selected="3", message=message)
    else:
        slack.click("U0PARTNER", action, value, block_id=block_id, message=message)
    reply = fake_slack.wait_for("response_url")[0].params
    fake_slack.settle()
    assert reply["response_type"] == "ephemeral" and reply["text"] == "That input is not valid."
    assert not fake_slack.of("views.open") and not fake_slack.of("chat.update")
