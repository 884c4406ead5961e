"""The partners' review of intake requests: approve, approve with waiver, decline."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks import intake as ui
from bot.blocks.common import view_values
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows import intake
from bot.flows.actor import Actor
from bot.flows.errors import InvalidInput
from bot.flows.intake import DecisionOutcome
from bot.i18n import t
from bot.payloads import action_id_value
from bot.ids import IntakeAction, IntakeBlock, IntakeView
from bot.slack_text import escape, mention
from storage import ledger


def _select_request_id(body: dict[str, Any]) -> int:
    """The request id a select carries in its block id (`<block>:<id>`); InvalidInput if none."""
    tail = str(body["actions"][0].get("block_id", "")).rpartition(":")[2]
    if not (tail.isascii() and tail.isdigit()):
        raise InvalidInput()
    return int(tail)


def _selected_client_id(body: dict[str, Any]) -> int:
    """The chosen client's id (0: a new client record); InvalidInput when it is not an id."""
    value = str((body["actions"][0].get("selected_option") or {}).get("value") or "0")
    if not (value.isascii() and value.isdigit()):
        raise InvalidInput()
    return int(value)


def register(app: App, deps: AppDeps) -> None:
    """Register the review buttons, selects and the reason modals."""
    services = deps.services
    settings = services.settings

    def decide(actor: Actor, request_id: int, decision: str, reason: str | None = None,
               waiver_ref: str | None = None) -> tuple[DecisionOutcome, list[str]]:
        """Run the decision and record its announcements in one unit of work; their ledger keys."""
        with services.session() as session:
            outcome = intake.decide(session, actor=actor, request_id=request_id, decision=decision,
                                    reason=reason, waiver_ref=waiver_ref,
                                    pattern=settings.matter_number_pattern, tz=settings.tz,
                                    now=services.now())
            keys = record_announcements(session, outcome) if outcome.won else []
        return outcome, keys

    def record_announcements(session: Session, outcome: DecisionOutcome) -> list[str]:
        """The channel update and the requester's DM, in the ledger with the decision itself.

        Recorded in the decision's transaction, they can't be lost: what `announce` cannot send
        at once (429, a Slack hiccup, a crash) the `deliver` job sends later, once. A review post
        that never went out is withdrawn, and the outcome is posted in its place.
        """
        view = outcome.request
        keys = []
        if view.review_channel:
            text, blocks = ui.decided_message(view, settings.default_locale)
            payload: dict[str, Any] = {"text": text, "blocks": blocks}
            if view.review_ts:
                payload["update_ts"] = view.review_ts
            else:
                ledger.cancel(session, key_prefix=intake.review_key(view.id))
            keys.append(f"intake:{view.id}:decided:update")
            ledger.enqueue(session, key=keys[-1], kind="intake_decided", channel=view.review_channel,
                           due_at=services.now(), payload=payload)
        keys.append(f"intake:{view.id}:decided:dm")
        ledger.enqueue(session, key=keys[-1], kind="intake_decided",
                       channel=view.requester_slack_id, due_at=services.now(),
                       payload={"text": ui.requester_dm(view, view.requester_locale or settings.default_locale)})
        return keys

    def announce(keys: list[str], client: WebClient) -> None:
        """Send the decision's announcements now (the ledger keeps whatever fails)."""
        deps.deliver_now(client, keys)

    def too_late(outcome: DecisionOutcome, locale: str) -> str:
        """What the partner who lost the race is told."""
        view = outcome.request
        return t("intake.already_decided", locale, who=mention(view.decided_by_slack_id or ""),
                 decision=t(f"intake.decision.{view.decision}", locale))

    @app.action(IntakeAction.APPROVE)
    def handle_approve(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                       respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        outcome, keys = decide(actor, action_id_value(body), "approved")
        if not outcome.won:
            respond(text=too_late(outcome, actor.locale), response_type="ephemeral",
                    replace_original=False)
            return
        announce(keys, client)

    def open_reason_modal(kind: str, body: dict[str, Any], context: BoltContext,
                          client: WebClient) -> None:
        """Open the waiver or decline modal for whoever may decide the clicked request.

        Anyone else (not a partner; the requester while another partner could decide) is refused
        before the modal opens; the flow checks the decision itself again.
        """
        actor = require_actor(context)
        with services.session() as session:
            intake.check_decider(session, actor=actor, request_id=action_id_value(body))
        channel = body.get("channel", {}).get("id") or body["container"].get("channel_id", "")
        ts = body.get("container", {}).get("message_ts") or body.get("message", {}).get("ts", "")
        client.views_open(trigger_id=body["trigger_id"],
                          view=ui.reason_modal(kind, request_id=action_id_value(body), channel=channel,
                                               ts=ts, locale=actor.locale))

    @app.action(IntakeAction.APPROVE_WAIVER)
    def handle_approve_waiver(ack: Ack, body: dict[str, Any], context: BoltContext,
                              client: WebClient) -> None:
        ack()
        open_reason_modal("waiver", body, context, client)

    @app.action(IntakeAction.DECLINE)
    def handle_decline(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        open_reason_modal("decline", body, context, client)

    def handle_reason_submission(decision: str, ack: Ack, body: dict[str, Any], context: BoltContext,
                                 client: WebClient) -> None:
        """Validate the reason (and waiver reference), then decide."""
        actor = require_actor(context)
        values = view_values(body["view"])
        reason = (values.get(IntakeBlock.REASON) or "").strip()
        ref = (values.get(IntakeBlock.WAIVER_REF) or "").strip()
        errors = {}
        if not reason:
            errors[IntakeBlock.REASON] = t("intake.error.reason_required", actor.locale)
        if decision == "approved_waiver" and not ref:
            errors[IntakeBlock.WAIVER_REF] = t("intake.error.waiver_ref_required", actor.locale)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        meta = json.loads(body["view"].get("private_metadata") or "{}")
        notifier = deps.notifier(client)
        outcome, keys = decide(actor, int(meta.get("r", 0)), decision, reason, ref or None)
        if not outcome.won:
            channel = outcome.request.review_channel or meta.get("c")
            notifier.ephemeral(channel=channel, user=actor.slack_user_id,
                               text=too_late(outcome, actor.locale))
            return
        announce(keys, client)

    @app.view(IntakeView.WAIVER)
    def handle_waiver_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                 client: WebClient) -> None:
        handle_reason_submission("approved_waiver", ack, body, context, client)

    @app.view(IntakeView.DECLINE)
    def handle_decline_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                  client: WebClient) -> None:
        handle_reason_submission("declined", ack, body, context, client)

    @app.action(IntakeAction.SET_LEAD)
    def handle_set_lead(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        request_id, user = _select_request_id(body), body["actions"][0].get("selected_user") or ""
        with services.session() as session:
            intake.set_choice(session, actor=actor, request_id=request_id, lead_slack_id=user)
        respond(text=t("intake.review.lead_set", actor.locale, id=request_id, who=mention(user)),
                response_type="ephemeral", replace_original=False)

    @app.action(IntakeAction.LINK_CLIENT)
    def handle_link_client(ack: Ack, body: dict[str, Any], context: BoltContext,
                           respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        request_id, client_id = _select_request_id(body), _selected_client_id(body)
        selected = body["actions"][0].get("selected_option") or {}
        with services.session() as session:
            intake.set_choice(session, actor=actor, request_id=request_id, link_client_id=client_id)
        if client_id:
            name = (selected.get("text") or {}).get("text", "")
            text = t("intake.review.link_set", actor.locale, id=request_id, client=escape(name))
        else:
            text = t("intake.review.link_cleared", actor.locale, id=request_id)
        respond(text=text, response_type="ephemeral", replace_original=False)
