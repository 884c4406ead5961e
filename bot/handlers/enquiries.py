"""`/enquiry`, the "Log as enquiry" message shortcut, Take / Assign, stages, and "My prospects"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks import enquiries as ui
from bot.blocks import intake as intake_ui
from bot.blocks.common import Block, view_values
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.enquiries import records, stages
from bot.flows.enquiries.clock import hours_of
from bot.flows.errors import ConfidentialChannelRefused, Conflict, DomainError, InvalidInput, PermissionDenied
from bot.flows.workdays import calendar_of
from bot.i18n import t
from bot.ids import Command, EnquiryAction, EnquiryBlock, EnquiryShortcut, EnquiryView
from bot.payloads import action_id_value
from storage import ledger
from storage.models.enums import Role

log = logging.getLogger(__name__)
PROSPECT_ROLES = (Role.PARTNER, Role.LAWYER)


def draft_from(values: dict[str, Any]) -> records.EnquiryDraft:
    """The modal's answers as a draft."""
    return records.EnquiryDraft(who=values.get(EnquiryBlock.WHO) or "",
                                contact=values.get(EnquiryBlock.CONTACT) or "",
                                need=values.get(EnquiryBlock.NEED) or "",
                                source=values.get(EnquiryBlock.SOURCE),
                                referrer=values.get(EnquiryBlock.REFERRER))


