"""Foundation, logging and errors: tokens redacted, Slack loggers quiet, error ids without payloads."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from bot.app import create_app
from bot.console.driver import SlackDriver
from bot.flows.errors import InvalidInput, PermissionDenied
from bot.i18n import t
from bot.logging_setup import QUIET, JsonFormatter, redact, setup_logging
from tests.conftest import SIGNING_SECRET
from tests.support import make_staff

BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
APP = "xapp-1-A0LAWCRM-1234567890-abcdef0123456789"


@pytest.fixture
def log_stream():
    """Install the production logging setup on a buffer; restore the previous one after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in QUIET})
    stream = io.StringIO()
    yield stream
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_redact_masks_every_kind_of_token():
    text = f"bot {BOT} app {APP} user xoxp-1-2-3 refresh xoxe-1-abc config xoxe.xoxp-1-abc"
    out = redact(text)
    assert "xoxb-" not in out and "xapp-" not in out and "xoxp-" not in out and "xoxe" not in out
    assert out.count("[redacted-token]") == 5


def test_json_formatter_redacts_tokens_in_message_extras_and_exceptions(log_stream):
    setup_logging(level="DEBUG", json_lines=True, stream=log_stream)
    log = logging.getLogger("lawcrm.test")
    log.info("token is %s", BOT, extra={"detail": f"app {APP}"})
    try:
        raise RuntimeError(f"auth failed for {BOT}")
    except RuntimeError:
        log.exception("call failed")
    raw = log_stream.getvalue()
    assert "xoxb-" not in raw and "xapp-" not in raw
    first, second = _lines(log_stream)
    assert first["msg"] == "token is [redacted-token]" and first["detail"] == "app [redacted-token]"
    assert "RuntimeError: auth failed for [redacted-token]" in second["exc"]


def test_plain_formatter_redacts_tokens_in_tracebacks_too(log_stream):
    setup_logging(level="INFO", json_lines=False, stream=log_stream)
    log = logging.getLogger("lawcrm.test")
    try:
        raise ValueError(f"bad token {APP}")
    except ValueError:
        log.exception("failed with %s", BOT)
    raw = log_stream.getvalue()
    assert "xoxb-" not in raw and "xapp-" not in raw
    assert "ValueError: bad token [redacted-token]" in raw


def test_slack_loggers_stay_at_info_with_debug(log_stream, services, fake_slack):
    setup_logging(level="DEBUG", json_lines=True, stream=log_stream)
    app, _ = create_app(services=services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    make_staff(services, "U0LAWYER1", "lawyer")
    driver.command("U0LAWYER1", "/lawcrm", "whoami sensitive-payload-text")
    fake_slack.wait_for("response_url")
    fake_slack.settle()
    assert logging.getLogger().isEnabledFor(logging.DEBUG)
    for name in ("slack_sdk", "slack_bolt"):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    logging.getLogger("slack_bolt.func").setLevel(logging.DEBUG)
    logging.getLogger("slack_bolt.func").debug("listener body sensitive-payload-text")
    raw = log_stream.getvalue()
    records = [json.loads(line) for line in raw.splitlines()]
    assert not [r for r in records if r["logger"].startswith(("slack_sdk", "slack_bolt"))
                and r["level"] == "DEBUG"]
    assert "sensitive-payload-text" not in raw and "xoxb-" not in raw


def _app_with(services, fake_slack, **subcommands):
    app, deps = create_app(services=services)
    deps.subcommands.update(subcommands)
    return SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)


