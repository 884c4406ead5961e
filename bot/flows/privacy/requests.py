"""Data-subject requests (PIPL art. 44-47): access, correction, deletion, each with a clock.

A request is answered by `received_on + PRIVACY_REQUEST_DAYS` (15 by default). Access writes an
export of everything held about the person (every table's rows that belong to the client, and
the audit trail of the client record) as a JSON or XLSX file for the records officer to send.
Deletion erases what the firm no longer needs; while the matter files must still be kept
(retention), the name, matters and notes stay until the retention ends and the person is told
what is kept and until when; after it, everything is anonymised. Every step is audited.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.archive import latest_filing
from bot.flows.archive.retention import retention_of as archive_retention
from bot.flows.errors import InvalidInput, NotFound, PermissionDenied
from bot.flows.identifiers import identifier_problem
from bot.i18n import t_plain
from bot.settings import Settings
from storage import audit
from storage.models import (AuditEvent, Base, Client, ClientContact, ContactNote, FollowUp, ImportantDate, Matter,
                            Party, PrivacyRequest, Staff)
from storage.models.enums import MatterStatus, PrivacyRequestKind, PrivacyRequestStatus, Role
from storage.types import keyring_of

RECORDS_ROLES = (Role.ADMIN, Role.PARTNER)
CORRECTABLE = ("name", "phone", "email", "address", "legal_representative", "id_number")
DETAILS_MAX = 2000
ANONYMOUS = "[deleted]"


def require_records_role(actor: Actor) -> None:
    """Records officers (admin) and partners handle consent and data-subject requests."""
    if actor.role not in RECORDS_ROLES:
        raise PermissionDenied("privacy.error.role")


def actor_by_slack_id(session: Session, *, slack_user_id: str, default_locale: str) -> Actor:
    """The active staff member acting (records officer or partner)."""
    staff = session.execute(select(Staff).where(Staff.slack_user_id == slack_user_id)).scalar_one_or_none()
    if staff is None or not staff.active:
        raise NotFound("privacy.error.no_staff", user=slack_user_id)
    actor = Actor.from_staff(staff, default_locale=default_locale)
    require_records_role(actor)
    return actor


def open_request(session: Session, *, actor: Actor, client_id: int, kind: str, received_on: date,
                 details: str | None, days: int, today: date) -> PrivacyRequest:
    """Record a request with its answer-by date."""
    require_records_role(actor)
    if kind not in {k.value for k in PrivacyRequestKind}:
        raise InvalidInput("privacy.error.kind", kinds=", ".join(k.value for k in PrivacyRequestKind))
    if received_on > today:
        raise InvalidInput("privacy.error.future", day=received_on.isoformat())
    details = (details or "").strip() or None
    if details and len(details) > DETAILS_MAX:
        raise InvalidInput("privacy.error.details_long", max=DETAILS_MAX)
    if session.get(Client, client_id) is None:
        raise NotFound("privacy.error.no_client", id=client_id)
    req = PrivacyRequest(client_id=client_id, kind=kind, status=PrivacyRequestStatus.OPEN.value,
                         received_on=received_on, due_on=received_on + timedelta(days=days), details=details,
                         recorded_by=actor.audit_name)
    session.add(req)
    session.flush()
    audit.record(session, actor=actor.audit_name, action="privacy.request", entity="privacy_request",
                 entity_id=req.id, fields=["kind", "received_on", "due_on"] + (["details"] if details else []))
    return req


def _open(session: Session, request_id: int, kind: PrivacyRequestKind | None = None) -> PrivacyRequest:
    """An open request (of a kind), locked for this transaction."""
    req = session.execute(select(PrivacyRequest).where(PrivacyRequest.id == request_id)
                          .with_for_update()).scalar_one_or_none()
    if req is None:
        raise NotFound("privacy.error.no_request", id=request_id)
    if req.status != PrivacyRequestStatus.OPEN:
        raise InvalidInput("privacy.error.closed", id=request_id, status=req.status)
    if kind is not None and req.kind != kind:
        raise InvalidInput("privacy.error.wrong_kind", id=request_id, kind=req.kind)
    return req


def _close(req: PrivacyRequest, *, actor: Actor, now: datetime, status: PrivacyRequestStatus,
           outcome: str | None) -> None:
    """Mark a request answered (or refused)."""
    req.status, req.closed_by, req.closed_at, req.outcome = status.value, actor.audit_name, now, outcome


# -- access ---------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """A JSON-friendly value."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _rows(session: Session, model: Any, condition: Any) -> list[dict[str, Any]]:
    """Every column of the matching rows (decrypted), blind indexes left out."""
    columns = [c.key for c in model.__mapper__.column_attrs if not c.key.endswith("_bidx")]
    return [{name: _plain(getattr(obj, name)) for name in columns}
            for obj in session.execute(select(model).where(condition).order_by(model.id)).scalars()]


