"""`/lawcrm matter close|reopen NUMBER`, `/lawcrm stats`, and the survey button and modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import archive as archive_notices
from bot.blocks import surveys as blocks
from bot.blocks.common import view_values
from bot.deps import AppDeps, SubcommandCall
from bot.errors import require_actor
from bot.flows import surveys as flow
from bot.flows.errors import DomainError, InvalidInput
from bot.flows.matter_close import ReopenedMatter, close_matter, reopen_matter
from bot.flows.workdays import calendar_of
from bot.blocks import survey_notices as notices
from bot.i18n import t
from bot.ids import SurveyAction, SurveyBlock, SurveyView
from bot.payloads import action_id_value, message_channel
from bot.slack_text import Mrkdwn, escape, mention


def register(app: App, deps: AppDeps) -> None:
    """Register matter closing, stats and the survey listeners."""
    services = deps.services
    settings = services.settings
    calendar = calendar_of(settings)

    def deliver(client: WebClient, keys: list[str]) -> None:
        """Send these ledger notices now (the `deliver` job sends later whatever Slack refuses)."""
        deps.deliver_now(client, keys)

    earlier_matter = deps.subcommands.get("matter")
    earlier_stats = deps.subcommands.get("stats")

    def reopened_text(reopened: ReopenedMatter, locale: str) -> str:
        """What the reopener is told."""
        lines = [t("matter_close.reopen_done", locale, number=escape(reopened.number))]
        if reopened.parties_restored:
            lines.append(t("matter_close.reopen_parties", locale))
        if reopened.survey_cancelled:
            lines.append(t("matter_close.reopen_survey", locale))
        if reopened.filing_cancelled:
            lines.append(t("archive.filing.reopen_cancelled", locale))
        return "\n".join(lines)

    def matter_command(call: SubcommandCall) -> None:
        """`/lawcrm matter close|reopen NUMBER` (other `matter` verbs go to an earlier registration)."""
        verb, _, number = call.args.partition(" ")
        verb = verb.lower()
        if verb not in ("close", "reopen") and earlier_matter is not None:
            earlier_matter(call)
            return
        if verb not in ("close", "reopen") or not number.strip():
            call.respond(text=t("matter_close.usage", call.actor.locale), response_type="ephemeral")
            return
        if verb == "reopen":
            with services.session() as session:
                reopened = reopen_matter(session, actor=call.actor, number=number, now=services.now())
            call.respond(text=reopened_text(reopened, call.actor.locale), response_type="ephemeral")
            return
        now = services.now()
        with services.session() as session:
            closed = close_matter(session, actor=call.actor, number=number, now=now, settings=settings)
            ask = notices.enqueue_survey_notice(session, survey_id=closed.survey_id, name="ask",
                                                due_at=closed.survey_due, settings=settings, now=now)
            filing_keys = archive_notices.enqueue(session, closed.filing_notices, now=now)
        if ask or filing_keys:
            deliver(call.client, ([ask] if ask else []) + filing_keys)
        who = mention(closed.assignee_user_id) if closed.assignee_user_id else \
            t("matter_close.no_assignee", call.actor.locale)
        text = t("matter_close.done", call.actor.locale, number=escape(closed.number),
                 due=calendar.local_date(closed.survey_due).isoformat(), who=who)
        if closed.filing_due is not None:
            filer = mention(closed.filer_user_id) if closed.filer_user_id else \
                t("matter_close.no_assignee", call.actor.locale)
            text = Mrkdwn(text + "\n" + t("archive.filing.opened", call.actor.locale, who=filer,
                                           due=calendar.local_date(closed.filing_due).isoformat()))
        call.respond(text=text, response_type="ephemeral",
                     blocks=blocks.closed_blocks(text, number=closed.number, locale=call.actor.locale))

    def stats_command(call: SubcommandCall) -> None:
        """`/lawcrm stats` (or `stats csat`): CSAT tables for partners."""
        if call.args.lower() not in ("", "csat") and earlier_stats is not None:
            earlier_stats(call)
            return
        with services.session() as session:
            report = flow.csat(session, actor=call.actor, settings=settings)
        call.respond(text=blocks.csat_text(report, locale=call.actor.locale), response_type="ephemeral")

    deps.subcommands["matter"] = matter_command
    deps.subcommands["stats"] = stats_command

    @app.action(SurveyAction.OPEN)
    def handle_open_survey(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Open the answers modal for the assignee or a partner."""
        ack()
        actor = require_actor(context)
        survey_id = action_id_value(body)
        with services.session() as session:
            info = flow.may_record(session, actor=actor, survey_id=survey_id)
        client.views_open(trigger_id=body["trigger_id"], view=blocks.answers_modal(info, locale=actor.locale))

    @app.action(SurveyAction.REOPEN_MATTER)
    def handle_reopen_matter(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        """The closer's undo button (behind a confirmation dialog): reopen the matter."""
        ack()
        actor = require_actor(context)
        number = str((body.get("actions") or [{}])[0].get("value") or "")
        with services.session() as session:
            reopened = reopen_matter(session, actor=actor, number=number, now=services.now())
        respond(text=reopened_text(reopened, actor.locale), response_type="ephemeral", replace_original=True)

    @app.action(SurveyAction.REVIEWED)
    def handle_review_done(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """A partner marks a service-review item reviewed; the item shows who and when."""
        ack()
        actor = require_actor(context)
        now = services.now()
        with services.session() as session:
            flow.close_review(session, actor=actor, review_id=action_id_value(body), now=now)
        message = body.get("message") or {}
        channel = message_channel(body)
        if channel and message.get("ts"):
            note = t("survey.review.done", settings.default_locale, user=mention(actor.slack_user_id),
                     at=now.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M"))
            text = Mrkdwn(message.get("text") or note)  # Slack hands back the text it was sent
            deps.notifier(client).update(channel=channel, ts=message["ts"], text=text,
                                         blocks=blocks.reviewed_blocks(text, note=note))

    @app.view(SurveyView.ANSWERS)
    def handle_survey_answers(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Validate the four scores inline, record the answers, confirm by DM."""
        actor = require_actor(context)
        survey_id = int(body["view"]["private_metadata"])
        values = view_values(body["view"])
        scores = {dim: values.get(block) for dim, block in blocks.SCORE_BLOCKS.items()}
        errors = {block: t("survey.error.score", actor.locale)
                  for dim, block in blocks.SCORE_BLOCKS.items() if flow.parse_score(scores[dim]) is None}
        if errors:
            ack(response_action="errors", errors=errors)
            return
        now = services.now()
        try:
            with services.session() as session:
                recorded = flow.record_answers(session, actor=actor, survey_id=survey_id, scores=scores,
                                               comment=values.get(SurveyBlock.COMMENT) or "", now=now)
                review = notices.enqueue_service_review(session, review_id=recorded.review_id,
                                                        settings=settings, now=now) \
                    if recorded.review_id else None
        except DomainError as exc:
            field = exc.field if isinstance(exc, InvalidInput) else None
            block = blocks.SCORE_BLOCKS.get(field or "", SurveyBlock.ABILITY)
            ack(response_action="errors", errors={block: t(exc.key, actor.locale, **exc.params)})
            return
        ack()
        if review:
            deliver(client, [review])
        deps.notifier(client).dm(user=actor.slack_user_id,
                                 text=t("survey.recorded", actor.locale, number=escape(recorded.matter_number),
                                        avg=f"{recorded.average:.2f}"))
