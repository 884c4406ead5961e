"""Socket Mode: the same app over Slack's WebSocket, for firms without a public URL."""

from __future__ import annotations

import functools
import logging
import signal
import socket
import threading
from time import time
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import build_headers, send_response
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.builtin.connection import Connection
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.envelope import SlackRequest
from bot.services import Services

log = logging.getLogger(__name__)


def _close_now(connection: Connection) -> None:
    """Close a replaced connection without waiting for its reader."""
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # its reader returns at once and lets go of its lock
        except OSError:
            pass
    connection.disconnect()


class PromptSocketModeClient(SocketModeClient):
    """slack-sdk's built-in Socket Mode client, switching connections without a pause.

    When Slack asks for a refresh, the client opens a new connection, then closes the old one
    before it reads the new one. Closing waits for the old connection's reader, which holds
    its lock while it waits for data (up to 3 s): envelopes on the new connection stayed
    unread, and unacknowledged, that long. The old connection is shut down instead, which
    ends its reader at once.
    """

    def connect(self) -> None:
        """Open a new connection; the one it replaces is closed without waiting."""
        old = self.current_session
        if old is not None:
            old.close = functools.partial(_close_now, old)  # type: ignore[method-assign]
        super().connect()

    def disconnect(self) -> None:
        """Close the current connection without waiting for its reader (on stop, too)."""
        if self.current_session is not None:
            _close_now(self.current_session)


class LawCrmSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler, with the prompt client, reading each envelope with SlackRequest.

    Bolt builds a plain BoltRequest, which raises on some malformed payloads (the envelope
    is then never acknowledged, and Slack sends it again and again). A malformed envelope is
    refused by the app (one log line) and acknowledged here with no payload.
    """

    def __init__(self, app: App, app_token: str) -> None:  # noqa: D107 - as Bolt's, other client
        self.app = app
        self.app_token = app_token
        self.client = PromptSocketModeClient(app_token=app_token, logger=app.logger, web_client=app.client,
                                             proxy=app.client.proxy, ping_interval=10, concurrency=10)
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    def handle(self, client: Any, req: SocketModeRequest) -> None:  # type: ignore[override]
        """Dispatch one envelope and acknowledge it."""
        started = time()  # Bolt's response-time debug line measures with time.time
        answer = self.app.dispatch(SlackRequest(body=req.payload, headers=build_headers(req),
                                                mode="socket_mode"))
        if answer.status == 400:
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        send_response(client, req, answer, started)


class SocketModeRefused(Exception):
    """Slack refused to open a Socket Mode connection; the message names the setting."""


def serve_socket_mode(app: App, services: Services) -> None:
    """Connect with the app token until SIGTERM or Ctrl-C, then let running listeners finish."""
    token = services.settings.slack_app_token
    if token is None:
        raise ValueError("SLACK_APP_TOKEN is required for Socket Mode")
    handler = LawCrmSocketModeHandler(app, token.get_secret_value())
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_on_signal)
    log.info("connecting in Socket Mode")
    try:
        handler.start()
    except SlackApiError as exc:
        raise SocketModeRefused(
            f"invalid setting SLACK_APP_TOKEN: Slack refused a Socket Mode connection "
            f"({exc.response.get('error')}; the app-level token needs connections:write)"
        ) from None
    except (KeyboardInterrupt, SystemExit):
        log.info("stopping: closing the connection, waiting for running listeners")
    finally:
        handler.close()
        app.listener_runner.listener_executor.shutdown(wait=True)
        services.engine.dispose()


def _exit_on_signal(signum: int, _frame: object) -> None:
    """SIGTERM ends the connection the way Ctrl-C does."""
    raise SystemExit(0)
