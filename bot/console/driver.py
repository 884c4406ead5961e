"""Builds Slack requests signed exactly as Slack signs them and dispatches them through Bolt."""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from slack_bolt import App, BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.console.fake_slack import FakeSlack
from bot.envelope import SlackRequest

TEAM = {"id": "T0FIRM", "domain": "firm"}


@dataclass
class Sent:
    """A dispatched request and Bolt's answer."""

    response: BoltResponse

    @property
    def status(self) -> int:
        """HTTP status Bolt answered."""
        return self.response.status

    @property
    def json(self) -> dict[str, Any]:
        """The answer body as JSON ({} when empty)."""
        body = self.response.body
        if not body:
            return {}
        try:
            return json.loads(body)
        except ValueError:
            return {"text": body}


def element_state(element: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """The `state.values` entry Slack would send for an input element answered with `value`."""
    kind = element.get("type", "plain_text_input")
    if kind in ("static_select", "external_select", "radio_buttons"):
        if value is None:
            return {"type": kind, "selected_option": None}
        return {"type": kind, "selected_option": _option(element, value)}
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        return {"type": kind, "selected_options": [_option(element, v) for v in value or []]}
    if kind in ("conversations_select", "channels_select"):
        key = "selected_conversation" if kind == "conversations_select" else "selected_channel"
        return {"type": kind, key: value}
    if kind in ("multi_conversations_select", "multi_channels_select"):
        key = "selected_conversations" if kind == "multi_conversations_select" else "selected_channels"
        return {"type": kind, key: list(value or [])}
    if kind == "rich_text_input":
        return {"type": kind, "rich_text_value": None if value is None else {
            "type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
                {"type": "text", "text": str(value)}]}]}}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": list(value or [])}
    if kind == "datepicker":
        return {"type": kind, "selected_date": value}
    if kind == "timepicker":
        return {"type": kind, "selected_time": value}
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": value}
    if kind == "number_input":
        return {"type": kind, "value": None if value is None else str(value)}
    return {"type": kind, "value": value}


