"""Win-back plan buttons and form; the pipeline lines of `/lawcrm stats`.

This module registers after `surveys` (modules register in name order), so its `stats`
wraps the CSAT report and adds the conversion and response-time lines for partners.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import enquiries as ui
from bot.blocks.common import view_values
from bot.deps import AppDeps, SubcommandCall
from bot.errors import require_actor
from bot.flows import winback
from bot.flows.enquiries.metrics import pipeline_metrics
from bot.flows.errors import DomainError, InvalidInput, PermissionDenied
from bot.i18n import t
from bot.ids import WinbackAction, WinbackBlock, WinbackView
from bot.payloads import action_id_value
from storage.models.enums import Role


def _percent(rate: float | None, locale: str) -> str:
    """A rate as '38 %' (or n/a)."""
    return f"{rate * 100:.0f} %" if rate is not None else str(t("enquiry.stats.none", locale))


def pipeline_lines(metrics: Any, locale: str) -> str:
    """The two stats lines: conversion rate and response time."""
    average = f"{metrics.average_minutes:.0f}" if metrics.average_minutes is not None \
        else str(t("enquiry.stats.none", locale))
    return "\n".join([
        t("enquiry.stats.conversion", locale, received=metrics.received, engaged=metrics.engaged,
          decided=metrics.decided, rate=_percent(metrics.conversion_rate, locale)),
        t("enquiry.stats.response", locale, average=average, within=_percent(metrics.within_target_rate, locale),
          target=metrics.target_minutes),
    ])


def _dates(values: dict[str, Any]) -> dict[int, date | None]:
    """The due dates of the plan form, by step id."""
    out: dict[int, date | None] = {}
    for block, value in values.items():
        if block.startswith(WinbackBlock.DUE_PREFIX):
            try:
                out[int(block.removeprefix(WinbackBlock.DUE_PREFIX))] = date.fromisoformat(value) if value else None
            except ValueError:
                out[int(block.removeprefix(WinbackBlock.DUE_PREFIX))] = None
    return out


def register(app: App, deps: AppDeps) -> None:
    """Register the win-back listeners and wrap `/lawcrm stats`."""
    services = deps.services
    settings = services.settings
    earlier_stats = deps.subcommands.get("stats")

    def refresh(client: WebClient, body: dict[str, Any], plan_id: int) -> None:
        """Redraw the plan message the button was pressed in (the DM)."""
        container = body.get("container") or {}
        if container.get("type") != "message":
            return
        with services.session() as session:
            view = winback.plan_view(session, plan_id=plan_id)
        text, blocks = ui.plan_blocks(view, locale=view.owner_locale or settings.default_locale)
        if container.get("channel_id") and container.get("message_ts"):
            deps.notifier(client).update(channel=container["channel_id"], ts=container["message_ts"],
                                         text=text, blocks=blocks)

    @app.action(WinbackAction.DONE)
    def handle_done(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """One action of the plan is done."""
        ack()
        actor = require_actor(context)
        with services.session() as session:
            plan_id = winback.complete_step(session, actor=actor, step_id=action_id_value(body), now=services.now())
        if any(b.get("type") == "header" for b in (body.get("message") or {}).get("blocks") or []):
            refresh(client, body, plan_id)

    def outcome(won: bool) -> Any:
        """A button recording the outcome."""

        def handle(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
            """Record won back / not won back, then redraw the plan."""
            ack()
            actor = require_actor(context)
            plan_id = action_id_value(body)
            with services.session() as session:
                winback.record_outcome(session, actor=actor, plan_id=plan_id, won=won, now=services.now())
            refresh(client, body, plan_id)

        return handle

    app.action(WinbackAction.WON)(outcome(True))
    app.action(WinbackAction.NOT_WON)(outcome(False))

    @app.action(WinbackAction.EDIT)
    def handle_edit(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Open the plan form (owner and due dates)."""
        ack()
        actor = require_actor(context)
        with services.session() as session:
            view = winback.may_edit(session, actor=actor, plan_id=action_id_value(body))
        client.views_open(trigger_id=body["trigger_id"], view=ui.edit_modal(view, locale=actor.locale))

    @app.view(WinbackView.EDIT)
    def handle_edit_submission(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        """Save the owner and due dates, or show what is wrong."""
        actor = require_actor(context)
        plan_id = int(json.loads(body["view"].get("private_metadata") or "{}").get("plan", 0))
        values = view_values(body["view"])
        try:
            with services.session() as session:
                winback.edit_plan(session, actor=actor, plan_id=plan_id, owner_user_id=values.get(WinbackBlock.OWNER),
                                  dues=_dates(values))
        except DomainError as exc:
            field = exc.field if isinstance(exc, InvalidInput) and exc.field else "owner"
            block = WinbackBlock.OWNER if field == "owner" else f"winback-{field}"
            ack(response_action="errors", errors={block: t(exc.key, actor.locale, **exc.params)})
            return
        ack()

    def stats_command(call: SubcommandCall) -> None:
        """`/lawcrm stats`: the earlier report (CSAT) followed by the pipeline's two lines (partners)."""
        if call.args.lower() not in ("", "pipeline"):
            if earlier_stats is not None:
                earlier_stats(call)
            return
        if call.actor.role != Role.PARTNER:
            raise PermissionDenied("stats.denied")
        with services.session() as session:
            lines = pipeline_lines(pipeline_metrics(session, target_minutes=settings.enquiry_response_minutes),
                                   call.actor.locale)
        if call.args or earlier_stats is None:
            call.respond(text=lines, response_type="ephemeral")
            return
        answers: list[dict[str, Any]] = []
        earlier_stats(replace(call, respond=lambda **kw: answers.append(kw)))
        for kw in answers or [{"response_type": "ephemeral", "text": ""}]:
            call.respond(**{**kw, "text": f"{kw.get('text') or ''}\n\n{lines}".strip()})

    deps.subcommands["stats"] = stats_command
