"""The Bolt app factory."""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.deps import AppDeps
from bot.envelope import SlackRequest, parse_form_body, problem_of
from bot.errors import register_error_handler
from bot.handlers import register_all
from bot.input_guard import InputGuard
from bot.listener_runner import AckSafeListenerRunner
from bot.middleware import fast_matchers, install as install_ack_path
from bot.services import Services

__all__ = ["LawCrmApp", "create_app", "make_web_client", "parse_form_body"]
log = logging.getLogger(__name__)


class LawCrmApp(App):
    """Bolt's App, reading request bodies with `SlackRequest` and refusing malformed ones.

    Bolt 1.30 treats any form body containing the word "payload" as an interactive payload,
    so `/note Acme: payload terms agreed` parsed as {} and was answered 404; and a signed but
    malformed body (bad JSON, a view without a type) crashed inside Bolt with a 500. A plain
    http BoltRequest is re-read here (raw body and signature untouched); a malformed request
    is answered 400 with one log line, after the signature check (an unsigned one stays 401).
    """

    def __init__(self, *, signing_secret: str, **kwargs: Any) -> None:
        super().__init__(signing_secret=signing_secret, **kwargs)
        self._signature = SignatureVerifier(signing_secret)
        # Listener errors raised after ack() never race Bolt's answer (see AckedErrorsHandled).
        self._listener_runner = AckSafeListenerRunner.replacing(self._listener_runner)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        """Refuse a malformed request, else dispatch as usual."""
        if req.mode == "http" and not isinstance(req, SlackRequest):
            req = SlackRequest(body=req.raw_body, query=req.query, headers=req.headers)
        problem = problem_of(req)
        if problem is None:
            return super().dispatch(req)
        if req.mode == "http" and not self._signed(req):
            return BoltResponse(status=401, body={"error": "invalid request"})
        retry = (req.headers.get("x-slack-retry-num") or [None])[0]
        log.warning("malformed Slack request refused",
                    extra={"reason": problem, "mode": req.mode, "retry_num": retry})
        return BoltResponse(status=400, body="")

    def _signed(self, req: BoltRequest) -> bool:
        """The request carries a valid, fresh signature (as Bolt's RequestVerification checks)."""
        timestamp = (req.headers.get("x-slack-request-timestamp") or ["0"])[0]
        signature = (req.headers.get("x-slack-signature") or [""])[0]
        return self._signature.is_valid(body=req.raw_body, timestamp=timestamp, signature=signature)


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
    install_ack_path(app, services)
    app.use(InputGuard(services))
    register_error_handler(app)
    register_all(app, deps)
    fast_matchers(app._listeners)  # Bolt keeps the registered listeners only there
    return app, deps
