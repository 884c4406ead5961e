"""Separate consent to sensitive personal data (PIPL art. 28-29): recorded, and withdrawn.

Withdrawing the client's last active consent removes what it covered: the client's ID number
and its blind index, and the ID numbers (and blind indexes) of the client's rows in the conflict
index. Every step is audited (field names only, never values).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.errors import InvalidInput, NotFound
from bot.flows.privacy.requests import require_records_role
from storage import audit
from storage.models import Client, ConsentRecord, Party
from storage.models.enums import ConsentMethod

PURPOSE_MAX = 200
FORM_REF_MAX = 100


def record_consent(session: Session, *, actor: Actor, client_id: int, purpose: str, given_on: date,
                   method: str, form_ref: str | None, today: date) -> ConsentRecord:
    """Record a consent; the client is marked as having consented to sensitive data."""
    require_records_role(actor)
    purpose, form_ref = " ".join(purpose.split()), (form_ref or "").strip() or None
    if not purpose or len(purpose) > PURPOSE_MAX:
        raise InvalidInput("privacy.error.purpose", max=PURPOSE_MAX)
    if method not in {m.value for m in ConsentMethod}:
        raise InvalidInput("privacy.error.method", methods=", ".join(m.value for m in ConsentMethod))
    if method == ConsentMethod.FORM and not form_ref:
        raise InvalidInput("privacy.error.form_ref")
    if form_ref and len(form_ref) > FORM_REF_MAX:
        raise InvalidInput("privacy.error.form_ref_long", max=FORM_REF_MAX)
    if given_on > today:
        raise InvalidInput("privacy.error.future", day=given_on.isoformat())
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("privacy.error.no_client", id=client_id)
    consent = ConsentRecord(client_id=client_id, purpose=purpose, given_on=given_on, method=method,
                            form_ref=form_ref, recorded_by=actor.audit_name)
    session.add(consent)
    session.flush()
    if client.sensitive_consent_at is None:
        client.sensitive_consent_at = consent.recorded_at
    audit.record(session, actor=actor.audit_name, action="consent.record", entity="consent_record",
                 entity_id=consent.id, fields=["purpose", "given_on", "method", "form_ref"])
    audit.record(session, actor=actor.audit_name, action="update", entity="client", entity_id=client_id,
                 fields=["sensitive_consent_at"])
    return consent


def withdraw_consent(session: Session, *, actor: Actor, consent_id: int, now: datetime) -> list[str]:
    """Withdraw a consent; with none left active, remove the ID numbers it covered. Returns what was removed."""
    require_records_role(actor)
    consent = session.get(ConsentRecord, consent_id)
    if consent is None:
        raise NotFound("privacy.error.no_consent", id=consent_id)
    if consent.withdrawn_at is not None:
        raise InvalidInput("privacy.error.withdrawn", id=consent_id, on=consent.withdrawn_at.date().isoformat())
    consent.withdrawn_at, consent.withdrawn_by = now, actor.audit_name
    audit.record(session, actor=actor.audit_name, action="consent.withdraw", entity="consent_record",
                 entity_id=consent.id, fields=["withdrawn_at"])
    still = session.execute(select(ConsentRecord.id).where(ConsentRecord.client_id == consent.client_id,
                                                           ConsentRecord.withdrawn_at.is_(None))).first()
    if still is not None:
        return []
    return remove_id_numbers(session, actor=actor, client_id=consent.client_id)


def remove_id_numbers(session: Session, *, actor: Actor, client_id: int) -> list[str]:
    """Erase the client's ID number and blind index, and those of its conflict-index rows."""
    removed: list[str] = []
    client = session.get(Client, client_id)
    assert client is not None
    if client.id_number is not None or client.id_number_bidx is not None:
        removed.append(f"client:{client_id}")
    client.id_number = client.id_number_bidx = None
    client.sensitive_consent_at = None
    audit.record(session, actor=actor.audit_name, action="update", entity="client", entity_id=client_id,
                 fields=["id_number", "id_number_bidx", "sensitive_consent_at"])
    parties = session.execute(select(Party).where(Party.client_id == client_id,
                                                  Party.id_number_bidx.is_not(None) | Party.id_number.is_not(None))
                              ).scalars().all()
    for party in parties:
        party.id_number = party.id_number_bidx = None
        removed.append(f"party:{party.id}")
        audit.record(session, actor=actor.audit_name, action="update", entity="party", entity_id=party.id,
                     fields=["id_number", "id_number_bidx"])
    session.flush()
    return removed


def consents_of(session: Session, *, client_id: int) -> list[ConsentRecord]:
    """The client's consents, oldest first."""
    return list(session.execute(select(ConsentRecord).where(ConsentRecord.client_id == client_id)
                                .order_by(ConsentRecord.id)).scalars())
