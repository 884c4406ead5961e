"""Foundation, storage: encryption at rest, blind index, key rotation, the audit chain."""

from __future__ import annotations

import base64
import json
import re
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import DBAPIError

from bot.cli import build_cli
from storage import ledger
from storage import audit
from storage.crypto import Keyring, ReloadingKeyring, add_primary_key, generate_key_material
from storage.db import make_engine, make_session_factory, session_scope
from storage.keys import encrypted_columns, rotate_all
from storage.models import (
    AuditEvent, Client, ClientContact, ContactNote, FollowUp, ImportantDate, Matter, Notification,
    Party, Staff,
)
from storage.types import keyring_of

SECRETS = {
    "id_number": "11010119900307771X",
    "phone": "+86 138 0013 8000",
    "email": "zhang.san@example.com",
    "address": "北京市朝阳区建国路88号",
    "legal_rep": "法定代表人赵六",
    "contact": "联系人孙七",
    "contact_phone": "13912345678",
    "note": "客户透露了并购目标 Acme 的报价",
    "follow_up": "寄送保密协议草稿",
    "matter": "Acme 收购尽职调查",
    "date_label": "董事长生日",
    "party_id": "91310000MA1FL0XX2Q",
    "notice": "机密提醒：明日开庭",
}


def _seed(session) -> int:
    """A client with every kind of sensitive field, through the ORM."""
    kr = keyring_of(session.get_bind().dialect)
    lawyer = Staff(slack_user_id="U0LAWYER1", display_name="Li Lei", role="lawyer")
    session.add(lawyer)
    session.flush()
    client = Client(kind="individual", name="张三", id_number=SECRETS["id_number"],
                    id_number_bidx=kr.blind_index(SECRETS["id_number"]), phone=SECRETS["phone"],
                    email=SECRETS["email"], address=SECRETS["address"],
                    legal_representative=SECRETS["legal_rep"])
    session.add(client)
    session.flush()
    matter = Matter(number="2026-LIT-0001", client_id=client.id, practice_area="litigation",
                    title=SECRETS["matter"], lead_lawyer_id=lawyer.id)
    session.add(matter)
    session.flush()
    note = ContactNote(client_id=client.id, author_id=lawyer.id, occurred_at=datetime.now(UTC),
                       text=SECRETS["note"])
    session.add_all([
        ClientContact(client_id=client.id, name=SECRETS["contact"], phone=SECRETS["contact_phone"],
                      email=SECRETS["email"]),
        note,
        ImportantDate(client_id=client.id, kind="birthday", on_date=date(1990, 3, 7),
                      label=SECRETS["date_label"], yearly=True),
        Party(name="某某科技有限公司", role="adverse", id_number=SECRETS["party_id"],
              id_number_bidx=kr.blind_index(SECRETS["party_id"])),
    ])
    session.flush()
    session.add(FollowUp(client_id=client.id, owner_id=lawyer.id, title=SECRETS["follow_up"],
                         due_on=date(2026, 11, 27), source_note_id=note.id))
    ledger.enqueue(session, key=f"test:{client.id}", kind="reminder", channel="U0LAWYER1",
                   payload={"text": SECRETS["notice"], "blocks": [{"type": "section", "text": {
                       "type": "mrkdwn", "text": SECRETS["notice"]}}]},
                   due_at=datetime.now(UTC))
    audit.record(session, actor="staff:1", action="create", entity="client", entity_id=client.id,
                 fields=["id_number", "phone", "email", "address"])
    return client.id


def _raw_text(url: str) -> str:
    """Every value of every column of every table, read with plain SQL (no keys)."""
    engine = create_engine(url)
    chunks = []
    try:
        with engine.connect() as conn:
            for name in inspect(conn).get_table_names():
                for row in conn.execute(text(f'SELECT * FROM "{name}"')):
                    chunks.extend(str(v) for v in row)
    finally:
        engine.dispose()
    return "\n".join(chunks)


def _variants(secret: str) -> set[str]:
    """The secret as stored text might show it: raw, JSON-escaped, without spaces."""
    return {secret, json.dumps(secret)[1:-1], secret.replace(" ", ""), secret.lower()}


def test_no_plaintext_in_the_raw_database(services, db_url):
    with services.session() as session:
        _seed(session)
    raw = _raw_text(db_url)
    assert "张三" in raw  # the scan really reads the tables (names are searchable, not secret)
    for label, secret in SECRETS.items():
        for form in _variants(secret):
            assert form not in raw, f"{label} stored in plaintext"
    # and everything reads back through the ORM
    with services.session() as session:
        client = session.execute(select(Client)).scalar_one()
        assert (client.phone, client.email, client.address) == (
            SECRETS["phone"], SECRETS["email"], SECRETS["address"])
        assert session.execute(select(Notification.payload)).scalar_one()["text"] == SECRETS["notice"]


