"""`lawcrm backup` / `lawcrm restore` on both databases, and the weekly backup job."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bot.cli import build_cli
from bot.services import build_services
from bot.settings import Settings
from storage import audit
from storage.crypto import Keyring
from storage.models import Client
from tests.conftest import Backend, _pg_server_url
from tests.support import write_key_file

ID_NUMBER = "110101199003074573"


def _cli(db_url: str, data_dir: Path, keyring: Keyring, **env: str):  # type: ignore[no-untyped-def]
    """Run `lawcrm …` on a database with the test keys."""
    write_key_file(data_dir / "keys.json", keyring)
    runner = CliRunner()
    base = {"DATABASE_URL": db_url, "DATA_DIR": str(data_dir), **env}

    def run(*args: str) -> Result:
        return runner.invoke(build_cli(), list(args), env=base, catch_exceptions=False)

    return run


@pytest.fixture
def empty_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    """A second, never-migrated database of the same kind."""
    if backend.kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'lawcrm.db'}"
        return
    server = make_url(_pg_server_url()).set(drivername="postgresql+psycopg")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"lawcrm_r_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _seed(db_url: str, data_dir: Path) -> None:
    """One client with an encrypted ID number, and a few audit events."""
    services = build_services(Settings(_env_file=None, database_url=db_url, data_dir=data_dir),  # type: ignore[call-arg]
                              create_keys=False)
    try:
        with services.session() as session:
            client = Client(kind="individual", name="张伟", id_number=ID_NUMBER, phone="13800000000")
            session.add(client)
            session.flush()
            for n in range(3):
                audit.record(session, actor="staff:1", action="read", entity="client", entity_id=client.id,
                             fields=["id_number"] if n else ["phone"])
    finally:
        services.engine.dispose()


def _check(db_url: str, data_dir: Path) -> tuple[int, str, str]:
    """(audit events, decrypted id number, phone) of the restored database, chain verified."""
    services = build_services(Settings(_env_file=None, database_url=db_url, data_dir=data_dir),  # type: ignore[call-arg]
                              create_keys=False)
    try:
        with services.session() as session:
            report = audit.verify(session)
            assert report.ok, report.problems
            client = session.execute(select(Client)).scalar_one()
            return report.checked, client.id_number or "", client.phone or ""
    finally:
        services.engine.dispose()


def test_backup_then_restore_into_an_empty_database(db_url, empty_url, tmp_path, test_keyring):
    data = tmp_path / "data"
    data.mkdir()
    run = _cli(db_url, data, test_keyring)
    _seed(db_url, data)
    out = run("backup", str(tmp_path / "backups"))
    assert out.exit_code == 0, out.output
    assert "backup written" in out.stdout and "tables" in out.stdout and "bytes" in out.stdout
    files = sorted((tmp_path / "backups").glob("*.lcbak"))
    assert len(files) == 1
    raw = files[0].read_bytes()
    assert ID_NUMBER.encode() not in raw and "张伟".encode() not in raw  # encrypted as a whole
    manifest = json.loads(files[0].with_name(files[0].name + ".manifest.json").read_text())
    assert manifest["audit_head"]["seq"] == 3 and len(manifest["sha256"]) == 64
    assert manifest["schema_revision"] and manifest["tables"]["clients"] == 1

    restored = _cli(empty_url, data, test_keyring)("restore", str(files[0]))
    assert restored.exit_code == 0, restored.output
    assert "audit chain intact" in restored.stdout
    checked, id_number, phone = _check(empty_url, data)
    assert (id_number, phone) == (ID_NUMBER, "13800000000")
    assert checked == 4  # the three reads in the dump, then the restore (the backup's own event came after)


def test_restore_refuses_a_database_with_data_unless_forced(db_url, tmp_path, test_keyring):
    data = tmp_path / "data"
    data.mkdir()
    run = _cli(db_url, data, test_keyring)
    _seed(db_url, data)
    assert run("backup", str(tmp_path / "b")).exit_code == 0
    backup = next((tmp_path / "b").glob("*.lcbak"))
    refused = run("restore", str(backup))
    assert refused.exit_code == 2
    assert "not empty" in refused.stderr and "--force" in refused.stderr
    forced = run("restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    checked, id_number, _ = _check(db_url, data)
    assert id_number == ID_NUMBER and checked == 4  # the dump's three reads, then the restore


def test_restore_rejects_a_damaged_or_foreign_file_and_keeps_the_database(db_url, tmp_path, test_keyring):
    data = tmp_path / "data"
    data.mkdir()
    run = _cli(db_url, data, test_keyring)
    _seed(db_url, data)
    assert run("backup", str(tmp_path / "b")).exit_code == 0
    backup = next((tmp_path / "b").glob("*.lcbak"))
    damaged = tmp_path / "damaged.lcbak"
    blob = bytearray(backup.read_bytes())
    blob[-10] ^= 0x01
    damaged.write_bytes(bytes(blob))
    out = run("restore", "--force", str(damaged))
    assert out.exit_code == 2 and "cannot be decrypted" in out.stderr
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    out = run("restore", "--force", str(other))
    assert out.exit_code == 2 and "not a lawcrm backup" in out.stderr
    assert _check(db_url, data)[1] == ID_NUMBER  # untouched


def test_a_dedicated_backup_key_is_needed_to_read_the_backup(db_url, tmp_path, test_keyring):
    from cryptography.fernet import Fernet

    data = tmp_path / "data"
    data.mkdir()
    key = Fernet.generate_key().decode()
    with_key = _cli(db_url, data, test_keyring, BACKUP_KEY=key)
    _seed(db_url, data)
    made = with_key("backup", str(tmp_path / "b"))
    assert made.exit_code == 0, made.output
    backup = next((tmp_path / "b").glob("*.lcbak"))
    without = _cli(db_url, data, test_keyring)("restore", "--force", str(backup))
    assert without.exit_code == 2 and "BACKUP_KEY" in without.stderr


def test_postgres_backup_without_pg_dump_is_one_clear_line(backend, db_url, tmp_path, test_keyring,
                                                           monkeypatch):
    if backend.kind != "postgresql":
        pytest.skip("pg_dump is only used for PostgreSQL")
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    out = _cli(db_url, data, test_keyring, PATH=str(tmp_path / "nothing-here"))("backup", str(tmp_path / "b"))
    assert out.exit_code == 2
    assert out.stderr.strip().count("\n") == 0 and "pg_dump is not on PATH" in out.stderr
    assert not list((tmp_path / "b").glob("*.lcbak"))


# -- the weekly backup job --------------------------------------------------------------------------

def _job_services(db_url, tmp_path, fake_slack, test_keyring, clock, **extra):  # type: ignore[no-untyped-def]
    from bot.services import Services
    from storage.db import make_engine, make_session_factory
    from tests.conftest import make_settings

    settings = make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path, admin_channel="C0ADMIN", **extra)
    engine = make_engine(settings.resolved_database_url, keyring=test_keyring)
    return Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                    keyring=test_keyring, clock=clock)


def _ledger(services):  # type: ignore[no-untyped-def]
    from storage.models import Notification

    with services.session() as session:
        return {n.key: n for n in session.execute(select(Notification)).scalars()}


def test_weekly_backup_job_writes_once_a_week_and_posts_the_outcome(db_url, tmp_path, fake_slack, test_keyring,
                                                                    clock):

    from jobs.tasks.privacy import run_weekly_backup
    from tests.upkeep_support import job_context

    services = _job_services(db_url, tmp_path, fake_slack, test_keyring, clock, backup_dir=tmp_path / "weekly")
    try:
        ctx = job_context(services)
        clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai, week 48
        assert run_weekly_backup(ctx) == "written"
        assert run_weekly_backup(ctx) == "done"
        clock.set(datetime(2026, 11, 29, 15, 0, tzinfo=UTC))  # Sunday 23:00 local: still week 48
        assert run_weekly_backup(ctx) == "done"
        assert len(list((tmp_path / "weekly").glob("*.lcbak"))) == 1
        notice = _ledger(services)["privacy-backup:2026-W48"]
        assert notice.channel == "C0ADMIN" and "Weekly backup written" in notice.payload["text"]
        clock.set(datetime(2026, 11, 29, 16, 30, tzinfo=UTC))  # Monday 00:30 local: week 49
        assert run_weekly_backup(ctx) == "written"
        assert "privacy-backup:2026-W49" in _ledger(services)
        with services.session() as session:
            assert audit.verify(session).ok
    finally:
        services.engine.dispose()


def test_weekly_backup_failure_is_posted_once_and_retried(db_url, tmp_path, fake_slack, test_keyring, clock):

    from jobs.tasks.privacy import run_weekly_backup
    from tests.upkeep_support import job_context

    blocker = tmp_path / "weekly"
    blocker.write_text("a file where the directory should be")
    services = _job_services(db_url, tmp_path, fake_slack, test_keyring, clock, backup_dir=blocker)
    try:
        ctx = job_context(services)
        clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
        assert run_weekly_backup(ctx) == "failed"
        assert run_weekly_backup(ctx) == "failed"  # retried every run…
        failures = [k for k in _ledger(services) if k.startswith("privacy-backup-failed:")]
        assert failures == ["privacy-backup-failed:2026-W48"]  # …reported once
        assert "backup failed" in _ledger(services)[failures[0]].payload["text"]
        blocker.unlink()
        assert run_weekly_backup(ctx) == "written"
    finally:
        services.engine.dispose()


def test_weekly_backup_is_skipped_with_a_log_line_without_backup_dir(db_url, tmp_path, fake_slack, test_keyring,
                                                                      clock, caplog):
    from jobs.tasks.privacy import run_weekly_backup
    from tests.upkeep_support import job_context

    services = _job_services(db_url, tmp_path, fake_slack, test_keyring, clock)
    try:
        with caplog.at_level("INFO", logger="jobs.tasks.privacy"):
            assert run_weekly_backup(job_context(services)) == "skipped"
        assert "BACKUP_DIR is not set" in caplog.text
        assert _ledger(services) == {}
    finally:
        services.engine.dispose()


def test_a_backup_from_a_newer_schema_is_refused_before_anything_changes(db_url, empty_url, tmp_path, test_keyring):
    from bot.flows.privacy.backup import BackupError, create_backup, fernet_for, restore_backup
    from storage.db import make_engine

    engine = make_engine(db_url, keyring=test_keyring)
    fernet = fernet_for(app_keys=test_keyring.fernet_keys, backup_key=None)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0099_future')"))
        made = create_backup(engine=engine, fernet=fernet, out_dir=tmp_path / "b",
                             now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
        assert "0099_future" in made.manifest["schema_revision"]
    finally:
        with engine.begin() as conn:  # alembic_version outlives the per-test truncation on PostgreSQL
            conn.execute(text("DELETE FROM alembic_version WHERE version_num = '0099_future'"))
        engine.dispose()
    target = make_engine(empty_url, keyring=test_keyring)
    try:
        with pytest.raises(BackupError, match="newer version of lawcrm"):
            restore_backup(engine=target, fernet=fernet, path=made.path, force=False)
        from sqlalchemy import inspect

        assert inspect(target).get_table_names() == []
    finally:
        target.dispose()


def test_restore_into_a_migrated_but_empty_database_needs_no_force(db_url, empty_url, tmp_path, test_keyring):
    data = tmp_path / "data"
    data.mkdir()
    source = _cli(db_url, data, test_keyring)
    _seed(db_url, data)
    assert source("backup", str(tmp_path / "b")).exit_code == 0
    backup = next((tmp_path / "b").glob("*.lcbak"))
    target = _cli(empty_url, data, test_keyring)
    assert target("db", "upgrade").exit_code == 0  # the schema exists, no rows yet
    restored = target("restore", str(backup))
    assert restored.exit_code == 0, restored.output
    checked, id_number, _ = _check(empty_url, data)
    assert id_number == ID_NUMBER and checked == 4
