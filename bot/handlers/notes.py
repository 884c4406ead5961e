"""`/note`: the one-line contact note, the note form, its client type-ahead and pick list."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.common import view_values
from bot.blocks.upkeep import (alert_blocks, alert_ids_in, client_option, none_found_blocks,
                               note_modal, pick_blocks)
from bot.deps import AppDeps
from bot.payloads import action_id_value
from bot.errors import require_actor
from bot.flows import churn, clients, notes
from bot.flows.actor import Actor
from bot.flows.errors import Conflict, InvalidInput
from bot.flows.workdays import calendar_of
from bot.i18n import t
from bot.ids import Command
from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from bot.ids import UpkeepView as V
from bot.services import Services
from bot.slack_text import escape
from storage.models.enums import ContactChannel

PICK_NOTE = re.compile(rf"^{A.PICK_NOTE_CLIENT}-\d+$")


def local_today(services: Services) -> date:
    """Today in the firm's timezone."""
    return calendar_of(services.settings).local_date(services.now())


def open_note_modal(*, deps: AppDeps, client: WebClient, trigger_id: str, actor: Actor,
                    client_id: int | None = None, pending_id: int | None = None,
                    message: dict[str, Any] | None = None) -> None:
    """Open the note form at once, then fill in a chosen client and a kept text (views.update).

    The trigger id lives 3 s, so nothing is read before `views.open`; the submission checks
    again that the actor may see the client.
    """
    services = deps.services
    today = local_today(services)
    metadata: dict[str, Any] = {}
    if pending_id is not None:
        metadata["pending"] = pending_id
    if message:
        metadata["message"] = message
    opened = client.views_open(trigger_id=trigger_id, view=note_modal(
        locale=actor.locale, today=today, metadata=metadata))
    if client_id is None and pending_id is None:
        return
    chosen, kept = None, None
    with services.session() as session:
        if client_id is not None:
            c = clients.visible_client(session, actor=actor, client_id=client_id)
            chosen = (c.id, c.name)
        if pending_id is not None:
            raw = notes.read_pending(session, actor=actor, pending_id=pending_id)
            try:
                kept = notes.parse_one_liner(raw, today=today)
            except InvalidInput:
                kept = notes.ParsedNote(client_query="", text=raw, channel="other", next_step=None,
                                        due_on=None)
    client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"], view=note_modal(
        locale=actor.locale, today=today, client=chosen, kept=kept, metadata=metadata))


def confirmation(*, locale: str, client_name: str, recorded: notes.Recorded, channel: str,
                 day: date, title: str | None) -> str:
    """What the author is told after a note is stored."""
    text = t("upkeep.note_recorded", locale, channel=t(f"upkeep.channel.{channel}", locale),
             client=escape(client_name), day=day.isoformat())
    if recorded.follow_up_id and recorded.due_on:
        text += "\n" + t("upkeep.followup_created", locale, title=escape(title or ""),
                         due=recorded.due_on.isoformat())
    return text


def record_one_liner(*, services: Services, actor: Actor, client_id: int, raw: str | None = None,
                     pending_id: int | None = None) -> str:
    """Record a typed one-liner, or a kept one (used up in the same transaction); the reply."""
    today, now = local_today(services), services.now()
    with services.session() as session:
        if pending_id is not None:
            raw = notes.read_pending(session, actor=actor, pending_id=pending_id)
            if not notes.drop_pending(session, actor=actor, pending_id=pending_id):
                raise Conflict("upkeep.pending_gone")
        parsed = notes.parse_one_liner(raw or "", today=today)
        recorded = notes.record_note(session, actor=actor, client_id=client_id, text=parsed.text,
                                     channel=parsed.channel, occurred_at=now, now=now, today=today,
                                     cal=calendar_of(services.settings),
                                     next_step=parsed.next_step, due_on=parsed.due_on)
    return confirmation(locale=actor.locale, client_name=recorded.client_name, recorded=recorded,
                        channel=parsed.channel, day=today, title=parsed.next_step)


