"""User text reaches Slack escaped (&, <, >) everywhere: top-level text, mrkdwn blocks, notices.

Escaping is the default: `t()` escapes plain-str parameters, the mrkdwn builders escape text not
marked `Mrkdwn`, and plain_text fields show the text as typed (Slack does not parse them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.blocks.common import context, header, mrkdwn, plain, section
from bot.i18n import t
from bot.ids import ComplaintBlock, IntakeAction, IntakeBlock
from bot.slack_text import escape, mention
from tests.complaint_support import answers as complaint_answers
from tests.complaint_support import file_complaint
from tests.intake_helpers import REVIEW, answers, review_ref, send_for_approval, submit_form
from tests.support import make_staff
from tests.upkeep_support import add_follow_up, add_note, job_context, make_client, run_jobs

NAMES = ["<!channel>", "<@U123>", "a & b", "<https://evil|click>", "<!here|x> & <#C1>"]


def mrkdwn_texts(node: Any) -> list[str]:
    """Top-level `text` and every mrkdwn text of a message, view or block list."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" or ("text" in node and isinstance(node["text"], str)
                                             and node.get("type") is None):
            found.append(node["text"])
        for value in node.values():
            if isinstance(value, (dict, list)):
                found += mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            found += mrkdwn_texts(item)
    return found


def plain_texts(node: Any) -> list[str]:
    """Every plain_text text of a message or view."""
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "plain_text" else []
        return own + [x for v in node.values() if isinstance(v, (dict, list)) for x in plain_texts(v)]
    if isinstance(node, list):
        return [x for item in node for x in plain_texts(item)]
    return []


def assert_escaped(message: dict[str, Any], *raw: str) -> None:
    """Each raw text shows only escaped in mrkdwn, never twice escaped, never live."""
    texts = mrkdwn_texts({"text": message.get("text", ""), "blocks": message.get("blocks") or []})
    joined = "\n".join(texts)
    assert "&amp;lt;" not in joined and "&amp;gt;" not in joined and "&amp;amp;" not in joined
    for value in raw:
        assert escape(value) in joined, (value, joined[:500])
        for text in texts:
            assert value not in text or "<" not in value and "&" not in value, (value, text)
    for special in ("<!channel>", "<!here", "<https://evil", "<@U123>", "<#C1>"):
        assert special not in joined


# --- the default at the cause -----------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_t_escapes_plain_string_parameters_by_default(name):
    from bot.slack_text import Mrkdwn

    text = t("upkeep.card_pick", "en", query=name)
    assert isinstance(text, Mrkdwn) and escape(name) in text and name not in text


def test_t_keeps_marked_parameters_and_numbers():
    text = t("intake.review.lead_set", "en", id=7, who=mention("U0LEAD"))
    assert "<@U0LEAD>" in text and "7" in text
    assert t("upkeep.card_pick", "en", query=escape("a & b")).count("&amp;") == 1   # not twice


def test_builders_escape_unmarked_text_and_keep_marked_text():
    from bot.slack_text import markup

    assert section("<!channel> & co")["text"]["text"] == "&lt;!channel&gt; &amp; co"
    assert context("<@U1>")["elements"][0]["text"] == "&lt;@U1&gt;"
    assert mrkdwn(markup("*{name}* {who}", name="<b>", who=mention("U0X")))["text"] == "*&lt;b&gt;* <@U0X>"
    assert header("<!channel> & co")["text"]["text"] == "<!channel> & co"          # plain_text
    assert plain(t("upkeep.card_pick", "en", query="a & <b>"))["text"].startswith("Several clients")
    assert "a & <b>" in plain(t("upkeep.card_pick", "en", query="a & <b>"))["text"]


