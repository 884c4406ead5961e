"""The Slack implementation of the flows' Notifier port."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.flows.errors import ConfidentialChannelRefused
from bot.flows.notifier import Posted


class SlackNotifier:
    """Posts through a WebClient; refuses confidential posts to externally shared channels."""

    def __init__(self, client: WebClient, *, external_channels: frozenset[str] = frozenset()) -> None:
        self.client = client
        self.external_channels = external_channels

    def post(self, *, channel: str, text: str, blocks: list[dict[str, Any]] | None = None,
             thread_ts: str | None = None, confidential: bool = True) -> Posted:
        """chat.postMessage (never to an external channel when confidential)."""
        if confidential and channel in self.external_channels:
            raise ConfidentialChannelRefused()
        resp = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                            thread_ts=thread_ts, unfurl_links=False)
        return Posted(channel=resp["channel"], ts=resp["ts"])

    def update(self, *, channel: str, ts: str, text: str,
               blocks: list[dict[str, Any]] | None = None) -> None:
        """chat.update."""
        self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)

    def dm(self, *, user: str, text: str, blocks: list[dict[str, Any]] | None = None) -> Posted:
        """A DM from the app (posting to a user id lands in the app's Messages tab)."""
        resp = self.client.chat_postMessage(channel=user, text=text, blocks=blocks, unfurl_links=False)
        return Posted(channel=resp["channel"], ts=resp["ts"])

    def ephemeral(self, *, channel: str, user: str, text: str,
                  blocks: list[dict[str, Any]] | None = None) -> None:
        """chat.postEphemeral."""
        self.client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
