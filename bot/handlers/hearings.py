"""Hearings and deadlines: the card's Hearing button and form, and `/hearing`."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.client_edit import HEARING_BLOCKS, hearing_modal
from bot.blocks.common import view_values
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows import client_edit as ce
from bot.flows import hearings
from bot.flows.errors import InvalidInput
from bot.handlers.client_edit import open_then_fill, save_then_confirm, view_meta
from bot.handlers.notes import local_today
from bot.i18n import t
from bot.ids import ClientEditAction as A
from bot.ids import ClientEditBlock as B
from bot.ids import ClientEditView as V
from bot.ids import Command
from bot.payloads import action_id_value
from bot.slack_text import escape


def hearing_text(hearing: hearings.Hearing, name: str, locale: str) -> str:
    """The confirmation of a recorded hearing or deadline."""
    when = hearing.on.isoformat() + (f" {hearing.at}" if hearing.at else "")
    return t("client_edit.hearing_added", locale, kind=t(f"upkeep.kind.{hearing.kind}", locale),
             matter=hearing.matter_number, client=escape(name), when=when)


def register(app: App, deps: AppDeps) -> None:
    """Register the Hearing button, its form and `/hearing`."""
    services = deps.services

    @app.action(A.HEARING)
    def handle_hearing(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        cid = action_id_value(body)
        today = local_today(services)

        def build(session: Session) -> dict[str, Any]:
            matters = hearings.matters_for(session, actor=actor, client_id=cid)
            name = ce.editable_client(session, actor=actor, client_id=cid).name
            return hearing_modal(locale=actor.locale, client_id=cid, name=name, matters=matters, today=today)

        open_then_fill(services, client, body, actor, build)

    @app.view(V.HEARING)
    def handle_hearing_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                  view: dict[str, Any], client: WebClient) -> None:
        actor = require_actor(context)
        locale = actor.locale
        values, meta = view_values(view), view_meta(view)

        def save(session: Session) -> tuple[hearings.Hearing, str]:
            on = date.fromisoformat(values[B.ON]) if values.get(B.ON) else None
            if on is None:
                raise InvalidInput("intake.error.required", field="on")
            hearing = hearings.Hearing(matter_number=str(values.get(B.MATTER) or ""),
                                       kind=str(values.get(B.KIND) or "hearing"), on=on,
                                       at=hearings.normalize_time(values.get(B.AT)),
                                       authority=" ".join(str(values.get(B.AUTHORITY) or "").split()) or None,
                                       what=" ".join(str(values.get(B.WHAT) or "").split()) or None)
            _, name = hearings.add_hearing(session, actor=actor, hearing=hearing,
                                           today=local_today(services), client_id=int(meta["client_id"]))
            return hearing, name

        save_then_confirm(services, ack, client, actor, save,
                          lambda saved: hearing_text(*saved, locale), blocks=HEARING_BLOCKS)

    @app.command(Command.HEARING)
    def handle_hearing_command(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        text = (body.get("text") or "").strip()
        if not text:
            respond(text=t("client_edit.hearing_usage", actor.locale), response_type="ephemeral")
            return
        hearing = hearings.parse_hearing_command(text)
        with services.session() as session:
            _, name = hearings.add_hearing(session, actor=actor, hearing=hearing, today=local_today(services))
        respond(text=hearing_text(hearing, name, actor.locale), response_type="ephemeral")
