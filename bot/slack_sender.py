"""Delivers ledger payloads through the Slack Web API, classifying failures."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage.ledger import CredentialsRefused, PermanentFailure, RateLimited, TransientFailure

PERMANENT = {
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "msg_too_long",
    "invalid_blocks", "restricted_action", "cannot_dm_bot", "user_disabled",
}
# Reading back is refused for good when the install lacks a history scope: nothing to retry.
READ_REFUSED = PERMANENT | {"missing_scope", "not_allowed_token_type"}
# About the bot's own token, not the notice: nothing can be sent until an admin fixes it.
CREDENTIALS = {"invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired"}
# Every post carries message metadata naming its ledger key, so a post whose outcome was
# lost (the worker died, the answer timed out) can be found again instead of sent twice.
NOTICE_EVENT = "lawcrm_notice"
# Slack's clock and ours may differ a little: look this much further back.
CLOCK_MARGIN = timedelta(minutes=10)
PAGE = 200


class SlackSender:
    """Posts `{"text", "blocks", "thread_ts"?, "metadata"?}` payloads; 429 is RateLimited (no sleep)."""

    def __init__(self, client: WebClient, *, external_channels: frozenset[str] = frozenset()) -> None:
        self.client = client
        self.external_channels = external_channels
        self._bot_id: str | None = None

    def send(self, *, channel: str, payload: dict[str, Any], key: str | None = None) -> tuple[str, str]:
        """chat.postMessage tagged with `key` (or chat.update when the payload names a ts to replace)."""
        if channel in self.external_channels:
            raise PermanentFailure("external_channel_refused")
        if payload.get("file"):
            return self._upload(channel=channel, payload=payload)
        with _classified():
            if payload.get("update_ts"):  # the message keeps the metadata it was posted with
                resp = self.client.chat_update(channel=channel, ts=payload["update_ts"],
                                               text=payload.get("text", ""), blocks=payload.get("blocks") or None)
            else:
                resp = self.client.chat_postMessage(
                    channel=channel, text=payload.get("text", ""), blocks=payload.get("blocks") or None,
                    thread_ts=payload.get("thread_ts"), reply_broadcast=payload.get("broadcast", False),
                    unfurl_links=False, metadata=notice_metadata(key, payload),
                )
        return str(resp["channel"]), str(resp["ts"])

    def _upload(self, *, channel: str, payload: dict[str, Any]) -> tuple[str, str]:
        """A file payload (`{"text", "file": {"filename", "title", "content_b64"}}`) via files.uploadV2.

        Returns (conversation, file id): the upload has no message ts of its own.
        """
        spec = payload["file"]
        conversation = self._conversation(channel)
        with _classified():
            resp = self.client.files_upload_v2(
                channel=conversation, filename=spec["filename"], title=spec.get("title") or spec["filename"],
                content=base64.b64decode(spec["content_b64"]), initial_comment=payload.get("text") or None)
        files = resp.get("files") or [resp.get("file") or {}]
        return conversation, str(files[0].get("id") or "")

    def find_sent(self, *, channel: str, payload: dict[str, Any], key: str,
                  since: datetime) -> tuple[str, str] | None:
        """(channel, ts) of our message tagged with `key` posted since `since` (its thread for replies).

        A file upload carries no metadata to find it by: an upload whose outcome was lost is
        uploaded again (a duplicate file, never a lost one).
        """
        if channel in self.external_channels or payload.get("file"):
            return None
        conversation = self._conversation(channel)
        for message in self.tagged_messages(conversation, since=since - CLOCK_MARGIN,
                                            thread_ts=payload.get("thread_ts")):
            if message["metadata"]["event_payload"].get("key") == key:
                return conversation, str(message["ts"])
        return None

    def tagged_messages(self, channel: str, *, since: datetime | None = None,
                        thread_ts: str | None = None) -> Iterator[dict[str, Any]]:
        """This bot's messages in a channel (or one thread) that carry notice metadata, newest first.

        Reads conversations.history (conversations.replies for a thread) with
        include_all_metadata; needs the history scope of the channel's kind.
        """
        bot_id = self._own_bot_id()
        cursor: str | None = None
        oldest = f"{since.timestamp():.6f}" if since else None
        while True:
            with _classified(READ_REFUSED):
                if thread_ts:
                    resp = self.client.conversations_replies(
                        channel=channel, ts=thread_ts, oldest=oldest, cursor=cursor, limit=PAGE,
                        include_all_metadata=True)
                else:
                    resp = self.client.conversations_history(
                        channel=channel, oldest=oldest, cursor=cursor, limit=PAGE, include_all_metadata=True)
            for message in resp.get("messages") or []:
                meta = message.get("metadata") or {}
                if message.get("bot_id") == bot_id and meta.get("event_type") == NOTICE_EVENT \
                        and isinstance(meta.get("event_payload"), dict):
                    yield message
            cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return

    def _conversation(self, channel: str) -> str:
        """The conversation id to read: a user's DM with the bot for a user id."""
        if not channel.startswith(("U", "W")):
            return channel
        with _classified(READ_REFUSED):
            return str(self.client.conversations_open(users=channel)["channel"]["id"])

    def _own_bot_id(self) -> str:
        """This app's bot id (auth.test), so nobody else's messages are taken for ours."""
        if self._bot_id is None:
            with _classified(READ_REFUSED):
                self._bot_id = str(self.client.auth_test()["bot_id"])
        return self._bot_id


def notice_metadata(key: str | None, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Message metadata naming the ledger key (plus the payload's own `metadata` fields)."""
    if key is None:
        return None
    return {"event_type": NOTICE_EVENT, "event_payload": {**(payload.get("metadata") or {}), "key": key}}


@contextmanager
def _classified(permanent: frozenset[str] | set[str] = frozenset(PERMANENT)) -> Iterator[None]:
    """Turn Slack and network errors into the ledger's failure kinds."""
    try:
        yield
    except SlackApiError as exc:
        status = exc.response.status_code
        code = str(exc.response.get("error") or f"http_{status}")
        if status == 429 or code == "ratelimited":
            headers = {str(k).lower(): v for k, v in (exc.response.headers or {}).items()}
            raise RateLimited(float(headers.get("retry-after", 30))) from None
        if code in CREDENTIALS:
            raise CredentialsRefused(code) from None
        if code in permanent:
            raise PermanentFailure(code) from None
        raise TransientFailure(code) from None
    except OSError as exc:
        raise TransientFailure(type(exc).__name__) from None