def register(app: App, deps: AppDeps) -> None:
    """Register the enquiry listeners and the App Home section."""
    services = deps.services
    settings = services.settings
    calendar = calendar_of(settings)
    hours = hours_of(settings, calendar)

    def channel() -> str:
        """The intake channel, or a friendly error naming the setting."""
        target = settings.enquiry_channel
        if not target:
            raise DomainError("error.not_configured", setting="INTAKE_CHANNEL")
        if target in deps.external_channels:
            raise ConfidentialChannelRefused()
        return target

    deliver = deps.deliver_now

    @app.command(Command.ENQUIRY)
    def handle_enquiry_command(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Open the enquiry form at once (anyone on staff)."""
        ack()
        actor = require_actor(context)
        channel()
        client.views_open(trigger_id=body["trigger_id"], view=ui.new_modal(actor.locale))

    @app.shortcut(EnquiryShortcut.LOG)
    def handle_log_shortcut(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """"Log as enquiry" on a message: the form with the need prefilled from the message text."""
        ack()
        actor = require_actor(context)
        channel()
        text = str((body.get("message") or {}).get("text") or "").strip()
        client.views_open(trigger_id=body["trigger_id"], view=ui.new_modal(actor.locale, need=text or None))

    @app.view(EnquiryView.NEW)
    def handle_new(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Validate inline; record, post the card to the intake channel, tell the recorder."""
        actor = require_actor(context)
        draft = draft_from(view_values(body["view"]))
        problems = records.validate(draft)
        if problems:
            ack(response_action="errors",
                errors={ui.FIELD_BLOCKS[f]: t(k, actor.locale) for f, k in problems.items()})
            return
        target = channel()
        ack()
        locale = settings.default_locale
        with services.session() as session:
            enquiry_id, key = records.record_enquiry(
                session, actor=actor, draft=draft, now=services.now(), submission_key=body["view"]["id"],
                channel=target, render=lambda view: ui.card(view, locale=locale, cal=calendar))
        if key is None:  # the same form submitted again: the first submission posts and tells
            return
        log.info("enquiry recorded", extra={"enquiry_id": enquiry_id})
        deliver(client, [key])
        with services.session() as session:
            records.adopt_post(session, enquiry_id=enquiry_id)
        deps.notifier(client).dm(user=actor.slack_user_id, text=t("enquiry.recorded", actor.locale, id=enquiry_id))

    def answered(session: Session, view: records.EnquiryView) -> tuple[list[str], tuple[str, str] | None]:
        """Enqueue the assignee's DM with the contact details; (ledger keys, the card's channel and ts)."""
        assignee = records.responder(session, slack_user_id=view.assignee)
        locale = assignee.locale or settings.default_locale
        as_assignee = Actor.from_staff(assignee, default_locale=settings.default_locale)
        _, contact = records.contact_of(session, actor=as_assignee, enquiry_id=view.id)
        dm_text, dm_blocks = ui.assigned_dm(view, contact=contact, locale=locale)
        key = f"enquiry:{view.id}:assigned"
        ledger.enqueue(session, key=key, kind="enquiry_assigned", channel=assignee.slack_user_id,
                       payload={"text": dm_text, "blocks": dm_blocks}, due_at=services.now())
        return [key], records.adopt_post(session, enquiry_id=view.id)

    def show(client: WebClient, view: records.EnquiryView, post: tuple[str, str] | None, keys: list[str]) -> None:
        """After the commit: refresh the card in the intake channel and send the notices."""
        if post is not None:
            text, blocks = ui.card(view, locale=settings.default_locale, cal=calendar)
            deps.notifier(client).update(channel=post[0], ts=post[1], text=text, blocks=blocks)
        deliver(client, keys)

    @app.action(EnquiryAction.TAKE)
    def handle_take(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """The clicker takes the enquiry (first click wins)."""
        ack()
        actor = require_actor(context)
        enquiry_id = action_id_value(body)
        with services.session() as session:
            view = records.respond(session, actor=actor, enquiry_id=enquiry_id, assignee_user_id=None,
                                   now=services.now(), hours=hours)
            keys, post = answered(session, view)
        show(client, view, post, keys)

    @app.action(EnquiryAction.ASSIGN)
    def handle_assign(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Open the lawyer picker (the enquiry must still be waiting)."""
        ack()
        actor = require_actor(context)
        enquiry_id = action_id_value(body)
        with services.session() as session:
            if records.load(session, enquiry_id).stage != records.NEW:
                raise Conflict("enquiry.error.already_assigned")
        client.views_open(trigger_id=body["trigger_id"], view=ui.assign_modal(enquiry_id, actor.locale))

    @app.view(EnquiryView.ASSIGN)
    def handle_assign_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                 client: WebClient) -> None:
        """Assign to the chosen lawyer, or show what is wrong in the modal."""
        actor = require_actor(context)
        enquiry_id = int(body["view"]["private_metadata"])
        chosen = view_values(body["view"]).get(EnquiryBlock.LAWYER)
        try:
            with services.session() as session:
                view = records.respond(session, actor=actor, enquiry_id=enquiry_id, assignee_user_id=chosen,
                                       now=services.now(), hours=hours)
                keys, post = answered(session, view)
        except DomainError as exc:
            ack(response_action="errors", errors={EnquiryBlock.LAWYER: t(exc.key, actor.locale, **exc.params)})
            return
        ack()
        show(client, view, post, keys)

    @app.action(EnquiryAction.STAGE)
    def handle_stage(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Open the stage form for the assigned lawyer."""
        ack()
        actor = require_actor(context)
        enquiry_id = action_id_value(body)
        with services.session() as session:
            stages.may_move(session, actor=actor, enquiry_id=enquiry_id)
            who, _ = records.contact_of(session, actor=actor, enquiry_id=enquiry_id)
        client.views_open(trigger_id=body["trigger_id"], view=ui.stage_modal(enquiry_id, who, actor.locale))

    @app.action(EnquiryAction.CONTACTED)
    def handle_contacted(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        """The weekly contact with a prospect was made (from the digest)."""
        ack()
        actor = require_actor(context)
        enquiry_id = action_id_value(body)
        with services.session() as session:
            stages.record_contact(session, actor=actor, enquiry_id=enquiry_id, now=services.now())
        respond(text=t("enquiry.contacted", actor.locale, id=enquiry_id), response_type="ephemeral",
                replace_original=False)

    @app.view(EnquiryView.STAGE)
    def handle_stage_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                client: WebClient) -> None:
        """Move the enquiry; 'engaged' turns the modal into the prefilled /intake form."""
        actor = require_actor(context)
        enquiry_id = int(body["view"]["private_metadata"])
        values = view_values(body["view"])
        stage, reason = values.get(EnquiryBlock.STAGE), values.get(EnquiryBlock.REASON)
        try:
            if stage == stages.ENGAGED and not policy.can_file_intake(actor):
                raise PermissionDenied("intake.error.no_intake")
            with services.session() as session:
                stages.move(session, actor=actor, enquiry_id=enquiry_id, stage=stage, reason=reason,
                            now=services.now())
                prefill = stages.intake_values(session, actor=actor, enquiry_id=enquiry_id) \
                    if stage == stages.ENGAGED else None
                view = records.snapshot(session, records.load(session, enquiry_id))
                post = records.adopt_post(session, enquiry_id=enquiry_id)
        except DomainError as exc:
            field = exc.field if isinstance(exc, InvalidInput) and exc.field else "stage"
            ack(response_action="errors", errors={ui.FIELD_BLOCKS[field]: t(exc.key, actor.locale, **exc.params)})
            return
        if prefill is not None:
            ack(response_action="update", view=intake_ui.form_modal(actor.locale, prefill))
        else:
            ack()
        if post is not None:
            text, blocks = ui.card(view, locale=settings.default_locale, cal=calendar)
            deps.notifier(client).update(channel=post[0], ts=post[1], text=text, blocks=blocks)

    def prospects_section(session: Session, actor: Actor, locale: str) -> list[Block]:
        """App Home: 'My prospects' for lawyers and partners."""
        if actor.role not in PROSPECT_ROLES:
            return []
        return ui.prospects_blocks(stages.my_prospects(session, actor=actor, cal=calendar), locale=locale)

    deps.home_sections.append(prospects_section)