def test_every_encrypted_column_is_found_for_rotation():
    found = {(t, c) for t, _pk, c in encrypted_columns()}
    assert {("clients", "id_number"), ("clients", "phone"), ("clients", "email"),
            ("clients", "address"), ("client_contacts", "name"), ("contact_notes", "text"),
            ("follow_ups", "title"), ("notifications", "payload"), ("parties", "id_number"),
            ("matters", "title"), ("important_dates", "label")} <= found


@pytest.mark.parametrize("written", [
    "11010119900307771X", "110101 19900307 771x", "１１０１０１１９９００３０７７７１Ｘ",
    "110101-1990-0307-771X", " 110101\u300019900307771x ",
])
def test_blind_index_finds_the_client_however_the_id_is_written(services, written):
    with services.session() as session:
        client_id = _seed(session)
    with services.session() as session:
        bidx = keyring_of(session.get_bind().dialect).blind_index(written)
        found = session.execute(select(Client.id).where(Client.id_number_bidx == bidx)).scalars().all()
    assert found == [client_id]


def test_blind_index_does_not_match_another_id_or_key(services, test_keyring):
    with services.session() as session:
        _seed(session)
    other_key = Keyring(fernet_keys=test_keyring.fernet_keys, index_key=b"k" * 32)
    with services.session() as session:
        for bidx in (test_keyring.blind_index("110101199003077710"),
                     other_key.blind_index(SECRETS["id_number"]),
                     test_keyring.blind_index(SECRETS["id_number"], kind="phone")):
            assert session.execute(select(Client.id).where(Client.id_number_bidx == bidx)).first() is None


# -- key rotation ---------------------------------------------------------------------------------

def _key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(generate_key_material()))
    path.chmod(0o600)
    return path


def _tokens(url: str) -> list[str]:
    """Every stored ciphertext."""
    engine = create_engine(url)
    out = []
    with engine.connect() as conn:
        for t, _pk, c in encrypted_columns():
            out.extend(v for v in conn.execute(text(f'SELECT "{c}" FROM "{t}"')).scalars() if v)
    engine.dispose()
    return out


def _read_everything(session) -> dict[str, object]:
    client = session.execute(select(Client)).scalar_one()
    return {
        "id": client.id_number, "phone": client.phone, "email": client.email, "addr": client.address,
        "contact": session.execute(select(ClientContact.name)).scalar_one(),
        "note": session.execute(select(ContactNote.text)).scalar_one(),
        "notice": session.execute(select(Notification.payload)).scalar_one()["text"],
        "party": session.execute(select(Party.id_number)).scalar_one(),
    }


EXPECTED = {"id": SECRETS["id_number"], "phone": SECRETS["phone"], "email": SECRETS["email"],
            "addr": SECRETS["address"], "contact": SECRETS["contact"], "note": SECRETS["note"],
            "notice": SECRETS["notice"], "party": SECRETS["party_id"]}


def test_rotate_all_moves_every_value_to_the_new_key(db_url, tmp_path):
    key_file = _key_file(tmp_path)
    keyring = ReloadingKeyring(key_file)
    other_process = ReloadingKeyring(key_file)  # a second process's view of the same file
    engine = make_engine(db_url, keyring=keyring)
    other_engine = make_engine(db_url, keyring=other_process)
    try:
        with session_scope(make_session_factory(engine)) as session:
            _seed(session)
        old_key = keyring.fernet_keys[0]
        new_key = add_primary_key(key_file)
        keyring.reload()
        assert keyring.fernet_keys == (new_key, old_key)
        total = len(_tokens(db_url))
        seen = []
        report = rotate_all(engine, keyring, batch=2, progress=lambda col, n: seen.append(col))
        assert report.refused == {}
        assert report.rotated == total and report.already_current == 0
        assert "clients.phone" in seen
        only_new = Fernet(new_key.encode())
        for token in _tokens(db_url):
            only_new.decrypt(token.encode())  # raises if any value is still under the old key
        # idempotent: a second run has nothing left to do
        again = rotate_all(engine, keyring)
        assert (again.rotated, again.already_current) == (0, total)
        # the other process reads the re-encrypted values without a restart
        with session_scope(make_session_factory(other_engine)) as session:
            assert _read_everything(session) == EXPECTED
        assert other_process.fernet_keys[0] == new_key
        # a keyring with ONLY the new key reads everything
        index_key = keyring.current.index_key
        new_only = make_engine(db_url, keyring=Keyring(fernet_keys=(new_key,), index_key=index_key))
        with session_scope(make_session_factory(new_only)) as session:
            assert _read_everything(session) == EXPECTED
        new_only.dispose()
    finally:
        engine.dispose()
        other_engine.dispose()


