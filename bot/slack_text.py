"""Safe text for Slack: escape user data, build mentions only from ids, clamp lengths."""

from __future__ import annotations

import re

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def escape(text: str | None) -> str:
    """Escape the three control characters of mrkdwn so user text renders literally."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    """A user mention, only ever built from a real Slack user id."""
    if not _USER_ID.match(user_id):
        return escape(user_id)
    return f"<@{user_id}>"


def clamp(text: str, limit: int) -> str:
    """Cut text to Slack's limit for a field, with an ellipsis."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def mask_identifier(value: str | None) -> str:
    """Show only the last four characters of an identifier."""
    if not value:
        return ""
    return "•" * max(0, len(value) - 4) + value[-4:]