def test_join_markup_clamp_and_message_text():
    from bot.slack_text import Mrkdwn, clamp, join, message_text

    assert join(", ", ["<a>", mention("U0X")]) == "&lt;a&gt;, <@U0X>"
    assert message_text("<!channel>") == "&lt;!channel&gt;"
    assert message_text(escape("<x>")) == "&lt;x&gt;"
    cut = clamp(escape("ab&cd"), 5)           # "ab&am" would show a broken entity
    assert isinstance(cut, Mrkdwn) and cut == "ab…"
    assert escape(None) == "" and mention("<!channel>") == "&lt;!channel&gt;"


# --- Slack surfaces ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_client_card_reply_escapes_the_name(services, slack, fake_slack, name):
    make_staff(services, "U0LAW1", "lawyer", "Li Lei")
    cid = make_client(services, f"{name} Holdings", team={"U0LAW1": "lead_lawyer"})
    add_note(services, cid, "U0LAW1", datetime(2026, 11, 20, tzinfo=UTC), text=f"spoke to {name}")
    add_follow_up(services, cid, "U0LAW1", date(2026, 11, 30), title=f"send {name}")
    slack.command("U0LAW1", "/client", "holdings")
    reply = fake_slack.wait_for("response_url")[0].params
    assert reply["text"] == escape(f"{name} Holdings")
    assert_escaped(reply, f"{name} Holdings", f"spoke to {name}", f"send {name}")
    assert f"{name} Holdings" in plain_texts(reply["blocks"])        # the header shows it as typed
    assert "<@U0LAW1>" in str(reply["blocks"])                       # our own mentions still work


def test_note_confirmation_and_pick_list(services, slack, fake_slack):
    make_staff(services, "U0LAW1", "lawyer", "Li Lei")
    make_client(services, "<!channel> Trading", team={"U0LAW1": "lead_lawyer"})
    slack.command("U0LAW1", "/note", "trading: call, told <@U123> about <https://evil|click>")
    reply = fake_slack.wait_for("response_url")[0].params
    assert_escaped(reply, "<!channel> Trading")
    make_client(services, "<!channel> Trading Two", team={"U0LAW1": "lead_lawyer"})
    slack.command("U0LAW1", "/note", "<!here> trading: visit")
    pick = fake_slack.wait_for("response_url", 2)[1].params
    assert_escaped(pick, "<!here> trading")


def test_complaint_card_escapes_every_user_field(services, slack, fake_slack, clock):
    from tests.complaint_support import make_client as complaint_client

    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    client_id = complaint_client(services, "<!channel> & Co", team={"U0CS": "client_service"})
    sent = file_complaint(slack, "U0CS", complaint_answers(
        client_id, against="U0LAWYER", received_at=clock.now - timedelta(hours=1),
        **{ComplaintBlock.COMPLAINANT: "<@U123>", ComplaintBlock.WHAT: "<https://evil|click> a & b",
           ComplaintBlock.REQUEST: "<!here>"}))
    assert not sent.json.get("errors"), sent.json
    card = fake_slack.wait_for("chat.postMessage")[0].params
    assert_escaped(card, "<!channel> & Co", "<@U123>", "<https://evil|click> a & b", "<!here>")
    assert "<@U0LAWYER>" in str(card["blocks"])


def test_intake_review_post_decision_and_dm_escape_user_text(services, slack, fake_slack):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0PARTNER", "partner", "Wang")
    form = answers(**{IntakeBlock.NAME: "<!channel> & Co", IntakeBlock.NEED: "a & b <https://evil|click>",
                      IntakeBlock.OPPOSING: "<@U123>\n<#C1>", IntakeBlock.RELATED: "x > y"})
    results = submit_form(slack, fake_slack, "U0LAWYER", form)
    assert_escaped(results, "<!channel> & Co")
    post = send_for_approval(slack, fake_slack, "U0LAWYER", results, note="<!here> please")
    assert_escaped(post, "<!channel> & Co", "a & b <https://evil|click>", "<@U123>", "<#C1>", "x > y",
                   "<!here> please")
    assert "<@U0LAWYER>" in str(post["blocks"])
    ref = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    update = fake_slack.wait_for("chat.update")[0].params
    assert_escaped(update, "<!channel> & Co")
    fake_slack.wait_for("chat.postMessage", 2)
    dm = fake_slack.messages_to("U0LAWYER")[-1]
    assert_escaped(dm, "<!channel> & Co")
    assert "<@U0PARTNER>" in dm["text"]
    # the example: /client with the approved client's name answers with escaped text
    fake_slack.settle()
    slack.command("U0LAWYER", "/client", "<!channel> & Co")
    reply = fake_slack.wait_for("response_url")[0].params
    assert reply["text"] == "&lt;!channel&gt; &amp; Co"
    assert_escaped(reply, "<!channel> & Co")


