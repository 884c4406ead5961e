"""Malformed signed Slack bodies: 400 and one log line, never a 500, a traceback or their content."""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.console.driver import SlackDriver
from bot.envelope import MalformedRequest, SlackRequest, check_shape
from storage.models import SlackReceipt
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, SLACK_ENV
from tests.support import make_staff
from tests.test_http import Served, free_port, wait_until_ready

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# Client data that must never reach a log line, whatever the body looks like.
MARK = "ZhangSan-110101199003078515"
USER = {"id": "U0LAWYER1", "username": "li", "team_id": "T0FIRM"}


def form(payload: Any) -> str:
    """An interactive body carrying `payload` as JSON."""
    return "payload=" + quote(json.dumps(payload))


VIEW = {"id": "V0001", "callback_id": "intake", "private_metadata": MARK,
        "state": {"values": {"b": {"a": {"type": "plain_text_input", "value": MARK}}}}}

MALFORMED: dict[str, tuple[str, str]] = {
    # the examples
    "payload not json": ("payload=%7Bnot-json" + quote(MARK), FORM),
    "truncated json body": ('{"type": "event_callback", "event": {"type": "app_mention", "text": "' + MARK, JSON),
    "payload a list": ("payload=[1,2]", FORM),
    "view without type": (form({"type": "view_submission", "user": USER, "trigger_id": "1.2.3", "view": VIEW}),
                          FORM),
    # more of the class
    "payload missing type": (form({"user": USER, "actions": [{"action_id": "x", "value": MARK}]}), FORM),
    "type not a string": (form({"type": ["block_actions"], "user": USER, "note": MARK}), FORM),
    "type a number": (form({"type": 7, "user": USER}), FORM),
    "block_actions without actions": (form({"type": "block_actions", "user": USER, "trigger_id": "1.2.3",
                                            "message": {"text": MARK}}), FORM),
    "block_actions with empty actions": (form({"type": "block_actions", "user": USER, "actions": []}), FORM),
    "action not an object": (form({"type": "block_actions", "user": USER, "actions": [MARK]}), FORM),
    "user a string": (form({"type": "block_actions", "user": MARK, "actions": [{"action_id": "x"}]}), FORM),
    "view a string": (form({"type": "view_submission", "user": USER, "view": MARK}), FORM),
    "view state a list": (form({"type": "view_submission", "user": USER,
                                "view": {**VIEW, "type": "modal", "state": [MARK]}}), FORM),
    "view_closed without view": (form({"type": "view_closed", "user": USER}), FORM),
    "suggestion without value": (form({"type": "block_suggestion", "user": USER, "action_id": "x"}), FORM),
    "shortcut without callback": (form({"type": "shortcut", "user": USER, "trigger_id": "1.2.3"}), FORM),
    "events body a list": (json.dumps([{"type": "event_callback", "event": {"type": "app_home_opened"}}]), JSON),
    "events body a string": (json.dumps(MARK), JSON),
    "event not an object": (json.dumps({"type": "event_callback", "event_id": "Ev1", "event": MARK}), JSON),
    "event without type": (json.dumps({"type": "event_callback", "event_id": "Ev2",
                                       "event": {"user": "U0LAWYER1", "text": MARK}}), JSON),
    "event without id": (json.dumps({"type": "event_callback",
                                     "event": {"type": "app_home_opened", "user": "U0LAWYER1"}}), JSON),
    "event channel a number": (json.dumps({"type": "event_callback", "event_id": "Ev3",
                                           "event": {"type": "message", "channel": 5, "text": MARK}}), JSON),
    "json with form content type": ('{"type": "block_actions", ' + MARK, FORM),
    "empty body": ("", FORM),
    "form without command": ("text=" + quote(MARK) + "&user_id=U0LAWYER1", FORM),
    "command not a command": ("command=lawcrm&user_id=U0LAWYER1&text=" + quote(MARK), FORM),
    "command without user": ("command=%2Flawcrm&text=" + quote(MARK), FORM),
    "not utf-8 json": ('{"type": "event_callback", "event": "\\ud800' + MARK, JSON),
}


def assert_one_clean_line(caplog: pytest.LogCaptureFixture) -> None:
    """Exactly one record about the request: a warning, without the body or a traceback."""
    records = [r for r in caplog.records if r.levelno >= logging.WARNING
               and r.name != "waitress.queue"]  # waitress's own "task queue depth" when the machine is busy
    assert [r.getMessage() for r in records] == ["malformed Slack request refused"]
    record = records[0]
    assert record.exc_info is None
    assert MARK not in str(record.__dict__) and MARK not in caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("case", list(MALFORMED))
