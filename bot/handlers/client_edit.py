"""Editing a client from its card: details, contacts, dates and tier; Still correct."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.client_edit import (FIELD_BLOCKS, contact_block, contacts_modal, date_block,
                                    dates_modal, edit_modal, notice_modal, tier_modal)
from bot.blocks.common import view_values
from bot.blocks.upkeep import replace_item
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows import client_edit as ce
from bot.flows.actor import Actor
from bot.flows.errors import DomainError, InvalidInput, PermissionDenied
from bot.handlers.notes import local_today
from bot.i18n import t
from bot.ids import ClientEditAction as A
from bot.ids import ClientEditBlock as B
from bot.ids import ClientEditView as V
from bot.payloads import action_id_value, message_channel
from bot.services import Services
from bot.slack_text import escape, mention

TIER_BLOCKS = {"tier": B.TIER, "reason": B.REASON}

T = TypeVar("T")


def view_meta(view: dict[str, Any]) -> dict[str, Any]:
    """The view's private metadata."""
    return json.loads(view.get("private_metadata") or "{}")


def _errors(problems: dict[str, str], blocks: dict[str, str], locale: str) -> dict[str, str]:
    """Field problems (message keys by field name) as modal errors by block id."""
    out: dict[str, str] = {}
    for name, key in problems.items():
        out[blocks.get(name, next(iter(blocks.values())))] = t(key, locale)
    return out


def open_then_fill(services: Services, client: WebClient, body: dict[str, Any], actor: Actor,
                   build: Callable[[Session], dict[str, Any]], *, push: bool = False) -> None:
    """Open (or push) a modal at once (the trigger id lives 3 s), then fill it in or refuse."""
    first = notice_modal(locale=actor.locale, text=t("common.working", actor.locale))
    opened = (client.views_push if push else client.views_open)(trigger_id=body["trigger_id"], view=first)
    try:
        with services.session() as session:
            view = build(session)
    except DomainError as exc:
        view = notice_modal(locale=actor.locale, text=t(exc.key, actor.locale, **exc.params))
    client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"], view=view)


def confirm_dm(client: WebClient, actor: Actor, text: str) -> None:
    """Tell the editor privately what was saved."""
    client.chat_postMessage(channel=actor.slack_user_id, text=text)


def refuse(ack: Ack, exc: DomainError, locale: str, *, blocks: Mapping[str, str] | None = None) -> None:
    """Answer a refused submission: beside the field when it is one of `blocks`, else a notice."""
    if isinstance(exc, InvalidInput) and blocks and exc.field in blocks:
        ack(response_action="errors", errors={blocks[exc.field]: t(exc.key, locale, **exc.params)})
        return
    ack(response_action="update", view=notice_modal(locale=locale, text=t(exc.key, locale, **exc.params)))


def save_then_confirm(services: Services, ack: Ack, client: WebClient, actor: Actor,
                      save: Callable[[Session], T], message: Callable[[T], str], *,
                      blocks: Mapping[str, str] | None = None) -> None:
    """Save a submission in one session; refuse it (see `refuse`) or close it and confirm privately."""
    try:
        with services.session() as session:
            result = save(session)
    except DomainError as exc:
        refuse(ack, exc, actor.locale, blocks=blocks)
        return
    ack()
    confirm_dm(client, actor, message(result))


