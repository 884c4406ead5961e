"""The edge every typed text passes: modal fields, slash-command text and type-ahead queries.

Text holding a character no field may hold (`bot.flows.text_rules`) is refused before any
listener runs, so it never reaches a flow or a database: a modal gets `response_action=errors`
on the offending fields, a slash command an ephemeral explanation, a type-ahead no options.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from bot.flows.text_rules import text_problem
from bot.i18n import t
from bot.ids import Command, ComplaintBlock, IntakeBlock

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


def refusal(body: dict[str, Any], locale: str | None) -> BoltResponse | None:
    """The answer refusing a request whose typed text may not be stored, or None to go on."""
    kind = body.get("type")
    if kind == "view_submission":
        errors = view_errors(body.get("view") or {}, locale)
        if errors:
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    elif kind == "block_suggestion":
        if text_problem(str(body.get("value") or "")):
            return BoltResponse(status=200, body={"options": []})
    elif body.get("command"):
        problem = text_problem(str(body.get("text") or ""), name=body["command"] in NAME_COMMANDS)
        if problem:
            text = t("text.error.command", locale, problem=t(problem, locale))
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    return None


def input_guard(body: dict[str, Any], context: BoltContext,
                next: Callable[[], None]) -> BoltResponse | None:
    """Middleware: refuse typed text with forbidden characters, else go on to the listener."""
    answer = refusal(body, context.get("locale"))
    if answer is not None:
        return answer
    next()
    return None