def test_declined_intake_dm_quotes_the_refusal_escaped(services, slack, fake_slack):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0PARTNER", "partner", "Wang")
    results = submit_form(slack, fake_slack, "U0LAWYER", answers(**{IntakeBlock.NAME: "<!channel>"}))
    send_for_approval(slack, fake_slack, "U0LAWYER", results)
    ref = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.DECLINE, str(ref["id"]), message=ref)
    view = slack.opened_view()
    slack.submit("U0PARTNER", view["id"], {IntakeBlock.REASON: "<https://evil|conflict>"})
    fake_slack.wait_for("chat.postMessage", 2)
    dm = fake_slack.messages_to("U0LAWYER")[-1]
    assert_escaped(dm, "<!channel>", "<https://evil|conflict>")
    update = fake_slack.wait_for("chat.update")[0].params
    assert_escaped(update, "<!channel>", "<https://evil|conflict>")


def test_morning_digest_and_churn_alert_escape_names_and_titles(services, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    c = make_client(services, "<!channel> Ltd", tier="core", team={"U0LEAD": "lead_lawyer"})
    add_note(services, c, "U0LEAD", datetime(2026, 11, 20, tzinfo=UTC))
    add_follow_up(services, c, "U0LEAD", date(2026, 11, 20), title="<https://evil|click> & sign")
    quiet = make_client(services, "<@U123> Quiet", tier="core", team={"U0LEAD": "lead_lawyer"},
                        created_at=datetime(2025, 1, 1, tzinfo=UTC))
    add_note(services, quiet, "U0LEAD", datetime(2026, 6, 1, tzinfo=UTC))
    run_jobs(job_context(services))
    [digest] = fake_slack.messages_to("U0LEAD")
    assert_escaped(digest, "<!channel> Ltd", "<https://evil|click> & sign")
    alerts = [m for m in fake_slack.calls if m.method == "chat.postMessage"
              and m.params.get("channel") != "U0LEAD"]
    assert alerts, "a churn alert for the quiet client"
    for alert in alerts:
        assert_escaped(alert.params, "<@U123> Quiet")


def test_error_messages_quote_user_text_escaped(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "Wang")
    slack.command("U0PARTNER", "/lawcrm", "matter close <!channel>")
    reply = fake_slack.wait_for("response_url")[0].params
    assert "&lt;!channel&gt;" in reply["text"] and "<!channel>" not in reply["text"]


def test_csat_table_escapes_lawyer_names():
    from bot.blocks.surveys import csat_text
    from bot.flows.surveys import CsatReport, CsatRow

    row = CsatRow(group="<!channel>", surveys=1, satisfied=1, average=5.0)
    area = CsatRow(group="nl_mna", surveys=1, satisfied=1, average=5.0)
    text = csat_text(CsatReport(overall=row, by_month=[], by_area=[area], by_lawyer=[row]), locale="en")
    lines = text.split("\n")
    assert any(line.startswith("&lt;!channel&gt;") for line in lines) and "<!channel>" not in text
    assert any(line.startswith("Non-litigation — M&amp;A") for line in lines)
    assert "&amp;amp;" not in text