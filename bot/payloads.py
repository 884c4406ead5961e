"""Small readers of Slack payload fragments shared by handlers."""

from __future__ import annotations

from typing import Any

from bot.flows.errors import InvalidInput


def action_id_value(body: dict[str, Any]) -> int:
    """The pressed button's value as a record id (InvalidInput when it is not one)."""
    value = str(body["actions"][0].get("value") or "")
    if not value.isdigit():
        raise InvalidInput()
    return int(value)


def message_channel(body: dict[str, Any]) -> str | None:
    """The conversation of the message a button was pressed in (None in a modal)."""
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
