"""One global error handler: domain errors become friendly replies, the rest an error id."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.flows.actor import Actor
from bot.flows.errors import DomainError, InvalidInput, UnknownUser
from bot.i18n import t
from bot.logging_setup import safe_stack
from bot.middleware import DuplicateDelivery

log = logging.getLogger(__name__)


def require_actor(context: BoltContext) -> Actor:
    """The acting staff member, or UnknownUser (answered with 'ask an admin')."""
    actor = context.get("actor")
    if actor is None:
        raise UnknownUser()
    return actor


def error_text(error: Exception, locale: str | None, *, body: dict[str, Any]) -> str:
    """The message a user sees for an error (unknown errors are logged with an id)."""
    if isinstance(error, DomainError):
        return t(error.key, locale, **error.params)
    error_id = uuid.uuid4().hex[:12]
    log.error(
        "unhandled error",
        extra={"error_id": error_id, "payload_type": body.get("type") or "command",
               "command": body.get("command"), "callback_id": (body.get("view") or {}).get("callback_id"),
               "stack": safe_stack(error)},
    )
    return t("error.unexpected", locale, error_id=error_id)


def deliver_error(*, text: str, body: dict[str, Any], client: WebClient, user_id: str | None,
                  channel_id: str | None, respond: Respond | None = None) -> None:
    """Show the error where the user is: response_url, the open modal, ephemeral, or DM."""
    try:
        if respond is not None and body.get("response_url"):
            respond(text=text, response_type="ephemeral", replace_original=False)
            return
        view = body.get("view") or {}
        if view.get("id") and body.get("type") == "block_actions" and body.get("trigger_id"):
            # on top of the open modal (its input is kept), or as a modal over the Home tab
            if view.get("type") == "modal":
                client.views_push(trigger_id=body["trigger_id"], view=_error_modal(text))
            else:
                client.views_open(trigger_id=body["trigger_id"], view=_error_modal(text))
            return
        if channel_id and user_id and not channel_id.startswith("D"):
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
            return
        if user_id:
            client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as exc:
        log.warning("could not deliver error message", extra={"slack_error": exc.response.get("error")})


def _error_modal(text: str) -> dict[str, Any]:
    """A small modal that shows an error."""
    return {"type": "modal", "title": {"type": "plain_text", "text": "Law CRM"},
            "close": {"type": "plain_text", "text": "OK"},
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}]}


def register_error_handler(app: App) -> None:
    """Install the single global error handler."""

    @app.error
    def handle_error(error: Exception, body: dict[str, Any], context: BoltContext,
                     client: WebClient, response: BoltResponse | None,
                     respond: Respond | None = None) -> BoltResponse | None:
        not_acked = response is not None
        if isinstance(error, DuplicateDelivery):  # a retry: answered, its work already done once
            return BoltResponse(status=200, body="") if not_acked else None
        text = error_text(error, context.get("locale"), body=body)
        if (not_acked and body.get("type") == "view_submission" and isinstance(error, InvalidInput)
                and error.field):
            return BoltResponse(status=200, headers={"content-type": "application/json;charset=utf-8"},
                                body=json.dumps({"response_action": "errors", "errors": {error.field: text}}))
        deliver_error(text=text, body=body, client=client, user_id=context.user_id,
                      channel_id=context.channel_id, respond=respond)
        # Bolt passes a response only while the request is still unanswered (error before ack).
        return BoltResponse(status=200, body="") if not_acked else None
