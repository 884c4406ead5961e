"""Consent to sensitive data: recorded with purpose, date and form; withdrawal removes the ID numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from bot.flows.actor import Actor
from bot.flows.conflicts import record_party
from bot.flows.errors import InvalidInput, PermissionDenied
from bot.flows.privacy.consent import record_consent, withdraw_consent
from bot.services import Services
from storage import audit
from storage.models import AuditEvent, Client, ConsentRecord, Party
from storage.models.enums import Role
from storage.types import keyring_of
from tests.support import make_staff

ID_NUMBER = "110101199003074573"
TODAY = date(2026, 11, 23)


def _actor(services: Services, uid: str = "U0ADMIN01", role: str = "admin") -> Actor:
    staff = make_staff(services, uid, role)
    return Actor(staff_id=staff.id, slack_user_id=uid, name=uid, role=Role(role), locale="en")


def _client_with_id(services: Services) -> int:
    with services.session() as session:
        bidx = keyring_of(session.get_bind().dialect).blind_index(ID_NUMBER)
        client = Client(kind="individual", name="张伟", id_number=ID_NUMBER, id_number_bidx=bidx)
        session.add(client)
        session.flush()
        record_party(session, name="张伟", role="client", kind="person", client_id=client.id, id_number=ID_NUMBER)
        record_party(session, name="Other Person", role="adverse", kind="person", id_number="11010119900307651X")
        return client.id


def test_withdrawing_the_last_consent_removes_id_numbers_and_blind_indexes(services, clock):
    admin = _actor(services)
    cid = _client_with_id(services)
    with services.session() as session:
        first = record_consent(session, actor=admin, client_id=cid, purpose="conflict checks and identity",
                               given_on=date(2026, 11, 20), method="form", form_ref="F-2026-017", today=TODAY).id
        second = record_consent(session, actor=admin, client_id=cid, purpose="litigation filings",
                                given_on=date(2026, 11, 21), method="written", form_ref=None, today=TODAY).id
        assert session.get(Client, cid).sensitive_consent_at == clock.now
    with services.session() as session:
        assert withdraw_consent(session, actor=admin, consent_id=first, now=clock.now) == []
        assert session.get(Client, cid).id_number == ID_NUMBER  # one consent still active
    clock.advance(days=1)
    with services.session() as session:
        removed = withdraw_consent(session, actor=admin, consent_id=second, now=clock.now)
    assert removed[0] == f"client:{cid}" and len(removed) == 2
    with services.session() as session:
        client = session.get(Client, cid)
        assert (client.id_number, client.id_number_bidx, client.sensitive_consent_at) == (None, None, None)
        own = session.execute(select(Party).where(Party.client_id == cid)).scalar_one()
        assert (own.id_number, own.id_number_bidx) == (None, None)
        other = session.execute(select(Party).where(Party.client_id.is_(None))).scalar_one()
        assert other.id_number is not None  # another person's row is untouched
        raw = session.execute(text("SELECT id_number, id_number_bidx FROM clients")).one()
        assert raw == (None, None)
        consent = session.get(ConsentRecord, second)
        assert consent.withdrawn_at == clock.now and consent.withdrawn_by == admin.audit_name
        actions = [(e.action, e.entity) for e in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()]
        assert ("consent.withdraw", "consent_record") in actions and ("update", "party") in actions
        assert audit.verify(session).ok


@pytest.mark.parametrize("kwargs,key", [
    ({"purpose": "  "}, "privacy.error.purpose"),
    ({"method": "oral"}, "privacy.error.method"),
    ({"method": "form", "form_ref": " "}, "privacy.error.form_ref"),
    ({"given_on": date(2026, 11, 24)}, "privacy.error.future"),
])
def test_bad_consent_input_is_refused_and_nothing_is_written(services, kwargs, key):
    admin = _actor(services)
    cid = _client_with_id(services)
    args = {"purpose": "identity", "given_on": TODAY, "method": "written", "form_ref": None, **kwargs}
    with pytest.raises(InvalidInput) as caught:
        with services.session() as session:
            record_consent(session, actor=admin, client_id=cid, today=TODAY, **args)
    assert caught.value.key == key
    with services.session() as session:
        assert session.execute(select(ConsentRecord)).first() is None
        assert session.get(Client, cid).sensitive_consent_at is None


def test_only_records_officers_and_partners_handle_consent(services):
    lawyer = _actor(services, "U0LAWYER1", "lawyer")
    cid = _client_with_id(services)
    with pytest.raises(PermissionDenied):
        with services.session() as session:
            record_consent(session, actor=lawyer, client_id=cid, purpose="identity", given_on=TODAY,
                           method="written", form_ref=None, today=TODAY)
    partner = _actor(services, "U0PARTNER", "partner")
    with services.session() as session:
        record_consent(session, actor=partner, client_id=cid, purpose="identity", given_on=TODAY,
                       method="written", form_ref=None, today=TODAY)


def test_a_consent_is_withdrawn_once(services, clock):
    admin = _actor(services)
    cid = _client_with_id(services)
    with services.session() as session:
        cons = record_consent(session, actor=admin, client_id=cid, purpose="identity", given_on=TODAY,
                              method="electronic", form_ref=None, today=TODAY).id
    with services.session() as session:
        withdraw_consent(session, actor=admin, consent_id=cons, now=clock.now)
    with pytest.raises(InvalidInput) as caught:
        with services.session() as session:
            withdraw_consent(session, actor=admin, consent_id=cons, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert caught.value.key == "privacy.error.withdrawn"
    with services.session() as session:
        assert session.get(ConsentRecord, cons).withdrawn_at == clock.now  # the first withdrawal stands