def handle_one_liner(*, deps: AppDeps, actor: Actor, raw: str, respond: Respond) -> None:
    """`/note CLIENT: text`: record, or offer a pick list, or keep the text when nothing matches."""
    services = deps.services
    loc = actor.locale
    try:
        parsed = notes.parse_one_liner(raw, today=local_today(services))
    except InvalidInput as exc:
        respond(text=t(exc.key, loc, **exc.params) + "\n>" + escape(raw), response_type="ephemeral")
        return
    with services.session() as session:
        matches = clients.search_clients(session, actor=actor, query=parsed.client_query)
        pending = None if len(matches) == 1 else notes.save_pending(session, actor=actor, raw=raw,
                                                                    now=services.now())
    if len(matches) == 1:
        try:
            text = record_one_liner(services=services, actor=actor, raw=raw,
                                    client_id=matches[0].client_id)
        except InvalidInput as exc:
            respond(text=t(exc.key, loc, **exc.params) + "\n>" + escape(raw),
                    response_type="ephemeral")
            return
        respond(text=text, response_type="ephemeral")
        return
    if not matches:
        assert pending is not None
        blocks = none_found_blocks(locale=loc, query=parsed.client_query, text=raw, pending_id=pending)
        respond(text=t("upkeep.note_none_found", loc, query=escape(parsed.client_query),
                       text=escape(raw)), blocks=blocks, response_type="ephemeral")
        return
    prompt = t("upkeep.note_pick", loc, query=escape(parsed.client_query))
    blocks = pick_blocks(prompt=prompt, matches=matches, action_id=A.PICK_NOTE_CLIENT,
                         value_of=lambda m: f"{pending}:{m.client_id}")
    respond(text=prompt, blocks=blocks, response_type="ephemeral")


def _occurred_at(services: Services, day: date) -> datetime:
    """Now for today's contacts, else noon firm-local on that day."""
    if day == local_today(services):
        return services.now()
    return calendar_of(services.settings).at_local(day, time(12, 0))


def field_errors(problems: dict[str, InvalidInput], locale: str) -> dict[str, str]:
    """Modal field errors (block id -> message in the user's language) from a flow validator."""
    return {block: t(exc.key, locale, **exc.params) for block, exc in problems.items()}


def validate_note_form(values: dict[str, Any], *, locale: str, today: date) -> tuple[dict[str, str], dict[str, Any]]:
    """Errors by block id, and the cleaned values of the note form (checks of `notes`)."""
    errors: dict[str, str] = {}
    client_id = values.get(B.CLIENT)
    if not client_id or not str(client_id).isdigit():
        errors[B.CLIENT] = t("upkeep.need_client", locale)
    day = date.fromisoformat(values[B.DATE]) if values.get(B.DATE) else today
    next_step = (values.get(B.NEXT) or "").strip() or None
    due = date.fromisoformat(values[B.DUE]) if values.get(B.DUE) else None
    if next_step and due is None:
        next_step, due = notes.split_due(next_step, today=today)
        if due is None:
            errors[B.DUE] = t("upkeep.need_due", locale)
    cleaned = {"client_id": int(client_id) if not errors.get(B.CLIENT) else None,
               "text": (values.get(B.TEXT) or "").strip(),
               "channel": values.get(B.CHANNEL) or ContactChannel.OTHER.value, "day": day,
               "next": next_step, "due": due}
    problems = notes.note_problems(text=cleaned["text"], channel=cleaned["channel"], day=day,
                                   today=today, next_step=next_step, due_on=due)
    return {**field_errors(problems, locale), **errors}, cleaned


