"""The re-tiering proposal's buttons (partners decide) and `/lawcrm strategic` (the strategic mark)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.common import view_values
from bot.blocks.retier import review_blocks, strategic_modal
from bot.deps import AppDeps, SubcommandCall
from bot.errors import require_actor
from bot.flows.clients import visible_client
from bot.flows.errors import DomainError, InvalidInput, PermissionDenied
from bot.flows.quarters import Quarter
from bot.flows.value import retier as flow
from bot.i18n import t
from bot.ids import RetierAction as A
from bot.ids import RetierBlock as B
from bot.ids import RetierView as V
from bot.payloads import action_id_value, message_channel
from bot.slack_text import Mrkdwn
from storage.models.enums import Role


def _pair(body: dict[str, Any]) -> tuple[int, int]:
    """A button value `id:offset` as two numbers (InvalidInput when it is not)."""
    first, _, second = str(body["actions"][0].get("value") or "").partition(":")
    if not first.isdigit() or not (second or "0").isdigit():
        raise InvalidInput()
    return int(first), int(second or 0)


def _where(body: dict[str, Any]) -> tuple[str | None, str | None, bool]:
    """Channel and ts of the clicked message, and whether it was an ephemeral page."""
    container = body.get("container") or {}
    channel = message_channel(body)
    ts = (body.get("message") or {}).get("ts") or container.get("message_ts")
    return channel, ts, bool(container.get("is_ephemeral"))


def register(app: App, deps: AppDeps) -> None:
    """Register the proposal's buttons and the strategic sub-command and form."""
    services = deps.services
    settings = services.settings
    shown = settings.retier_items_shown

    def render(review_id: int, *, offset: int = 0, page: bool = False) -> tuple[str, list[dict[str, Any]]]:
        """The proposal (or a page of it) from the database, in the firm's language."""
        with services.session() as session:
            view = flow.review_view(session, review_id=review_id, offset=offset, limit=shown)
        return review_blocks(view, as_of=Quarter.parse(view.quarter).first_day, locale=settings.default_locale,
                             page=page)

    def refresh(client: WebClient, body: dict[str, Any], respond: Respond, review_id: int, offset: int) -> None:
        """Re-draw what was clicked (the message, or the ephemeral page) and the posted message."""
        channel, ts, ephemeral = _where(body)
        if channel and ts and not ephemeral:
            with services.session() as session:
                flow.set_ts(session, review_id=review_id, channel=channel, ts=ts)
        else:
            text, blocks = render(review_id, offset=offset, page=True)
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)
        with services.session() as session:
            channel, ts = flow.posted_at(session, review_id=review_id)
        if channel and ts:
            text, blocks = render(review_id)
            deps.notifier(client).update(channel=channel, ts=ts, text=Mrkdwn(text), blocks=blocks)

    def decide(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond,
               approve: bool) -> None:
        """One item approved or kept, once."""
        ack()
        actor = require_actor(context)
        item_id, offset = _pair(body)
        with services.session() as session:
            review_id = flow.decide(session, actor=actor, item_id=item_id, approve=approve, now=services.now())
        refresh(client, body, respond, review_id, offset)

    @app.action(A.APPROVE)
    def handle_approve(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                       respond: Respond) -> None:
        decide(ack, body, context, client, respond, True)

    @app.action(A.KEEP)
    def handle_keep(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                    respond: Respond) -> None:
        decide(ack, body, context, client, respond, False)

    @app.action(A.APPROVE_ALL)
    def handle_approve_all(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                           respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        review_id, offset = _pair(body)
        with services.session() as session:
            flow.approve_all(session, actor=actor, review_id=review_id, now=services.now())
        refresh(client, body, respond, review_id, offset)

    @app.action(A.MORE)
    def handle_more(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        ack()
        require_actor(context)
        review_id, offset = _pair(body)
        text, blocks = render(review_id, offset=offset, page=True)
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=_where(body)[2])

    def strategic_command(call: SubcommandCall) -> None:
        """`/lawcrm strategic CLIENT` (a form for the reason) or `/lawcrm strategic off CLIENT`."""
        locale = call.actor.locale
        words = call.args.strip()
        first, _, rest = words.partition(" ")
        if not words or (first.lower() == "off" and not rest.strip()):
            call.respond(text=t("retier.strategic.usage", locale), response_type="ephemeral")
            return
        if call.actor.role != Role.PARTNER:
            call.respond(text=t("retier.partners_only", locale), response_type="ephemeral")
            return
        if first.lower() == "off":
            with services.session() as session:
                cid, _ = flow.find_client(session, actor=call.actor, name=rest.strip())
                name = flow.unmark_strategic(session, actor=call.actor, client_id=cid)
            call.respond(text=t("retier.strategic.unmarked", locale, client=name), response_type="ephemeral")
            return
        # open at once (the trigger id lives 3 s), then name the client
        opened = call.client.views_open(trigger_id=call.body["trigger_id"],
                                        view=strategic_modal(locale=locale, client_name=None, query=words,
                                                             metadata="{}"))
        try:
            with services.session() as session:
                cid, name = flow.find_client(session, actor=call.actor, name=words)
        except DomainError as exc:
            call.client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"],
                                     view=strategic_modal(locale=locale, client_name=None, query=words, metadata="{}",
                                                          problem=t(exc.key, locale, **exc.params)))
            return
        call.client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"],
                                 view=strategic_modal(locale=locale, client_name=name, query=words,
                                                      metadata=json.dumps({"client": cid})))

    deps.subcommands["strategic"] = strategic_command

    @app.action(A.MARK)
    def handle_mark(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """The client card's "Mark strategic": the reason form for that client (partners only)."""
        ack()
        actor = require_actor(context)
        locale = actor.locale
        opened = client.views_open(trigger_id=body["trigger_id"],
                                   view=strategic_modal(locale=locale, client_name=None, query="…", metadata="{}"))
        try:
            if actor.role != Role.PARTNER:
                raise PermissionDenied("retier.partners_only")
            with services.session() as session:
                ref = visible_client(session, actor=actor, client_id=action_id_value(body))
        except DomainError as exc:
            client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"],
                                view=strategic_modal(locale=locale, client_name=None, query="", metadata="{}",
                                                     problem=t(exc.key, locale, **exc.params)))
            return
        client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"],
                            view=strategic_modal(locale=locale, client_name=ref.name, query=ref.name,
                                                 metadata=json.dumps({"client": ref.id})))

    @app.view(V.STRATEGIC)
    def handle_strategic(ack: Ack, body: dict[str, Any], context: BoltContext, view: dict[str, Any],
                         client: WebClient) -> None:
        """The reason given: the client is marked (refusals come back on the field)."""
        actor = require_actor(context)
        meta = json.loads(view.get("private_metadata") or "{}")
        if "client" not in meta:
            ack()
            return
        try:
            with services.session() as session:
                name = flow.mark_strategic(session, actor=actor, client_id=int(meta["client"]),
                                           reason=str(view_values(view).get(B.REASON) or ""), now=services.now())
        except InvalidInput as exc:
            ack(response_action="errors", errors={B.REASON: t(exc.key, actor.locale, **exc.params)})
            return
        ack()
        client.chat_postEphemeral(channel=actor.slack_user_id, user=actor.slack_user_id,
                                  text=t("retier.strategic.marked", actor.locale, client=name))
