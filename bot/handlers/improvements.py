"""`/lawcrm improve list|add|done`, the add form, and the Done / Told-the-client buttons."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import improvements as blocks
from bot.blocks.common import view_values
from bot.deps import AppDeps, SubcommandCall
from bot.errors import require_actor
from bot.flows import improvements as flow
from bot.flows.errors import InvalidInput
from bot.flows.hearings import parse_date_word
from bot.handlers.notes import local_today
from bot.i18n import t
from bot.ids import ImprovementAction as A
from bot.ids import ImprovementBlock as B
from bot.ids import ImprovementView as V
from bot.payloads import action_id_value, message_channel
from bot.slack_text import Mrkdwn, mention

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
FIELD_BLOCKS = {"owner": B.OWNER, "action": B.ACTION, "due": B.DUE}


def parse_add(text: str, *, today: date) -> flow.NewItem:
    """`[@owner] [YYYY-MM-DD] action`; without a date the item is due in the default period."""
    words = text.split()
    owner = None
    mentioned = _MENTION.match(words[0]) if words else None
    if mentioned:
        owner = mentioned.group(1)
        words.pop(0)
    due = parse_date_word(words[0]) if words else None
    if due is not None:
        words.pop(0)
    else:
        due = today + timedelta(days=flow.DEFAULT_DUE_DAYS)
    return flow.NewItem(owner_slack_id=owner, due_on=due, action=" ".join(words))


def register(app: App, deps: AppDeps) -> None:
    """Register the improvement sub-command, form and buttons."""
    services = deps.services

    def show_list(call: SubcommandCall) -> None:
        """The open items the caller may see."""
        with services.session() as session:
            items, total = flow.open_items(session, actor=call.actor)
        text, body = blocks.list_blocks(items, total=total, today=local_today(services), locale=call.actor.locale)
        call.respond(text=text, blocks=body, response_type="ephemeral")

    def improve_command(call: SubcommandCall) -> None:
        """`/lawcrm improve [list | add … | done ID]`."""
        verb, _, rest = call.args.strip().partition(" ")
        verb, rest = verb.lower(), rest.strip()
        locale = call.actor.locale
        if verb in ("", "list"):
            show_list(call)
        elif verb == "add" and not rest:
            if call.actor.role != "partner":
                call.respond(text=t("improve.error.partners_only", locale), response_type="ephemeral")
                return
            call.client.views_open(trigger_id=call.body["trigger_id"],
                                   view=blocks.add_modal(locale=locale, today=local_today(services)))
        elif verb == "add":
            item = parse_add(rest, today=local_today(services))
            with services.session() as session:
                item_id = flow.add_item(session, actor=call.actor, item=item, today=local_today(services))
            call.respond(text=t("improve.added", locale, id=item_id, due=item.due_on.isoformat() if item.due_on else ""),
                         response_type="ephemeral")
        elif verb == "done":
            if not rest.lstrip("#").isdigit():
                call.respond(text=t("improve.error.bad_id", locale), response_type="ephemeral")
                return
            with services.session() as session:
                row = flow.complete(session, actor=call.actor, item_id=int(rest.lstrip("#")), now=services.now())
                item_id = row.id
            call.respond(text=t("improve.done", locale, id=item_id), response_type="ephemeral")
        else:
            call.respond(text=t("improve.usage", locale), response_type="ephemeral")

    deps.subcommands["improve"] = improve_command

    @app.view(V.ADD)
    def handle_add(ack: Ack, body: dict[str, Any], context: BoltContext, view: dict[str, Any],
                   client: WebClient) -> None:
        """A partner's item from the form; bad input comes back on the field, nothing half-written."""
        actor = require_actor(context)
        values = view_values(view)
        due = values.get(B.DUE)
        item = flow.NewItem(owner_slack_id=values.get(B.OWNER) or None,
                            due_on=date.fromisoformat(due) if due else None, action=values.get(B.ACTION) or "")
        try:
            with services.session() as session:
                item_id = flow.add_item(session, actor=actor, item=item, today=local_today(services))
        except InvalidInput as e:
            ack(response_action="errors",
                errors={FIELD_BLOCKS.get(e.field or "action", B.ACTION): t(e.key, actor.locale, **e.params)})
            return
        ack()
        client.chat_postEphemeral(channel=actor.slack_user_id, user=actor.slack_user_id,
                                  text=t("improve.added", actor.locale, id=item_id,
                                         due=item.due_on.isoformat() if item.due_on else ""))

    @app.action(A.DONE)
    def handle_done(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        """The list's Done button."""
        ack()
        actor = require_actor(context)
        with services.session() as session:
            row = flow.complete(session, actor=actor, item_id=action_id_value(body), now=services.now())
            item_id = row.id
        respond(text=t("improve.done", actor.locale, id=item_id), response_type="ephemeral",
                replace_original=False)

    @app.action(A.TOLD_CLIENT)
    def handle_told(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                    respond: Respond) -> None:
        """The service review's "Told the client": recorded, and shown on the review item."""
        ack()
        actor = require_actor(context)
        now = services.now()
        with services.session() as session:
            flow.told_client(session, actor=actor, review_id=action_id_value(body), now=now)
        settings = services.settings
        note = t("improve.told", settings.default_locale, user=mention(actor.slack_user_id),
                 at=now.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M"))
        message = body.get("message") or {}
        channel = message_channel(body)
        if not (channel and message.get("ts") and message.get("blocks")):
            respond(text=note, response_type="ephemeral", replace_original=False)
            return
        kept = []
        for block in message["blocks"]:
            if block.get("type") == "actions":
                block = {**block, "elements": [e for e in block.get("elements") or []
                                               if e.get("action_id") != A.TOLD_CLIENT]}
            kept.append(block)
        kept.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
        deps.notifier(client).update(channel=channel, ts=message["ts"], text=Mrkdwn(message.get("text") or note),
                                     blocks=kept)
