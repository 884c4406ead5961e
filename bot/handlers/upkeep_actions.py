"""Buttons of the morning digest and of churn alerts / lost proposals, and the lost form."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.common import view_values
from bot.blocks.upkeep import alert_ids_in, lost_modal, replace_item
from bot.deps import AppDeps
from bot.payloads import action_id_value
from bot.errors import require_actor
from bot.flows import churn, followups
from bot.flows.workdays import calendar_of
from bot.handlers.notes import local_today, refresh_alert_message
from bot.i18n import t
from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from bot.ids import UpkeepView as V
from bot.slack_text import mention

CADENCE_SNOOZE_DAYS = 7


def _message(body: dict[str, Any]) -> tuple[str | None, str | None, list[dict[str, Any]]]:
    """Channel, ts and blocks of the message the button was in."""
    msg = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return channel, msg.get("ts"), list(msg.get("blocks") or [])


def register(app: App, deps: AppDeps) -> None:
    """Register the digest and alert buttons and the mark-lost form."""
    services = deps.services

    def update_item(client: WebClient, body: dict[str, Any], block_id: str, text: str) -> None:
        """Replace one item's buttons in the clicked message with a status line."""
        channel, ts, blocks = _message(body)
        if channel and ts and blocks:
            fallback = (body.get("message") or {}).get("text") or text
            client.chat_update(channel=channel, ts=ts, text=fallback,
                               blocks=replace_item(blocks, block_id=block_id, text=text))

    def refresh_alerts(client: WebClient, body: dict[str, Any]) -> None:
        """Re-render the clicked grouped alert message from the database."""
        channel, ts, blocks = _message(body)
        ids = alert_ids_in(blocks)
        if channel and ts and ids:
            refresh_alert_message(services=services, client=client, channel=channel, ts=ts,
                                  alert_ids=ids)

    @app.action(A.FOLLOWUP_DONE)
    def handle_followup_done(ack: Ack, body: dict[str, Any], context: BoltContext,
                             client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        fid = action_id_value(body)
        with services.session() as session:
            followups.complete(session, actor=actor, follow_up_id=fid, now=services.now())
        update_item(client, body, f"{B.ITEM_PREFIX}fu-{fid}",
                    t("upkeep.item.done", actor.locale, who=mention(actor.slack_user_id)))

    @app.action(A.FOLLOWUP_SNOOZE)
    def handle_followup_snooze(ack: Ack, body: dict[str, Any], context: BoltContext,
                               client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        fid = action_id_value(body)
        until = calendar_of(services.settings).next_working_day(local_today(services))
        with services.session() as session:
            followups.snooze(session, actor=actor, follow_up_id=fid, until=until)
        update_item(client, body, f"{B.ITEM_PREFIX}fu-{fid}",
                    t("upkeep.item.snoozed", actor.locale, day=until.isoformat(),
                      who=mention(actor.slack_user_id)))

    @app.action(A.CADENCE_SNOOZE)
    def handle_cadence_snooze(ack: Ack, body: dict[str, Any], context: BoltContext,
                              client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        cid = action_id_value(body)
        until = local_today(services) + timedelta(days=CADENCE_SNOOZE_DAYS)
        with services.session() as session:
            churn.snooze_cadence(session, actor=actor, client_id=cid, until=until)
        update_item(client, body, f"{B.ITEM_PREFIX}cad-{cid}",
                    t("upkeep.item.snoozed", actor.locale, day=until.isoformat(),
                      who=mention(actor.slack_user_id)))

    @app.action(A.CHURN_SNOOZE)
    def handle_churn_snooze(ack: Ack, body: dict[str, Any], context: BoltContext,
                            client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        with services.session() as session:
            churn.snooze_churn(session, actor=actor, alert_id=action_id_value(body),
                               today=local_today(services))
        refresh_alerts(client, body)

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

    def decide(body: dict[str, Any], context: BoltContext, client: WebClient, confirm: bool) -> None:
        """A partner confirms or declines a lost proposal."""
        actor = require_actor(context)
        with services.session() as session:
            churn.decide_lost(session, actor=actor, alert_id=action_id_value(body), confirm=confirm,
                              now=services.now())
        refresh_alerts(client, body)

    @app.action(A.LOST_CONFIRM)
    def handle_lost_confirm(ack: Ack, body: dict[str, Any], context: BoltContext,
                            client: WebClient) -> None:
        ack()
        decide(body, context, client, True)

    @app.action(A.LOST_KEEP)
    def handle_lost_keep(ack: Ack, body: dict[str, Any], context: BoltContext,
                         client: WebClient) -> None:
        ack()
        decide(body, context, client, False)
