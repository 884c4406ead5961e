"""`/archive` (file, borrow, status, judgment, hold, release, destroy, return) and its buttons and modals."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import archive as blocks
from bot.blocks.common import actions, button, section, view_values
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows.actor import Actor
from bot.flows.archive import borrowing, destruction, filing, retention
from bot.flows.errors import DomainError, InvalidInput
from bot.i18n import t
from bot.ids import ArchiveAction as A
from bot.ids import ArchiveBlock as B
from bot.ids import ArchiveView as V
from bot.ids import Command
from bot.payloads import action_id_value
from bot.slack_text import Mrkdwn, clamp, escape, unescape

USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|\b([UW][A-Z0-9]{2,})\b")
HELP_WORDS = ("", "help", "帮助", "?", "？")
FILING_FIELDS = {"archive_number": B.ARCHIVE_NUMBER, "catalogue": B.CATALOGUE, "volumes": B.VOLUMES,
                 "location": B.LOCATION, "judgment_date": B.JUDGMENT}


def parse_day(value: Any) -> date | None:
    """A YYYY-MM-DD date, or None."""
    try:
        return date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


def _status_text(status: retention.FileStatus, locale: str) -> Mrkdwn:
    """A file's state and retention."""
    lines = [t(f"archive.status.{status.status}", locale, number=status.number)]
    if status.archive_number:
        lines.append(t("archive.status.where", locale, archive_number=status.archive_number,
                       location=status.location or ""))
    r = status.retention
    if r is not None:
        category = t(f"archive.category.{r.category}", locale)
        if r.permanent:
            lines.append(t("archive.status.permanent", locale, category=category))
        elif r.until is None:
            lines.append(t("archive.status.no_basis", locale, category=category))
        else:
            lines.append(t("archive.status.until", locale, category=category, until=r.until.isoformat()))
        if r.on_hold:
            lines.append(t("archive.status.on_hold", locale))
    return Mrkdwn("\n".join(lines))


