"""`/lawcrm fees NUMBER`, its Set terms / Record invoice / Record payment buttons and their modals."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks import fees as ui
from bot.blocks.common import view_values
from bot.deps import AppDeps, SubcommandCall
from bot.errors import require_actor
from bot.flows.actor import Actor
from bot.flows.errors import DomainError, InvalidInput
from bot.flows.value import fees as flow
from bot.flows.value.amounts import parse_amount
from bot.flows.workdays import calendar_of
from bot.i18n import t
from bot.ids import FeeAction as A
from bot.ids import FeeBlock as B
from bot.ids import FeeView as V


def _errors(problems: flow.Problems, blocks: Mapping[str, str], locale: str) -> dict[str, str]:
    """Field problems as modal errors by block id."""
    return {blocks[name]: t(key, locale, **params) for name, (key, params) in problems.items()}


def _button_value(body: dict[str, Any]) -> str:
    """The matter number a button carries."""
    return str((body.get("actions") or [{}])[0].get("value") or "")


def _refuse(ack: Ack, exc: DomainError, locale: str, blocks: Mapping[str, str]) -> None:
    """A refused submission: beside its field when it has one, else a notice in the modal."""
    if isinstance(exc, InvalidInput) and exc.field in blocks:
        ack(response_action="errors", errors={blocks[exc.field]: t(exc.key, locale, **exc.params)})
        return
    ack(response_action="update", view=ui.notice_modal(locale=locale, text=t(exc.key, locale, **exc.params)))


def register(app: App, deps: AppDeps) -> None:
    """Register `/lawcrm fees`, the three buttons and the two modals."""
    services = deps.services
    settings = services.settings
    calendar = calendar_of(settings)

    def today() -> date:
        """The firm's date by the app clock."""
        return calendar.local_date(services.now())

    def fees_command(call: SubcommandCall) -> None:
        """`/lawcrm fees NUMBER`: the matter's fee summary, privately."""
        number = call.args.strip()
        if not number:
            call.respond(text=t("fees.usage", call.actor.locale), response_type="ephemeral")
            return
        with services.session() as session:
            summary = flow.fee_summary(session, actor=call.actor, number=number)
        text, blocks = ui.summary_blocks(summary, locale=call.actor.locale, currency=settings.currency,
                                         tz=settings.tz)
        call.respond(text=text, blocks=blocks, response_type="ephemeral")

    deps.subcommands["fees"] = fees_command

    def open_then_fill(client: WebClient, body: dict[str, Any], actor: Actor,
                       build: Callable[[Session], dict[str, Any]]) -> None:
        """Open a modal at once (the trigger id lives 3 s), then fill it in or show the refusal."""
        first = ui.notice_modal(locale=actor.locale, text=t("common.working", actor.locale))
        opened = client.views_open(trigger_id=body["trigger_id"], view=first)
        try:
            with services.session() as session:
                view = build(session)
        except DomainError as exc:
            view = ui.notice_modal(locale=actor.locale, text=t(exc.key, actor.locale, **exc.params))
        client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"], view=view)

    @app.action(A.SET_TERMS)
    def handle_set_terms(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Set terms (summary) or Set fees and complexity (approved intake): partners only."""
        ack()
        actor = require_actor(context)
        number = _button_value(body)
        open_then_fill(client, body, actor, lambda s: ui.terms_modal(
            flow.terms_form(s, actor=actor, number=number), locale=actor.locale, currency=settings.currency))

    def handle_record(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Record invoice / Record payment: partners and the client's team."""
        ack()
        actor = require_actor(context)
        number, kind = _button_value(body), ui.KIND_OF_ACTION[body["actions"][0]["action_id"]]

        def build(session: Session) -> dict[str, Any]:
            shown, client_name = flow.entry_matter(session, actor=actor, number=number)
            return ui.entry_modal(kind=kind, number=shown, client_name=client_name, locale=actor.locale,
                                  currency=settings.currency, today=today())

        open_then_fill(client, body, actor, build)

    app.action(A.RECORD_INVOICE)(handle_record)
    app.action(A.RECORD_PAYMENT)(handle_record)

    @app.view(V.TERMS)
    def handle_terms_submission(ack: Ack, body: dict[str, Any], context: BoltContext, view: dict[str, Any],
                                client: WebClient) -> None:
        """Validate the terms beside their fields, then save them."""
        actor = require_actor(context)
        values, number = view_values(view), json.loads(view.get("private_metadata") or "{}").get("number", "")
        terms, problems = flow.parse_terms(arrangement=values.get(B.ARRANGEMENT), agreed=values.get(B.AGREED),
                                           complexity=values.get(B.COMPLEXITY))
        if terms is None:
            ack(response_action="errors", errors=_errors(problems, ui.TERM_BLOCKS, actor.locale))
            return
        try:
            with services.session() as session:
                changed = flow.set_terms(session, actor=actor, number=number, terms=terms, now=services.now())
        except DomainError as exc:
            _refuse(ack, exc, actor.locale, ui.TERM_BLOCKS)
            return
        ack()
        key = "fees.saved_terms" if changed else "fees.unchanged_terms"
        deps.notifier(client).dm(user=actor.slack_user_id, text=t(key, actor.locale, number=number))

    @app.view(V.ENTRY)
    def handle_entry_submission(ack: Ack, body: dict[str, Any], context: BoltContext, view: dict[str, Any],
                                client: WebClient) -> None:
        """Validate the amount, date and reference beside their fields, then record the entry."""
        actor = require_actor(context)
        values, meta = view_values(view), json.loads(view.get("private_metadata") or "{}")
        number, kind = str(meta.get("number") or ""), str(meta.get("kind") or "")
        amount, on_date, reference = values.get(B.AMOUNT), values.get(B.ON_DATE), values.get(B.REFERENCE)
        entry, problems = flow.parse_entry(kind=kind, amount=amount, on_date=on_date, reference=reference,
                                           today=today())
        if entry is None:
            ack(response_action="errors", errors=_errors(problems, ui.ENTRY_BLOCKS, actor.locale))
            return
        try:
            with services.session() as session:
                shown = flow.record_entry(session, actor=actor, number=number, kind=kind, amount=amount,
                                          on_date=on_date, reference=reference, today=today(),
                                          currency=settings.currency)
        except DomainError as exc:
            _refuse(ack, exc, actor.locale, ui.ENTRY_BLOCKS)
            return
        ack()
        deps.notifier(client).dm(user=actor.slack_user_id, text=ui.recorded_text(
            kind=kind, number=shown, amount=parse_amount(amount or ""), currency=settings.currency,
            locale=actor.locale))