def test_rotate_counts_undecryptable_values_as_refused(db_url, tmp_path):
    key_file = _key_file(tmp_path)
    keyring = ReloadingKeyring(key_file)
    engine = make_engine(db_url, keyring=keyring)
    try:
        with session_scope(make_session_factory(engine)) as session:
            _seed(session)
        foreign = Fernet(Fernet.generate_key()).encrypt(b"written with a lost key").decode()
        with engine.begin() as conn:
            conn.execute(text("UPDATE clients SET phone = :v"), {"v": foreign})
            conn.execute(text("UPDATE clients SET email = :v"), {"v": "not-a-token"})
        add_primary_key(key_file)
        keyring.reload()
        report = rotate_all(engine, keyring)
        assert report.refused == {"clients.phone: cannot be decrypted with the configured keys": 1,
                                  "clients.email: cannot be decrypted with the configured keys": 1}
        assert report.rotated == len(_tokens(db_url)) - 2
    finally:
        engine.dispose()


def _cli_env(db_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path), "KEY_FILE": str(tmp_path / "keys.json"),
            **extra}


def test_cli_keys_rotate_prints_progress_and_summary(db_url, tmp_path):
    key_file = _key_file(tmp_path)
    before = ReloadingKeyring(key_file, check_every=3600)  # the keys as they were: never reloaded here
    engine = make_engine(db_url, keyring=before)
    with session_scope(make_session_factory(engine)) as session:
        _seed(session)
    total = len(_tokens(db_url))
    running = ReloadingKeyring(key_file)  # another process, started before the rotation
    result = CliRunner().invoke(build_cli(), ["keys", "rotate", "--batch", "3", "--settle", "0"],
                                env=_cli_env(db_url, tmp_path))
    assert result.exit_code == 0, result.output
    assert "added a new primary key" in result.stdout
    assert "clients.phone:" in result.stderr  # progress
    assert re.search(rf"rotated {total}, already current 0, refused 0, in \d+\.\ds", result.stdout)
    keys = json.loads(key_file.read_text())["encryption_keys"]
    assert len(keys) == 2 and keys[1] == before.fernet_keys[0]
    only_new = Fernet(keys[0].encode())
    for token in _tokens(db_url):
        only_new.decrypt(token.encode())
    other_engine = make_engine(db_url, keyring=running)
    with session_scope(make_session_factory(other_engine)) as session:
        assert _read_everything(session) == EXPECTED
        assert session.execute(select(AuditEvent.action).order_by(AuditEvent.seq.desc())).first()[0] \
            == "rotate_keys"
    other_engine.dispose()
    engine.dispose()


def test_cli_keys_rotate_reports_refused_values(db_url, tmp_path):
    key_file = _key_file(tmp_path)
    engine = make_engine(db_url, keyring=ReloadingKeyring(key_file))
    with session_scope(make_session_factory(engine)) as session:
        _seed(session)
    with engine.begin() as conn:
        conn.execute(text("UPDATE contact_notes SET text = :v"), {"v": "gAAAAAbroken"})
    engine.dispose()
    result = CliRunner().invoke(build_cli(), ["keys", "rotate", "--settle", "0"],
                                env=_cli_env(db_url, tmp_path))
    assert result.exit_code == 1
    assert "refused 1" in result.stdout
    assert "contact_notes.text: cannot be decrypted with the configured keys" in result.stdout
    assert "Traceback" not in result.output