def personal_data(session: Session, *, client_id: int) -> dict[str, list[dict[str, Any]]]:
    """Everything held about a client: its row, every row that names it or its matters, its audit trail."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("privacy.error.no_client", id=client_id)
    matter_ids = list(session.execute(select(Matter.id).where(Matter.client_id == client_id)).scalars())
    out: dict[str, list[dict[str, Any]]] = {"clients": _rows(session, Client, Client.id == client_id)}
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.class_.__tablename__):
        model = mapper.class_
        if model in (Client, AuditEvent) or "id" not in mapper.columns:
            continue
        if model is Party:  # other parties of the client's matters are other people
            condition: Any = Party.client_id == client_id
        elif hasattr(model, "client_id") and hasattr(model, "matter_id"):
            condition = (model.client_id == client_id) | model.matter_id.in_(matter_ids)
        elif hasattr(model, "client_id"):
            condition = model.client_id == client_id
        elif hasattr(model, "matter_id"):
            condition = model.matter_id.in_(matter_ids)
        else:
            continue
        rows = _rows(session, model, condition)
        if rows:
            out[model.__tablename__] = rows
    trail = session.execute(select(AuditEvent).where(AuditEvent.entity == "client",
                                                     AuditEvent.entity_id == str(client_id))
                            .order_by(AuditEvent.seq)).scalars()
    out["access_log"] = [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "fields": e.fields}
                         for e in trail]
    return out


def write_export(data: dict[str, list[dict[str, Any]]], path: Path, *, fmt: str) -> None:
    """Write the export (owner-only permissions) as JSON or as an XLSX sheet per table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        if fmt == "json":
            fh.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
        else:
            from openpyxl import Workbook

            book = Workbook()
            book.remove(book.active)
            for table, rows in data.items():
                sheet = book.create_sheet(table[:31])
                headers = sorted({key for row in rows for key in row})
                sheet.append(headers)
                for row in rows:
                    sheet.append([_cell(row.get(h)) for h in headers])
            book.save(fh)
    os.replace(tmp, path)


