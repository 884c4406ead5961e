"""`/complaint` (modal, `list`), client type-ahead, the step buttons and step modals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import complaints as blocks
from bot.blocks.common import view_values
from bot.blocks.upkeep import client_option
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows import complaints as flow
from bot.flows import policy
from bot.flows.clients import search_clients
from bot.flows.errors import DomainError, InvalidInput, PermissionDenied
from bot.flows.workdays import calendar_of
from bot.blocks import complaint_notices as notices
from bot.i18n import t
from bot.ids import Command, ComplaintAction, ComplaintBlock, ComplaintView
from bot.payloads import action_id_value
from bot.slack_text import clamp, escape
from storage.models.enums import Role

log = logging.getLogger(__name__)

LIST_WORDS = ("list", "列表")
HELP_WORDS = ("help", "帮助", "?", "？")

DRAFT_BLOCKS = {
    "client_id": ComplaintBlock.CLIENT, "complainant_name": ComplaintBlock.COMPLAINANT,
    "complainant_contact": ComplaintBlock.CONTACT, "against_user_id": ComplaintBlock.AGAINST,
    "matter_number": ComplaintBlock.MATTER, "description": ComplaintBlock.WHAT,
    "request": ComplaintBlock.REQUEST, "received_via": ComplaintBlock.VIA,
    "received_at": ComplaintBlock.RECEIVED_AT,
}
MODAL_STEPS = {
    ComplaintAction.ASSESS: "assess", ComplaintAction.ASSIGN: "assign", ComplaintAction.PROPOSE: "propose",
    ComplaintAction.REJECT: "client_rejects", ComplaintAction.CLOSE: "close", ComplaintAction.EXTEND: "extend",
}
STEP_FIELDS = {
    "assess": {"founded": ComplaintBlock.FINDING, "reason": ComplaintBlock.REASON},
    "assign": {"owner": ComplaintBlock.OWNER},
    "propose": {"solution": ComplaintBlock.SOLUTION, "communicated": ComplaintBlock.COMMUNICATED},
    "client_rejects": {"note": ComplaintBlock.NOTE},
    "close": {"evaluation": ComplaintBlock.EVALUATION, "root_cause": ComplaintBlock.ROOT_CAUSE},
    "extend": {"until": ComplaintBlock.EXT_DATE, "reason": ComplaintBlock.EXT_REASON,
               "client_told": ComplaintBlock.EXT_TOLD},
}


def parse_epoch(value: Any) -> datetime | None:
    """A datetimepicker value (epoch seconds) as aware UTC, or None."""
    if value in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_date(value: Any) -> date | None:
    """A datepicker value (YYYY-MM-DD), or None."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def draft_from(values: dict[str, Any]) -> flow.ComplaintDraft:
    """The modal's answers as a draft."""
    client = values.get(ComplaintBlock.CLIENT)
    return flow.ComplaintDraft(
        client_id=int(client) if client and str(client).isdigit() else None,
        complainant_name=values.get(ComplaintBlock.COMPLAINANT) or "",
        complainant_contact=values.get(ComplaintBlock.CONTACT) or "",
        against_user_id=values.get(ComplaintBlock.AGAINST),
        matter_number=values.get(ComplaintBlock.MATTER),
        description=values.get(ComplaintBlock.WHAT) or "",
        request=values.get(ComplaintBlock.REQUEST) or "",
        received_via=values.get(ComplaintBlock.VIA),
        received_at=parse_epoch(values.get(ComplaintBlock.RECEIVED_AT)),
    )


def usage_text(sub: str, locale: str) -> str:
    """What `/complaint` understands; an unknown sub-command is named (escaped) first."""
    usage = t("complaint.usage", locale)
    if sub.lower() in HELP_WORDS:
        return usage
    return f"{t('complaint.unknown_subcommand', locale, sub=escape(clamp(sub, 60)))}\n{usage}"


