"""Slack request bodies read without trusting them: malformed ones are refused, never crash.

Bolt parses a body in `BoltRequest.__init__` (a bad JSON payload raises there, before any
signature check) and its middleware and matchers index into it (`body["view"]["type"]`), so
a signed but malformed body ended in a 500 with a traceback. `SlackRequest` parses and checks
the shape first; the app answers a malformed one 400 (after the signature check) in one line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request.internals import build_context


class MalformedRequest(ValueError):
    """A body the app cannot use; the reason names the problem, never the content."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Part(BaseModel):
    """A JSON object whose listed fields must have these types; other fields pass through."""

    model_config = ConfigDict(extra="allow", strict=True)


class _User(_Part):
    id: str


class _Action(_Part):
    action_id: str


class _View(_Part):
    type: str
    id: str | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    state: dict[str, Any] | None = None


class _Event(_Part):
    type: str


class _Common(_Part):
    """Fields Bolt or our listeners read from any payload, when present."""

    type: str
    team: dict[str, Any] | None = None
    channel: dict[str, Any] | None = None
    container: dict[str, Any] | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    team_id: str | None = None
    api_app_id: str | None = None


class _Interactive(_Common):
    user: _User


class _BlockActions(_Interactive):
    actions: list[_Action] = Field(min_length=1)
    view: _View | None = None


class _ViewPayload(_Interactive):
    view: _View


class _Suggestion(_Interactive):
    action_id: str
    value: str
    view: _View | None = None


class _Shortcut(_Interactive):
    callback_id: str


class _EventCallback(_Common):
    event: _Event
    event_id: str


class _UrlVerification(_Common):
    challenge: str


class _Command(_Part):
    command: str = Field(pattern=r"^/")
    user_id: str
    text: str = ""
    channel_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    team_id: str | None = None


SHAPES: dict[str, type[_Part]] = {
    "block_actions": _BlockActions,
    "view_submission": _ViewPayload,
    "view_closed": _ViewPayload,
    "block_suggestion": _Suggestion,
    "shortcut": _Shortcut,
    "message_action": _Shortcut,
    "event_callback": _EventCallback,
    "url_verification": _UrlVerification,
}


def parse_form_body(raw: str) -> dict[str, Any]:
    """A form-encoded Slack body: interactive payloads carry JSON in `payload`, commands don't."""
    params = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" in params:
        return _json_object(params["payload"], "payload")
    return params


def _json_object(text: str, where: str) -> dict[str, Any]:
    """JSON text that must hold an object."""
    try:
        value = json.loads(text)
    except ValueError:
        raise MalformedRequest(f"{where} is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedRequest(f"{where} is not a JSON object")
    return value


def parse_raw_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """The body as Slack meant it (JSON, or a form with or without `payload`)."""
    if not raw.strip():
        raise MalformedRequest("empty body")
    if content_type == "application/json" or raw.lstrip().startswith(("{", "[")):
        return _json_object(raw, "body")
    return parse_form_body(raw)


def _where(error: ValidationError) -> str:
    """Where validation failed and how (field names and error kinds only, no values)."""
    first = error.errors(include_url=False, include_input=False)[0]
    loc = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{loc}: {first['type']}"


def check_shape(body: Mapping[str, Any]) -> None:
    """MalformedRequest unless the body has the fields its kind needs, with the right types."""
    if "command" in body and "type" not in body:
        shape: type[_Part] = _Command
        kind = "command"
    elif "ssl_check" in body and "type" not in body:
        return
    else:
        kind = body.get("type")
        if not isinstance(kind, str):
            raise MalformedRequest("type missing" if kind is None else "type is not a string")
        shape = SHAPES.get(kind, _Common)
    try:
        shape.model_validate(body)
    except ValidationError as exc:
        raise MalformedRequest(f"{kind} {_where(exc)}"[:200]) from None


class SlackRequest(BoltRequest):
    """A BoltRequest whose construction never fails on the body; `malformed` says why it is unusable.

    A malformed request keeps its raw body (for the signature check) and an empty parsed body.
    """

    malformed: str | None

    def __init__(self, *, body: str | dict[str, Any], query: Any = None,
                 headers: Mapping[str, str | Sequence[str]] | None = None,
                 mode: str = "http") -> None:
        super().__init__(body="" if mode == "http" else {}, query=query,
                         headers=dict(headers) if headers else None, mode=mode)
        self.malformed = None
        try:
            if isinstance(body, str):
                self.raw_body = body
                parsed = parse_raw_body(body, self.content_type)
            elif isinstance(body, dict):
                parsed = body
            else:
                raise MalformedRequest("envelope payload is not an object")
            check_shape(parsed)
            context = build_context(BoltContext({}), parsed)
        except MalformedRequest as exc:
            self.malformed = exc.reason
            return
        except (TypeError, KeyError, AttributeError, ValueError) as exc:
            # A field of an unexpected type deeper than check_shape looks (Bolt reads many).
            self.malformed = f"unreadable field ({type(exc).__name__})"
            return
        self.body = parsed
        self.context = context


def problem_of(req: BoltRequest) -> str | None:
    """Why a request is malformed, or None (a plain BoltRequest is checked here)."""
    if isinstance(req, SlackRequest):
        return req.malformed
    try:
        check_shape(req.body)
    except MalformedRequest as exc:
        return exc.reason
    return None