def _cell(value: Any) -> Any:
    """A spreadsheet cell: lists and dicts as JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def answer_access(session: Session, *, actor: Actor, request_id: int, out_dir: Path, fmt: str,
                  now: datetime) -> Path:
    """Export everything held about the person to a file; the request is answered."""
    require_records_role(actor)
    if fmt not in ("json", "xlsx"):
        raise InvalidInput("privacy.error.format")
    req = _open(session, request_id, PrivacyRequestKind.ACCESS)
    data = personal_data(session, client_id=req.client_id)
    path = out_dir / f"privacy-request-{req.id}-client-{req.client_id}.{fmt}"
    write_export(data, path, fmt=fmt)
    audit.record(session, actor=actor.audit_name, action="export", entity="client", entity_id=req.client_id,
                 fields=sorted(data))
    req.export_path = str(path)
    _close(req, actor=actor, now=now, status=PrivacyRequestStatus.DONE, outcome=None)
    audit.record(session, actor=actor.audit_name, action="privacy.answer", entity="privacy_request",
                 entity_id=req.id, fields=["status", "export_path"])
    return path


# -- correction -----------------------------------------------------------------------------------

def answer_correction(session: Session, *, actor: Actor, request_id: int, changes: dict[str, str],
                      now: datetime, today: date) -> list[str]:
    """Correct the client's data as asked; the client's own rows in the conflict index follow."""
    require_records_role(actor)
    req = _open(session, request_id, PrivacyRequestKind.CORRECTION)
    if not changes:
        raise InvalidInput("privacy.error.no_changes", fields=", ".join(CORRECTABLE))
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise InvalidInput("privacy.error.field", name=unknown[0], fields=", ".join(CORRECTABLE))
    client = session.get(Client, req.client_id)
    assert client is not None
    values = {name: " ".join(value.split()) for name, value in changes.items()}
    if "name" in values and not values["name"]:
        raise InvalidInput("privacy.error.empty_name")
    if values.get("id_number"):
        problem = identifier_problem(values["id_number"], client_kind=client.kind, today=today)
        if problem:
            raise InvalidInput(f"intake.error.{problem}")
    keyring = keyring_of(session.get_bind().dialect)
    old_name = client.name
    for name, value in values.items():
        setattr(client, name, value or None)
    fields = sorted(values)
    if "id_number" in values:
        client.id_number_bidx = keyring.blind_index(values["id_number"]) if values["id_number"] else None
        fields.append("id_number_bidx")
    audit.record(session, actor=actor.audit_name, action="update", entity="client", entity_id=client.id,
                 fields=fields)
    parties = session.execute(select(Party).where(Party.client_id == client.id)).scalars().all()
    for party in parties:
        changed = []
        if "name" in values and party.name == old_name:
            party.name, changed = values["name"], changed + ["name"]
        if "id_number" in values and (party.id_number or party.id_number_bidx):
            party.id_number, party.id_number_bidx = client.id_number, client.id_number_bidx
            changed += ["id_number", "id_number_bidx"]
        if changed:
            audit.record(session, actor=actor.audit_name, action="update", entity="party", entity_id=party.id,
                         fields=changed)
    _close(req, actor=actor, now=now, status=PrivacyRequestStatus.DONE, outcome=None)
    audit.record(session, actor=actor.audit_name, action="privacy.answer", entity="privacy_request",
                 entity_id=req.id, fields=["status"])
    return fields


# -- deletion -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Retention:
    """How long the client's matter files must still be kept."""

    runs: bool
    until: date | None = None
    permanent: bool = False
    open_matters: bool = False


def retention_of(session: Session, *, client_id: int, today: date, settings: Settings) -> Retention:
    """How long the client's matter files must still be kept, by the archive's retention rules.

    A file on legal hold, an open matter or a permanent tier keeps everything; otherwise the
    latest end of retention over the client's matters (accepted filings, else from the close).
    """
    client = session.get(Client, client_id)
    assert client is not None
    matters = session.execute(select(Matter).where(Matter.client_id == client_id)).scalars().all()
    if not matters:
        return Retention(runs=False)
    if any(m.status == MatterStatus.OPEN or m.closed_at is None for m in matters):
        return Retention(runs=True, open_matters=True)
    ends = []
    for matter in matters:
        filing = latest_filing(session, matter.id, statuses=("accepted",))
        kept = archive_retention(filing=filing, matter=matter, tier=client.tier, settings=settings)
        if kept.until is None and not kept.permanent:  # a litigation file without its judgment date
            kept = archive_retention(filing=None, matter=matter, tier=client.tier, settings=settings)
        if kept.permanent or kept.on_hold:
            return Retention(runs=True, permanent=True)
        assert kept.until is not None
        ends.append(kept.until)
    until = max(ends)
    return Retention(runs=until >= today, until=until)


