"""`/conflict [--all] NAME[; NAME…]`: a private conflict check (`--all`: every hit, not just the best)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.blocks import intake as ui
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows import intake, policy
from bot.flows.errors import PermissionDenied
from bot.flows.intake_form import split_names
from bot.i18n import t
from bot.ids import Command

MAX_NAMES = 20
ALL_FLAG = "--all"


def register(app: App, deps: AppDeps) -> None:
    """Register `/conflict`."""
    services = deps.services

    @app.command(Command.CONFLICT)
    def handle_conflict_command(ack: Ack, body: dict[str, Any], context: BoltContext,
                                respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        if not policy.can_check_conflicts(actor):
            raise PermissionDenied()
        text = (body.get("text") or "").strip()
        show_all = text.startswith(ALL_FLAG)
        names = split_names(text[len(ALL_FLAG):] if show_all else text)
        if not names:
            respond(text=t("intake.conflict.usage", actor.locale), response_type="ephemeral")
            return
        if len(names) > MAX_NAMES:
            respond(text=t("intake.conflict.too_many", actor.locale, max=MAX_NAMES),
                    response_type="ephemeral")
            return
        with services.session() as session:
            results = intake.check_names(session, actor=actor, names=names, cache=services.cache,
                                         show_all=show_all)
        reply, blocks = ui.conflict_reply(results, actor.locale, show_all=show_all)
        respond(text=reply, blocks=blocks, response_type="ephemeral")
