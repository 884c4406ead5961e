"""The "Sent to the client" button of the progress-report DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.progress_reports import sent_blocks
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows import progress_reports as flow
from bot.flows.workdays import calendar_of
from bot.i18n import t, t_plain
from bot.ids import ProgressReportAction as A
from bot.payloads import action_id_value, message_channel
from bot.slack_text import mention
from storage.models import Staff


def register(app: App, deps: AppDeps) -> None:
    """Register the progress-report button."""
    services = deps.services
    calendar = calendar_of(services.settings)

    @app.action(A.SENT)
    def handle_sent(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                    respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        report_id = action_id_value(body)
        now = services.now()
        with services.session() as session:
            sent = flow.mark_sent(session, actor=actor, report_id=report_id, now=now,
                                  today=calendar.local_date(now), cal=calendar,
                                  note_text=t_plain("progress.note_text", actor.locale))
            who = session.get(Staff, sent.by_staff_id)
            who_id = who.slack_user_id if who else actor.slack_user_id
        day = calendar.local_date(sent.at)
        message = body.get("message") or {}
        channel = message_channel(body)
        if channel and message.get("ts") and message.get("blocks"):
            client.chat_update(channel=channel, ts=message["ts"], text=message.get("text") or "",
                               blocks=sent_blocks(message["blocks"], who=mention(who_id), day=day,
                                                  locale=actor.locale))
            return
        respond(text=t("progress.dm.sent", actor.locale, who=mention(who_id), day=day.isoformat()),
                response_type="ephemeral", replace_original=False)