def test_reloading_keyring_notices_a_new_key_file(tmp_path):
    key_file = _key_file(tmp_path)
    reader = ReloadingKeyring(key_file, check_every=0)
    writer = ReloadingKeyring(key_file)
    key_file.with_suffix(".tmp").write_text("stale")
    key_file.with_suffix(".tmp").chmod(0o644)
    new_key = add_primary_key(key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600
    writer.reload()
    token = writer.encrypt("机密")
    assert reader.decrypt(token) == "机密"
    assert reader.fernet_keys[0] == new_key
    # and the reader now encrypts under the new key too
    Fernet(new_key.encode()).decrypt(reader.encrypt("x").encode())


# -- audit ---------------------------------------------------------------------------------------

def _events(services, n: int = 5) -> None:
    with services.session() as session:
        for i in range(n):
            audit.record(session, actor=f"staff:{i}", action="update", entity="client", entity_id=i,
                         fields=["phone", "email"])


def test_audit_chain_verifies(services):
    _events(services, 5)
    with services.session() as session:
        report = audit.verify(session)
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    assert report.ok and report.checked == 5
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:]))
    assert rows[0].fields == ["email", "phone"]


@pytest.mark.parametrize("sql", ["UPDATE audit_events SET actor = 'staff:99' WHERE seq = 2",
                                 "DELETE FROM audit_events WHERE seq = 2",
                                 "DELETE FROM audit_events"])
def test_database_refuses_changes_to_the_audit_log(services, sql):
    _events(services, 3)
    with pytest.raises(DBAPIError, match="append-only"):
        with services.engine.begin() as conn:
            conn.execute(text(sql))
    with services.session() as session:
        assert audit.verify(session).ok