def register(app: App, deps: AppDeps) -> None:
    """Register `/note`, the note form, the client type-ahead and the pick buttons."""
    services = deps.services

    @app.command(Command.NOTE)
    def handle_note_command(ack: Ack, body: dict[str, Any], context: BoltContext,
                            client: WebClient, respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        raw = (body.get("text") or "").strip()
        if not raw:
            open_note_modal(deps=deps, client=client, trigger_id=body["trigger_id"], actor=actor)
            return
        handle_one_liner(deps=deps, actor=actor, raw=raw, respond=respond)

    @app.options(A.CLIENT_SELECT)
    def handle_client_options(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        actor = context.get("actor")
        if actor is None:
            ack(options=[])
            return
        with services.session() as session:
            found = clients.search_clients(session, actor=actor, query=str(body.get("value") or ""),
                                           limit=20)
        ack(options=[client_option(m.client_id, m.name) for m in found])

    @app.action(PICK_NOTE)
    def handle_pick_note_client(ack: Ack, body: dict[str, Any], context: BoltContext,
                                respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        pending_s, _, client_s = str(body["actions"][0].get("value") or "").partition(":")
        if not (pending_s.isdigit() and client_s.isdigit()):
            raise InvalidInput()
        text = record_one_liner(services=services, actor=actor, client_id=int(client_s),
                                pending_id=int(pending_s))
        respond(text=text, replace_original=True, response_type="ephemeral")

    @app.action(A.NOTE_RETRY)
    def handle_note_retry(ack: Ack, body: dict[str, Any], context: BoltContext,
                          client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        value = action_id_value(body)
        open_note_modal(deps=deps, client=client, trigger_id=body["trigger_id"], actor=actor,
                        pending_id=value)

    @app.action(A.LOG_CONTACT)
    def handle_log_contact(ack: Ack, body: dict[str, Any], context: BoltContext,
                           client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        value = action_id_value(body)
        message = None
        blocks = (body.get("message") or {}).get("blocks") or []
        if alert_ids_in(blocks):
            message = {"channel": (body.get("channel") or {}).get("id"),
                       "ts": (body.get("message") or {}).get("ts"), "alerts": alert_ids_in(blocks)}
        open_note_modal(deps=deps, client=client, trigger_id=body["trigger_id"], actor=actor,
                        client_id=value, message=message)

    @app.view(V.NOTE)
    def handle_note_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                               view: dict[str, Any], client: WebClient) -> None:
        actor = context.get("actor")
        locale = context.get("locale") or services.settings.default_locale
        today = local_today(services)
        errors, form = validate_note_form(view_values(view), locale=locale, today=today)
        if errors and actor is not None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        actor = require_actor(context)
        meta = json.loads(view.get("private_metadata") or "{}")
        now = services.now()
        with services.session() as session:
            recorded = notes.record_note(
                session, actor=actor, client_id=form["client_id"], text=form["text"],
                channel=form["channel"], occurred_at=_occurred_at(services, form["day"]), now=now,
                today=today, cal=calendar_of(services.settings), next_step=form["next"],
                due_on=form["due"])
            if meta.get("pending"):
                notes.drop_pending(session, actor=actor, pending_id=int(meta["pending"]))
        client.chat_postMessage(channel=actor.slack_user_id, text=confirmation(
            locale=actor.locale, client_name=recorded.client_name, recorded=recorded, channel=form["channel"],
            day=form["day"], title=form["next"]))
        message = meta.get("message") or {}
        if message.get("channel") and message.get("ts") and message.get("alerts"):
            refresh_alert_message(services=services, client=client, channel=message["channel"],
                                  ts=message["ts"], alert_ids=message["alerts"])


def refresh_alert_message(*, services: Services, client: WebClient, channel: str, ts: str,
                          alert_ids: list[int]) -> None:
    """Re-render a grouped alert message from the database and replace it."""
    settings = services.settings
    with services.session() as session:
        views = churn.load_alerts(session, alert_ids=alert_ids,
                                   cal=calendar_of(settings))
    if not views:
        return
    kind = views[0].kind
    days = settings.churn_after_days if kind == churn.CHURN else settings.lost_after_days
    text, blocks = alert_blocks(locale=settings.default_locale, kind=kind, views=views, days=days)
    client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
