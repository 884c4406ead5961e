"""The production HTTP surface: /slack/events (Bolt), /healthz and /readyz, served by waitress."""

from __future__ import annotations

import errno
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

from bot.envelope import SlackRequest
from bot.services import Services
from bot.settings import Settings
from storage import migrate
from storage.db import READ_ONLY

log = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
SLACK_PATH = "/slack/events"
# Slack's largest payloads (a view_submission with a full modal's state) stay far below this.
MAX_BODY_BYTES = 4 * 1024 * 1024


def readiness(services: Services, *, heads: frozenset[str]) -> str | None:
    """None when ready; else why not: the database is unreachable or its schema is behind.

    The engine's connect timeout bounds the wait. A replica whose database is not migrated
    to this code's revisions is not ready (it would fail on the new columns).
    """
    try:
        with services.engine.connect() as conn:
            current = migrate.database_heads(conn.execution_options(**{READ_ONLY: True}))
    except Exception as exc:  # noqa: BLE001 - readiness reports any failure as not ready
        log.warning("readiness check failed", extra={"error": type(exc).__name__})
        return "database unreachable"
    if not current:
        return "schema not migrated"
    return None if current == heads else "schema not at the newest revision"


class SlackHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, reading the body with SlackRequest (a malformed one never raises)."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        """Build the request without trusting the body, then let the app answer it."""
        return self.app.dispatch(SlackRequest(body=request.get_body(), query=request.query_string,
                                              headers=request.get_headers()))


def make_wsgi_app(app: App, services: Services) -> WSGIApp:
    """Route Slack to Bolt; answer the probes ourselves (never with any data)."""
    slack = SlackHandler(app, path=SLACK_PATH)
    heads = migrate.code_heads()

    def reply(start_response: Callable[..., Any], status: str, body: str,
              headers: list[tuple[str, str]] | None = None) -> list[bytes]:
        """A small plain-text answer."""
        data = body.encode()
        start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                                ("Content-Length", str(len(data))),
                                ("Cache-Control", "no-store"), *(headers or [])])
        return [data]

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Dispatch one request by path."""
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == SLACK_PATH:
            if method != "POST":
                return reply(start_response, "405 Method Not Allowed", "POST only", [("Allow", "POST")])
            return slack(environ, start_response)
        if path in ("/healthz", "/readyz") and method not in ("GET", "HEAD"):
            return reply(start_response, "405 Method Not Allowed", "GET only", [("Allow", "GET, HEAD")])
        if path == "/healthz":
            return reply(start_response, "200 OK", "ok")
        if path == "/readyz":
            problem = readiness(services, heads=heads)
            if problem is None:
                return reply(start_response, "200 OK", "ready")
            return reply(start_response, "503 Service Unavailable", problem)
        return reply(start_response, "404 Not Found", "not found")

    return wsgi


class OncePerInterval(logging.Filter):
    """Lets one record through per interval (the rest are counted into the next one).

    waitress warns "Task queue depth is N" for every request that waits for a thread: under a
    burst that was a JSON log line per request, written by waitress's one I/O thread, the
    thread every ack passes through.
    """

    def __init__(self, seconds: float = 10.0) -> None:
        super().__init__()
        self.seconds = seconds
        self._next = 0.0
        self._dropped = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether this record is the first of its interval."""
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                self._dropped += 1
                return False
            self._next = now + self.seconds
            record.similar_dropped = self._dropped
            self._dropped = 0
        return True


QUEUE_WARNINGS = OncePerInterval()


def create_http_server(app: App, services: Services, *, host: str | None = None,
                       port: int | None = None) -> Any:
    """A waitress server for the app (not yet running); port 0 picks a free port."""
    import waitress

    queue_log = logging.getLogger("waitress.queue")
    if QUEUE_WARNINGS not in queue_log.filters:
        queue_log.addFilter(QUEUE_WARNINGS)

    settings = services.settings
    return waitress.create_server(
        make_wsgi_app(app, services), host=settings.http_host if host is None else host,
        port=settings.http_port if port is None else port, **server_options(settings))


def server_options(settings: Settings) -> dict[str, Any]:
    """waitress settings of the production server (the ack benchmark's bare app uses them too)."""
    return {"threads": max(4, settings.listener_threads // 2), "ident": "lawcrm",
            "max_request_body_size": MAX_BODY_BYTES, "clear_untrusted_proxy_headers": True}


class ListenRefused(Exception):
    """The server cannot listen at HTTP_HOST:HTTP_PORT; the message is one line naming the setting."""


def serve_http(app: App, services: Services) -> None:
    """Serve until SIGTERM or Ctrl-C, then let running listeners finish before exiting."""
    settings = services.settings
    try:
        server = create_http_server(app, services)
    except (OSError, ValueError) as exc:  # port taken or privileged, unknown host, address not here
        host = not isinstance(exc, OSError) or isinstance(exc, socket.gaierror) \
            or exc.errno == errno.EADDRNOTAVAIL
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "no such address"
        raise ListenRefused(f"invalid setting {'HTTP_HOST' if host else 'HTTP_PORT'}: cannot listen on "
                            f"{settings.http_host}:{settings.http_port} ({reason})") from None
    log.info("serving HTTP", extra={"host": services.settings.http_host,
                                    "port": server.effective_port})
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.run()  # waitress stops its request threads on SystemExit / KeyboardInterrupt
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        log.info("stopping: waiting for running listeners")
        app.listener_runner.listener_executor.shutdown(wait=True)
        services.engine.dispose()


def _exit_on_signal(signum: int, _frame: object) -> None:
    """SIGTERM ends the server loop the way Ctrl-C does."""
    raise SystemExit(0)
