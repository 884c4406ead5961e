"""The ack path: nothing but the answer before ack; the actor and the delivery claim around it.

Slack waits at most 3 s for the answer, and under a burst every millisecond on the request
thread is multiplied by the queue in front of it. So the request thread does no database
work at all. In the listener's thread:

1. before the listener runs, the acting staff member is looked up (one read-only unit of
   work): listeners need it to validate and answer (`response_action="errors"`);
2. when the listener acks (or at its start when Bolt acked already, as for events), the
   answer goes out at once and then the delivery is claimed: its key (event_id, else
   trigger_id) is inserted under a unique constraint. A retried delivery loses the claim,
   `DuplicateDelivery` ends its listener and the one error handler drops it silently, so the
   work after ack happens once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.context.ack import Ack
from slack_bolt.listener import Listener
from slack_bolt.listener.listener_start_handler import ListenerStartHandler
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_bolt.middleware import Middleware
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from bot.flows.directory import find_actor
from bot.services import Services
from storage.db import read_only
from storage.models import SlackReceipt

log = logging.getLogger(__name__)


class DuplicateDelivery(Exception):
    """This delivery (event_id / trigger_id) was received before: its work must not run again."""


class StickyAck(Ack):
    """An `ack` whose answer, once given, is never taken back, wakes the request at once,
    and then claims the delivery.

    Bolt (1.30, thread runner) sets `ack.response = None` when a listener raises after it
    called ack(); if that happens before the request thread polled the answer, Bolt answers
    404 ("didn't call ack()") although the user was acknowledged. Our listeners raise domain
    errors after ack by design, so the first answer must stick.

    Bolt's request thread polls `ack.response` and sleeps 10 ms between polls, so every ack
    waited up to 10 ms more and held a server thread meanwhile. Reading the answer while there
    is none waits (at most one poll interval) for it to be given instead.
    """

    POLL = 0.01  # Bolt's ThreadListenerRunner sleep between polls

    def __init__(self, claim: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.__dict__["_given"] = threading.Event()
        self.__dict__["_claim"] = claim

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        """The answer given with ack(), if any (waits up to one poll interval for it)."""
        answer = self.__dict__.get("_answer")
        given: threading.Event | None = self.__dict__.get("_given")
        if answer is None and given is not None and given.wait(self.POLL):
            answer = self.__dict__.get("_answer")
        return answer

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is None and self.__dict__.get("_answer") is not None:
            return
        self.__dict__["_answer"] = value
        given: threading.Event | None = self.__dict__.get("_given")
        if value is not None and given is not None:
            given.set()

    @property
    def answered(self) -> bool:
        """Whether an answer was given (never waits)."""
        return self.__dict__.get("_answer") is not None

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:  # type: ignore[override]
        """Give the answer, then claim the delivery (DuplicateDelivery if it was had before)."""
        answer = super().__call__(*args, **kwargs)
        self.claim()
        return answer

    def claim(self) -> None:
        """Claim the delivery once; later calls do nothing."""
        claim = self.__dict__.get("_claim")
        if claim is not None:
            self.__dict__["_claim"] = None
            claim()


def delivery_key(body: dict[str, Any]) -> str | None:
    """A key identifying one Slack delivery: event_id, else trigger_id."""
    if body.get("event_id"):
        return f"e:{body['event_id']}"
    if body.get("trigger_id"):
        return f"t:{body['trigger_id']}"
    return None


def claim_delivery(services: Services, *, key: str, retry_num: str | None) -> None:
    """Record the delivery; DuplicateDelivery if its key is already recorded."""
    try:
        with services.engine.begin() as conn:  # one INSERT: no ORM unit of work needed
            conn.execute(insert(SlackReceipt).values(key=key, received_at=services.now()))
    except IntegrityError:
        log.info("duplicate delivery dropped", extra={"retry_num": retry_num, "kind": key[:1]})
        raise DuplicateDelivery() from None


class RequestContext(Middleware):
    """On the request thread: a StickyAck that claims this delivery, the default locale. No I/O.

    A Middleware class, not a function: Bolt builds every injectable argument of a function
    middleware on each request, on the ack path.
    """

    def __init__(self, services: Services) -> None:
        self.services = services

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse | None:
        """Put the ack and the default locale on the context, continue."""
        key = delivery_key(req.body)
        claim = None
        if key is not None:
            retry = (req.headers.get("x-slack-retry-num") or [None])[0]

            def claim() -> None:
                claim_delivery(self.services, key=key, retry_num=retry)

        req.context["ack"] = StickyAck(claim)
        req.context["actor"] = None
        req.context["locale"] = self.services.settings.default_locale
        return next()


class ListenerStart(ListenerStartHandler):
    """In the listener's thread, before it runs: the actor; the claim if Bolt acked already."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        """Resolve the acting staff member (or None) and their locale onto the context."""
        context, services = request.context, self.services
        ack = context.get("ack")
        if isinstance(ack, StickyAck) and ack.answered:
            ack.claim()  # events: Bolt answered before the listener started
        if context.user_id:
            with services.session() as session:
                actor = find_actor(read_only(session), slack_user_id=context.user_id,
                                   default_locale=services.settings.default_locale)
            context["actor"] = actor
            if actor is not None:
                context["locale"] = actor.locale


class BodyMatcher(BuiltinListenerMatcher):
    """Bolt's built-in matcher (command name, action_id, callback_id...) called with the body only.

    Bolt builds every injectable argument (say, respond, the message, the step...) for each
    matcher of each listener until one matches: with some twenty listeners that was most of
    the app's own time on the ack path. The built-in matchers only read the body.
    """

    def matches(self, req: BoltRequest, resp: BoltResponse) -> bool:
        """The matcher's answer for this body."""
        return bool(self.func(body=req.body))


def fast_matchers(listeners: Iterable[Listener]) -> int:
    """Swap each built-in matcher that reads only the body for a BodyMatcher; how many."""
    swapped = 0
    for listener in listeners:
        matchers = list(listener.matchers)
        for i, matcher in enumerate(matchers):
            if type(matcher) is BuiltinListenerMatcher and list(matcher.arg_names) == ["body"]:
                matchers[i] = BodyMatcher(func=matcher.func)
                swapped += 1
        listener.matchers = matchers
    return swapped


def install(app: App, services: Services) -> None:
    """Put the ack path in place: the request middleware and the listener start handler."""
    app.use(RequestContext(services))
    app.listener_runner.listener_start_handler = ListenerStart(services)
