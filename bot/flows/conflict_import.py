"""Bulk import of a legacy conflicts database (CSV or XLSX) into the party index."""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.flows.conflicts import PARTIES_LOCK
from bot.flows.errors import DomainError
from bot.flows.identifiers import party_identifier_problem
from bot.flows.text_rules import first_problem
from storage.audit import record
from storage.crypto import normalize_identifier
from storage.db import advisory_xact_lock, is_postgres, make_session_factory, session_scope
from storage.models import Party, utcnow
from storage.models.enums import PartyKind, PartyRole
from storage.types import keyring_of

COLUMNS = ("name", "role", "kind", "matter", "id_number")
BATCH = 5000
INSERT_COLUMNS = ("name", "role", "kind", "matter_ref", "id_number", "id_number_bidx", "source", "import_key",
                  "created_at")
MAX_NAME = 300
MAX_MATTER = 100
MAX_ID = 64


class ImportFileError(DomainError):
    """The file cannot be imported at all (unreadable, wrong format, missing columns)."""


@dataclass
class ImportReport:
    """What an import did."""

    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    refused: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    seconds: float = 0.0


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a UTF-8 CSV with a header."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise ImportFileError("conflict.import.empty")
            names = [h.strip().lower() for h in header]
            _check_header(names)
            line = reader.line_num
            for values in reader:
                start, line = line + 1, reader.line_num
                if not any(v.strip() for v in values):
                    continue
                yield start, dict(zip(names, values, strict=False))
    except UnicodeDecodeError:
        raise ImportFileError("conflict.import.not_utf8") from None
    except csv.Error as exc:
        raise ImportFileError("conflict.import.bad_csv", detail=str(exc)) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, row) of the first sheet of an XLSX workbook with a header."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
        raise ImportFileError("conflict.import.bad_xlsx", detail=type(exc).__name__) from None
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError("conflict.import.empty")
        names = [str(h or "").strip().lower() for h in header]
        _check_header(names)
        for number, values in enumerate(rows, start=2):
            cells = ["" if v is None else str(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            yield number, dict(zip(names, cells, strict=False))
    finally:
        wb.close()


def _check_header(names: list[str]) -> None:
    """The required columns are present."""
    missing = [c for c in ("name", "role") if c not in names]
    if missing:
        raise ImportFileError("conflict.import.missing_columns", columns=", ".join(missing))


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file, by line number."""
    if not path.is_file():
        raise ImportFileError("conflict.import.no_file", path=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    return _csv_rows(path)


Refusal = tuple[str, dict[str, str]]


def validate(row: dict[str, str], *,
             today: date) -> tuple[dict[str, str | None], None] | tuple[None, Refusal]:
    """A clean row, or the reason (message key and parameters) it is refused.

    `today` (from the app clock) bounds the birth date of a resident ID.
    """
    found = first_problem({c: row.get(c) for c in COLUMNS}, names=frozenset({"name"}))
    if found:
        return None, ("conflict.import.bad_text", {"column": found[0]})
    name = " ".join((row.get("name") or "").split())
    role = (row.get("role") or "").strip().lower().replace("-", "_").replace(" ", "_")
    kind = (row.get("kind") or "").strip().lower() or None
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
                progress: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Import every valid row in batches; bad rows are reported by line and skipped.

    `today` is the firm's date from the app clock (resident IDs born later are refused).
    """
    report = ImportReport()
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
            created = to_db(utcnow()) if to_db else utcnow()
            rows = [(*r, created) for k, r in pending.items() if k not in existing]
            report.duplicates += len(existing)
            if rows:
                _insert(session, rows)
            report.imported += len(rows)
        pending.clear()
        if progress:
            progress(report)

    for line, row in read_rows(path):
        report.rows += 1
        clean, refusal = validate(row, today=today)
        if refusal is not None:
            report.refused.append((line, *refusal))
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
