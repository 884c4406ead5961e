"""The intake review is never posted to a Slack Connect channel."""

from __future__ import annotations

from tests.intake_helpers import answers, requests, submit_form
from tests.support import make_staff


def test_review_is_never_posted_to_an_external_channel(services, fake_slack):
    from bot.app import create_app
    from bot.console.driver import SlackDriver
    from bot.ids import IntakeBlock
    from tests.conftest import REVIEW_CHANNEL, SIGNING_SECRET

    app, _ = create_app(services=services, external_channels=frozenset({REVIEW_CHANNEL}))
    slack = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    results = submit_form(slack, fake_slack, "U0LAWYER", answers())
    sent = slack.submit("U0LAWYER", results["id"], {IntakeBlock.NOTE: ""})
    assert "shared with another organisation" in sent.json["errors"][IntakeBlock.NOTE]
    fake_slack.settle()
    assert not fake_slack.messages_to(REVIEW_CHANNEL)
    assert requests(services)[0].status == "checked"
