"""Serving Slack: HTTP on a real waitress server, mode selection, Socket Mode, channel checks."""

from __future__ import annotations

import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from slack_sdk import WebClient
from waitress import wasyncore

from bot.app import create_app
from bot.channels import ChannelConfigError, check_channels
from bot.cli import build_cli
from bot.console.driver import SlackDriver
from bot.http import MAX_BODY_BYTES, create_http_server
from bot.logging_setup import QUIET as QUIET_LOGGERS
from bot.services import Services
from bot.settings import SettingsError, load_settings
from storage.db import make_engine, make_session_factory
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, SLACK_ENV, make_settings
from tests.support import make_staff


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(proc: subprocess.Popen[str], port: int, timeout: float = 60) -> None:
    """Wait for the served process to answer /readyz 200 (it must not exit meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/readyz")
            assert conn.getresponse().status == 200
            conn.close()
            return
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[1]
            time.sleep(0.2)


class Served:
    """The production WSGI app on waitress, on a free loopback port, in a thread."""

    def __init__(self, app: Any, services: Services) -> None:
        self.server = create_http_server(app, services, host="127.0.0.1", port=0)
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="test-waitress")
        self.thread.start()

    def request(self, method: str, path: str, body: bytes | str = b"",
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        """One HTTP request; the status and body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            conn.request(method, path, body=body.encode() if isinstance(body, str) else body,
                         headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read().decode()
        finally:
            conn.close()

    def stop(self) -> None:
        """Close every socket from inside the server's loop (so it ends), then its workers."""
        try:
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        except OSError:  # the trigger pipe is already gone: close the sockets from here
            wasyncore.close_all(self.server._map)
        self.thread.join(timeout=10)
        self.server.task_dispatcher.shutdown()
        assert not self.thread.is_alive()


@pytest.fixture
def served(services: Services) -> Iterator[tuple[Served, Any]]:
    """The real app behind waitress, plus the app (to sign requests for it)."""
    app, _ = create_app(services=services)
    server = Served(app, services)
    yield server, app
    server.stop()


def unreachable_services(tmp_path: Path, test_keyring: Any) -> Services:
    """Services whose database is a PostgreSQL URL on a closed port."""
    settings = make_settings(db_url=f"postgresql+psycopg://127.0.0.1:{free_port()}/nothing", fake=None,
                             tmp_path=tmp_path)
    engine = make_engine(settings.resolved_database_url, keyring=test_keyring)
    return Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                    keyring=test_keyring)


def signed(app: Any, fake_slack: Any, *, user: str, text: str, secret: str = SIGNING_SECRET,
           timestamp: int | None = None) -> tuple[str, dict[str, str]]:
    """A slash command body and the headers Slack would send with it."""
    driver = SlackDriver(app, signing_secret=secret, fake=fake_slack)
    body = driver.command_body(user=user, command="/lawcrm", text=text)
    headers = {k: v[0] for k, v in driver.headers(body, content_type="application/x-www-form-urlencoded",
                                                  timestamp=timestamp).items()}
    return body, headers


# -- probes -------------------------------------------------------------------------------------------
def test_healthz_and_readyz_when_the_database_is_up(served):
    server, _ = served
    assert server.request("GET", "/healthz") == (200, "ok")
    assert server.request("GET", "/readyz") == (200, "ready")
    assert server.request("HEAD", "/readyz")[0] == 200
    assert server.request("GET", "/nowhere")[0] == 404
    assert server.request("POST", "/healthz")[0] == 405
    assert server.request("GET", "/slack/events")[0] == 405


def test_readyz_is_503_and_healthz_200_when_the_database_is_unreachable(tmp_path, test_keyring, fake_slack,
                                                                       caplog):
    services = unreachable_services(tmp_path, test_keyring)
    app, _ = create_app(services=services, client=WebClient(token=BOT_TOKEN, base_url=fake_slack.url))
    server = Served(app, services)
    try:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="bot.http"):
            assert server.request("GET", "/readyz") == (503, "database unreachable")
        assert time.monotonic() - started < 6
        assert server.request("GET", "/healthz") == (200, "ok")
        assert "nothing" not in caplog.text and "readiness check failed" in caplog.text
    finally:
        server.stop()
        services.engine.dispose()


