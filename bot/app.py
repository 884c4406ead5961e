"""The Bolt app factory."""

from __future__ import annotations

import json
import logging
import secrets
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.request.internals import build_context
from slack_sdk import WebClient

from bot.deps import AppDeps
from bot.errors import register_error_handler
from bot.handlers import register_all
from bot.listener_runner import AckSafeListenerRunner
from bot.input_guard import input_guard
from bot.middleware import make_request_context, sticky_ack
from bot.services import Services


def parse_form_body(raw: str) -> dict[str, object]:
    """A form-encoded Slack body: interactive payloads carry JSON in `payload`, commands don't."""
    params = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" in params:
        return json.loads(params["payload"])
    return params


class LawCrmApp(App):
    """Bolt's App, with slash-command bodies parsed correctly.

    Bolt 1.30 treats any form body containing the word "payload" as an interactive payload,
    so `/note Acme: payload terms agreed` (or a channel named #payload-team) parsed as {}
    and was answered 404. The raw body (and so the signature check) is left untouched.
    Listener errors raised after ack() never race Bolt's answer (`AckSafeListenerRunner`).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Before app.error() sets the handler on it: see AckedErrorsHandled.
        self._listener_runner = AckSafeListenerRunner.replacing(self._listener_runner)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        """Re-parse a form body Bolt got wrong, then dispatch as usual."""
        raw = req.raw_body
        if (req.mode == "http" and raw and not req.body and "payload" in raw
                and not raw.startswith("{") and req.content_type != "application/json"):
            try:
                body = parse_form_body(raw)
            except ValueError:
                body = req.body
            if body != req.body:
                req.body = body
                req.context = build_context(BoltContext(dict(req.context)), body)
        return super().dispatch(req)


def make_web_client(services: Services) -> WebClient:
    """A Web API client for the configured token and API base URL."""
    settings = services.settings
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(token=token, base_url=settings.slack_api_url,
                     logger=logging.getLogger("slack_sdk.web"))


def create_app(*, services: Services, client: WebClient | None = None,
               external_channels: frozenset[str] = frozenset(),
               token_verification: bool = True,
               listener_executor: Executor | None = None) -> tuple[App, AppDeps]:
    """Build the Bolt app with every feature's listeners, middleware and the error handler.

    Signature verification is always on: Bolt itself skips it for Socket Mode envelopes
    (authenticated by the app token), so an HTTP request is never accepted unsigned, even
    when SLACK_APP_TOKEN is also set.
    """
    settings = services.settings
    # Socket Mode needs no signing secret; an unguessable one then refuses every HTTP request.
    secret = (settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret
              else secrets.token_hex(32))
    app = LawCrmApp(
        client=client or make_web_client(services),
        signing_secret=secret,
        request_verification_enabled=True,
        token_verification_enabled=token_verification,
        listener_executor=listener_executor or ThreadPoolExecutor(
            max_workers=settings.listener_threads, thread_name_prefix="listener"),
        logger=logging.getLogger("slack_bolt"),
    )
    deps = AppDeps(services=services, external_channels=external_channels)
    app.use(sticky_ack)
    app.use(make_request_context(services))
    app.use(input_guard)
    register_error_handler(app)
    register_all(app, deps)
    return app, deps