def answer_deletion(session: Session, *, actor: Actor, request_id: int, now: datetime, today: date,
                    locale: str, settings: Settings) -> str:
    """Erase or anonymise the person's data; return what to tell them (also kept on the request)."""
    require_records_role(actor)
    req = _open(session, request_id, PrivacyRequestKind.DELETION)
    client = session.get(Client, req.client_id)
    assert client is not None
    retention = retention_of(session, client_id=client.id, today=today, settings=settings)
    _erase_contact_data(session, actor=actor, client=client)
    removed = t_plain("privacy.deletion.removed", locale)
    if retention.runs:
        until = (t_plain("privacy.retention.permanent", locale) if retention.permanent
                 else t_plain("privacy.retention.open", locale) if retention.open_matters
                 else retention.until.isoformat() if retention.until else "")
        message = t_plain("privacy.deletion.kept", locale, removed=removed, until=until,
                          kept=t_plain("privacy.deletion.kept_items", locale))
    else:
        _anonymise(session, actor=actor, client=client)
        message = t_plain("privacy.deletion.all", locale,
                          removed=f"{removed}; {t_plain('privacy.deletion.removed_all', locale)}")
    _close(req, actor=actor, now=now, status=PrivacyRequestStatus.DONE, outcome=message)
    audit.record(session, actor=actor.audit_name, action="privacy.answer", entity="privacy_request",
                 entity_id=req.id, fields=["status", "outcome"])
    return message


def _erase_contact_data(session: Session, *, actor: Actor, client: Client) -> None:
    """Remove what is not part of the matter files: identifiers, contact data, dates, preferences."""
    from bot.flows.privacy.consent import remove_id_numbers

    remove_id_numbers(session, actor=actor, client_id=client.id)
    client.phone = client.email = client.address = client.legal_representative = None
    client.preferences = client.tags = None
    client.referrer = client.preferred_channel = None
    client.churn_snoozed_until = None
    audit.record(session, actor=actor.audit_name, action="erase", entity="client", entity_id=client.id,
                 fields=["address", "email", "legal_representative", "phone", "preferences", "preferred_channel",
                         "referrer", "tags"])
    contacts = session.execute(delete(ClientContact).where(ClientContact.client_id == client.id)
                               .returning(ClientContact.id)).scalars().all()
    dates = session.execute(delete(ImportantDate).where(ImportantDate.client_id == client.id)
                            .returning(ImportantDate.id)).scalars().all()
    for cid in contacts:
        audit.record(session, actor=actor.audit_name, action="erase", entity="client_contact", entity_id=cid)
    for did in dates:
        audit.record(session, actor=actor.audit_name, action="erase", entity="important_date", entity_id=did)


def _anonymise(session: Session, *, actor: Actor, client: Client) -> None:
    """Past retention: the name, notes and follow-ups, and the client's conflict-index names go too."""
    client.name = f"{ANONYMOUS} #{client.id}"
    audit.record(session, actor=actor.audit_name, action="erase", entity="client", entity_id=client.id,
                 fields=["name"])
    for note in session.execute(select(ContactNote).where(ContactNote.client_id == client.id)).scalars():
        note.text = ANONYMOUS
        audit.record(session, actor=actor.audit_name, action="erase", entity="contact_note", entity_id=note.id,
                     fields=["text"])
    for follow in session.execute(select(FollowUp).where(FollowUp.client_id == client.id)).scalars():
        follow.title = ANONYMOUS
        audit.record(session, actor=actor.audit_name, action="erase", entity="follow_up", entity_id=follow.id,
                     fields=["title"])
    for party in session.execute(select(Party).where(Party.client_id == client.id)).scalars():
        party.name = f"{ANONYMOUS} #{client.id}"
        audit.record(session, actor=actor.audit_name, action="erase", entity="party", entity_id=party.id,
                     fields=["name"])
    session.flush()


def refuse_request(session: Session, *, actor: Actor, request_id: int, reason: str, now: datetime) -> None:
    """Close a request without doing it (e.g. the requester's identity could not be verified)."""
    require_records_role(actor)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("privacy.error.reason")
    req = _open(session, request_id)
    _close(req, actor=actor, now=now, status=PrivacyRequestStatus.REFUSED, outcome=reason)
    audit.record(session, actor=actor.audit_name, action="privacy.refuse", entity="privacy_request",
                 entity_id=req.id, fields=["status", "outcome"])


def list_requests(session: Session, *, actor: Actor, open_only: bool) -> list[PrivacyRequest]:
    """Requests, oldest answer-by date first."""
    require_records_role(actor)
    query = select(PrivacyRequest).order_by(PrivacyRequest.due_on, PrivacyRequest.id)
    if open_only:
        query = query.where(PrivacyRequest.status == PrivacyRequestStatus.OPEN.value)
    return list(session.execute(query).scalars())
