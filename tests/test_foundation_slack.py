"""Foundation, Slack edge: signatures, retried deliveries, unknown users, App Home, escaping."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.console.driver import SlackDriver
from bot.i18n import t
from storage.models import AuditEvent, SlackReceipt, Staff
from tests.conftest import SIGNING_SECRET
from tests.support import make_staff

FORM = "application/x-www-form-urlencoded"


# -- signatures ---------------------------------------------------------------------------------

def test_valid_signature_is_answered(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    body = slack.command_body(user="U0LAWYER1", command="/lawcrm", text="whoami")
    sent = slack.dispatch(body, slack.headers(body, content_type=FORM))
    assert sent.status == 200
    assert "Li Lei" in fake_slack.wait_for("response_url")[0].params["text"]


@pytest.mark.parametrize("age", [301, 360, 3600])
def test_signature_older_than_five_minutes_is_refused(services, slack, fake_slack, age):
    make_staff(services, "U0LAWYER1", "lawyer")
    body = slack.command_body(user="U0LAWYER1", command="/lawcrm", text="whoami")
    sent = slack.dispatch(body, slack.headers(body, content_type=FORM, timestamp=int(time.time()) - age))
    assert sent.status == 401
    fake_slack.settle()
    assert fake_slack.of("response_url") == []


def test_tampered_body_is_refused(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer")
    signed = slack.command_body(user="U0LAWYER1", command="/lawcrm", text="whoami")
    tampered = signed.replace("whoami", "lang+zh-CN")
    sent = slack.dispatch(tampered, slack.headers(signed, content_type=FORM))
    assert sent.status == 401
    fake_slack.settle()
    assert fake_slack.of("response_url") == []
    with services.session() as session:
        assert session.execute(select(Staff.locale)).scalar_one() is None


@pytest.mark.parametrize("drop", [("x-slack-signature",), ("x-slack-request-timestamp",),
                                  ("x-slack-signature", "x-slack-request-timestamp")])
def test_missing_signature_headers_are_refused(services, slack, fake_slack, drop):
    body = slack.command_body(user="U0LAWYER1", command="/lawcrm", text="help")
    headers = {k: v for k, v in slack.headers(body, content_type=FORM).items() if k not in drop}
    assert slack.dispatch(body, headers).status == 401
    fake_slack.settle()
    assert fake_slack.of("response_url") == []


def test_signature_of_another_secret_is_refused(services, slack, fake_slack):
    other = SlackDriver(slack.app, signing_secret="not-the-secret", fake=fake_slack)
    body = slack.command_body(user="U0LAWYER1", command="/lawcrm", text="help")
    assert slack.dispatch(body, other.headers(body, content_type=FORM)).status == 401


# -- retried deliveries ---------------------------------------------------------------------------

def test_retried_event_has_one_effect(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    event = {"type": "app_home_opened", "user": "U0LAWYER1", "channel": "D0LAWYER1", "tab": "home",
             "event_ts": "1700000000.000100"}
    assert slack.event(event, event_id="Ev0RETRY01").status == 200
    fake_slack.wait_for("views.publish")
    assert slack.event(event, event_id="Ev0RETRY01", retry_num=1).status == 200
    assert slack.event(event, event_id="Ev0RETRY01", retry_num=2).status == 200
    fake_slack.settle()
    assert len(fake_slack.of("views.publish")) == 1
    # a new event (new id) is handled again
    slack.event(event, event_id="Ev0RETRY02")
    fake_slack.wait_for("views.publish", 2)


def test_retried_slash_command_is_handled_once(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer")
    trigger = slack.trigger_id()
    assert slack.command("U0LAWYER1", "/lawcrm", "lang zh-CN", trigger_id=trigger).status == 200
    fake_slack.wait_for("response_url")
    assert slack.command("U0LAWYER1", "/lawcrm", "lang zh-CN", trigger_id=trigger, retry_num=1).status == 200
    fake_slack.settle()
    assert len(fake_slack.of("response_url")) == 1
    with services.session() as session:
        langs = sum(1 for fields in session.execute(select(AuditEvent.fields)).scalars()
                    if fields == ["locale"])
        receipts = session.execute(select(func.count()).select_from(SlackReceipt)).scalar_one()
    assert langs == 1
    assert receipts == 1


# -- unknown users -----------------------------------------------------------------------------------

def test_unknown_user_command_gets_only_the_ask_an_admin_message(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    for sub in ("whoami", "help", "lang zh-CN", ""):
        fake_slack.reset()
        assert slack.command("U0STRANGER", "/lawcrm", sub).status == 200
        calls = fake_slack.wait_for("response_url")
        fake_slack.settle()
        assert calls[0].params["text"] == t("error.unknown_user", "en")
        assert calls[0].params["response_type"] == "ephemeral"
        assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == ["response_url"]
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(Staff)).scalar_one() == 1


def test_unknown_user_in_firm_default_language(services, fake_slack):
    services.settings = services.settings.model_copy(update={"default_locale": "zh-CN"})
    app, _ = create_app(services=services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    driver.command("U0STRANGER", "/lawcrm", "whoami")
    assert fake_slack.wait_for("response_url")[0].params["text"] == t("error.unknown_user", "zh-CN")


def test_unknown_user_button_click_gets_only_the_message(services, fake_slack):
    from bot.errors import require_actor

    app, _ = create_app(services=services)
    reached = []

    @app.action("probe-actor")
    def probe(ack, context):
        ack()
        require_actor(context)
        reached.append("data")

    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    assert driver.click("U0STRANGER", "probe-actor", "1", message={"channel": "C0GENERAL", "ts": "1.0"}).status == 200
    call = fake_slack.wait_for("response_url")[0]
    fake_slack.settle()
    assert call.params["text"] == t("error.unknown_user", "en") and call.params["response_type"] == "ephemeral"
    assert call.params["replace_original"] is False
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == ["response_url"]
    assert reached == []


# -- App Home -------------------------------------------------------------------------------------------

def _home_event(user: str, tab: str = "home") -> dict:
    return {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": tab,
            "event_ts": f"{time.time():.6f}"}


def _texts(view: dict) -> str:
    out = []
    for block in view["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        for el in block.get("elements", []):
            out.append(el.get("text", ""))
    return "\n".join(out)


def test_home_shows_name_role_and_commands(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    slack.event(_home_event("U0LAWYER1"))
    call = fake_slack.wait_for("views.publish")[0]
    assert call.params["user_id"] == "U0LAWYER1"
    view = call.params["view"]
    assert view["type"] == "home"
    text = _texts(view)
    assert "Li Lei" in text and "Lawyer" in text and "/intake" in text and "/lawcrm whoami" in text


def test_home_in_the_users_language(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "王芳", locale="zh-CN", managing_partner=True)
    slack.event(_home_event("U0PARTNER"))
    text = _texts(fake_slack.wait_for("views.publish")[0].params["view"])
    assert "王芳" in text and "合伙人" in text and "主任合伙人" in text and "利益冲突" in text


def test_home_for_unknown_user_says_ask_an_admin_only(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    slack.event(_home_event("U0STRANGER"))
    view = fake_slack.wait_for("views.publish")[0].params["view"]
    text = _texts(view)
    assert t("error.unknown_user", "en") in text
    assert "/intake" not in text and "Wang Fang" not in text
    fake_slack.settle()
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == ["views.publish"]


def test_home_messages_tab_publishes_nothing(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer")
    assert slack.event(_home_event("U0LAWYER1", tab="messages")).status == 200
    fake_slack.settle()
    assert fake_slack.of("views.publish") == []


def test_home_sections_from_other_features_are_appended(services, fake_slack):
    app, deps = create_app(services=services)
    seen = []

    def provider(session, actor, locale):
        seen.append((actor.slack_user_id, locale, session.is_active))
        return [{"type": "section", "text": {"type": "mrkdwn", "text": f"extra for {actor.role.value}"}}]

    deps.home_sections.append(provider)
    make_staff(services, "U0ASSIST1", "assistant", "Xiao Zhang", locale="zh-CN")
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    driver.event(_home_event("U0ASSIST1"))
    view = fake_slack.wait_for("views.publish")[0].params["view"]
    assert view["blocks"][-1]["text"]["text"] == "extra for assistant"
    assert seen == [("U0ASSIST1", "zh-CN", True)]
    # unknown users never reach the providers
    driver.event(_home_event("U0STRANGER"))
    fake_slack.wait_for("views.publish", 2)
    assert len(seen) == 1


# -- escaping -----------------------------------------------------------------------------------------------

EVIL = "<!channel> & <https://evil|click>"


def test_escape_neutralises_mrkdwn_control_characters():
    from bot.slack_text import escape, mention

    assert escape(EVIL) == "&lt;!channel&gt; &amp; &lt;https://evil|click&gt;"
    assert escape("&amp;") == "&amp;amp;"
    assert escape(None) == "" and escape("") == ""
    assert escape("张三 <王五>") == "张三 &lt;王五&gt;"
    assert mention("U0LAWYER1") == "<@U0LAWYER1>"
    assert mention("<!here>") == "&lt;!here&gt;"


def test_staff_name_shows_literally_in_whoami(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", EVIL)
    slack.command("U0LAWYER1", "/lawcrm", "whoami")
    text = fake_slack.wait_for("response_url")[0].params["text"]
    assert "&lt;!channel&gt; &amp; &lt;https://evil|click&gt;" in text
    assert "<!channel>" not in text and "<https://evil" not in text
    # the only live mention is the user's own, built from their id
    assert text.count("<") == 1 and "<@U0LAWYER1>" in text


def test_staff_name_shows_literally_on_home(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", EVIL)
    slack.event(_home_event("U0LAWYER1"))
    text = _texts(fake_slack.wait_for("views.publish")[0].params["view"])
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def test_unknown_subcommand_is_escaped(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer")
    slack.command("U0LAWYER1", "/lawcrm", "<!everyone>")
    text = fake_slack.wait_for("response_url")[0].params["text"]
    assert "<!everyone>" not in text and "&lt;!everyone&gt;" in text


# -- body parsing -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["whoami payload", "whoami payload=1&x", "whoami {\"payload\": 1}"])
def test_command_text_containing_payload_is_parsed_as_a_command(services, slack, fake_slack, text):
    """Regression: Bolt parsed any form body containing "payload" as {} and answered 404."""
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    assert slack.command("U0LAWYER1", "/lawcrm", text).status == 200
    assert "Li Lei" in fake_slack.wait_for("response_url")[0].params["text"]


def test_channel_named_payload_is_parsed_as_a_command(services, slack, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    body = slack.command_body(user="U0LAWYER1", command="/lawcrm", text="whoami",
                              channel="C0PAYLOAD").replace("c0payload", "payload-team")
    assert slack.dispatch(body, slack.headers(body, content_type=FORM)).status == 200
    fake_slack.wait_for("response_url")


def test_interactive_payload_still_parsed(services, fake_slack):
    from bot.app import parse_form_body

    app, _ = create_app(services=services)
    seen = []

    @app.action("probe")
    def probe(ack, body):
        ack()
        seen.append((body["type"], body["actions"][0]["value"]))

    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    assert driver.click("U0STRANGER", "probe", "payload & more").status == 200
    deadline = time.monotonic() + 5  # the answer goes out at ack(), before the listener goes on
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen == [("block_actions", "payload & more")]
    assert parse_form_body("payload=%7B%22type%22%3A%22block_actions%22%7D") == {"type": "block_actions"}
    assert parse_form_body("command=%2Flawcrm&text=payload") == {"command": "/lawcrm", "text": "payload"}


def test_http_requests_are_verified_even_when_an_app_token_is_set(services, fake_slack):
    """Regression: SLACK_APP_TOKEN next to the signing secret turned verification off."""
    services.settings = services.settings.model_copy(update={"slack_app_token": "xapp-1-A-1-x"})
    app, _ = create_app(services=services)
    good = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    forged = SlackDriver(app, signing_secret="forged", fake=fake_slack)
    body = good.command_body(user="U0LAWYER1", command="/lawcrm", text="help")
    assert good.dispatch(body, forged.headers(body, content_type=FORM)).status == 401
    assert good.dispatch(body, {"content-type": [FORM]}).status == 401
    assert good.dispatch(body, good.headers(body, content_type=FORM)).status == 200
