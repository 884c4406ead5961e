"""The App Home tab: who you are, the commands, and sections other features add."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks.common import Block, divider, header, section
from bot.deps import AppDeps
from bot.flows.actor import Actor
from bot.i18n import t
from bot.slack_text import escape, markup

log = logging.getLogger(__name__)
HOME_BLOCK_LIMIT = 100


def register(app: App, deps: AppDeps) -> None:
    """Publish the home view whenever a user opens the Home tab."""

    @app.event("app_home_opened")
    def handle_app_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        actor: Actor | None = context.get("actor")
        locale = context.get("locale") or deps.services.settings.default_locale
        if actor is None:
            blocks = unknown_user_blocks(locale)
        else:
            blocks = home_blocks(actor, locale)
            with deps.services.session() as session:
                for provider in deps.home_sections:
                    blocks.extend(provider(session, actor, locale))
        client.views_publish(user_id=event["user"],
                             view={"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]})


def home_blocks(actor: Actor, locale: str) -> list[Block]:
    """The greeting (name and role) and the command list, in the user's language."""
    mp = t("whoami.managing_partner", locale) if actor.is_managing_partner else ""
    return [
        header(t("home.title", locale)),
        section(t("home.greeting", locale, name=escape(actor.name),
                  role=t(f"role.{actor.role.value}", locale), mp=mp, locale=locale)),
        divider(),
        section(markup("*{title}*\n{body}", title=t("home.commands", locale),
                       body=t("help.body", locale))),
    ]


def unknown_user_blocks(locale: str) -> list[Block]:
    """What a Slack user outside the staff directory sees: ask an administrator."""
    return [header(t("home.title", locale)), section(t("error.unknown_user", locale))]
