"""The audit chain's external witness: its head, posted to Slack daily and read back to verify.

Someone with database access can rewrite the whole chain and recompute every hash; they
cannot change what the bot posted to Slack. The daily job posts the head's (seq, hash) as
message metadata on a ledger notice; `lawcrm audit verify` and the job read those posts back
(only the bot's own) and require the chain to still hold each witnessed (seq, hash).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from bot.i18n import t

KEY_PREFIX = "audit-head:"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
# What reading the witness posts back may raise: the ledger's Slack failures.
@runtime_checkable
class MessageReader(Protocol):
    """Reads back the bot's own tagged messages (SlackSender does)."""

    def tagged_messages(self, channel: str, *, since: datetime | None = None,
                        thread_ts: str | None = None) -> Iterator[dict[str, Any]]:
        """The bot's messages carrying notice metadata, newest first."""
        ...


def head_notice(*, seq: int, digest: str, locale: str) -> tuple[str, dict[str, Any]]:
    """The ledger key and payload that witness this head (once per distinct head)."""
    payload = {"text": t("audit.head", locale, seq=seq, hash=digest),
               "metadata": {"audit_seq": seq, "audit_hash": digest}}
    return f"{KEY_PREFIX}{seq}:{digest[:16]}", payload


def read_witnesses(reader: MessageReader, *, channel: str) -> list[tuple[int, str]]:
    """Every (seq, hash) the bot witnessed in the channel, oldest first (raises the ledger's failures)."""
    found: dict[tuple[int, str], None] = {}
    for message in reader.tagged_messages(channel):
        body = message["metadata"]["event_payload"]
        seq, digest = body.get("audit_seq"), body.get("audit_hash")
        if str(body.get("key", "")).startswith(KEY_PREFIX) and isinstance(seq, int) \
                and not isinstance(seq, bool) and seq > 0 and isinstance(digest, str) and HEX64.match(digest):
            found[(seq, digest)] = None
    return sorted(found)

