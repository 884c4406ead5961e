"""`/conflict [--all] NAME[; NAME…]`: a private conflict check (`--all`: every hit, not just the best)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.blocks import intake as ui
from bot.deps import AppDeps, SubcommandCall
from bot.errors import require_actor
from bot.flows import intake, policy, staff_interests
from bot.flows.conflicts import index_loading
from bot.flows.errors import PermissionDenied
from bot.flows.intake_form import split_names
from bot.i18n import t
from bot.ids import Command
from bot.slack_text import escape

MAX_NAMES = 20
# A check arriving while the index loads waits this long (after a "checking…" reply), then says
# when to retry.
LOADING_WAIT = 120.0
ALL_FLAG = "--all"
# Kinds of interest as typed (English code or Chinese word).
INTEREST_KINDS = {"relative": "relative", "亲属": "relative", "directorship": "directorship", "任职": "directorship",
                  "shareholding": "shareholding", "持股": "shareholding", "other": "other", "其他": "other"}


def register(app: App, deps: AppDeps) -> None:
    """Register `/conflict` and `/lawcrm interest`."""
    services = deps.services
    deps.subcommands["interest"] = lambda call: interest_command(call, deps)

    @app.command(Command.CONFLICT)
    def handle_conflict_command(ack: Ack, body: dict[str, Any], context: BoltContext,
                                respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        if not policy.can_check_conflicts(actor):
            raise PermissionDenied()
        text = (body.get("text") or "").strip()
        parts = text.split(maxsplit=1)
        show_all = bool(parts) and parts[0].lower() == ALL_FLAG
        names = split_names((parts[1] if len(parts) > 1 else "") if show_all else text)
        if not names:
            respond(text=t("intake.conflict.usage", actor.locale), response_type="ephemeral")
            return
        if len(names) > MAX_NAMES:
            respond(text=t("intake.conflict.too_many", actor.locale, max=MAX_NAMES),
                    response_type="ephemeral")
            return
        loading = index_loading(services.engine, cache=services.cache)
        if loading is not None:
            respond(text=t("conflict.loading", actor.locale, seconds=loading.eta()), response_type="ephemeral")
        with services.session() as session:
            results = intake.check_names(session, actor=actor, names=names, cache=services.cache,
                                         show_all=show_all, wait=LOADING_WAIT)
        reply, blocks = ui.conflict_reply(results, actor.locale, show_all=show_all)
        respond(text=reply, blocks=blocks, response_type="ephemeral")


def interest_command(call: SubcommandCall, deps: AppDeps) -> None:
    """`/lawcrm interest [list | add KIND NAME | remove ID]`: the caller's own declared interests."""
    actor, loc = call.actor, call.actor.locale
    verb, _, rest = call.args.partition(" ")
    verb = verb.lower() or "list"
    with deps.services.session() as session:
        if verb == "add":
            kind_word, _, name = rest.strip().partition(" ")
            kind = INTEREST_KINDS.get(kind_word.lower())
            if kind is None or not name.strip():
                call.respond(text=t("conflict.interest.usage", loc), response_type="ephemeral")
                return
            staff_interests.declare_interest(session, by=actor.audit_name, staff_id=actor.staff_id, kind=kind,
                                             name=name)
            text = t("conflict.interest.added", loc, name=escape(" ".join(name.split())), kind=t(f"conflict.interest.kind.{kind}", loc))
        elif verb == "remove" and rest.strip().lstrip("#").isdigit():
            staff_interests.remove_interest(session, by=actor.audit_name, staff_id=actor.staff_id,
                                            interest_id=int(rest.strip().lstrip("#")))
            text = t("conflict.interest.removed", loc)
        elif verb == "list":
            rows = staff_interests.list_interests(session, by=actor.audit_name, staff_id=actor.staff_id)
            lines = [t("conflict.interest.line", loc, id=r.id, kind=t(f"conflict.interest.kind.{r.kind}", loc), name=escape(r.name))
                     for r in rows]
            text = "\n".join([t("conflict.interest.list_title", loc), *lines]) if rows else t("conflict.interest.none", loc)
        else:
            text = t("conflict.interest.usage", loc)
    call.respond(text=text, response_type="ephemeral")
