"""Delivers ledger payloads through the Slack Web API, classifying failures."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from jobs.ledger import CredentialsRefused, PermanentFailure, RateLimited, TransientFailure

PERMANENT = {
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "msg_too_long",
    "invalid_blocks", "restricted_action", "cannot_dm_bot", "user_disabled",
}
# About the bot's own token, not the notice: nothing can be sent until an admin fixes it.
CREDENTIALS = {"invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired"}


class SlackSender:
    """Posts `{"text", "blocks", "thread_ts"?}` payloads; 429 becomes RateLimited (no sleeping)."""

    def __init__(self, client: WebClient, *, external_channels: frozenset[str] = frozenset()) -> None:
        self.client = client
        self.external_channels = external_channels

    def send(self, *, channel: str, payload: dict[str, Any]) -> tuple[str, str]:
        """chat.postMessage (or chat.update when the payload names a ts to replace)."""
        if channel in self.external_channels:
            raise PermanentFailure("external_channel_refused")
        try:
            if payload.get("update_ts"):
                resp = self.client.chat_update(channel=channel, ts=payload["update_ts"],
                                               text=payload.get("text", ""), blocks=payload.get("blocks") or None)
            else:
                resp = self.client.chat_postMessage(
                    channel=channel, text=payload.get("text", ""), blocks=payload.get("blocks") or None,
                    thread_ts=payload.get("thread_ts"), reply_broadcast=payload.get("broadcast", False),
                    unfurl_links=False,
                )
        except SlackApiError as exc:
            status = exc.response.status_code
            code = str(exc.response.get("error") or f"http_{status}")
            if status == 429 or code == "ratelimited":
                headers = {str(k).lower(): v for k, v in (exc.response.headers or {}).items()}
                raise RateLimited(float(headers.get("retry-after", 30))) from None
            if code in CREDENTIALS:
                raise CredentialsRefused(code) from None
            if code in PERMANENT:
                raise PermanentFailure(code) from None
            raise TransientFailure(code) from None
        except OSError as exc:
            raise TransientFailure(type(exc).__name__) from None
        return str(resp["channel"]), str(resp["ts"])