def register(app: App, deps: AppDeps) -> None:
    """Register the archive listeners."""
    services = deps.services
    settings = services.settings

    deliver = deps.deliver_now

    def refusals_text(exc: destruction.NotListable, locale: str) -> Mrkdwn:
        """Why each file may not be listed."""
        lines = [t("archive.destroy.refused", locale)]
        lines += [t("archive.destroy.refused_item", locale, number=number, why=t(key, locale, **params))
                  for number, key, params in exc.refusals]
        return Mrkdwn("\n".join(lines))

    def run_command(actor: Actor, text: str, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """One `/archive` sub-command."""
        loc = actor.locale
        verb, _, rest = text.strip().partition(" ")
        verb, rest = verb.lower(), rest.strip()
        now = services.now()

        def reply(message: str, **extra: Any) -> None:
            respond(text=message, response_type="ephemeral", **extra)

        if verb in HELP_WORDS:
            reply(t("archive.usage", loc))
        elif verb == "file" and rest:
            with services.session() as session:
                form = filing.form_for(session, actor=actor, number=rest)
            client.views_open(trigger_id=body["trigger_id"], view=blocks.filing_modal(form, locale=loc))
        elif verb == "borrow" and rest:
            with services.session() as session:
                bform = borrowing.borrow_form(session, actor=actor, number=rest, settings=settings)
            client.views_open(trigger_id=body["trigger_id"], view=blocks.borrow_modal(bform, locale=loc))
        elif verb == "status" and rest:
            with services.session() as session:
                status = retention.file_status(session, actor=actor, number=rest, settings=settings)
            text_ = _status_text(status, loc)
            extra: dict[str, Any] = {}
            if status.status == "accepted":
                extra["blocks"] = [section(text_), actions(button(t("archive.button.borrow", loc),
                                                                  action_id=A.BORROW, value=status.number))]
            reply(text_, **extra)
        elif verb == "judgment" and rest:
            number, _, day = rest.rpartition(" ")
            with services.session() as session:
                r = retention.record_judgment(session, actor=actor, number=number or day, on=parse_day(day),
                                              now=now, settings=settings)
            reply(t("archive.judgment.done", loc, number=number.strip(),
                    until=r.until.isoformat() if r.until else "—"))
        elif verb in ("hold", "release") and rest:
            number, _, reason = rest.partition(" ")
            with services.session() as session:  # answered once committed
                if verb == "hold":
                    done = retention.set_hold(session, actor=actor, number=number, reason=reason, now=now)
                    text_ = t("archive.hold.done", loc, number=done)
                else:
                    done, held = retention.lift_hold(session, actor=actor, number=number, reason=reason, now=now)
                    text_ = t("archive.hold.lifted", loc, number=done, days=held)
            reply(text_)
        elif verb == "destroy":
            destroy_command(actor, rest, client, reply, now)
        elif verb == "return" and rest:
            loan_id = int(rest) if rest.isdigit() else -1
            with services.session() as session:
                number = borrowing.loan_to_check(session, actor=actor, loan_id=loan_id)
            client.views_open(trigger_id=body["trigger_id"],
                              view=blocks.check_modal(loan_id=loan_id, number=number, locale=loc))
        else:
            reply(Mrkdwn(t("archive.unknown_subcommand", loc, sub=escape(clamp(verb, 60))) + "\n"
                         + t("archive.usage", loc)))

    def destroy_command(actor: Actor, rest: str, client: WebClient, reply: Any, now: Any) -> None:
        """`/archive destroy propose N…`, `approve ID`, `done ID @a @b`."""
        loc = actor.locale
        sub, _, args = rest.partition(" ")
        sub = sub.lower()
        try:
            if sub == "propose":
                with services.session() as session:
                    list_id, notices = destruction.propose(session, actor=actor, numbers=args.replace(",", " ").split(),
                                                           now=now, settings=settings)
                    keys = blocks.enqueue(session, notices, now=now)
                deliver(client, keys)
                reply(t("archive.destroy.proposed", loc, id=list_id))
            elif sub == "approve" and args.strip().isdigit():
                with services.session() as session:
                    notices = destruction.approve(session, actor=actor, destruction_id=int(args), now=now,
                                                  settings=settings)
                    keys = blocks.enqueue(session, notices, now=now)
                deliver(client, keys)
                reply(t("archive.destroy.approved", loc, id=int(args)))
            elif sub == "done" and args.split() and args.split()[0].isdigit():
                first, _, people = args.partition(" ")
                witnesses = [a or b for a, b in USER.findall(people)]
                with services.session() as session:
                    done = destruction.carry_out(session, actor=actor, destruction_id=int(first),
                                                 witnesses=witnesses, now=now, settings=settings)
                reply(t("archive.destroy.done", loc, id=done.destruction_id, files=done.files))
            else:
                reply(t("archive.destroy.usage", loc))
        except destruction.NotListable as exc:
            reply(refusals_text(exc, loc))

    @app.command(Command.ARCHIVE)
    def handle_archive(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                       respond: Respond) -> None:
        """`/archive …`: sub-commands (modals open at once)."""
        ack()
        actor = require_actor(context)
        run_command(actor, unescape(str(body.get("text") or "")), body, client, respond)

    @app.action(A.BORROW)
    def handle_borrow_button(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """The borrow button of a filed matter: the borrow modal."""
        ack()
        actor = require_actor(context)
        number = str((body.get("actions") or [{}])[0].get("value") or "")
        with services.session() as session:
            form = borrowing.borrow_form(session, actor=actor, number=number, settings=settings)
        client.views_open(trigger_id=body["trigger_id"], view=blocks.borrow_modal(form, locale=actor.locale))

    @app.action(A.FILE_OPEN)
    def handle_file_button(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """The filing task's button: the filing modal."""
        ack()
        actor = require_actor(context)
        with services.session() as session:
            form = filing.form_for(session, actor=actor, filing_id=action_id_value(body))
        client.views_open(trigger_id=body["trigger_id"], view=blocks.filing_modal(form, locale=actor.locale))

    @app.view(V.FILING)
    def handle_filing(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Validate the filing record inline; record it and ask the records officers to review it."""
        actor = require_actor(context)
        filing_id = int(body["view"]["private_metadata"])
        values = view_values(body["view"])
        raw_day = values.get(B.JUDGMENT)
        record = filing.FilingRecord(
            archive_number=values.get(B.ARCHIVE_NUMBER) or "", catalogue=values.get(B.CATALOGUE) or "",
            volumes=values.get(B.VOLUMES) or "", location=values.get(B.LOCATION) or "",
            judgment_date=parse_day(raw_day))
        now = services.now()
        try:
            with services.session() as session:
                errors = filing.check_record(session, filing_id=filing_id, record=record,
                                             today=now.astimezone(settings.tz).date())
                if errors:
                    ack(response_action="errors",
                        errors={FILING_FIELDS[f]: t(k, actor.locale) for f, k in errors.items()})
                    return
                notices = filing.submit_filing(session, actor=actor, filing_id=filing_id, record=record,
                                               now=now, settings=settings)
                keys = blocks.enqueue(session, notices, now=now)
        except DomainError as exc:
            field = exc.field if isinstance(exc, InvalidInput) else None
            ack(response_action="errors", errors={FILING_FIELDS.get(field or "", B.ARCHIVE_NUMBER):
                                                  t(exc.key, actor.locale, **exc.params)})
            return
        ack()
        deliver(client, keys)
        deps.notifier(client).dm(user=actor.slack_user_id, text=t("archive.filing.submitted", actor.locale,
                                                                   archive_number=record.archive_number.strip()))

    @app.action(A.ACCEPT)
    def handle_accept(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                      respond: Respond) -> None:
        """The records officer accepts a filing."""
        ack()
        actor = require_actor(context)
        now = services.now()
        with services.session() as session:
            notices = filing.accept_filing(session, actor=actor, filing_id=action_id_value(body), now=now,
                                           settings=settings)
            keys = blocks.enqueue(session, notices, now=now)
        deliver(client, keys)
        respond(text=t("archive.filing.accepted_by", actor.locale), response_type="ephemeral",
                replace_original=False)

    @app.action(A.RETURN)
    def handle_return_button(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """The records officer returns a filing: the reason modal (once the filing may be returned)."""
        ack()
        actor = require_actor(context)
        filing_id = action_id_value(body)
        with services.session() as session:
            filing.for_review(session, actor, filing_id)
        client.views_open(trigger_id=body["trigger_id"], view=blocks.return_modal(filing_id=filing_id,
                                                                                  locale=actor.locale))

    @app.view(V.RETURN)
    def handle_return(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Return the filing with the reason, or show what is wrong."""
        actor = require_actor(context)
        reason = view_values(body["view"]).get(B.REASON) or ""
        now = services.now()
        try:
            with services.session() as session:
                notices = filing.return_filing(session, actor=actor, filing_id=int(body["view"]["private_metadata"]),
                                               reason=reason, now=now, settings=settings)
                keys = blocks.enqueue(session, notices, now=now)
        except DomainError as exc:
            ack(response_action="errors", errors={B.REASON: t(exc.key, actor.locale, **exc.params)})
            return
        ack()
        deliver(client, keys)

    @app.action(A.DESTROY_APPROVE)
    def handle_destroy_approve(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                               respond: Respond) -> None:
        """A partner approves a destruction list."""
        ack()
        actor = require_actor(context)
        now = services.now()
        list_id = action_id_value(body)
        try:
            with services.session() as session:
                notices = destruction.approve(session, actor=actor, destruction_id=list_id, now=now,
                                              settings=settings)
                keys = blocks.enqueue(session, notices, now=now)
        except destruction.NotListable as exc:
            respond(text=refusals_text(exc, actor.locale), response_type="ephemeral", replace_original=False)
            return
        deliver(client, keys)
        respond(text=t("archive.destroy.approved", actor.locale, id=list_id), response_type="ephemeral",
                replace_original=False)

    @app.view(V.BORROW)
    def handle_borrow(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Record the borrow request; lent at once or sent to whoever must approve it."""
        actor = require_actor(context)
        values = view_values(body["view"])
        days = values.get(B.DAYS)
        request = borrowing.LoanRequest(days=int(days) if str(days or "").isdigit() else None,
                                        copy="yes" in (values.get(B.COPY) or []),
                                        outsider=values.get(B.OUTSIDER) or "")
        now = services.now()
        try:
            with services.session() as session:
                _, status, notices = borrowing.request_loan(
                    session, actor=actor, filing_id=int(body["view"]["private_metadata"]), request=request,
                    submission_key=body["view"]["id"], now=now, settings=settings)
                keys = blocks.enqueue(session, notices, now=now)
        except DomainError as exc:
            block = B.DAYS if isinstance(exc, InvalidInput) and exc.field == "days" else B.OUTSIDER
            ack(response_action="errors", errors={block: t(exc.key, actor.locale, **exc.params)})
            return
        ack()
        deliver(client, keys)
        deps.notifier(client).dm(user=actor.slack_user_id, text=t(f"archive.borrow.{status}", actor.locale))

    def decide(approve: bool) -> Any:
        """Approve or refuse a loan from the approver's message."""

        def handle(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient,
                   respond: Respond) -> None:
            """Decide the loan, tell the borrower and the records officers."""
            ack()
            actor = require_actor(context)
            now = services.now()
            with services.session() as session:
                number, notices = borrowing.decide_loan(session, actor=actor, loan_id=action_id_value(body),
                                                        approve=approve, now=now, settings=settings)
                keys = blocks.enqueue(session, notices, now=now)
            deliver(client, keys)
            respond(text=t("archive.loan.approved_by" if approve else "archive.loan.refused_by", actor.locale,
                           number=number), response_type="ephemeral", replace_original=False)

        return handle

    app.action(A.LOAN_APPROVE)(decide(True))
    app.action(A.LOAN_REFUSE)(decide(False))

    @app.action(A.LOAN_CHECK)
    def handle_check_button(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """The records officer checks a returned file: the check modal."""
        ack()
        actor = require_actor(context)
        loan_id = action_id_value(body)
        with services.session() as session:
            number = borrowing.loan_to_check(session, actor=actor, loan_id=loan_id)
        client.views_open(trigger_id=body["trigger_id"],
                          view=blocks.check_modal(loan_id=loan_id, number=number, locale=actor.locale))

    @app.view(V.CHECK)
    def handle_check(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Record the return check, or show what is missing."""
        actor = require_actor(context)
        values = view_values(body["view"])
        now = services.now()
        try:
            with services.session() as session:
                number, notices = borrowing.check_return(
                    session, actor=actor, loan_id=int(body["view"]["private_metadata"]),
                    condition=values.get(B.CONDITION), note=values.get(B.NOTE) or "", now=now, settings=settings)
                keys = blocks.enqueue(session, notices, now=now)
        except DomainError as exc:
            block = B.NOTE if isinstance(exc, InvalidInput) and exc.field == "note" else B.CONDITION
            ack(response_action="errors", errors={block: t(exc.key, actor.locale, **exc.params)})
            return
        ack()
        deliver(client, keys)
        deps.notifier(client).dm(user=actor.slack_user_id, text=t("archive.return.recorded", actor.locale,
                                                                   number=number))