def register(app: App, deps: AppDeps) -> None:
    """Register the card's Edit and Tier buttons, their modals and pushed views, and Still correct."""
    services = deps.services

    @app.action(A.EDIT)
    def handle_edit(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        cid = action_id_value(body)
        open_then_fill(services, client, body, actor, lambda s: edit_modal(
            locale=actor.locale, form=ce.load_form(s, actor=actor, client_id=cid)))

    @app.action(A.CONTACTS)
    def handle_contacts(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        cid = action_id_value(body)
        open_then_fill(services, client, body, actor, lambda s: contacts_modal(
            locale=actor.locale, client_id=cid,
            contacts=ce.load_contacts(s, actor=actor, client_id=cid)), push=True)

    @app.action(A.DATES)
    def handle_dates(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        cid = action_id_value(body)

        def build(session: Session) -> dict[str, Any]:
            kind, dates = ce.load_dates(session, actor=actor, client_id=cid)
            return dates_modal(locale=actor.locale, client_id=cid, kind=kind, dates=dates)

        open_then_fill(services, client, body, actor, build, push=True)

    @app.action(A.TIER)
    def handle_tier(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        cid = action_id_value(body)

        def build(session: Session) -> dict[str, Any]:
            from bot.flows import policy

            if not policy.can_change_tier(actor):
                raise PermissionDenied("client_edit.error.partners_only")
            c = ce.editable_client(session, actor=actor, client_id=cid)
            return tier_modal(locale=actor.locale, client_id=cid, name=c.name, tier=c.tier)

        open_then_fill(services, client, body, actor, build)

    @app.action(A.STILL_CORRECT)
    def handle_still_correct(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                             respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        cid = action_id_value(body)
        with services.session() as session:
            name = ce.confirm_details(session, actor=actor, client_id=cid, now=services.now())
        block_id = f"{B.RECONFIRM_PREFIX}{cid}"
        msg = body.get("message") or {}
        channel = message_channel(body)
        blocks = list(msg.get("blocks") or [])
        text = t("client_edit.reconfirm.done", actor.locale, who=mention(actor.slack_user_id))
        if channel and msg.get("ts") and any(b.get("block_id") == block_id for b in blocks):
            client.chat_update(channel=channel, ts=msg["ts"], text=msg.get("text") or text,
                               blocks=replace_item(blocks, block_id=block_id, text=text))
            return
        respond(text=t("client_edit.reconfirm.done_private", actor.locale, client=escape(name)),
                response_type="ephemeral", replace_original=False)

    @app.view(V.MAIN)
    def handle_main_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                               view: dict[str, Any], client: WebClient) -> None:
        actor = require_actor(context)
        locale = actor.locale
        values, meta = view_values(view), view_meta(view)
        raw: dict[str, Any] = {name: values.get(block) for name, block in FIELD_BLOCKS.items()}
        raw["consent"] = "yes" in (values.get(B.CONSENT) or [])
        raw["values"] = values.get(B.VALUES) or []
        raw["referrer_client_id"] = values.get(B.REFERRER_CLIENT) or None
        if raw["referrer_client_id"] and not str(raw["referrer_client_id"]).isdigit():
            raw["referrer_client_id"] = None
        staff_uid = values.get(B.REFERRER_STAFF)
        raw.pop("referrer_staff_id", None)
        with services.session() as session:
            raw["referrer_staff_id"] = ce.staff_id_of(session, staff_uid)
            kind = ce.kind_of(session, client_id=int(meta["client_id"]))
        if staff_uid and raw["referrer_staff_id"] is None:
            ack(response_action="errors", errors={B.REFERRER_STAFF: t("client_edit.error.not_staff", locale)})
            return
        details, problems = ce.parse_details(raw, kind=kind, today=local_today(services))
        if details is None:
            ack(response_action="errors", errors=_errors(problems, FIELD_BLOCKS, locale))
            return
        save_then_confirm(
            services, ack, client, actor,
            lambda s: ce.save_details(s, actor=actor, client_id=int(meta["client_id"]), details=details,
                                      now=services.now()),
            lambda changed: t("client_edit.saved" if changed else "client_edit.confirmed", locale,
                              client=escape(details.name), count=len(changed)),
            blocks=FIELD_BLOCKS)

    @app.view(V.CONTACTS)
    def handle_contacts_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                   view: dict[str, Any], client: WebClient) -> None:
        actor = require_actor(context)
        locale = actor.locale
        values, meta = view_values(view), view_meta(view)
        ids = [int(i) for i in meta.get("ids") or []]
        slots = [{name: values.get(contact_block(i, name)) for name in ce.CONTACT_FIELDS}
                 for i in range(ce.MAX_CONTACTS)]
        contacts, problems = ce.parse_contacts(slots, ids + [None] * (ce.MAX_CONTACTS - len(ids)))
        if contacts is None:
            ack(response_action="errors", errors={contact_block(i, name): t(key, locale)
                                                  for (i, name), key in problems.items()})
            return
        save_then_confirm(
            services, ack, client, actor,
            lambda s: ce.save_contacts(s, actor=actor, client_id=int(meta["client_id"]), contacts=contacts,
                                       shown_ids=ids, now=services.now()),
            lambda count: t("client_edit.contacts_saved", locale, count=count))

    @app.view(V.DATES)
    def handle_dates_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                view: dict[str, Any], client: WebClient) -> None:
        actor = require_actor(context)
        locale = actor.locale
        values, meta = view_values(view), view_meta(view)
        others = [(values.get(date_block(i, "on")), values.get(date_block(i, "label")))
                  for i in range(ce.MAX_OTHER_DATES)]
        parsed, problems = ce.parse_dates(main=values.get(B.YEARLY), others=others, today=local_today(services))
        if parsed is None:
            blocks = {"main": B.YEARLY, **{f"other-{i}": date_block(i, "label") for i in range(ce.MAX_OTHER_DATES)}}
            ack(response_action="errors", errors=_errors(problems, blocks, locale))
            return
        main, dated = parsed
        save_then_confirm(
            services, ack, client, actor,
            lambda s: ce.save_dates(s, actor=actor, client_id=int(meta["client_id"]), main=main, others=dated,
                                    now=services.now()),
            lambda count: t("client_edit.dates_saved", locale, count=count))

    @app.view(V.TIER)
    def handle_tier_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                               view: dict[str, Any], client: WebClient) -> None:
        actor = require_actor(context)
        locale = actor.locale
        values, meta = view_values(view), view_meta(view)
        tier = str(values.get(B.TIER) or "")
        save_then_confirm(
            services, ack, client, actor,
            lambda s: ce.change_tier(s, actor=actor, client_id=int(meta["client_id"]), tier=tier,
                                     reason=str(values.get(B.REASON) or ""), now=services.now()),
            lambda name: t("client_edit.tier_changed", locale, client=escape(name),
                           tier=t(f"upkeep.tier.{tier}", locale)),
            blocks=TIER_BLOCKS)