# -- /slack/events ---------------------------------------------------------------------------------------
def test_signed_slash_command_over_http_is_handled(served, services, fake_slack):
    server, app = served
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    body, headers = signed(app, fake_slack, user="U0LAWYER1", text="whoami")
    status, _ = server.request("POST", "/slack/events", body, headers)
    assert status == 200
    reply = fake_slack.wait_for("response_url")[0].params
    assert "role: *Lawyer*" in reply["text"] and reply["response_type"] == "ephemeral"


@pytest.mark.parametrize("case", ["unsigned", "wrong secret", "tampered", "stale"])
def test_badly_signed_requests_get_401_and_do_nothing(served, services, fake_slack, case):
    server, app = served
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    secret = "not-the-secret" if case == "wrong secret" else SIGNING_SECRET
    stamp = int(time.time()) - 6 * 60 if case == "stale" else None
    body, headers = signed(app, fake_slack, user="U0LAWYER1", text="whoami", secret=secret, timestamp=stamp)
    if case == "unsigned":
        headers = {"Content-Type": headers["content-type"]}
    if case == "tampered":
        body = body.replace("whoami", "help")
    status, _ = server.request("POST", "/slack/events", body, headers)
    assert status == 401
    fake_slack.settle()
    assert fake_slack.of("response_url") == []


def test_signature_is_checked_even_when_an_app_token_is_also_set(services, fake_slack, tmp_path):
    settings = make_settings(db_url=services.settings.resolved_database_url, fake=fake_slack, tmp_path=tmp_path,
                             slack_app_token="xapp-1-test")
    both = Services(settings=settings, engine=services.engine, session_factory=services.session_factory,
                    keyring=services.keyring, clock=services.clock)
    app, _ = create_app(services=both)
    server = Served(app, both)
    try:
        body, headers = signed(app, fake_slack, user="U0LAWYER1", text="whoami", secret="forged")
        assert server.request("POST", "/slack/events", body, headers)[0] == 401
    finally:
        server.stop()


def test_socket_mode_envelopes_are_handled_without_a_signature(services, fake_slack, tmp_path):
    from slack_bolt import BoltRequest

    settings = make_settings(db_url=services.settings.resolved_database_url, fake=fake_slack, tmp_path=tmp_path,
                             slack_app_token="xapp-1-test", slack_signing_secret=None)
    socket_services = Services(settings=settings, engine=services.engine, session_factory=services.session_factory,
                               keyring=services.keyring, clock=services.clock)
    assert settings.mode == "socket"
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    app, _ = create_app(services=socket_services)
    body = SlackDriver(app, signing_secret="unused", fake=fake_slack).command_body(
        user="U0LAWYER1", command="/lawcrm", text="whoami")
    assert app.dispatch(BoltRequest(body=body, mode="socket_mode")).status == 200
    assert "role: *Lawyer*" in fake_slack.wait_for("response_url")[0].params["text"]
    # The same request over HTTP (no signing secret configured in Socket Mode) is refused.
    assert app.dispatch(BoltRequest(body=body, headers={})).status == 401
    fake_slack.settle()
    assert len(fake_slack.of("response_url")) == 1


def test_oversized_bodies_are_refused_before_they_are_read(served):
    server, _ = served
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\n\r\n".encode())
        assert conn.recv(200).split(b"\r\n")[0] == b"HTTP/1.1 413 Request Entity Too Large"


# -- mode selection -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("env", "mode"), [
    ({}, "console"),
    ({"slack_bot_token": "xoxb-1", "slack_signing_secret": "s"}, "http"),
    ({"slack_bot_token": "xoxb-1", "slack_app_token": "xapp-1"}, "socket"),
    ({"slack_bot_token": "xoxb-1", "slack_signing_secret": "s", "slack_app_token": "xapp-1"}, "socket"),
])
def test_mode_follows_the_settings_present(env, mode):
    assert load_settings(_env_file=None, **env).mode == mode


