"""The small port through which flows talk to people (Slack in production)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Posted:
    """Where a message landed."""

    channel: str
    ts: str


class Notifier(Protocol):
    """Post, update and DM; flows depend on this, never on Bolt."""

    def post(self, *, channel: str, text: str, blocks: list[dict[str, Any]] | None = None,
             thread_ts: str | None = None, confidential: bool = True) -> Posted:
        """Post a message to a channel (refused for external channels when confidential)."""
        ...

    def update(self, *, channel: str, ts: str, text: str,
               blocks: list[dict[str, Any]] | None = None) -> None:
        """Replace a message the bot posted."""
        ...

    def dm(self, *, user: str, text: str, blocks: list[dict[str, Any]] | None = None) -> Posted:
        """Send a direct message to a user."""
        ...

    def ephemeral(self, *, channel: str, user: str, text: str,
                  blocks: list[dict[str, Any]] | None = None) -> None:
        """Show a message to one user only."""
        ...