def _option(element: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """The option object for a chosen value: given whole, found among the element's, or built."""
    if isinstance(value, Mapping) and "value" in value:
        return dict(value)
    opts = element.get("options") or [o for g in element.get("option_groups", []) for o in g["options"]]
    match = next((o for o in opts if o["value"] == value), None)
    return match or {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}


def view_state(view: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """`state.values` for every input block of a view, answered from `answers` (by block_id)."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        value = answers.get(block["block_id"], element.get("initial_value") or
                            (element.get("initial_option") or {}).get("value"))
        values[block["block_id"]] = {element["action_id"]: element_state(element, value)}
    return {"values": values}


class SlackDriver:
    """Plays Slack: signs requests with the signing secret and dispatches them to the app."""

    def __init__(self, app: App, *, signing_secret: str, fake: FakeSlack) -> None:
        self.app, self.fake = app, fake
        self.verifier = SignatureVerifier(signing_secret)
        self._ids = itertools.count(1)
        self._mark = 0  # calls the fake had recorded when the latest request was dispatched

    # -- signing -----------------------------------------------------------------------------
    def headers(self, body: str, *, content_type: str, timestamp: int | None = None,
                retry_num: int | None = None) -> dict[str, list[str]]:
        """Slack's signature headers for a raw body."""
        ts = str(timestamp if timestamp is not None else int(time.time()))
        headers = {
            "content-type": [content_type],
            "x-slack-request-timestamp": [ts],
            "x-slack-signature": [self.verifier.generate_signature(timestamp=ts, body=body)],
        }
        if retry_num is not None:
            headers["x-slack-retry-num"] = [str(retry_num)]
            headers["x-slack-retry-reason"] = ["http_timeout"]
        return headers

    def dispatch(self, body: str, headers: dict[str, list[str]]) -> Sent:
        """Hand a raw request to Bolt, as our HTTP adapter (bot.http) does."""
        self._mark = self.fake.mark()
        return Sent(self.app.dispatch(SlackRequest(body=body, headers=headers)))

    def trigger_id(self) -> str:
        """A fresh trigger id, unique across drivers and processes (the dedupe table outlives us)."""
        return f"{next(self._ids)}.{int(time.time())}.{secrets.token_hex(8)}"

    # -- request builders ------------------------------------------------------------------------
    def command_body(self, *, user: str, command: str, text: str = "", channel: str = "C0GENERAL",
                     trigger_id: str | None = None) -> str:
        """The form-encoded body of a slash command."""
        return urlencode({
            "token": "verification-token-unused", "team_id": TEAM["id"], "team_domain": TEAM["domain"],
            "channel_id": channel, "channel_name": channel.lower(), "user_id": user,
            "user_name": user.lower(), "command": command, "text": text,
            "api_app_id": "A0LAWCRM", "is_enterprise_install": "false",
            "response_url": self.fake.response_url(), "trigger_id": trigger_id or self.trigger_id(),
        })

    def command(self, user: str, command: str, text: str = "", *, channel: str = "C0GENERAL",
                retry_num: int | None = None, trigger_id: str | None = None) -> Sent:
        """Send a slash command."""
        body = self.command_body(user=user, command=command, text=text, channel=channel,
                                 trigger_id=trigger_id)
        return self.dispatch(body, self.headers(body, content_type="application/x-www-form-urlencoded",
                                                retry_num=retry_num))

    def interactive(self, payload: dict[str, Any], *, retry_num: int | None = None) -> Sent:
        """Send an interactive payload (form field `payload`)."""
        body = "payload=" + quote(json.dumps(payload))
        return self.dispatch(body, self.headers(body, content_type="application/x-www-form-urlencoded",
                                                retry_num=retry_num))

    def _base(self, user: str, kind: str) -> dict[str, Any]:
        """Fields every interactive payload has."""
        return {"type": kind, "team": TEAM, "user": {"id": user, "username": user.lower(),
                                                     "team_id": TEAM["id"]},
                "api_app_id": "A0LAWCRM", "token": "verification-token-unused",
                "trigger_id": self.trigger_id(), "is_enterprise_install": False, "enterprise": None}

    def click(self, user: str, action_id: str, value: str = "", *, block_id: str = "b",
              message: dict[str, Any] | None = None, channel: str | None = None,
              view_id: str | None = None, selected: str | None = None,
              answers: Mapping[str, Any] | None = None,
              action_fields: Mapping[str, Any] | None = None) -> Sent:
        """Press a button (or choose an option) in a message or in an open view.

        In a view, `answers` (by block_id) become the view's state, as typed so far.
        `action_fields` describes another element's action (e.g. `{"type": "users_select",
        "selected_user": "U1"}`).
        """
        payload = self._base(user, "block_actions")
        action: dict[str, Any] = {"action_id": action_id, "block_id": block_id,
                                  "action_ts": f"{time.time():.6f}"}
        if selected is not None:
            action.update({"type": "static_select", "selected_option": {
                "text": {"type": "plain_text", "text": selected}, "value": selected}})
        else:
            action.update({"type": "button", "value": value,
                           "text": {"type": "plain_text", "text": action_id}})
        if action_fields:
            action = {k: v for k, v in action.items() if k not in ("value", "text")}
            action.update(action_fields)
        payload["actions"] = [action]
        if view_id:
            view = self.fake.view_by_id(view_id)
            state = view_state(view, answers) if answers is not None else view.get("state")
            payload["view"] = {**view, "state": state or {"values": {}}}
            payload["container"] = {"type": "view", "view_id": view_id}
        else:
            ch = channel or (message or {}).get("channel", "C0GENERAL")
            ts = (message or {}).get("ts", f"{time.time():.6f}")
            payload["container"] = {"type": "message", "message_ts": ts, "channel_id": ch,
                                    "is_ephemeral": False}
            payload["channel"] = {"id": ch, "name": ch.lower()}
            payload["message"] = {"type": "message", "ts": ts, "text": (message or {}).get("text", ""),
                                  "blocks": (message or {}).get("blocks", [])}
            payload["response_url"] = self.fake.response_url()
        return self.interactive(payload)

    def submit(self, user: str, view_id: str, answers: Mapping[str, Any] | None = None, *,
               retry_num: int | None = None) -> Sent:
        """Submit an open modal with answers keyed by block_id."""
        view = self.fake.views[view_id]
        payload = self._base(user, "view_submission")
        payload["view"] = {**view, "state": view_state(view, answers or {}),
                           "team_id": TEAM["id"], "app_id": "A0LAWCRM", "bot_id": "B0BOT",
                           "root_view_id": view_id, "previous_view_id": None}
        payload["response_urls"] = []
        return self.interactive(payload, retry_num=retry_num)

    def close(self, user: str, view_id: str, answers: Mapping[str, Any] | None = None) -> Sent:
        """Close an open modal (Slack sends view_closed only with notify_on_close)."""
        view = self.fake.views[view_id]
        payload = self._base(user, "view_closed")
        payload["view"] = {**view, "state": view_state(view, answers or {})}
        payload["is_cleared"] = False
        return self.interactive(payload)

    def suggest(self, user: str, action_id: str, value: str, *, view_id: str,
                block_id: str = "b") -> Sent:
        """Ask for external-select options, as Slack does while the user types."""
        payload = self._base(user, "block_suggestion")
        payload.pop("trigger_id")
        payload.update({"action_id": action_id, "block_id": block_id, "value": value,
                        "view": self.fake.views[view_id],
                        "container": {"type": "view", "view_id": view_id}})
        return self.interactive(payload)

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              retry_num: int | None = None) -> Sent:
        """Deliver an Events API event_callback."""
        body = json.dumps({
            "token": "verification-token-unused", "team_id": TEAM["id"], "api_app_id": "A0LAWCRM",
            "event": event, "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):04d}{secrets.token_hex(5).upper()}",
            "event_time": int(time.time()), "authorizations": [{"team_id": TEAM["id"], "user_id": "U0BOT",
                                                                "is_bot": True}],
        })
        return self.dispatch(body, self.headers(body, content_type="application/json",
                                                retry_num=retry_num))

    # -- reading what the app did ---------------------------------------------------------------
    def opened_view(self, timeout: float = 5.0) -> dict[str, Any]:
        """The modal opened in answer to the latest request, as it stands now (waits for views.open).

        Only a views.open made after that request was dispatched counts: an earlier modal (of
        another user, or the previous step) is never mistaken for the one this request opens.
        """
        call = self.fake.wait_for_since("views.open", self._mark, timeout=timeout)
        return self.fake.views[call.answer["view"]["id"]]