def _bypass_triggers(conn) -> None:
    """What an attacker with DDL rights would do to edit the log anyway."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))


def _restore_triggers(engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change"))


def _tamper(services, *sql: str) -> None:
    try:
        with services.engine.begin() as conn:
            _bypass_triggers(conn)
            for statement in sql:
                conn.execute(text(statement))
    finally:
        _restore_triggers(services.engine)


def _audit_verify_cli(db_url, tmp_path, test_keyring):
    env = _cli_env(db_url, tmp_path, ENCRYPTION_KEYS=test_keyring.fernet_keys[0],
                   BLIND_INDEX_KEY=base64.urlsafe_b64encode(test_keyring.index_key).decode())
    return CliRunner().invoke(build_cli(), ["audit", "verify"], env=env)


def test_audit_verify_cli_ok(services, db_url, tmp_path, test_keyring):
    _events(services, 4)
    result = _audit_verify_cli(db_url, tmp_path, test_keyring)
    assert result.exit_code == 0, result.output
    assert "audit chain intact: 4 events" in result.stdout


def test_edited_audit_row_is_detected(services, db_url, tmp_path, test_keyring):
    _events(services, 5)
    _tamper(services, "UPDATE audit_events SET actor = 'staff:99' WHERE seq = 3")
    with services.session() as session:
        report = audit.verify(session)
    assert not report.ok
    assert report.problems == ["seq 3: content does not match its hash (edited)"]
    result = _audit_verify_cli(db_url, tmp_path, test_keyring)
    assert result.exit_code == 1
    assert "audit chain BROKEN" in result.stdout and "seq 3: content does not match" in result.stdout


def test_deleted_middle_audit_row_is_detected(services, db_url, tmp_path, test_keyring):
    _events(services, 5)
    _tamper(services, "DELETE FROM audit_events WHERE seq = 3")
    with services.session() as session:
        report = audit.verify(session)
    assert report.checked == 4
    assert any("seq 3..3 missing" in p for p in report.problems)
    assert any(p.startswith("seq 4: previous hash") for p in report.problems)
    result = _audit_verify_cli(db_url, tmp_path, test_keyring)
    assert result.exit_code == 1 and "seq 3..3 missing" in result.stdout


def test_edit_of_a_hashed_field_list_is_detected(services):
    _events(services, 4)
    _tamper(services, "UPDATE audit_events SET fields = NULL WHERE seq = 2")
    with services.session() as session:
        assert audit.verify(session).problems == ["seq 2: content does not match its hash (edited)"]


def test_concurrent_appends_keep_one_chain(services, backend):
    threads, per_thread = 6, 8
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with services.session() as session:
                    audit.record(session, actor=f"staff:{n}", action="read", entity="client",
                                 entity_id=i, fields=["phone"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    assert errors == []
    with services.session() as session:
        report = audit.verify(session)
        seqs = session.execute(select(AuditEvent.seq).order_by(AuditEvent.seq)).scalars().all()
    assert report.ok, report.problems
    assert seqs == list(range(1, threads * per_thread + 1))


def test_anchor_catches_deleted_newest_rows_and_the_daily_job_alerts_once(services, db_url, tmp_path,
                                                                         test_keyring, fake_slack):
    from slack_sdk import WebClient

    from jobs.registry import JobContext
    from bot.slack_sender import SlackSender
    from jobs.tasks.audit import verify_chain
    from jobs.tasks.delivery import deliver

    _events(services, 4)
    anchor = tmp_path / "audit-anchor.json"
    env = _cli_env(db_url, tmp_path, ENCRYPTION_KEYS=test_keyring.fernet_keys[0],
                   BLIND_INDEX_KEY=base64.urlsafe_b64encode(test_keyring.index_key).decode())
    first = CliRunner().invoke(build_cli(), ["audit", "verify", "--anchor", str(anchor)], env=env)
    assert first.exit_code == 0 and "head seq 4" in first.stdout and anchor.exists()

    ctx = JobContext(services=services, sender=SlackSender(WebClient(token="xoxb-t", base_url=fake_slack.url)))
    assert verify_chain(ctx) is True

    _tamper(services, "DELETE FROM audit_events WHERE seq > 2")  # the chain alone can't see this
    with services.session() as session:
        assert audit.verify(session).ok
    second = CliRunner().invoke(build_cli(), ["audit", "verify", "--anchor", str(anchor)], env=env)
    assert second.exit_code == 1 and "newest rows deleted" in second.stdout

    _tamper(services, "UPDATE audit_events SET actor = 'staff:99' WHERE seq = 1")
    assert verify_chain(ctx) is False and verify_chain(ctx) is False
    deliver(ctx)
    alerts = fake_slack.messages_to(services.settings.alerts_channel)
    heads = [m["metadata"]["event_payload"]["audit_seq"] for m in alerts if "Audit log head" in m["text"]]
    assert heads == [4]
    alerts = [m for m in alerts if "Audit log head" not in m["text"]]
    assert len(alerts) == 1 and "hash chain is broken" in alerts[0]["text"]


# -- the Slack witness: a chain rewritten with recomputed hashes ------------------------------------

def _rewrite_chain(services, *, from_seq: int, actor: str = "staff:99",
                   drop_after: int | None = None) -> None:
    """What an attacker with database access does: edit a row, then recompute every later hash."""
    with services.session() as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        rows = [(r.seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.fields, r.prev_hash) for r in rows]
    prev = None
    changes = []
    for seq, at, who, action, entity, entity_id, fields, prev_hash in rows:
        if drop_after is not None and seq > drop_after:
            break
        if seq < from_seq:
            continue
        who = actor if seq == from_seq else who
        prev = prev or prev_hash
        digest = audit.chain_hash(prev_hash=prev, seq=seq, at=at, actor=who, action=action, entity=entity,
                                  entity_id=entity_id, fields=fields)
        changes.append({"seq": seq, "actor": who, "prev": prev, "hash": digest})
        prev = digest
    try:
        with services.engine.begin() as conn:
            _bypass_triggers(conn)
            if drop_after is not None:
                conn.execute(text("DELETE FROM audit_events WHERE seq > :s"), {"s": drop_after})
            for change in changes:
                conn.execute(text("UPDATE audit_events SET actor = :actor, prev_hash = :prev, hash = :hash "
                                  "WHERE seq = :seq"), change)
    finally:
        _restore_triggers(services.engine)


def _witness_env(db_url, tmp_path, test_keyring, fake_slack, **extra):
    return _cli_env(db_url, tmp_path, ENCRYPTION_KEYS=test_keyring.fernet_keys[0],
                    BLIND_INDEX_KEY=base64.urlsafe_b64encode(test_keyring.index_key).decode(),
                    SLACK_BOT_TOKEN="xoxb-t", SLACK_SIGNING_SECRET="s", SLACK_API_URL=fake_slack.url,
                    ALERTS_CHANNEL="C0ALERTS", **extra)


def _witness_ctx(services, fake_slack):
    from slack_sdk import WebClient

    from jobs.registry import JobContext
    from bot.slack_sender import SlackSender

    client = WebClient(token="xoxb-t", base_url=fake_slack.url)
    return JobContext(services=services, sender=SlackSender(client))


def _daily_run(ctx) -> bool:
    from jobs.tasks.audit import verify_chain
    from jobs.tasks.delivery import deliver

    ok = verify_chain(ctx)
    deliver(ctx)
    return ok


def test_a_rewritten_chain_is_caught_by_the_slack_witness_without_an_anchor(
        services, db_url, tmp_path, test_keyring, fake_slack):
    ctx = _witness_ctx(services, fake_slack)
    _events(services, 4)
    assert _daily_run(ctx) is True
    _events(services, 2)
    assert _daily_run(ctx) is True and _daily_run(ctx) is True  # one post per distinct head
    heads = [m["metadata"]["event_payload"] for m in fake_slack.messages_to("C0ALERTS")]
    assert [h["audit_seq"] for h in heads] == [4, 6] and all(len(h["audit_hash"]) == 64 for h in heads)
    assert all(h["key"].startswith("audit-head:") for h in heads)
    env = _witness_env(db_url, tmp_path, test_keyring, fake_slack)
    intact = CliRunner().invoke(build_cli(), ["audit", "verify"], env=env)
    assert intact.exit_code == 0, intact.output
    assert "matches the 2 heads witnessed in Slack channel C0ALERTS" in intact.stdout

    _rewrite_chain(services, from_seq=2)
    with services.session() as session:
        assert audit.verify(session).ok  # the chain alone cannot see it
    plain = CliRunner().invoke(build_cli(), ["audit", "verify", "--no-witness"], env=env)
    assert plain.exit_code == 0
    result = CliRunner().invoke(build_cli(), ["audit", "verify"], env=env)
    assert result.exit_code == 1, result.output
    assert "audit chain BROKEN: 2 problems" in result.stdout
    assert "seq 4: differs from the hash witnessed in Slack (the chain was rewritten)" in result.stdout
    assert "seq 6: differs from the hash witnessed in Slack" in result.stdout

    # the daily job sees it too: it alerts, and does not witness the rewritten head
    posts = len(fake_slack.of("chat.postMessage"))
    assert _daily_run(ctx) is False
    new = fake_slack.of("chat.postMessage")[posts:]
    assert len(new) == 1 and "hash chain is broken" in new[0].params["text"]
    assert new[0].params["metadata"]["event_payload"]["key"].startswith("audit-broken:")


def test_the_witness_catches_deleted_newest_rows_and_uses_the_admin_channel(
        services, db_url, tmp_path, test_keyring, fake_slack, settings):
    settings.admin_channel = "G0ADMIN"
    ctx = _witness_ctx(services, fake_slack)
    _events(services, 5)
    assert _daily_run(ctx) is True
    assert [m["metadata"]["event_payload"]["audit_seq"] for m in fake_slack.messages_to("G0ADMIN")] == [5]
    assert fake_slack.messages_to("C0ALERTS") == []
    _rewrite_chain(services, from_seq=3, drop_after=3)  # rows 4-5 gone, row 3 rewritten
    env = _witness_env(db_url, tmp_path, test_keyring, fake_slack, ADMIN_CHANNEL="G0ADMIN")
    result = CliRunner().invoke(build_cli(), ["audit", "verify"], env=env)
    assert result.exit_code == 1
    assert ("seq 4..5 missing: the chain ends before the head witnessed in Slack (newest rows deleted)"
            in result.stdout)


def test_witness_posts_of_another_app_or_malformed_ones_are_ignored(
        services, db_url, tmp_path, test_keyring, fake_slack):
    _events(services, 3)
    assert _daily_run(_witness_ctx(services, fake_slack)) is True
    fake_slack.messages["C0ALERTS"].append({  # someone else's app "witnessing" a different head
        "type": "message", "ts": "1800000000.000100", "text": "x", "bot_id": "B0OTHER",
        "metadata": {"event_type": "lawcrm_notice",
                     "event_payload": {"key": "audit-head:3:x", "audit_seq": 3, "audit_hash": "f" * 64}}})
    fake_slack.messages["C0ALERTS"].append({
        "type": "message", "ts": "1800000001.000100", "text": "x", "bot_id": "B0BOT",
        "metadata": {"event_type": "lawcrm_notice",
                     "event_payload": {"key": "audit-head:3:y", "audit_seq": "3", "audit_hash": "nope"}}})
    result = CliRunner().invoke(build_cli(), ["audit", "verify"],
                                env=_witness_env(db_url, tmp_path, test_keyring, fake_slack))
    assert result.exit_code == 0, result.output
    assert "matches the 1 heads witnessed" in result.stdout


def test_verify_says_so_when_the_witness_cannot_be_read(services, db_url, tmp_path, test_keyring, fake_slack):
    _events(services, 2)
    fake_slack.fail("conversations.history", error="missing_scope")
    result = CliRunner().invoke(build_cli(), ["audit", "verify"],
                                env=_witness_env(db_url, tmp_path, test_keyring, fake_slack))
    assert result.exit_code == 1
    assert "cannot read the audit witness posts in Slack channel C0ALERTS (missing_scope)" in result.output
    assert "audit chain intact" not in result.output
