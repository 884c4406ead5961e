"""Socket Mode: the same app over Slack's WebSocket, for firms without a public URL."""

from __future__ import annotations

import logging
import signal
import threading

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.services import Services

log = logging.getLogger(__name__)


class SocketModeRefused(Exception):
    """Slack refused to open a Socket Mode connection; the message names the setting."""


def serve_socket_mode(app: App, services: Services) -> None:
    """Connect with the app token until SIGTERM or Ctrl-C, then let running listeners finish."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = services.settings.slack_app_token
    if token is None:
        raise ValueError("SLACK_APP_TOKEN is required for Socket Mode")
    handler = SocketModeHandler(app, token.get_secret_value())
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
