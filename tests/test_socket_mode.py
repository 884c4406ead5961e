"""Socket Mode end to end: `lawcrm socket` against a WebSocket server on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.console.driver import SlackDriver
from bot.console.fake_slack import FakeSlack
from bot.ids import IntakeAction
from bot.i18n import t
from tests.conftest import BOT_TOKEN, SLACK_ENV
from tests.fake_socket_mode import FakeSocketMode

APP_TOKEN = "xapp-1-A0LAWCRM-1-sockettest"
ASK_ADMIN = t("error.unknown_user", "en")


@pytest.fixture
def socket_server(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    """A Socket Mode endpoint whose URL the fake Web API hands out."""
    server = FakeSocketMode().start()
    fake_slack.socket_url = server.url
    yield server
    fake_slack.socket_url = None
    server.stop()


def command_payload(driver: SlackDriver, fake: FakeSlack, name: str) -> dict[str, Any]:
    """A slash command as a Socket Mode payload (the form fields, as a JSON object)."""
    body = dict(parse_qsl(driver.command_body(user="U0STRANGER", command="/lawcrm", text="whoami")))
    body["response_url"] = fake.response_url(name)
    return body


def click_payload(driver: SlackDriver, fake: FakeSlack, name: str) -> dict[str, Any]:
    """A button press in a message (an intake approval, by someone who is not staff)."""
    payload = driver._base("U0STRANGER", "block_actions")
    payload.update({
        "actions": [{"action_id": IntakeAction.APPROVE, "block_id": "b", "type": "button", "value": "1",
                     "action_ts": "1700000000.000100", "text": {"type": "plain_text", "text": "Approve"}}],
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0REVIEW",
                      "is_ephemeral": False},
        "channel": {"id": "C0REVIEW", "name": "review"},
        "message": {"type": "message", "ts": "1700000000.000100", "text": "", "blocks": []},
        "response_url": fake.response_url(name),
    })
    return payload


def home_event(event_id: str) -> dict[str, Any]:
    """An Events API app_home_opened callback."""
    return {"token": "unused", "team_id": "T0FIRM", "api_app_id": "A0LAWCRM", "type": "event_callback",
            "event_id": event_id, "event_time": 1700000000,
            "event": {"type": "app_home_opened", "user": "U0STRANGER", "channel": "D0STRANGER", "tab": "home",
                      "event_ts": "1700000000.000100"},
            "authorizations": [{"team_id": "T0FIRM", "user_id": "U0BOT", "is_bot": True}]}


def replies_to(fake: FakeSlack, name: str) -> list[dict[str, Any]]:
    """What was posted to one response_url."""
    return [c.params for c in fake.of("response_url") if c.params["_url"] == f"/response/{name}"]


def wait_until(check: Any, timeout: float = 10.0) -> None:
    """Poll until check() is true (fail after the timeout)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_lawcrm_socket_acks_every_envelope_reconnects_and_stops_on_sigterm(tmp_path, fake_slack, socket_server):
    env = {k: v for k, v in os.environ.items() if k not in SLACK_ENV}
    env.update({"DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN,
                "SLACK_API_URL": fake_slack.url, "LOG_JSON": "true"})
    proc = subprocess.Popen([str(Path(sys.executable).parent / "lawcrm"), "socket"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    driver = SlackDriver(None, signing_secret="unused", fake=fake_slack)  # type: ignore[arg-type]
    try:
        socket_server.wait_connections(1, timeout=60)
        opened = fake_slack.of("apps.connections.open")
        assert len(opened) == 1 and opened[0].token == APP_TOKEN

        # A slash command, a button press and an event: each acked in time, each done once.
        sent = [socket_server.send("slash_commands", command_payload(driver, fake_slack, "cmd-1")),
                socket_server.send("interactive", click_payload(driver, fake_slack, "click-1")),
                socket_server.send("events_api", home_event("Ev0SOCKET01"))]
        for envelope_id in sent:
            ack = socket_server.wait_ack(envelope_id)
            assert ack.after < 3.0 and ack.connection == 1
        wait_until(lambda: replies_to(fake_slack, "cmd-1") and replies_to(fake_slack, "click-1")
                   and fake_slack.of("views.publish"))
        assert [r["text"] for r in replies_to(fake_slack, "cmd-1")] == [ASK_ADMIN]
        assert [r["text"] for r in replies_to(fake_slack, "click-1")] == [ASK_ADMIN]

        # Slack retries the event (the first ack was late, say): acked, not done again.
        retried = socket_server.send("events_api", home_event("Ev0SOCKET01"), retry_attempt=1,
                                     retry_reason="timeout")
        assert socket_server.wait_ack(retried).after < 3.0
        # A malformed envelope: acked (so it is not sent again), nothing done.
        broken = driver._base("U0STRANGER", "view_submission")
        broken["view"] = {"id": "V0BROKEN", "callback_id": "x"}  # no type
        assert socket_server.wait_ack(socket_server.send("interactive", broken)).payload is None

        # Slack asks for a refresh: the app opens a new connection and works on it.
        socket_server.refresh()
        socket_server.wait_connections(2)
        wait_until(lambda: len(fake_slack.of("apps.connections.open")) == 2)
        after = socket_server.send("slash_commands", command_payload(driver, fake_slack, "cmd-2"))
        late = socket_server.wait_ack(after)
        assert late.connection == 2 and late.after < 3.0, late
        wait_until(lambda: replies_to(fake_slack, "cmd-2"))

        fake_slack.settle(quiet=0.5)
        assert len(fake_slack.of("views.publish")) == 1
        assert len(replies_to(fake_slack, "cmd-1")) == len(replies_to(fake_slack, "click-1")) == 1
        assert len(replies_to(fake_slack, "cmd-2")) == 1
        assert len({a.envelope_id for a in socket_server.acks}) == len(socket_server.acks) == 6

        proc.send_signal(signal.SIGTERM)
        stopping = time.monotonic()
        assert proc.wait(timeout=20) == 0
        assert time.monotonic() - stopping < 10
        wait_until(lambda: socket_server.connections[-1].close_code is not None, timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
        out, err = proc.communicate()
    assert "Traceback" not in err and APP_TOKEN not in out + err and BOT_TOKEN not in out + err
    lines = [json.loads(line) for line in (out + err).splitlines() if line.startswith("{")]
    assert [line["msg"] for line in lines].count("malformed Slack request refused") == 1
    assert [line["msg"] for line in lines].count("duplicate delivery dropped") == 1
    assert not [line for line in lines if line["level"] == "ERROR"]
