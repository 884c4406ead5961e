"""`/intake`: the form, its draft, the conflict check and submission for approval."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import intake as ui
from bot.blocks.common import view_values
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows import intake, intake_drafts, policy
from bot.flows.errors import PermissionDenied
from bot.flows.intake_form import parse_form
from bot.flows.workdays import calendar_of
from bot.i18n import t
from bot.ids import Command, IntakeAction, IntakeBlock, IntakeView


def show_results(client: WebClient, view_id: str, view: dict[str, Any]) -> bool:
    """Replace the 'checking…' modal with the results; False when the modal is gone.

    A user who closed the modal while the check ran leaves nothing to update: Slack answers
    `not_found` / `view_not_found`, and the caller cancels the request.
    """
    try:
        client.views_update(view_id=view_id, view=view)
    except SlackApiError as exc:
        if exc.response.get("error") not in ("not_found", "view_not_found"):
            raise
        return False
    return True


def register(app: App, deps: AppDeps) -> None:
    """Register the intake command, its modals and the draft handling."""
    services = deps.services
    settings = services.settings

    @app.command(Command.INTAKE)
    def handle_intake_command(ack: Ack, body: dict[str, Any], context: BoltContext,
                              client: WebClient, respond: Respond) -> None:
        ack()
        actor = require_actor(context)
        if not policy.can_file_intake(actor):
            raise PermissionDenied("intake.error.no_intake")
        if not settings.partner_review_channel:
            respond(text=t("intake.error.no_review_channel", actor.locale), response_type="ephemeral")
            return
        # The trigger id lives 3 s: open the blank form first, then look for a draft.
        opened = client.views_open(trigger_id=body["trigger_id"], view=ui.form_modal(actor.locale))
        with services.session() as session:
            draft = intake_drafts.resume_draft(session, actor=actor)
        if draft is not None:
            when = draft.saved_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
            client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"],
                                view=ui.form_modal(actor.locale, draft.values, resumed_at=when))

    @app.action(IntakeAction.START_FRESH)
    def handle_start_fresh(ack: Ack, body: dict[str, Any], context: BoltContext,
                           client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        with services.session() as session:
            intake_drafts.discard_draft(session, actor=actor)
        client.views_update(view_id=body["view"]["id"], view=ui.form_modal(actor.locale))

    @app.view_closed(IntakeView.FORM)
    def handle_form_closed(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        actor = require_actor(context)
        fields = ui.form_fields(view_values(body["view"]))
        with services.session() as session:
            intake_drafts.save_draft(session, actor=actor, values=fields, now=services.now())

    @app.view(IntakeView.FORM)
    def handle_form_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                               client: WebClient) -> None:
        actor = require_actor(context)
        form, errors = parse_form(ui.form_fields(view_values(body["view"])),
                                  today=calendar_of(settings).local_date(services.now()))
        if form is None:
            ack(response_action="errors",
                errors={ui.FIELD_BLOCKS[f]: t(key, actor.locale) for f, key in errors.items()})
            return
        ack(response_action="update", view=ui.checking_modal(actor.locale))
        view_id = body["view"]["id"]
        with services.session() as session:
            request_id, created = intake.open_request(session, actor=actor, form=form,
                                                      submission_key=view_id, now=services.now())
            if created:
                intake_drafts.discard_draft(session, actor=actor)
        with services.session() as session:
            view = intake.run_check(session, actor=actor, request_id=request_id, cache=services.cache)
        if view.status == "checked" and not show_results(client, view_id,
                                                         ui.results_modal(view, actor.locale)):
            # The modal was closed while the check ran: nobody can submit this request any more.
            with services.session() as session:
                intake.cancel_request(session, actor=actor, submission_key=view_id)

    @app.view(IntakeView.RESULTS)
    def handle_results_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                  client: WebClient) -> None:
        actor = require_actor(context)
        channel = settings.partner_review_channel
        if not channel:
            ack(response_action="errors",
                errors={IntakeBlock.NOTE: t("intake.error.no_review_channel", actor.locale)})
            return
        if channel in deps.external_channels:
            ack(response_action="errors",
                errors={IntakeBlock.NOTE: t("error.external_channel", actor.locale)})
            return
        request_id = int(json.loads(body["view"].get("private_metadata") or "{}").get("r", 0))
        note = (view_values(body["view"]).get(IntakeBlock.NOTE) or "").strip()
        ack(response_action="update", view=ui.notice_modal(t("intake.submitted.body", actor.locale),
                                                            actor.locale))
        review_locale = settings.default_locale
        with services.session() as session:
            key = intake.submit_for_approval(
                session, actor=actor, request_id=request_id, note=note, channel=channel,
                now=services.now(), render=lambda view: ui.review_message(view, review_locale),
            )
        if key is None:
            return
        # Committed: send it now; what Slack refuses for the moment the `deliver` job sends later.
        deps.deliver_now(client, [key])
        with services.session() as session:
            intake.adopt_review_post(session, request_id=request_id)

    @app.view_closed(IntakeView.RESULTS)
    def handle_results_closed(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        actor = require_actor(context)
        with services.session() as session:
            intake.cancel_request(session, actor=actor, submission_key=body["view"]["id"])
