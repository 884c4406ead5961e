"""The App Home tab: who you are, your book (paginated sections), the commands, and sections
other features add. Re-published on opening, on a page button, and after Done / Snooze."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.common import Block, divider, header, section
from bot.blocks.home import home_section_blocks
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows.actor import Actor
from bot.flows.home import clean_pages, home_data, record_read
from bot.flows.workdays import calendar_of
from bot.i18n import t
from bot.ids import HomeAction as H
from bot.slack_text import escape, markup
from storage.db import read_only

log = logging.getLogger(__name__)
HOME_BLOCK_LIMIT = 100
PAGE_BUTTON = re.compile(rf"^{H.PAGE}-(?P<section>[a-z_]+)-(?:prev|next)$")


def register(app: App, deps: AppDeps) -> None:
    """Publish the home view whenever a user opens the Home tab or turns one of its pages."""

    @app.event("app_home_opened")
    def handle_app_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        actor: Actor | None = context.get("actor")
        if actor is None:
            locale = context.get("locale") or deps.services.settings.default_locale
            client.views_publish(user_id=event["user"],
                                 view={"type": "home", "blocks": unknown_user_blocks(locale)})
            return
        publish_home(deps=deps, client=client, actor=actor, pages=pages_of_view(event.get("view")))

    @app.action(PAGE_BUTTON)
    def handle_page(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        action = (body.get("actions") or [{}])[0]
        match = PAGE_BUTTON.match(str(action.get("action_id", "")))
        pages = pages_of_view(body.get("view"))
        if match:
            try:
                pages[match["section"]] = int(action.get("value") or 0)
            except ValueError:
                pass
        publish_home(deps=deps, client=client, actor=actor, pages=pages)


def pages_of_view(view: Mapping[str, Any] | None) -> dict[str, int]:
    """The section pages a published Home view carries in its private metadata."""
    try:
        meta = json.loads((view or {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    return clean_pages(meta.get("pages") if isinstance(meta, dict) else None)


def is_home(body: Mapping[str, Any]) -> bool:
    """Whether an action came from the App Home tab."""
    return (body.get("view") or {}).get("type") == "home"


def publish_home(*, deps: AppDeps, client: WebClient, actor: Actor,
                 pages: Mapping[str, int] | None = None) -> None:
    """Build the actor's Home from the database (at these pages) and publish it."""
    services = deps.services
    locale = actor.locale
    cal = calendar_of(services.settings)
    today = cal.local_date(services.now())
    with services.session() as session:
        read_only(session)  # a long read: on SQLite it takes no write lock
        data = home_data(session, actor=actor, today=today, cal=cal, settings=services.settings,
                         pages=pages)
        mine = home_section_blocks(data=data, locale=locale, today=today,
                                   churn_days=services.settings.churn_after_days)
    with services.session() as session:
        record_read(session, actor=actor, data=data)
        extra: list[Block] = []
        for provider in deps.home_sections:
            extra.extend(provider(session, actor, locale))
    head = home_blocks(actor, locale)
    blocks = [*head[:2], *mine, *head[2:], *extra]
    client.views_publish(user_id=actor.slack_user_id,
                         view={"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT],
                               "private_metadata": json.dumps({"pages": data.pages})})


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
