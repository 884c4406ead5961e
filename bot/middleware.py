"""Global middleware: drop Slack's retried deliveries, resolve the acting staff member.

Bolt's sync middleware runs before the listener, so each step here opens and closes its
own short unit of work; no session ever spans `next()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.context.ack import Ack
from sqlalchemy.exc import IntegrityError

from bot.flows.directory import find_actor
from bot.services import Services
from storage.models import SlackReceipt

log = logging.getLogger(__name__)


class StickyAck(Ack):
    """An `ack` whose answer, once given, is never taken back.

    Bolt (1.30, thread runner) sets `ack.response = None` when a listener raises after it
    called ack(); if that happens before the request thread polled the answer, Bolt answers
    404 ("didn't call ack()") although the user was acknowledged. Our listeners raise domain
    errors after ack by design, so the first answer must stick.
    """

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        """The answer given with ack(), if any."""
        return self.__dict__.get("_answer")

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is None and self.__dict__.get("_answer") is not None:
            return
        self.__dict__["_answer"] = value


def sticky_ack(context: BoltContext, next: Callable[[], None]) -> None:
    """Middleware giving each request a StickyAck (must run before any listener)."""
    context["ack"] = StickyAck()
    next()


def delivery_key(body: dict[str, Any]) -> str | None:
    """A key identifying one Slack delivery: event_id, else trigger_id."""
    if body.get("event_id"):
        return f"e:{body['event_id']}"
    if body.get("trigger_id"):
        return f"t:{body['trigger_id']}"
    return None


def make_request_context(services: Services) -> Callable[..., BoltResponse | None]:
    """One short unit of work before the listener: drop a retried delivery, resolve the actor.

    A delivery already received (same event_id / trigger_id) is answered 200 and nothing else
    happens. Otherwise the acting staff member (or None) and the locale go on the context.
    The session is closed before `next()`: Bolt runs the listener after all middleware returns.
    """

    def request_context(request: BoltRequest, body: dict[str, Any], context: BoltContext,
                        next: Callable[[], None]) -> BoltResponse | None:
        key = delivery_key(body)
        actor = None
        try:
            with services.session() as session:
                if key is not None:
                    session.add(SlackReceipt(key=key, received_at=services.now()))
                    session.flush()
                if context.user_id:
                    actor = find_actor(session, slack_user_id=context.user_id,
                                       default_locale=services.settings.default_locale)
        except IntegrityError:
            retry = (request.headers.get("x-slack-retry-num") or [None])[0]
            log.info("duplicate delivery dropped", extra={"retry_num": retry, "kind": (key or "?")[:1]})
            return BoltResponse(status=200, body="")
        context["actor"] = actor
        context["locale"] = actor.locale if actor else services.settings.default_locale
        next()
        return None

    return request_context
