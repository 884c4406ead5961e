"""The foundation's end-to-end path: /lawcrm help and whoami through the real app."""

from __future__ import annotations

from tests.support import make_staff


def test_help_answers_privately_in_english(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    sent = slack.command("U0LAWYER1", "/lawcrm", "help")
    assert sent.status == 200
    call = fake_slack.wait_for("response_url")[0]
    assert call.params["response_type"] == "ephemeral"
    assert "/intake" in call.params["text"]


def test_whoami_shows_role_in_chinese(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "王芳", locale="zh-CN", managing_partner=True)
    slack.command("U0PARTNER", "/lawcrm", "whoami")
    text = fake_slack.wait_for("response_url")[0].params["text"]
    assert "合伙人" in text and "主任合伙人" in text and "王芳" in text


def test_unknown_user_is_told_to_ask_an_admin_and_nothing_else(slack, fake_slack):
    slack.command("U0STRANGER", "/lawcrm", "whoami")
    calls = fake_slack.wait_for("response_url")
    fake_slack.settle()
    assert "administrator" in calls[0].params["text"]
    assert {c.method for c in fake_slack.calls} - {"auth.test"} == {"response_url"}
