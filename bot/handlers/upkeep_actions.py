"""Buttons of the morning digest and of churn alerts / lost proposals, and the lost form."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.common import view_values
from bot.blocks.upkeep import alert_ids_in, lost_modal, replace_item
from bot.deps import AppDeps
from bot.payloads import action_id_value, message_channel
from bot.errors import require_actor
from bot.flows import churn, clients, followups
from bot.flows.workdays import calendar_of
from bot.handlers.home import is_home, pages_of_view, publish_home
from bot.handlers.notes import local_today, refresh_alert_message
from bot.i18n import t
from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from bot.ids import UpkeepView as V
from bot.slack_text import escape, mention

CADENCE_SNOOZE_DAYS = 7


def _message(body: dict[str, Any]) -> tuple[str | None, str | None, list[dict[str, Any]]]:
    """Channel, ts and blocks of the message the button was in."""
    msg = body.get("message") or {}
    channel = message_channel(body)
    return channel, msg.get("ts"), list(msg.get("blocks") or [])


def register(app: App, deps: AppDeps) -> None:
    """Register the digest and alert buttons and the mark-lost form."""
    services = deps.services

    def update_item(client: WebClient, body: dict[str, Any], respond: Respond, block_id: str,
                    text: str, private: str | None = None) -> None:
        """Replace one item's buttons in the clicked message with a status line.

        When the click carries no message to update (an ephemeral copy, a client that sends no
        blocks, or the item is not in it), the clicker is told privately instead: never silence.
        """
        channel, ts, blocks = _message(body)
        if channel and ts and any(b.get("block_id") == block_id for b in blocks):
            fallback = (body.get("message") or {}).get("text") or text
            client.chat_update(channel=channel, ts=ts, text=fallback,
                               blocks=replace_item(blocks, block_id=block_id, text=text))
            return
        respond(text=private or text, response_type="ephemeral", replace_original=False)

    def refresh_alerts(client: WebClient, body: dict[str, Any], respond: Respond, text: str) -> None:
        """Re-render the clicked grouped alert message from the database (else tell the clicker)."""
        channel, ts, blocks = _message(body)
        ids = alert_ids_in(blocks)
        if channel and ts and ids:
            refresh_alert_message(services=services, client=client, channel=channel, ts=ts,
                                  alert_ids=ids)
            return
        respond(text=text, response_type="ephemeral", replace_original=False)

    @app.action(A.FOLLOWUP_DONE)
    def handle_followup_done(ack: Ack, body: dict[str, Any], context: BoltContext,
                             client: WebClient, respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        fid = action_id_value(body)
        with services.session() as session:
            follow = followups.complete(session, actor=actor, follow_up_id=fid, now=services.now())
            name = followups.client_name_of(session, follow=follow)
        if is_home(body):
            publish_home(deps=deps, client=client, actor=actor, pages=pages_of_view(body.get("view")))
            return
        update_item(client, body, respond, f"{B.ITEM_PREFIX}fu-{fid}",
                    t("upkeep.item.done", actor.locale, who=mention(actor.slack_user_id)),
                    t("upkeep.item.done_private", actor.locale, client=escape(name)))

    @app.action(A.FOLLOWUP_SNOOZE)
    def handle_followup_snooze(ack: Ack, body: dict[str, Any], context: BoltContext,
                               client: WebClient, respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        fid = action_id_value(body)
        until = calendar_of(services.settings).next_working_day(local_today(services))
        with services.session() as session:
            follow = followups.snooze(session, actor=actor, follow_up_id=fid, until=until)
            due_on, name = follow.due_on, followups.client_name_of(session, follow=follow)
        if is_home(body):
            publish_home(deps=deps, client=client, actor=actor, pages=pages_of_view(body.get("view")))
            return
        update_item(client, body, respond, f"{B.ITEM_PREFIX}fu-{fid}",
                    t("upkeep.item.snoozed", actor.locale, day=due_on.isoformat(),
                      who=mention(actor.slack_user_id)),
                    t("upkeep.item.snoozed_private", actor.locale, client=escape(name),
                      day=due_on.isoformat()))

    @app.action(A.CADENCE_SNOOZE)
    def handle_cadence_snooze(ack: Ack, body: dict[str, Any], context: BoltContext,
                              client: WebClient, respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        cid = action_id_value(body)
        until = local_today(services) + timedelta(days=CADENCE_SNOOZE_DAYS)
        with services.session() as session:
            churn.snooze_cadence(session, actor=actor, client_id=cid, until=until)
            name = clients.visible_client(session, actor=actor, client_id=cid).name
        update_item(client, body, respond, f"{B.ITEM_PREFIX}cad-{cid}",
                    t("upkeep.item.snoozed", actor.locale, day=until.isoformat(),
                      who=mention(actor.slack_user_id)),
                    t("upkeep.item.cadence_snoozed_private", actor.locale, client=escape(name),
                      day=until.isoformat()))

    @app.action(A.CHURN_SNOOZE)
    def handle_churn_snooze(ack: Ack, body: dict[str, Any], context: BoltContext,
                            client: WebClient, respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        with services.session() as session:
            churn.snooze_churn(session, actor=actor, alert_id=action_id_value(body),
                               today=local_today(services))
        refresh_alerts(client, body, respond,
                       t("upkeep.alert.snoozed", actor.locale, who=mention(actor.slack_user_id)))

    @app.action(A.CHURN_LOST)
    def handle_churn_lost(ack: Ack, body: dict[str, Any], context: BoltContext,
                          client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        alert_id = action_id_value(body)
        channel, ts, blocks = _message(body)
        meta = {"alert": alert_id, "channel": channel, "ts": ts, "alerts": alert_ids_in(blocks)}
        # open at once (the trigger id lives 3 s), then name the client; submitting re-checks
        opened = client.views_open(trigger_id=body["trigger_id"],
                                   view=lost_modal(locale=actor.locale, client_name=None, metadata=meta))
        with services.session() as session:
            name = churn.open_churn_client_name(session, actor=actor, alert_id=alert_id)
        client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"],
                            view=lost_modal(locale=actor.locale, client_name=name, metadata=meta))

    @app.view(V.LOST)
    def handle_lost_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                               view: dict[str, Any], client: WebClient) -> None:
        locale = context.get("locale") or services.settings.default_locale
        reason = view_values(view).get(B.REASON)
        if reason not in churn.LOST_REASONS:
            ack(response_action="errors", errors={B.REASON: t("upkeep.reason_required", locale)})
            return
        ack()
        actor = require_actor(context)
        meta = json.loads(view.get("private_metadata") or "{}")
        with services.session() as session:
            churn.mark_lost(session, actor=actor, alert_id=int(meta["alert"]), reason=reason,
                            now=services.now())
        if meta.get("channel") and meta.get("ts") and meta.get("alerts"):
            refresh_alert_message(services=services, client=client, channel=meta["channel"],
                                  ts=meta["ts"], alert_ids=meta["alerts"])

    def decide(body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond,
               confirm: bool) -> None:
        """A partner confirms or declines a lost proposal."""
        actor = require_actor(context)
        with services.session() as session:
            churn.decide_lost(session, actor=actor, alert_id=action_id_value(body), confirm=confirm,
                              now=services.now())
        who = mention(actor.slack_user_id)
        refresh_alerts(client, body, respond,
                       t("upkeep.alert.confirmed" if confirm else "upkeep.alert.kept", actor.locale, who=who))

    @app.action(A.LOST_CONFIRM)
    def handle_lost_confirm(ack: Ack, body: dict[str, Any], context: BoltContext,
                            client: WebClient, respond: Respond) -> None:
        ack()
        decide(body, context, client, respond, True)

    @app.action(A.LOST_KEEP)
    def handle_lost_keep(ack: Ack, body: dict[str, Any], context: BoltContext,
                         client: WebClient, respond: Respond) -> None:
        ack()
        decide(body, context, client, respond, False)
