"""Data-subject requests through `lawcrm privacy request …`: clock, access export, correction, deletion."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import build_cli
from bot.services import Services, build_services
from bot.settings import Settings
from jobs.tasks.privacy import plan_request_clocks
from storage import audit
from storage.models import (AuditEvent, Client, ClientContact, ContactNote, ImportantDate, Matter, Notification,
                            Party, PrivacyRequest, Staff)
from storage.types import keyring_of
from tests.support import write_key_file
from tests.upkeep_support import job_context

ID_NUMBER = "110101199003074573"


@pytest.fixture
def cli(db_url: str, tmp_path: Path, test_keyring, clock):  # type: ignore[no-untyped-def]
    """`lawcrm …` on the test database (its clock is the machine's: requests use --received-on)."""
    write_key_file(tmp_path / "keys.json", test_keyring)
    runner = CliRunner()
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}

    def run(*args: str, **extra: str) -> Result:
        return runner.invoke(build_cli(), list(args), env={**env, **extra}, catch_exceptions=False)

    return run


def _db(db_url: str, tmp_path: Path, clock) -> Services:  # type: ignore[no-untyped-def]
    return build_services(Settings(_env_file=None, database_url=db_url, data_dir=tmp_path),  # type: ignore[call-arg]
                          create_keys=False, clock=clock)


def _seed(services: Services, *, closed_at: datetime | None, area: str = "lit_civil") -> dict[str, int]:
    """A records officer, a lawyer, and one individual client with a matter, a note, contacts and dates."""
    with services.session() as session:
        admin = Staff(slack_user_id="U0ADMIN01", display_name="Records", role="admin")
        lawyer = Staff(slack_user_id="U0LAWYER1", display_name="Li", role="lawyer")
        session.add_all([admin, lawyer])
        session.flush()
        bidx = keyring_of(session.get_bind().dialect).blind_index(ID_NUMBER)
        client = Client(kind="individual", name="张伟", id_number=ID_NUMBER, id_number_bidx=bidx,
                        phone="13800000000", email="zw@example.com", address="北京市朝阳区", tags=["vip"])
        session.add(client)
        session.flush()
        matter = Matter(number="2020-LIT-0001", client_id=client.id, practice_area=area, lead_lawyer_id=lawyer.id,
                        status="closed" if closed_at else "open", closed_at=closed_at)
        session.add(matter)
        session.flush()
        session.add_all([
            ClientContact(client_id=client.id, name="Assistant Zhang", phone="13900000000"),
            ImportantDate(client_id=client.id, kind="birthday", on_date=date(1990, 3, 7), yearly=True),
            ContactNote(client_id=client.id, author_id=lawyer.id, channel="call", text="Discussed the appeal",
                        occurred_at=datetime(2026, 11, 1, tzinfo=UTC)),
            Party(name="张伟", role="client", kind="person", client_id=client.id, matter_id=matter.id,
                  id_number=ID_NUMBER, id_number_bidx=bidx),
            Party(name="Adverse Co", role="adverse", kind="organization", matter_id=matter.id),
        ])
        return {"admin": admin.id, "client": client.id, "matter": matter.id}


def _request(services: Services, rid: int) -> PrivacyRequest:
    with services.session() as session:
        return session.get(PrivacyRequest, rid)


def test_an_access_request_exports_everything_held_about_the_person(cli, db_url, tmp_path, clock):
    services = _db(db_url, tmp_path, clock)
    ids = _seed(services, closed_at=None)
    opened = cli("privacy", "request", "open", str(ids["client"]), "--by", "U0ADMIN01", "--kind", "access",
                 "--received-on", "2026-11-20", "--details", "wants a copy of everything")
    assert opened.exit_code == 0, opened.output
    assert "answer by 2026-12-05" in opened.stdout  # 15 days by default
    listed = cli("privacy", "request", "list", "--by", "U0ADMIN01")
    assert "#1\t" in listed.stdout and "access" in listed.stdout
    out = cli("privacy", "request", "export", "1", "--by", "U0ADMIN01", "--out", str(tmp_path / "ex"))
    assert out.exit_code == 0, out.output
    path = tmp_path / "ex" / f"privacy-request-1-client-{ids['client']}.json"
    assert str(path) in out.stdout and oct(path.stat().st_mode & 0o777) == "0o600"
    data = json.loads(path.read_text())
    assert data["clients"][0]["id_number"] == ID_NUMBER and data["clients"][0]["phone"] == "13800000000"
    assert "id_number_bidx" not in data["clients"][0]
    assert data["contact_notes"][0]["text"] == "Discussed the appeal"
    assert data["client_contacts"][0]["name"] == "Assistant Zhang"
    assert [p["name"] for p in data["parties"]] == ["张伟"]  # not the adverse party
    assert data["matters"][0]["number"] == "2020-LIT-0001" and data["privacy_requests"][0]["kind"] == "access"
    req = _request(services, 1)
    assert req.status == "done" and req.export_path == str(path)
    again = cli("privacy", "request", "export", "1", "--by", "U0ADMIN01")
    assert again.exit_code == 1 and "already closed" in again.output
    with services.session() as session:
        exported = session.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalar_one()
        assert exported.actor == f"staff:{ids['admin']}" and exported.entity_id == str(ids["client"])
        assert audit.verify(session).ok
    services.engine.dispose()


