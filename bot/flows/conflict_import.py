"""Bulk import of a legacy conflicts database (CSV or XLSX) into the party index."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.flows.conflicts import PARTIES_LOCK
from bot.flows.identifiers import party_identifier_problem
from bot.flows.tabular import Table
from bot.flows.text_rules import first_problem
from storage.audit import record
from storage.crypto import normalize_identifier
from storage.db import advisory_xact_lock, is_postgres, make_session_factory, session_scope
from storage.models import Party, now_of
from storage.models.enums import PartyKind, PartyRole
from storage.types import keyring_of

COLUMNS = ("name", "role", "kind", "matter", "id_number")
REQUIRED = ("name", "role")
ROLE_VALUES = {"客户": "client", "现有客户": "client", "委托人": "client", "前客户": "former_client",
               "原客户": "former_client", "对方": "adverse", "对方当事人": "adverse", "相对方": "adverse",
               "关联方": "related", "关联人": "related"}
KIND_VALUES = {"个人": "person", "自然人": "person", "机构": "organization", "单位": "organization",
               "公司": "organization", "企业": "organization", "法人": "organization"}
BATCH = 5000
INSERT_COLUMNS = ("name", "role", "kind", "matter_ref", "id_number", "id_number_bidx", "source", "import_key",
                  "created_at")
MAX_NAME = 300
MAX_MATTER = 100
MAX_ID = 64


@dataclass
class ImportReport:
    """What an import did."""

    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    refused: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    seconds: float = 0.0
    encoding: str | None = None


Refusal = tuple[str, dict[str, str]]


def _value(raw: str | None, chinese: dict[str, str]) -> str:
    """A role or kind as written, lower-cased, with its Chinese spelling mapped to ours."""
    text = (raw or "").strip()
    return chinese.get(text, text.lower())


def validate(row: dict[str, str], *,
             today: date) -> tuple[dict[str, str | None], None] | tuple[None, Refusal]:
    """A clean row, or the reason (message key and parameters) it is refused.

    `today` (from the app clock) bounds the birth date of a resident ID.
    """
    found = first_problem({c: row.get(c) for c in COLUMNS}, names=frozenset({"name"}))
    if found:
        return None, ("conflict.import.bad_text", {"column": found[0]})
    name = " ".join((row.get("name") or "").split())
    role = _value(row.get("role"), ROLE_VALUES).replace("-", "_").replace(" ", "_")
    kind = _value(row.get("kind"), KIND_VALUES) or None
    matter = (row.get("matter") or "").strip() or None
    id_number = (row.get("id_number") or "").strip() or None
    if not name:
        return None, ("conflict.import.no_name", {})
    if len(name) > MAX_NAME:
        return None, ("conflict.import.name_too_long", {"max": str(MAX_NAME)})
    if role not in {r.value for r in PartyRole}:
        return None, ("conflict.import.bad_role", {"value": role or "-"})
    if kind is not None and kind not in {k.value for k in PartyKind}:
        return None, ("conflict.import.bad_kind", {"value": kind})
    if matter and len(matter) > MAX_MATTER:
        return None, ("conflict.import.matter_too_long", {"max": str(MAX_MATTER)})
    if id_number is not None:
        id_number = normalize_identifier(id_number)  # stored as the blind index reads it
        if not id_number or len(id_number) > MAX_ID:
            return None, ("conflict.import.bad_id", {})
        if party_identifier_problem(id_number, party_kind=kind, today=today):
            return None, ("conflict.import.bad_resident_id", {})
    return {"name": name, "role": role, "kind": kind, "matter": matter, "id_number": id_number}, None


def import_key(clean: dict[str, str | None], bidx: str | None) -> str:
    """The row's identity: the same row imported twice is skipped."""
    body = "\x1f".join([clean["name"] or "", clean["role"] or "", clean["kind"] or "",
                        clean["matter"] or "", bidx or ""])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _insert(session: Session, rows: list[tuple[object, ...]]) -> None:
    """Write prepared rows (values already encrypted and converted): COPY on PostgreSQL."""
    cols = ", ".join(INSERT_COLUMNS)
    conn = session.connection()
    if is_postgres(session):
        dbapi = conn.connection.dbapi_connection
        copy_sql = f"COPY parties ({cols}) FROM STDIN"
        with dbapi.cursor() as cur, cur.copy(copy_sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in INSERT_COLUMNS)
    conn.exec_driver_sql(f"INSERT OR IGNORE INTO parties ({cols}) VALUES ({marks})", rows)


def import_file(engine: Engine, path: Path, *, actor: str, today: date, batch: int = BATCH,
                encoding: str | None = None,
                progress: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Import every valid row in batches; bad rows are reported by line and skipped.

    The file is checked (readable, encoding, required columns) before anything is written.
    `today` is the firm's date from the app clock (resident IDs born later are refused).
    """
    report = ImportReport()
    table = Table(path, wanted=COLUMNS, required=REQUIRED, encoding=encoding)   # opened and checked here
    report.encoding = table.encoding
    started = time.monotonic()
    keyring = keyring_of(engine.dialect)
    factory = make_session_factory(engine)
    pending: dict[str, tuple[object, ...]] = {}
    to_db = Party.__table__.c.created_at.type.bind_processor(engine.dialect)

    def flush() -> None:
        """Write the pending batch under the parties lock, skipping rows already imported."""
        if not pending:
            return
        with session_scope(factory) as session:
            advisory_xact_lock(session, PARTIES_LOCK)
            existing = set(session.execute(
                select(Party.import_key).where(Party.import_key.in_(list(pending)))).scalars())
            now = now_of(engine)
            created = to_db(now) if to_db else now
            rows = [(*r, created) for k, r in pending.items() if k not in existing]
            report.duplicates += len(existing)
            if rows:
                _insert(session, rows)
            report.imported += len(rows)
        pending.clear()
        if progress:
            progress(report)

    for row in table:
        report.rows += 1
        clean, refusal = validate(row.values, today=today)
        if refusal is not None:
            report.refused.append((row.line, *refusal))
            continue
        assert clean is not None
        bidx = keyring.blind_index(clean["id_number"]) if clean["id_number"] else None
        key = import_key(clean, bidx)
        if key in pending:
            report.duplicates += 1
            continue
        token = keyring.encrypt(clean["id_number"]) if clean["id_number"] else None
        pending[key] = (clean["name"], clean["role"], clean["kind"], clean["matter"], token, bidx,
                        "import", key)
        if len(pending) >= batch:
            flush()
    flush()
    if is_postgres(engine) and report.imported:
        with engine.begin() as conn:       # fresh statistics: the planner keeps using the indexes
            conn.exec_driver_sql("ANALYZE parties")
    report.seconds = time.monotonic() - started
    with session_scope(factory) as session:
        record(session, actor=actor, action="conflicts.import", entity="parties",
               fields=["name", "role", "kind", "matter_ref", "id_number"])
    return report
