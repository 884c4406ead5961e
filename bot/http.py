"""The production HTTP surface: /slack/events (Bolt), /healthz and /readyz, served by waitress."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.services import Services

log = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def database_ready(services: Services) -> bool:
    """SELECT 1 against the database, failing fast."""
    try:
        with services.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception as exc:  # noqa: BLE001 - readiness reports any failure as not ready
        log.warning("readiness check failed", extra={"error": type(exc).__name__})
        return False


def make_wsgi_app(app: App, services: Services) -> WSGIApp:
    """Route Slack to Bolt; answer the probes ourselves."""
    slack = SlackRequestHandler(app, path="/slack/events")

    def reply(start_response: Callable[..., Any], status: str, body: str) -> list[bytes]:
        data = body.encode()
        start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                                ("Content-Length", str(len(data)))])
        return [data]

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/slack/events":
            return slack(environ, start_response)
        if path == "/healthz":
            return reply(start_response, "200 OK", "ok")
        if path == "/readyz":
            if database_ready(services):
                return reply(start_response, "200 OK", "ready")
            return reply(start_response, "503 Service Unavailable", "database unreachable")
        return reply(start_response, "404 Not Found", "not found")

    return wsgi


def serve_http(app: App, services: Services) -> None:
    """Serve with waitress (a production WSGI server) until interrupted."""
    import waitress

    settings = services.settings
    log.info("serving HTTP", extra={"host": settings.http_host, "port": settings.http_port})
    waitress.serve(make_wsgi_app(app, services), host=settings.http_host, port=settings.http_port,
                   threads=max(4, settings.listener_threads // 2), ident="lawcrm")
