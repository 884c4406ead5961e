"""The edge every typed text passes: modal fields, slash-command text and type-ahead queries.

Text holding a character no field may hold (`bot.flows.text_rules`) is refused before any
listener runs, so it never reaches a flow or a database: a modal gets `response_action=errors`
on the offending fields, a slash command an ephemeral explanation, a type-ahead no options.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.flows.directory import find_actor
from bot.flows.text_rules import text_problem
from bot.i18n import t
from bot.ids import Command, ComplaintBlock, IntakeBlock
from bot.services import Services

NAME_BLOCKS = frozenset({IntakeBlock.NAME, IntakeBlock.CONTACT, IntakeBlock.REFERRER,
                         IntakeBlock.OPPOSING, IntakeBlock.RELATED, ComplaintBlock.COMPLAINANT})
NAME_COMMANDS = frozenset({Command.CLIENT, Command.CONFLICT})


def _rich_texts(node: Any) -> Iterator[str]:
    """Every text run of a rich_text value."""
    if isinstance(node, dict):
        if node.get("type") == "text" and isinstance(node.get("text"), str):
            yield node["text"]
        for child in node.get("elements") or []:
            yield from _rich_texts(child)


def typed_texts(element: dict[str, Any]) -> Iterator[str]:
    """What a person typed into one input element (plain, email, url, number or rich text)."""
    if isinstance(element.get("value"), str):
        yield element["value"]
    yield from _rich_texts(element.get("rich_text_value"))


def view_errors(view: dict[str, Any], locale: str | None) -> dict[str, str]:
    """Inline errors by block id for the fields holding characters they may not hold."""
    errors: dict[str, str] = {}
    for block_id, elements in ((view.get("state") or {}).get("values") or {}).items():
        for element in (elements or {}).values():
            for text in typed_texts(element or {}):
                problem = text_problem(text, name=block_id in NAME_BLOCKS)
                if problem and block_id not in errors:
                    errors[block_id] = t(problem, locale)
    return errors


def refusal(body: dict[str, Any], locale: Callable[[], str | None]) -> BoltResponse | None:
    """The answer refusing a request whose typed text may not be stored, or None to go on.

    `locale` is asked only when the request is refused (the ack path does no I/O otherwise).
    """
    kind = body.get("type")
    if kind == "view_submission":
        view = body.get("view") or {}
        if any(True for _ in _bad_fields(view)):
            errors = view_errors(view, locale())
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    elif kind == "block_suggestion":
        if text_problem(str(body.get("value") or "")):
            return BoltResponse(status=200, body={"options": []})
    elif body.get("command"):
        problem = text_problem(str(body.get("text") or ""), name=body["command"] in NAME_COMMANDS)
        if problem:
            loc = locale()
            text = t("text.error.command", loc, problem=t(problem, loc))
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    return None


def _bad_fields(view: dict[str, Any]) -> Iterator[str]:
    """Block ids of the fields holding characters they may not hold."""
    for block_id, elements in ((view.get("state") or {}).get("values") or {}).items():
        for element in (elements or {}).values():
            if any(text_problem(text, name=block_id in NAME_BLOCKS) for text in typed_texts(element or {})):
                yield block_id


class InputGuard(Middleware):
    """Middleware: refuse typed text with forbidden characters, else go on to the listener."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse | None:
        """A refusal in the user's language, or the next middleware's answer."""
        answer = refusal(req.body, lambda: self._locale(req.context.user_id))
        return answer if answer is not None else next()

    def _locale(self, slack_user_id: str | None) -> str:
        """The user's language (the actor is resolved later, in the listener's thread)."""
        default = self.services.settings.default_locale
        if not slack_user_id:
            return default
        with self.services.engine.connect() as conn:
            actor = find_actor(conn, slack_user_id=slack_user_id, default_locale=default)
        return actor.locale if actor is not None else default
