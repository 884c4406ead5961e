"""Safe text for Slack: escape user data, build mentions only from ids, clamp lengths.

`Mrkdwn` marks text that is already safe to send as mrkdwn or top-level `text`: our own
templates and markup, with every piece of user data escaped. Escaping is the default: `t()`
escapes every plain-`str` parameter, the mrkdwn builders of `bot.blocks.common` escape any
text not marked, and `message_text` does the same for a message's top-level `text`. Only a
`Mrkdwn` passes as it is, so user data must be escaped (or come from `t()`) to carry markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


class Mrkdwn(str):
    """Text safe to send to Slack as mrkdwn: user data in it is escaped."""

    __slots__ = ()


def escape(text: str | None) -> Mrkdwn:
    """Escape the three control characters of mrkdwn so user text renders literally.

    Text already marked `Mrkdwn` is returned as it is (escaping twice would show `&amp;lt;`).
    """
    if isinstance(text, Mrkdwn):
        return text
    if not text:
        return Mrkdwn("")
    return Mrkdwn(str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def unescape(text: str) -> str:
    """Mrkdwn back to what it shows, for plain_text fields (which Slack does not parse)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def join(separator: str, parts: Iterable[str]) -> Mrkdwn:
    """Join pieces into mrkdwn, escaping every piece (and the separator) not marked `Mrkdwn`."""
    return Mrkdwn(escape(separator).join(escape(p) for p in parts))


def markup(template: str, /, **parts: str) -> Mrkdwn:
    """Fill one of our own mrkdwn snippets (`"*{title}*\\n{body}"`); unmarked parts are escaped."""
    return Mrkdwn(template.format(**{k: escape(v) if isinstance(v, str) else v
                                     for k, v in parts.items()}))


def message_text(text: str | None) -> Mrkdwn:
    """A message's top-level `text` (the notification line): user data escaped unless marked."""
    return escape(text or "")


def mention(user_id: str) -> Mrkdwn:
    """A user mention, only ever built from a real Slack user id."""
    if not _USER_ID.match(user_id):
        return escape(user_id)
    return Mrkdwn(f"<@{user_id}>")


def clamp(text: str, limit: int) -> str:
    """Cut text to Slack's limit for a field, with an ellipsis (a `Mrkdwn` stays marked)."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    if isinstance(text, Mrkdwn):
        cut = re.sub(r"&[a-z]{0,3}$", "", cut)   # never leave half an entity behind
        return Mrkdwn(cut + "…")
    return cut + "…"


def mask_identifier(value: str | None) -> str:
    """Show only the last four characters of an identifier."""
    if not value:
        return ""
    return "•" * max(0, len(value) - 4) + value[-4:]
