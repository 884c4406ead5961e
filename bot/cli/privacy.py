"""`lawcrm privacy consent …` and `lawcrm privacy request …`: PIPL consent and data-subject requests.

Each command names the records officer or partner doing it (`--by SLACK_USER_ID`): every step
is audited under their name.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from sqlalchemy.orm import Session

from bot.cli import pass_services
from bot.flows.actor import Actor
from bot.flows.errors import NotFound
from bot.flows.privacy import consent as consents
from bot.flows.privacy import requests as reqs
from bot.flows.workdays import calendar_of
from bot.services import Services
from storage import audit
from storage.models import PrivacyRequest
from storage.models.enums import ConsentMethod, PrivacyRequestKind

BY = click.option("--by", "by", required=True, metavar="SLACK_USER_ID",
                  help="The records officer (admin) or partner doing this.")


def _actor(session: Session, services: Services, by: str) -> Actor:
    """The staff member named by `--by` (a records officer or partner), as the flows' actor."""
    return reqs.actor_by_slack_id(session, slack_user_id=by,
                                  default_locale=services.settings.default_locale)


def _today(services: Services) -> date:
    """The firm-local date."""
    return calendar_of(services.settings).local_date(services.now())


def _line(req: PrivacyRequest, today: date) -> str:
    """One request as a line."""
    late = " OVERDUE" if req.status == "open" and req.due_on < today else ""
    return (f"#{req.id}\tclient #{req.client_id}\t{req.kind}\t{req.status}{late}\t"
            f"received {req.received_on.isoformat()}\tanswer by {req.due_on.isoformat()}")


