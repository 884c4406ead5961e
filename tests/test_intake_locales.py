"""Intake messages exist in both languages with the same placeholders; the review stays private."""

from __future__ import annotations

import string

from bot.locales.intake import MESSAGES
from tests.intake_helpers import answers, requests, submit_form
from tests.support import make_staff


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_intake_message_has_both_languages_and_the_same_placeholders():
    for key, entry in MESSAGES.items():
        assert key.startswith("intake."), key
        assert set(entry) == {"en", "zh-CN"}, key
        assert _fields(entry["en"]) == _fields(entry["zh-CN"]), key


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
