"""What handler modules receive at registration."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.notifier import SlackNotifier
from bot.services import Services
from bot.slack_sender import SlackSender
from storage import ledger


@dataclass
class SubcommandCall:
    """One `/lawcrm <sub> args` invocation, after ack."""

    actor: Actor
    args: str
    body: dict[str, Any]
    client: WebClient
    context: BoltContext
    respond: Callable[..., Any]


HomeSection = Callable[[Session, Actor, str], list[dict[str, Any]]]
"""A provider of App Home blocks: fn(session, actor, locale) -> Block Kit blocks."""


@dataclass
class AppDeps:
    """Services plus per-app registries shared by the handler modules."""

    services: Services
    external_channels: frozenset[str] = frozenset()
    subcommands: dict[str, Callable[[SubcommandCall], None]] = field(default_factory=dict)
    home_sections: list[HomeSection] = field(default_factory=list)

    def notifier(self, client: WebClient) -> SlackNotifier:
        """A notifier bound to the request's client."""
        return SlackNotifier(client, external_channels=self.external_channels)

    def deliver_now(self, client: WebClient, keys: Collection[str]) -> None:
        """Send these ledger notices now (the `deliver` job sends later whatever Slack refuses)."""
        if keys:
            ledger.deliver_now(session_factory=self.services.session_factory,
                               sender=SlackSender(client, external_channels=self.external_channels),
                               owner=f"listener:{socket.gethostname()}:{os.getpid()}",
                               now=self.services.now, keys=keys)
