"""Start-up checks of the configured channels."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import Settings

log = logging.getLogger(__name__)


class ChannelConfigError(Exception):
    """A configured channel cannot be used; the message names the setting."""


def configured_channels(settings: Settings) -> dict[str, str]:
    """Setting name -> channel id, for the channels that are set."""
    named = {"PARTNER_REVIEW_CHANNEL": settings.partner_review_channel,
             "ALERTS_CHANNEL": settings.alerts_channel, "ADMIN_CHANNEL": settings.admin_channel,
             "INTAKE_CHANNEL": settings.intake_channel}
    return {k: v for k, v in named.items() if v}


def check_channels(client: WebClient, settings: Settings) -> frozenset[str]:
    """Refuse external (Slack Connect) channels; warn when the review channel is public.

    Returns the external channel ids for the notifier and sender to refuse at run time; it is
    empty because start-up refuses any such channel outright (the run-time guard covers ids
    handed to `create_app(external_channels=…)`).
    """
    for setting, channel_id in configured_channels(settings).items():
        try:
            info = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as exc:
            raise ChannelConfigError(
                f"{setting}={channel_id}: Slack says {exc.response.get('error', 'error')} "
                "(invite the bot to the channel, and check the id)"
            ) from None
        except OSError as exc:
            raise ChannelConfigError(
                f"{setting}={channel_id}: cannot reach Slack at {settings.slack_api_url} to check it "
                f"({type(exc).__name__})"
            ) from None
        if info.get("is_ext_shared") or info.get("is_pending_ext_shared"):
            pending = " (an invitation is pending)" if not info.get("is_ext_shared") else ""
            raise ChannelConfigError(
                f"{setting}={channel_id} is shared with another organisation (Slack Connect){pending}; "
                "confidential posts are refused there: choose an internal channel"
            )
        if setting == "PARTNER_REVIEW_CHANNEL" and not info.get("is_private"):
            log.warning("partner review channel is public; it should be private to partners",
                        extra={"channel": channel_id, "setting": setting})
    # Every external channel was refused above, so none remains for the notifier to guard.
    return frozenset()
