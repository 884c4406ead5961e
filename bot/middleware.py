"""The ack path: nothing but the answer on the request thread; one unit of work per listener.

Slack waits at most 3 s for the answer, and under a burst every millisecond spent on a
request thread is multiplied by the queue in front of it. So the request thread does no
database work: it checks the request, finds the listener, hands it to the listener pool
and returns the answer the moment the listener acks (no polling delay).

In the listener's thread, before the listener runs, one short unit of work claims the
delivery (its key, event_id else trigger_id, is inserted under a unique constraint) and
looks up the acting staff member. A retried delivery loses the claim: `DuplicateDelivery`
stops it before any of its code runs, and the one error handler answers it 200 silently.
Events are answered by Bolt before the listener starts, so for them all of this is after
the ack; listeners that answer with the result of their checks (a view_submission's
`response_action="errors"`) need the actor first and must not run twice, so for the other
kinds this one unit precedes the ack, off the request thread.
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
from storage.db import READ_ONLY
from storage.models import SlackReceipt

log = logging.getLogger(__name__)


class DuplicateDelivery(Exception):
    """This delivery (event_id / trigger_id) was received before: its work must not run again."""


class StickyAck(Ack):
    """An `ack` whose answer, once given, is never taken back, and wakes the request at once.

    Bolt (1.30, thread runner) sets `ack.response = None` when a listener raises after it
    called ack(); if that happens before the request thread polled the answer, Bolt answers
    404 ("didn't call ack()") although the user was acknowledged. Our listeners raise domain
    errors after ack by design, so the first answer must stick.

    Bolt's request thread polls `ack.response` and sleeps 10 ms between polls, so every ack
    waited up to 10 ms more and held a server thread meanwhile. Reading the answer while there
    is none waits (at most one poll interval) for it to be given instead.
    """

    POLL = 0.01  # Bolt's ThreadListenerRunner sleep between polls

    def __init__(self) -> None:
        super().__init__()
        self.__dict__["_given"] = threading.Event()

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


def delivery_key(body: dict[str, Any]) -> str | None:
    """A key identifying one Slack delivery: event_id, else trigger_id."""
    if body.get("event_id"):
        return f"e:{body['event_id']}"
    if body.get("trigger_id"):
        return f"t:{body['trigger_id']}"
    return None


class RequestContext(Middleware):
    """On the request thread: a StickyAck and the default locale. No I/O.

    A Middleware class, not a function: Bolt builds every injectable argument of a function
    middleware on each request, on the ack path.
    """

    def __init__(self, services: Services) -> None:
        self.services = services

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse | None:
        """Put the ack and the default locale on the context, continue."""
        req.context["ack"] = StickyAck()
        req.context["actor"] = None
        req.context["locale"] = self.services.settings.default_locale
        return next()


class ListenerStart(ListenerStartHandler):
    """In the listener's thread, before it runs: claim the delivery, resolve the actor."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        """One unit of work: DuplicateDelivery for a retry, else the actor onto the context."""
        context, services = request.context, self.services
        key = delivery_key(request.body)
        actor = None
        try:
            with services.engine.connect() as conn:  # Core: no ORM unit of work is needed here
                if key is None:  # only a read: on SQLite, no write lock
                    conn.execution_options(**{READ_ONLY: True})
                with conn.begin():
                    if key is not None:
                        conn.execute(insert(SlackReceipt).values(key=key, received_at=services.now()))
                    if context.user_id:
                        actor = find_actor(conn, slack_user_id=context.user_id,
                                           default_locale=services.settings.default_locale)
        except IntegrityError:
            retry = (request.headers.get("x-slack-retry-num") or [None])[0]
            log.info("duplicate delivery dropped", extra={"retry_num": retry, "kind": (key or "?")[:1]})
            raise DuplicateDelivery() from None
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