def review_channel_members(client: WebClient, channel: str | None) -> frozenset[str] | None:
    """Members of the review channel as Slack reports them, or None when Slack can't say."""
    if not channel:
        return frozenset()
    members: set[str] = set()
    cursor = None
    try:
        for _ in range(20):
            resp = client.conversations_members(channel=channel, limit=1000, cursor=cursor)
            members.update(resp.get("members") or [])
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackApiError as exc:
        log.warning("could not list review channel members; routing the complaint directly",
                    extra={"slack_error": exc.response.get("error")})
        return None
    return frozenset(members)


def register(app: App, deps: AppDeps) -> None:
    """Register the complaint listeners."""
    services = deps.services

    @app.command(Command.COMPLAINT)
    def handle_complaint_command(ack: Ack, body: dict[str, Any], context: BoltContext,
                                 client: WebClient, respond: Respond) -> None:
        """`/complaint` opens the modal at once, `/complaint list` lists open complaints; else usage."""
        ack()
        actor = require_actor(context)
        sub = (body.get("text") or "").strip()
        if sub and sub.lower() not in LIST_WORDS:
            respond(text=usage_text(sub, actor.locale), response_type="ephemeral")
            return
        if sub:
            with services.session() as session:
                items = flow.open_complaints(session, actor=actor, settings=services.settings)
            if not items and actor.role != Role.PARTNER:
                raise PermissionDenied("complaint.list.denied")
            respond(text=blocks.list_text(items, locale=actor.locale, now=services.now(),
                                          calendar=calendar_of(services.settings)),
                    response_type="ephemeral")
            return
        if not policy.can_record_complaint(actor):
            raise PermissionDenied()
        if not services.settings.partner_review_channel:
            raise DomainError("error.not_configured", setting="PARTNER_REVIEW_CHANNEL")
        client.views_open(trigger_id=body["trigger_id"], view=blocks.new_complaint_modal(actor.locale))

    @app.options(ComplaintAction.CLIENT)
    def handle_client_options(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        """Client type-ahead: the clients the actor may name in a complaint, by name only."""
        actor = context.get("actor")
        if actor is None:
            ack(options=[])
            return
        with services.session() as session:
            found = search_clients(session, actor=actor, query=str(body.get("value") or ""),
                                   limit=20, scope=policy.complaint_client_scope(actor))
        ack(options=[client_option(m.client_id, m.name) for m in found])

    @app.view(ComplaintView.NEW)
    def handle_new_complaint(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Validate the modal inline; then record, post to the reviewers and tell the recorder."""
        actor = require_actor(context)
        draft = draft_from(view_values(body["view"]))
        with services.session() as session:
            checked = flow.validate_draft(session, actor=actor, draft=draft, now=services.now())
        problems = checked.errors
        if problems:
            ack(response_action="errors",
                errors={DRAFT_BLOCKS[f]: t(k, actor.locale) for f, k in problems.items()})
            return
        ack()
        members = review_channel_members(client, services.settings.partner_review_channel)
        now = services.now()
        with services.session() as session:
            complaint_id, created = flow.record_complaint(
                session, actor=actor, draft=draft, now=now, submission_key=body["view"]["id"],
                review_channel_members=members, checked=checked)
            if not created:  # the same form submitted again: the first submission posts and tells
                return
            keys = notices.publish(session, complaint_id=complaint_id, settings=services.settings,
                                   actor=actor, now=now)
        log.info("complaint recorded", extra={"complaint_id": complaint_id})
        deliver(client, keys)
        with services.session() as session:
            flow.adopt_thread(session, complaint_id=complaint_id)
        deps.notifier(client).dm(user=actor.slack_user_id,
                                 text=t("complaint.recorded", actor.locale, id=complaint_id))

    def deliver(client: WebClient, keys: list[str]) -> None:
        """Send these ledger notices now (the `deliver` job sends later whatever Slack refuses)."""
        deps.deliver_now(client, keys)

    def direct_step(step: str, run: Callable[..., None]) -> Callable[..., None]:
        """A button that takes a step at once (acknowledge, client accepts)."""

        def handle(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
            """Take the step with its announcements, then send them."""
            ack()
            actor = require_actor(context)
            complaint_id = action_id_value(body)
            now = services.now()
            with services.session() as session:
                run(session, actor=actor, complaint_id=complaint_id, now=now)
                keys = notices.announce_step(session, complaint_id=complaint_id, step=step, actor=actor,
                                             settings=services.settings, now=now)
            deliver(client, keys)

        return handle

    app.action(ComplaintAction.ACKNOWLEDGE)(direct_step("acknowledge", flow.acknowledge))
    app.action(ComplaintAction.ACCEPT)(direct_step("client_accepts", flow.client_accepts))
    app.action(ComplaintAction.REOPEN)(direct_step(flow.UNDO_STEP, flow.reopen_last_step))

    def open_step_modal(action: ComplaintAction) -> Callable[..., None]:
        """A button that opens its step's modal once the step is allowed."""
        step = MODAL_STEPS[action]

        def handle(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
            """Check the step is allowed now, then open its modal."""
            ack()
            actor = require_actor(context)
            complaint_id = action_id_value(body)
            with services.session() as session:
                flow.may_take_step(session, actor=actor, complaint_id=complaint_id, step=step)
            client.views_open(trigger_id=body["trigger_id"],
                              view=blocks.step_modal(step, complaint_id=complaint_id, locale=actor.locale))

        return handle

    for action in MODAL_STEPS:
        app.action(action)(open_step_modal(action))

    def submit_step(step: str, run: Callable[..., None], read: Callable[[dict[str, Any]], dict[str, Any]]
                    ) -> Callable[..., None]:
        """A step modal's submission: the step is taken, or the modal shows what is wrong."""
        fields = STEP_FIELDS[step]

        def handle(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
            """Take the step or answer with inline errors; then announce it."""
            actor = require_actor(context)
            complaint_id = int(body["view"]["private_metadata"])
            answers = read(view_values(body["view"]))
            now = services.now()
            try:
                with services.session() as session:
                    run(session, actor=actor, complaint_id=complaint_id, now=now, **answers)
                    keys = notices.announce_step(session, complaint_id=complaint_id, step=step, actor=actor,
                                                 settings=services.settings, now=now)
            except DomainError as exc:
                field = getattr(exc, "field", None) if isinstance(exc, InvalidInput) else None
                block = fields.get(field or "", next(iter(fields.values())))
                ack(response_action="errors", errors={block: t(exc.key, actor.locale, **exc.params)})
                return
            ack()
            deliver(client, keys)

        return handle

    calendar = calendar_of(services.settings)
    app.view(ComplaintView.ASSESS)(submit_step("assess", flow.assess, lambda v: {
        "founded": {"founded": True, "unfounded": False}.get(v.get(ComplaintBlock.FINDING) or ""),
        "reason": v.get(ComplaintBlock.REASON) or ""}))
    app.view(ComplaintView.ASSIGN)(submit_step("assign", flow.assign_owner, lambda v: {
        "owner_user_id": v.get(ComplaintBlock.OWNER)}))
    app.view(ComplaintView.PROPOSE)(submit_step("propose", flow.propose_solution, lambda v: {
        "solution": v.get(ComplaintBlock.SOLUTION) or "",
        "communicated": "yes" in (v.get(ComplaintBlock.COMMUNICATED) or [])}))
    app.view(ComplaintView.REJECT)(submit_step("client_rejects", flow.client_rejects, lambda v: {
        "note": v.get(ComplaintBlock.NOTE) or ""}))
    app.view(ComplaintView.CLOSE)(submit_step("close", flow.close_complaint, lambda v: {
        "evaluation": v.get(ComplaintBlock.EVALUATION) or "",
        "root_cause": v.get(ComplaintBlock.ROOT_CAUSE)}))
    app.view(ComplaintView.EXTEND)(submit_step("extend", flow.extend, lambda v: {
        "until": parse_date(v.get(ComplaintBlock.EXT_DATE)),
        "reason": v.get(ComplaintBlock.EXT_REASON) or "",
        "client_told": "yes" in (v.get(ComplaintBlock.EXT_TOLD) or []),
        "calendar": calendar}))