def test_unhandled_error_gives_an_error_id_and_logs_no_payload(log_stream, services, fake_slack):
    setup_logging(level="DEBUG", json_lines=True, stream=log_stream)

    def parse_amount(call):
        int(call.args)  # ValueError quoting the user's text

    driver = _app_with(services, fake_slack, amount=parse_amount)
    make_staff(services, "U0LAWYER1", "lawyer", locale="zh-CN")
    secret = "张三的保密金额 ABC-PRIVILEGED"
    sent = driver.command("U0LAWYER1", "/lawcrm", f"amount {secret}")
    assert sent.status == 200
    text = fake_slack.wait_for("response_url")[0].params["text"]
    error_id = re.search(r"`([0-9a-f]{12})`", text).group(1)
    assert text == t("error.unexpected", "zh-CN", error_id=error_id)
    fake_slack.settle()
    records = [r for r in _lines(log_stream) if r.get("error_id") == error_id]
    assert len(records) == 1
    record = records[0]
    assert record["level"] == "ERROR" and record["command"] == "/lawcrm"
    assert "parse_amount" in record["stack"] and "builtins.ValueError" in record["stack"]
    raw = log_stream.getvalue()
    assert "ABC-PRIVILEGED" not in raw and "张三" not in raw and "保密" not in raw


def test_domain_error_after_ack_is_answered_politely_every_time(services, fake_slack):
    """Regression: Bolt reset the ack when a listener raised after ack(), answering 404."""

    def forbidden(call):
        raise PermissionDenied()

    driver = _app_with(services, fake_slack, forbidden=forbidden)
    make_staff(services, "U0LAWYER1", "lawyer")
    statuses = [driver.command("U0LAWYER1", "/lawcrm", "forbidden").status for _ in range(15)]
    assert statuses == [200] * 15
    calls = fake_slack.wait_for("response_url", 15)
    assert {c.params["text"] for c in calls} == {t("error.permission_denied", "en")}


def test_invalid_input_before_ack_in_a_modal_becomes_a_field_error(services, fake_slack):
    app, _ = create_app(services=services)

    @app.view("test-modal")
    def submit(ack, body):
        raise InvalidInput("error.bad_locale", field="lang_block", locale="xx")

    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    make_staff(services, "U0LAWYER1", "lawyer")
    fake_slack.views["V0TEST"] = {"id": "V0TEST", "type": "modal", "callback_id": "test-modal",
                                  "blocks": []}
    sent = driver.submit("U0LAWYER1", "V0TEST", {})
    assert sent.status == 200
    assert sent.json == {"response_action": "errors",
                         "errors": {"lang_block": t("error.bad_locale", "en", locale="xx")}}
    fake_slack.settle()
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []


def test_json_formatter_keeps_ids_and_numbers():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sent", None, None)
    record.notification_id, record.ok, record.channel = 7, True, "C0REVIEW"
    out = json.loads(JsonFormatter().format(record))
    assert (out["notification_id"], out["ok"], out["channel"]) == (7, True, "C0REVIEW")


def test_domain_error_from_a_button_in_a_modal_is_pushed_on_top(services, fake_slack):
    app, _ = create_app(services=services)

    @app.action("probe-denied")
    def denied(ack):
        ack()
        raise PermissionDenied()

    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    make_staff(services, "U0LAWYER1", "lawyer", locale="zh-CN")
    fake_slack.views["V0FORM"] = {"id": "V0FORM", "type": "modal", "callback_id": "form", "blocks": []}
    assert driver.click("U0LAWYER1", "probe-denied", view_id="V0FORM").status == 200
    pushed = fake_slack.wait_for("views.push")[0].params
    assert pushed["trigger_id"] and t("error.permission_denied", "zh-CN") in json.dumps(
        pushed["view"], ensure_ascii=False)
    fake_slack.settle()
    assert fake_slack.of("views.update") == []  # the user's form is left as it was


def test_plain_formatter_shows_error_id_and_safe_stack(log_stream):
    from bot.logging_setup import safe_stack

    setup_logging(level="INFO", json_lines=False, stream=log_stream)
    try:
        secret = "张三 " + BOT
        int(secret)
    except ValueError as exc:
        logging.getLogger("lawcrm.test").error("unhandled error",
                                               extra={"error_id": "abc123", "stack": safe_stack(exc)})
    raw = log_stream.getvalue()
    assert "[error_id=abc123]" in raw and "builtins.ValueError (message withheld)" in raw
    assert "张三" not in raw and "xoxb-" not in raw