@pytest.mark.parametrize(("env", "named"), [
    ({"slack_bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ({"slack_app_token": "xapp-1"}, "SLACK_BOT_TOKEN"),
])
def test_incomplete_slack_settings_stop_with_one_line(env, named):
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None, **env)
    assert named in str(err.value) and "\n" not in str(err.value)
    assert "SETTINGS:" not in str(err.value)


def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str],
        stdin: str = "") -> Any:
    """Run `lawcrm` in-process with a fresh data directory and only the given environment."""
    monkeypatch.chdir(tmp_path)  # no developer .env file
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in QUIET_LOGGERS})
    try:
        return CliRunner().invoke(build_cli(), args, input=stdin,
                                  env={"DATA_DIR": str(tmp_path / "data"), **env}, catch_exceptions=False)
    finally:  # the command set up logging on the runner's streams: put the test's back
        root.handlers[:], root.level = saved[0], saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


def error_lines(result: Any) -> list[str]:
    """The `lawcrm:` lines the command printed (logs aside)."""
    return [line for line in result.stderr.splitlines() if line.startswith("lawcrm:")]


def test_socket_without_app_token_exits_with_one_line(tmp_path, monkeypatch):
    result = cli(tmp_path, monkeypatch, ["socket"], {})
    assert result.exit_code == 2
    assert error_lines(result) == ["lawcrm: invalid setting SLACK_APP_TOKEN: required for Socket Mode"]
    assert not (tmp_path / "data" / "lawcrm.db").exists()  # nothing touched before the check