def register(main: click.Group) -> None:
    """Attach the `privacy` group."""

    @main.group()
    def privacy() -> None:
        """Consent to sensitive data and data-subject requests (PIPL)."""

    @privacy.group()
    def consent() -> None:
        """Separate consent to sensitive personal data."""

    @consent.command("add")
    @click.argument("client_id", type=int)
    @BY
    @click.option("--purpose", required=True)
    @click.option("--given-on", type=click.DateTime(["%Y-%m-%d"]), required=True)
    @click.option("--method", type=click.Choice([m.value for m in ConsentMethod]), required=True)
    @click.option("--form-ref", default=None, help="The signed form's reference (required for --method form).")
    @pass_services()
    def consent_add(services: Services, client_id: int, by: str, purpose: str, given_on, method: str,  # type: ignore[no-untyped-def]
                    form_ref: str | None) -> None:
        """Record a client's consent to processing sensitive data."""
        with services.session() as session:
            actor = _actor(session, services, by)
            record = consents.record_consent(session, actor=actor, client_id=client_id, purpose=purpose,
                                             given_on=given_on.date(), method=method, form_ref=form_ref,
                                             today=_today(services))
            rid = record.id
        click.echo(f"consent #{rid} recorded for client #{client_id}")

    @consent.command("withdraw")
    @click.argument("consent_id", type=int)
    @BY
    @pass_services()
    def consent_withdraw(services: Services, consent_id: int, by: str) -> None:
        """Withdraw a consent; with none left, the client's ID numbers are removed."""
        with services.session() as session:
            actor = _actor(session, services, by)
            removed = consents.withdraw_consent(session, actor=actor, consent_id=consent_id, now=services.now())
        click.echo(f"consent #{consent_id} withdrawn"
                   + (f"; ID numbers removed from {', '.join(removed)}" if removed else
                      "; other consents remain active, ID numbers kept"))

    @consent.command("list")
    @click.argument("client_id", type=int)
    @BY
    @pass_services()
    def consent_list(services: Services, client_id: int, by: str) -> None:
        """A client's consents."""
        with services.session() as session:
            _actor(session, services, by)
            rows = consents.consents_of(session, client_id=client_id)
            for c in rows:
                state = f"withdrawn {c.withdrawn_at.date().isoformat()}" if c.withdrawn_at else "active"
                click.echo(f"#{c.id}\t{c.given_on.isoformat()}\t{c.method}\t{c.form_ref or '-'}\t{state}\t"
                           f"{c.purpose}")

    @privacy.group()
    def request() -> None:
        """Data-subject requests: access, correction, deletion."""

    @request.command("open")
    @click.argument("client_id", type=int)
    @BY
    @click.option("--kind", type=click.Choice([k.value for k in PrivacyRequestKind]), required=True)
    @click.option("--received-on", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help="When the request arrived (default today); the clock starts then.")
    @click.option("--details", default=None, help="What the person asked for.")
    @pass_services()
    def request_open(services: Services, client_id: int, by: str, kind: str, received_on,  # type: ignore[no-untyped-def]
                     details: str | None) -> None:
        """Record a request; it must be answered within PRIVACY_REQUEST_DAYS (15 by default)."""
        today = _today(services)
        with services.session() as session:
            actor = _actor(session, services, by)
            req = reqs.open_request(session, actor=actor, client_id=client_id, kind=kind,
                                    received_on=received_on.date() if received_on else today, details=details,
                                    days=services.settings.privacy_request_days, today=today)
            line = _line(req, today)
        click.echo(f"recorded {line}")

    @request.command("list")
    @BY
    @click.option("--all", "all_", is_flag=True, help="Closed requests too.")
    @pass_services()
    def request_list(services: Services, by: str, all_: bool) -> None:
        """Open requests, the nearest answer-by date first."""
        today = _today(services)
        with services.session() as session:
            actor = _actor(session, services, by)
            for req in reqs.list_requests(session, actor=actor, open_only=not all_):
                click.echo(_line(req, today))

    @request.command("show")
    @click.argument("request_id", type=int)
    @BY
    @pass_services()
    def request_show(services: Services, request_id: int, by: str) -> None:
        """One request with its details and outcome."""
        today = _today(services)
        with services.session() as session:
            actor = _actor(session, services, by)
            req = session.get(PrivacyRequest, request_id)
            if req is None:
                raise NotFound("privacy.error.no_request", id=request_id)
            audit.record(session, actor=actor.audit_name, action="read", entity="privacy_request",
                         entity_id=req.id, fields=["details", "outcome"])
            click.echo(_line(req, today))
            for label, value in (("details", req.details), ("outcome", req.outcome),
                                 ("export", req.export_path)):
                if value:
                    click.echo(f"{label}: {value}")

    @request.command("export")
    @click.argument("request_id", type=int)
    @BY
    @click.option("--format", "fmt", type=click.Choice(["json", "xlsx"]), default="json", show_default=True)
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Where to write the file (default DATA_DIR/exports).")
    @pass_services()
    def request_export(services: Services, request_id: int, by: str, fmt: str, out: Path | None) -> None:
        """Answer an access request: export everything held about the person to a file to send them."""
        try:
            with services.session() as session:
                actor = _actor(session, services, by)
                path = reqs.answer_access(session, actor=actor, request_id=request_id,
                                          out_dir=out or services.settings.data_dir / "exports", fmt=fmt,
                                          now=services.now())
        except OSError as exc:
            raise click.ClickException(f"cannot write the export ({exc.strerror or exc})") from None
        click.echo(f"request #{request_id} answered: export written to {path} (send it to the person, then "
                   "delete it)")

    @request.command("correct")
    @click.argument("request_id", type=int)
    @BY
    @click.option("--set", "pairs", multiple=True, metavar="FIELD=VALUE",
                  help=f"A corrected value; fields: {', '.join(reqs.CORRECTABLE)}. Empty VALUE clears it.")
    @pass_services()
    def request_correct(services: Services, request_id: int, by: str, pairs: tuple[str, ...]) -> None:
        """Answer a correction request by correcting the client's data."""
        changes: dict[str, str] = {}
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep:
                raise click.BadParameter(f"{pair!r}: use FIELD=VALUE", param_hint="--set")
            changes[name.strip()] = value
        with services.session() as session:
            actor = _actor(session, services, by)
            fields = reqs.answer_correction(session, actor=actor, request_id=request_id, changes=changes,
                                            now=services.now(), today=_today(services))
        click.echo(f"request #{request_id} answered: corrected {', '.join(fields)}")

    @request.command("delete")
    @click.argument("request_id", type=int)
    @BY
    @click.option("--locale", type=click.Choice(["en", "zh-CN"]), default=None,
                  help="The person's language for the answer (default DEFAULT_LOCALE).")
    @pass_services()
    def request_delete(services: Services, request_id: int, by: str, locale: str | None) -> None:
        """Answer a deletion request: erase, or anonymise what retention still requires to keep."""
        with services.session() as session:
            actor = _actor(session, services, by)
            message = reqs.answer_deletion(session, actor=actor, request_id=request_id, now=services.now(),
                                           today=_today(services),
                                           locale=locale or services.settings.default_locale,
                                           settings=services.settings)
        click.echo(f"request #{request_id} answered. Tell the person:\n{message}")

    @request.command("refuse")
    @click.argument("request_id", type=int)
    @BY
    @click.option("--reason", required=True)
    @pass_services()
    def request_refuse(services: Services, request_id: int, by: str, reason: str) -> None:
        """Close a request without doing it, with the reason."""
        with services.session() as session:
            actor = _actor(session, services, by)
            reqs.refuse_request(session, actor=actor, request_id=request_id, reason=reason, now=services.now())
        click.echo(f"request #{request_id} refused")