def test_signed_malformed_body_is_400_with_one_log_line(services, fake_slack, caplog, case):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    app, _ = create_app(services=services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    body, ctype = MALFORMED[case]
    with caplog.at_level(logging.INFO):
        sent = driver.dispatch(body, driver.headers(body, content_type=ctype))
    assert sent.status == 400
    assert_one_clean_line(caplog)
    fake_slack.settle()
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []
    with services.session() as session:  # nothing recorded, not even a delivery receipt
        assert session.execute(select(func.count()).select_from(SlackReceipt)).scalar_one() == 0


@pytest.mark.parametrize("case", ["payload not json", "view without type", "events body a list"])
def test_unsigned_malformed_body_is_still_401(services, fake_slack, caplog, case):
    app, _ = create_app(services=services)
    driver = SlackDriver(app, signing_secret="forged", fake=fake_slack)
    body, ctype = MALFORMED[case]
    with caplog.at_level(logging.INFO, logger="bot"):
        assert driver.dispatch(body, driver.headers(body, content_type=ctype)).status == 401
        stale = driver.headers(body, content_type=ctype, timestamp=int(time.time()) - 600)
        good = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
        assert good.dispatch(body, good.headers(body, content_type=ctype, timestamp=int(time.time()) - 600)
                             ).status == 401
        assert driver.dispatch(body, {"content-type": [ctype]}).status == 401
    assert stale and "malformed" not in caplog.text


def test_malformed_retry_is_400_and_a_good_request_after_it_works(services, fake_slack, caplog):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    app, _ = create_app(services=services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    body, ctype = MALFORMED["event without type"]
    with caplog.at_level(logging.INFO, logger="bot"):
        assert driver.dispatch(body, driver.headers(body, content_type=ctype, retry_num=1)).status == 400
    assert caplog.records[0].__dict__["retry_num"] == "1"
    assert driver.command("U0LAWYER1", "/lawcrm", "whoami").status == 200
    assert "Li Lei" in fake_slack.wait_for("response_url")[0].params["text"]


def test_well_formed_shapes_pass_the_check():
    check_shape({"command": "/lawcrm", "user_id": "U1", "text": "payload=1"})
    check_shape({"ssl_check": "1", "token": "x"})
    check_shape({"type": "url_verification", "challenge": "abc", "token": "x"})
    check_shape({"type": "app_rate_limited", "team_id": "T1", "minute_rate_limited": 1})
    check_shape({"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_home_opened"}})
    check_shape({"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "a"}],
                 "team": None, "channel": {"id": "C1"}})
    check_shape({"type": "view_submission", "user": {"id": "U1"}, "view": {"type": "modal", "id": "V1"}})
    check_shape({"type": "something_new", "user": "whatever"})  # unknown kinds are Bolt's to answer
    with pytest.raises(MalformedRequest) as err:
        check_shape({"type": "view_submission", "user": {"id": "U1"}, "view": {"id": MARK}})
    assert err.value.reason == "view_submission view.type: missing" and MARK not in str(err.value)


def test_socket_mode_envelope_payload_is_checked_too():
    assert SlackRequest(body={"type": "view_submission", "user": USER, "view": VIEW},
                        mode="socket_mode").malformed == "view_submission view.type: missing"
    assert SlackRequest(body=[1, 2], mode="socket_mode").malformed == "envelope payload is not an object"  # type: ignore[arg-type]
    ok = SlackRequest(body={"command": "/lawcrm", "user_id": "U1", "text": ""}, mode="socket_mode")
    assert ok.malformed is None and ok.context.user_id == "U1"


# -- over HTTP ----------------------------------------------------------------------------------------------
HTTP_CASES = ["payload not json", "truncated json body", "payload a list", "view without type",
              "event not an object", "events body a list", "empty body"]


def test_malformed_bodies_over_waitress_are_400(services, fake_slack, caplog):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    app, _ = create_app(services=services)
    server = Served(app, services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    try:
        for case in HTTP_CASES:
            caplog.clear()
            body, ctype = MALFORMED[case]
            headers = {k: v[0] for k, v in driver.headers(body, content_type=ctype).items()}
            with caplog.at_level(logging.INFO):
                status, answer = server.request("POST", "/slack/events", body, headers)
            assert (case, status, answer) == (case, 400, "")
            assert_one_clean_line(caplog)
        # the server is unharmed
        body = driver.command_body(user="U0LAWYER1", command="/lawcrm", text="whoami")
        headers = {k: v[0] for k, v in driver.headers(body, content_type=FORM).items()}
        assert server.request("POST", "/slack/events", body, headers)[0] == 200
        assert "Li Lei" in fake_slack.wait_for("response_url")[0].params["text"]
    finally:
        server.stop()


def test_lawcrm_serve_answers_malformed_bodies_400_without_a_traceback(tmp_path, fake_slack):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SLACK_ENV}
    env.update({"DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url,
                "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port), "LOG_JSON": "true"})
    proc = subprocess.Popen([str(Path(sys.executable).parent / "lawcrm"), "serve"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    driver = SlackDriver(None, signing_secret=SIGNING_SECRET, fake=fake_slack)  # type: ignore[arg-type]

    def post(body: str, ctype: str) -> int:
        headers = {k: v[0] for k, v in driver.headers(body, content_type=ctype).items()}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
            return conn.getresponse().status
        finally:
            conn.close()

    try:
        wait_until_ready(proc, port)
        statuses = [post(*MALFORMED[case]) for case in HTTP_CASES]
        assert statuses == [400] * len(HTTP_CASES)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        out, err = proc.communicate()
    lines = [json.loads(line) for line in (out + err).splitlines() if line.startswith("{")]
    refused = [line for line in lines if line["msg"] == "malformed Slack request refused"]
    assert len(refused) == len(HTTP_CASES)
    assert all(line["level"] == "WARNING" and "exc" not in line for line in refused)
    assert "Traceback" not in err and MARK not in out + err
    assert not [line for line in lines if line["level"] == "ERROR"]