def test_the_export_can_be_a_spreadsheet(cli, db_url, tmp_path, clock):
    services = _db(db_url, tmp_path, clock)
    ids = _seed(services, closed_at=None)
    cli("privacy", "request", "open", str(ids["client"]), "--by", "U0ADMIN01", "--kind", "access")
    out = cli("privacy", "request", "export", "1", "--by", "U0ADMIN01", "--format", "xlsx")
    assert out.exit_code == 0, out.output
    book = load_workbook(tmp_path / "exports" / f"privacy-request-1-client-{ids['client']}.xlsx")
    assert {"clients", "contact_notes", "matters", "access_log"} <= set(book.sheetnames)
    sheet = book["clients"]
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(2, headers.index("phone") + 1).value == "13800000000"
    services.engine.dispose()


def test_a_correction_changes_the_client_and_its_conflict_index_rows(cli, db_url, tmp_path, clock):
    services = _db(db_url, tmp_path, clock)
    ids = _seed(services, closed_at=None)
    cli("privacy", "request", "open", str(ids["client"]), "--by", "U0ADMIN01", "--kind", "correction")
    bad = cli("privacy", "request", "correct", "1", "--by", "U0ADMIN01", "--set", "id_number=110101199003074574")
    assert bad.exit_code == 1 and "not valid" in bad.output
    unknown = cli("privacy", "request", "correct", "1", "--by", "U0ADMIN01", "--set", "tier=strategic")
    assert unknown.exit_code == 1 and "cannot be corrected" in unknown.output
    assert _request(services, 1).status == "open"
    ok = cli("privacy", "request", "correct", "1", "--by", "U0ADMIN01", "--set", "name=张伟明",
             "--set", "id_number=11010119900307651X", "--set", "phone=")
    assert ok.exit_code == 0, ok.output
    with services.session() as session:
        client = session.get(Client, ids["client"])
        keyring = keyring_of(session.get_bind().dialect)
        assert (client.name, client.id_number, client.phone) == ("张伟明", "11010119900307651X", None)
        assert client.id_number_bidx == keyring.blind_index("11010119900307651X")
        own = session.execute(select(Party).where(Party.client_id == client.id)).scalar_one()
        assert own.name == "张伟明" and own.id_number_bidx == client.id_number_bidx
    services.engine.dispose()


def test_deletion_while_retention_runs_keeps_the_file_and_says_until_when(cli, db_url, tmp_path, clock):
    services = _db(db_url, tmp_path, clock)
    ids = _seed(services, closed_at=datetime(2020, 6, 30, 8, 0, tzinfo=UTC))  # litigation: kept until 2030-06-30
    cli("privacy", "request", "open", str(ids["client"]), "--by", "U0ADMIN01", "--kind", "deletion")
    out = cli("privacy", "request", "delete", "1", "--by", "U0ADMIN01")
    assert out.exit_code == 0, out.output
    assert "until 2030-06-30" in out.stdout and "ID number" in out.stdout
    with services.session() as session:
        client = session.get(Client, ids["client"])
        assert client.name == "张伟" and client.id_number is None and client.id_number_bidx is None
        assert (client.phone, client.email, client.address, client.tags) == (None, None, None, None)
        assert session.execute(select(ClientContact)).first() is None
        assert session.execute(select(ImportantDate)).first() is None
        assert session.execute(select(ContactNote.text)).scalar_one() == "Discussed the appeal"
        own = session.execute(select(Party).where(Party.client_id == client.id)).scalar_one()
        assert own.name == "张伟" and own.id_number is None
        req = session.get(PrivacyRequest, 1)
        assert req.status == "done" and "2030-06-30" in (req.outcome or "")
        assert audit.verify(session).ok
    services.engine.dispose()


def test_deletion_after_retention_anonymises_everything(cli, db_url, tmp_path, clock):
    services = _db(db_url, tmp_path, clock)
    ids = _seed(services, closed_at=datetime(2014, 6, 30, tzinfo=UTC), area="nl_ip")  # kept until 2022
    cli("privacy", "request", "open", str(ids["client"]), "--by", "U0ADMIN01", "--kind", "deletion")
    out = cli("privacy", "request", "delete", "1", "--by", "U0ADMIN01", "--locale", "zh-CN")
    assert out.exit_code == 0, out.output
    assert "全部个人信息" in out.stdout
    with services.session() as session:
        client = session.get(Client, ids["client"])
        assert client.name.startswith("[deleted]") and client.id_number is None
        assert session.execute(select(ContactNote.text)).scalar_one() == "[deleted]"
        names = set(session.execute(select(Party.name)).scalars())
        assert names == {f"[deleted] #{client.id}", "Adverse Co"}
    services.engine.dispose()


