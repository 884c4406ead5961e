"""`/client NAME`: the private profile card, its pick list and the add-follow-up form."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.common import view_values
from bot.blocks.upkeep import card_blocks, followup_modal, pick_blocks
from bot.deps import AppDeps
from bot.payloads import action_id_value
from bot.errors import require_actor
from bot.flows import clients, followups
from bot.flows.actor import Actor
from bot.handlers.client_list import open_client_list
from bot.handlers.notes import field_errors, local_today
from bot.i18n import t
from bot.ids import Command
from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from bot.ids import UpkeepView as V
from bot.services import Services
from bot.slack_text import escape, message_text

PICK_CARD = re.compile(rf"^{A.PICK_CARD_CLIENT}-\d+$")


def show_card(*, services: Services, actor: Actor, client_id: int, respond: Respond,
              replace: bool = False) -> None:
    """Answer privately with the client's card (NotFound when not visible)."""
    with services.session() as session:
        card = clients.client_card(session, actor=actor, client_id=client_id,
                                   today=local_today(services), tz=services.settings.tz)
    respond(text=message_text(card.name), blocks=card_blocks(locale=actor.locale, card=card),
            response_type="ephemeral", replace_original=replace)


def register(app: App, deps: AppDeps) -> None:
    """Register `/client`, its pick buttons and the follow-up form."""
    services = deps.services

    @app.command(Command.CLIENT)
    def handle_client_command(ack: Ack, body: dict[str, Any], context: BoltContext,
                              respond: Respond, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        query = (body.get("text") or "").strip()
        if not query:
            open_client_list(services=services, client=client, actor=actor, trigger_id=body["trigger_id"])
            return
        with services.session() as session:
            matches = clients.search_clients(session, actor=actor, query=query)
        if not matches:
            respond(text=t("upkeep.client_not_found", actor.locale), response_type="ephemeral")
            return
        if len(matches) == 1:
            show_card(services=services, actor=actor, client_id=matches[0].client_id, respond=respond)
            return
        prompt = t("upkeep.card_pick", actor.locale, query=escape(query))
        respond(text=prompt, response_type="ephemeral",
                blocks=pick_blocks(prompt=prompt, matches=matches, action_id=A.PICK_CARD_CLIENT,
                                   value_of=lambda m: str(m.client_id)))

    @app.action(PICK_CARD)
    def handle_pick_card(ack: Ack, body: dict[str, Any], context: BoltContext,
                         respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        value = action_id_value(body)
        show_card(services=services, actor=actor, client_id=value, respond=respond, replace=True)

    @app.action(A.ADD_FOLLOWUP)
    def handle_add_followup(ack: Ack, body: dict[str, Any], context: BoltContext,
                            client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        value = action_id_value(body)
        today = local_today(services)
        # open at once (the trigger id lives 3 s), then name the client; submitting re-checks
        opened = client.views_open(trigger_id=body["trigger_id"], view=followup_modal(
            locale=actor.locale, client_id=value, client_name=None, today=today))
        with services.session() as session:
            name = clients.visible_client(session, actor=actor, client_id=value).name
        client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"],
                            view=followup_modal(locale=actor.locale, client_id=value,
                                                client_name=name, today=today))

    @app.view(V.FOLLOWUP)
    def handle_followup_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                   view: dict[str, Any], client: WebClient) -> None:
        locale = context.get("locale") or services.settings.default_locale
        values = view_values(view)
        today = local_today(services)
        title = values.get(B.TITLE) or ""
        due = date.fromisoformat(values[B.DUE]) if values.get(B.DUE) else None
        problems = followups.follow_up_problems(title=title, due_on=due, today=today)
        if problems or due is None:
            ack(response_action="errors", errors=field_errors(problems, locale))
            return
        ack()
        actor = require_actor(context)
        client_id = int(json.loads(view.get("private_metadata") or "{}")["client_id"])
        with services.session() as session:
            follow = followups.create_follow_up(session, actor=actor, client_id=client_id, title=title,
                                                due_on=due, today=today, now=services.now())
            due_on, what = follow.due_on, follow.title
            name = followups.client_name_of(session, follow=follow)
        client.chat_postMessage(channel=actor.slack_user_id,
                                text=t("upkeep.followup_added", actor.locale, client=escape(name),
                                       title=escape(what), due=due_on.isoformat()))