def test_serve_without_signing_secret_exits_with_one_line(tmp_path, monkeypatch):
    result = cli(tmp_path, monkeypatch, ["serve"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert result.exit_code == 2
    assert error_lines(result) == ["lawcrm: invalid setting SLACK_SIGNING_SECRET: required to serve HTTP"]


def test_run_without_credentials_is_the_console(tmp_path, monkeypatch):
    result = cli(tmp_path, monkeypatch, ["run"], {}, stdin="/lawcrm whoami\n:quit\n")
    assert result.exit_code == 0, result.output
    assert "Law CRM console" in result.stdout and "role: *Partner*" in result.stdout


# -- start-up channel check ----------------------------------------------------------------------------
def channel_settings(tmp_path: Path, fake_slack: Any, **channels: str) -> Any:
    """Settings naming channels, pointing at the fake Slack."""
    return make_settings(db_url="sqlite://", fake=fake_slack, tmp_path=tmp_path, **channels)


def client_for(fake_slack: Any) -> WebClient:
    """A Web API client on the fake."""
    return WebClient(token=BOT_TOKEN, base_url=fake_slack.url)


def test_internal_private_channels_pass(tmp_path, fake_slack, caplog):
    settings = channel_settings(tmp_path, fake_slack)
    with caplog.at_level(logging.WARNING, logger="bot.channels"):
        assert check_channels(client_for(fake_slack), settings) == frozenset()
    assert caplog.records == []
    assert {c.params["channel"] for c in fake_slack.of("conversations.info")} == {"C0REVIEW", "C0ALERTS"}


@pytest.mark.parametrize("flag", ["is_ext_shared", "is_pending_ext_shared"])
def test_slack_connect_channel_is_refused_naming_the_setting(tmp_path, fake_slack, flag):
    fake_slack.channels["C0ALERTS"] = {flag: True}
    with pytest.raises(ChannelConfigError) as err:
        check_channels(client_for(fake_slack), channel_settings(tmp_path, fake_slack))
    message = str(err.value)
    assert message.startswith("ALERTS_CHANNEL=C0ALERTS is shared with another organisation")
    assert "\n" not in message


def test_public_partner_review_channel_logs_a_warning(tmp_path, fake_slack, caplog):
    fake_slack.channels["C0REVIEW"] = {"is_private": False}
    with caplog.at_level(logging.WARNING, logger="bot.channels"):
        assert check_channels(client_for(fake_slack), channel_settings(tmp_path, fake_slack)) == frozenset()
    assert [r.getMessage() for r in caplog.records] == [
        "partner review channel is public; it should be private to partners"]


def test_unknown_or_unreachable_channel_names_the_setting(tmp_path, fake_slack):
    fake_slack.fail("conversations.info", error="channel_not_found")
    with pytest.raises(ChannelConfigError, match=r"^PARTNER_REVIEW_CHANNEL=C0REVIEW: Slack says channel_not_found"):
        check_channels(client_for(fake_slack), channel_settings(tmp_path, fake_slack))
    closed = WebClient(token=BOT_TOKEN, base_url=f"http://127.0.0.1:{free_port()}/api/", timeout=3)
    with pytest.raises(ChannelConfigError, match="cannot reach Slack"):
        check_channels(closed, channel_settings(tmp_path, fake_slack))


@pytest.mark.parametrize("command", ["serve", "socket", "run", "jobs"])
def test_processes_refuse_to_start_with_a_slack_connect_channel(tmp_path, monkeypatch, fake_slack, command):
    fake_slack.channels["C0SHARED"] = {"is_ext_shared": True}
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url,
           "PARTNER_REVIEW_CHANNEL": "C0SHARED"}
    if command == "socket":
        env["SLACK_APP_TOKEN"] = "xapp-1-test"
    result = cli(tmp_path, monkeypatch, [command], env)
    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 1 and lines[0].startswith(
        "lawcrm: PARTNER_REVIEW_CHANNEL=C0SHARED is shared with another organisation (Slack Connect)")
    assert result.stderr.strip().splitlines()[-1] == lines[0]
    assert not fake_slack.of("apps.connections.open")


# -- the installed `lawcrm serve`, end to end -------------------------------------------------------------
def test_lawcrm_serve_answers_slack_and_stops_cleanly_on_sigterm(tmp_path, fake_slack):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SLACK_ENV}
    env.update({"DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url,
                "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port), "PARTNER_REVIEW_CHANNEL": "C0REVIEW"})
    proc = subprocess.Popen([str(Path(sys.executable).parent / "lawcrm"), "serve"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_ready(proc, port)
        # Only to build and sign the request: it is dispatched by the server process, over HTTP.
        driver = SlackDriver(None, signing_secret=SIGNING_SECRET, fake=fake_slack)  # type: ignore[arg-type]
        body = driver.command_body(user="U0STRANGER", command="/lawcrm", text="whoami")
        headers = {k: v[0] for k, v in driver.headers(body, content_type="application/x-www-form-urlencoded").items()}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
        assert conn.getresponse().status == 200
        conn.close()
        assert "ask an administrator" in fake_slack.wait_for("response_url")[0].params["text"]
        assert {c.params["channel"] for c in fake_slack.of("conversations.info")} == {"C0REVIEW"}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        out, err = proc.communicate()
    assert "Traceback" not in err and SIGNING_SECRET not in err and BOT_TOKEN not in err


def test_socket_mode_reports_a_refused_app_token_in_one_line(tmp_path, monkeypatch, fake_slack):
    fake_slack.fail("apps.connections.open", error="invalid_auth", times=5)
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xapp-1-test", "SLACK_API_URL": fake_slack.url}
    result = cli(tmp_path, monkeypatch, ["socket"], env)
    assert result.exit_code == 2
    assert error_lines(result) == ["lawcrm: invalid setting SLACK_APP_TOKEN: Slack refused a Socket Mode "
                                   "connection (invalid_auth; the app-level token needs connections:write)"]
    assert fake_slack.of("apps.connections.open")[0].token == "xapp-1-test"
    assert "Traceback" not in result.stderr


def test_serve_reports_a_refused_bot_token_in_one_line(tmp_path, monkeypatch, fake_slack):
    fake_slack.fail("auth.test", error="invalid_auth")
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url}
    result = cli(tmp_path, monkeypatch, ["serve"], env)
    assert result.exit_code == 2
    assert error_lines(result) == ["lawcrm: invalid setting SLACK_BOT_TOKEN: Slack says invalid_auth"]
    assert BOT_TOKEN not in result.stderr


def test_readyz_is_503_until_the_schema_is_migrated(tmp_path, test_keyring, fake_slack):
    from storage import migrate

    settings = make_settings(db_url=f"sqlite:///{tmp_path / 'empty.db'}", fake=fake_slack, tmp_path=tmp_path)
    engine = make_engine(settings.resolved_database_url, keyring=test_keyring)
    services = Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                        keyring=test_keyring)
    app, _ = create_app(services=services, token_verification=False)
    server = Served(app, services)
    try:
        assert server.request("GET", "/readyz") == (503, "schema not migrated")
        migrate.upgrade(engine, "0001")
        assert server.request("GET", "/readyz") == (503, "schema not at the newest revision")
        migrate.upgrade(engine)
        assert server.request("GET", "/readyz") == (200, "ready")
        assert server.request("GET", "/healthz") == (200, "ok")
    finally:
        server.stop()
        engine.dispose()
