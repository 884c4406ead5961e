"""`/lawcrm` with its sub-commands help, whoami and lang."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy import select

from bot.deps import AppDeps, SubcommandCall
from bot.errors import require_actor
from bot.i18n import t
from bot.ids import Command
from bot.slack_text import escape
from storage import audit
from storage.models import Staff


def register(app: App, deps: AppDeps) -> None:
    """Register `/lawcrm` and the foundation's sub-commands."""
    deps.subcommands.setdefault("help", show_help)
    deps.subcommands.setdefault("whoami", show_whoami)
    deps.subcommands["lang"] = lambda call: set_language(call, deps)

    @app.command(Command.LAWCRM)
    def handle_lawcrm_command(ack: Ack, body: dict[str, Any], context: BoltContext,
                              client: WebClient, respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        sub, _, args = (body.get("text") or "").strip().partition(" ")
        sub = sub.lower() or "help"
        handler = deps.subcommands.get(sub)
        if handler is None:
            respond(text=t("help.unknown_subcommand", actor.locale, sub=escape(sub)),
                    response_type="ephemeral")
            return
        handler(SubcommandCall(actor=actor, args=args.strip(), body=body, client=client,
                               context=context, respond=respond))


def show_help(call: SubcommandCall) -> None:
    """The list of commands, in the user's language."""
    loc = call.actor.locale
    call.respond(text=f"*{t('help.title', loc)}*\n{t('help.body', loc)}", response_type="ephemeral")


def show_whoami(call: SubcommandCall) -> None:
    """The user's name, role and language."""
    a = call.actor
    mp = t("whoami.managing_partner", a.locale) if a.is_managing_partner else ""
    call.respond(
        text=t("whoami.text", a.locale, name=escape(a.name), user=a.slack_user_id,
               role=t(f"role.{a.role.value}", a.locale), mp=mp, locale=a.locale),
        response_type="ephemeral",
    )


def set_language(call: SubcommandCall, deps: AppDeps) -> None:
    """Change the user's language (en or zh-CN)."""
    wanted = {"en": "en", "zh": "zh-CN", "zh-cn": "zh-CN", "中文": "zh-CN"}.get(call.args.lower())
    if wanted is None:
        call.respond(text=t("lang.usage", call.actor.locale), response_type="ephemeral")
        return
    with deps.services.session() as session:
        staff = session.execute(select(Staff).where(Staff.id == call.actor.staff_id)).scalar_one()
        staff.locale = wanted
        audit.record(session, actor=call.actor.audit_name, action="update", entity="staff",
                     entity_id=staff.id, fields=["locale"])
    call.respond(text=t("lang.changed", wanted), response_type="ephemeral")