def test_deletion_with_an_open_matter_keeps_the_file_until_retention_after_closing(cli, db_url, tmp_path, clock):
    services = _db(db_url, tmp_path, clock)
    ids = _seed(services, closed_at=None)
    cli("privacy", "request", "open", str(ids["client"]), "--by", "U0ADMIN01", "--kind", "deletion")
    out = cli("privacy", "request", "delete", "1", "--by", "U0ADMIN01")
    assert out.exit_code == 0 and "when your matters close" in out.stdout
    with services.session() as session:
        assert session.get(Client, ids["client"]).name == "张伟"
    services.engine.dispose()


def test_requests_need_a_records_officer_or_partner_and_valid_input(cli, db_url, tmp_path, clock):
    services = _db(db_url, tmp_path, clock)
    ids = _seed(services, closed_at=None)
    lawyer = cli("privacy", "request", "open", str(ids["client"]), "--by", "U0LAWYER1", "--kind", "access")
    assert lawyer.exit_code == 1 and "Only records officers" in lawyer.output
    nobody = cli("privacy", "request", "open", str(ids["client"]), "--by", "U0NOBODY1", "--kind", "access")
    assert nobody.exit_code == 1 and "not an active member" in nobody.output
    missing = cli("privacy", "request", "open", "999", "--by", "U0ADMIN01", "--kind", "access")
    assert missing.exit_code == 1 and "no client #999" in missing.output
    wrong = cli("privacy", "request", "open", str(ids["client"]), "--by", "U0ADMIN01", "--kind", "access")
    assert wrong.exit_code == 0
    as_delete = cli("privacy", "request", "delete", "1", "--by", "U0ADMIN01")
    assert as_delete.exit_code == 1 and "is a access request" in as_delete.output
    refused = cli("privacy", "request", "refuse", "1", "--by", "U0ADMIN01", "--reason", "identity not verified")
    assert refused.exit_code == 0 and _request(services, 1).status == "refused"
    with services.session() as session:
        assert session.get(Client, ids["client"]).id_number == ID_NUMBER
        assert audit.verify(session).ok
    services.engine.dispose()


def test_the_clock_is_configurable_and_records_officers_are_told_before_it_runs_out(
        cli, db_url, tmp_path, clock, services):
    ids = _seed(services, closed_at=None)
    opened = cli("privacy", "request", "open", str(ids["client"]), "--by", "U0ADMIN01", "--kind", "access",
                 "--received-on", "2026-11-20", PRIVACY_REQUEST_DAYS="10")
    assert "answer by 2026-11-30" in opened.stdout
    ctx = job_context(services)
    clock.set(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))  # 4 days left: nothing yet
    assert plan_request_clocks(ctx) == 0
    clock.set(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))  # 3 days left
    assert plan_request_clocks(ctx) == 1
    assert plan_request_clocks(ctx) == 0
    clock.set(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))  # overdue
    assert plan_request_clocks(ctx) == 1
    with services.session() as session:
        keys = {n.key: n for n in session.execute(select(Notification)).scalars()}
    assert set(keys) == {"privacy-request:1:due:U0ADMIN01", "privacy-request:1:overdue:U0ADMIN01"}
    assert "2026-11-30" in keys["privacy-request:1:due:U0ADMIN01"].payload["text"]


def test_deletion_keeps_what_a_legal_hold_keeps(services, tmp_path):  # type: ignore[no-untyped-def]
    """The archive's legal hold stops retention: a deletion then keeps the name and the files."""
    from datetime import UTC, date, datetime

    from bot.flows.privacy.requests import retention_of
    from storage.models import ArchiveFiling, Client, Matter

    with services.session() as session:
        client = Client(kind="individual", name="Li Hua", tier="core", status="active")
        session.add(client)
        session.flush()
        matter = Matter(client_id=client.id, number="2010-NL-0001", practice_area="nl_mna", status="closed",
                        opened_at=datetime(2009, 1, 1, tzinfo=UTC), closed_at=datetime(2010, 1, 5, tzinfo=UTC))
        session.add(matter)
        session.flush()
        settings = services.settings
        today = date(2026, 12, 3)
        assert not retention_of(session, client_id=client.id, today=today, settings=settings).runs  # 8 years over
        filing = ArchiveFiling(matter_id=matter.id, status="accepted", archive_number="A-1", volumes=1,
                               due_at=datetime(2010, 1, 8, tzinfo=UTC),
                               location="R1", hold_since=datetime(2017, 1, 1, tzinfo=UTC))
        session.add(filing)
        session.flush()
        kept = retention_of(session, client_id=client.id, today=today, settings=settings)
        assert kept.runs and kept.permanent
