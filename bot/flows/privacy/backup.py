"""Consistent, encrypted backups of the whole database, and their restore.

A backup file holds a magic line, then length-prefixed Fernet tokens: the manifest first
(time, backend, schema revision, audit head, row counts, size and SHA-256 of the dump), then
the dump in chunks. SQLite is copied with the online backup API, PostgreSQL with `pg_dump`
inside an exported snapshot, so the manifest describes exactly what the dump holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, Engine, MetaData, inspect, text
from sqlalchemy.engine import URL

from storage import migrate

MAGIC = b"LAWCRM-BACKUP/1\n"
CHUNK = 1 << 20
SUFFIX = ".lcbak"
Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore cannot go on; the message is one line for the operator."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    manifest: dict[str, Any]
    file_bytes: int
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    """What a restore brought back."""

    manifest: dict[str, Any]
    seconds: float


def fernet_for(*, app_keys: tuple[str, ...], backup_key: str | None) -> MultiFernet:
    """Encrypt under the dedicated backup key when set, else the app's primary key; decrypt with either."""
    keys = ([backup_key] if backup_key else []) + list(app_keys)
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise BackupError("BACKUP_KEY is not a valid Fernet key (make one with `lawcrm keys generate`)") \
            from exc


def cipher_of(*, settings: Any, keyring: Any) -> MultiFernet:
    """The backup cipher of a process: BACKUP_KEY when set, else its encryption keys."""
    key = settings.backup_key
    return fernet_for(app_keys=tuple(keyring.fernet_keys), backup_key=key.get_secret_value() if key else None)


NAME_FORMAT = f"lawcrm-%Y%m%dT%H%M%SZ{SUFFIX}"


def backup_name(at: datetime) -> str:
    """The file name of a backup taken at `at` (UTC, sortable)."""
    return at.astimezone(UTC).strftime(NAME_FORMAT)


def taken_at(path: Path) -> datetime | None:
    """When a backup file was taken, from its name (None for other files)."""
    try:
        return datetime.strptime(path.name, NAME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def create_backup(*, engine: Engine, fernet: MultiFernet, out_dir: Path, now: datetime,
                  progress: Progress | None = None) -> BackupResult:
    """Write a consistent, encrypted backup of the database into `out_dir`."""
    started = time.monotonic()
    say = progress or (lambda _m: None)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot use backup directory {out_dir} ({exc.strerror or exc})") from None
    with tempfile.TemporaryDirectory(prefix="lawcrm-backup-") as work:
        dump = Path(work) / "dump"
        if engine.dialect.name == "sqlite":
            facts = _dump_sqlite(engine, dump, say)
        else:
            facts = _dump_postgres(engine, dump, say)
        size, digest = _file_digest(dump)
        manifest = {"format": 1, "app": "lawcrm", "created_at": now.isoformat(),
                    "backend": engine.dialect.name, **facts, "payload_bytes": size, "sha256": digest}
        target = out_dir / backup_name(now)
        partial = target.with_name(target.name + ".partial")
        say(f"encrypting {size} bytes")
        try:
            with partial.open("wb") as out, dump.open("rb") as src:
                out.write(MAGIC)
                _write_token(out, fernet.encrypt(json.dumps(manifest, sort_keys=True).encode()))
                while chunk := src.read(CHUNK):
                    _write_token(out, fernet.encrypt(chunk))
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(f"cannot write {target} ({exc.strerror or exc})") from None
    sidecar = target.with_name(target.name + ".manifest.json")
    sidecar.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupResult(path=target, manifest=manifest, file_bytes=target.stat().st_size,
                        seconds=time.monotonic() - started)


def read_manifest(path: Path, *, fernet: MultiFernet) -> dict[str, Any]:
    """The authenticated manifest of a backup file."""
    with _open_backup(path) as src:
        return _manifest_of(src, fernet, path)


def restore_backup(*, engine: Engine, fernet: MultiFernet, path: Path, force: bool,
                   progress: Progress | None = None) -> RestoreResult:
    """Bring a backup back into an empty database (any data is replaced only with `force`), then upgrade."""
    started = time.monotonic()
    say = progress or (lambda _m: None)
    with tempfile.TemporaryDirectory(prefix="lawcrm-restore-") as work:
        dump = Path(work) / "dump"
        with _open_backup(path) as src:
            manifest = _manifest_of(src, fernet, path)
            if manifest.get("backend") != engine.dialect.name:
                raise BackupError(f"{path.name} is a {manifest.get('backend')} backup; this database is "
                                  f"{engine.dialect.name}")
            say(f"decrypting {manifest['payload_bytes']} bytes")
            with dump.open("wb") as out:
                for token in _tokens(src, path):
                    out.write(_decrypt(fernet, token, path))
        size, digest = _file_digest(dump)
        if size != manifest["payload_bytes"] or digest != manifest["sha256"]:
            raise BackupError(f"{path.name} is damaged: its content does not match its manifest's checksum")
        unknown = _unknown_revisions(manifest.get("schema_revision"))
        if unknown:
            raise BackupError(f"{path.name} comes from a newer version of lawcrm (schema {', '.join(unknown)} "
                              "is unknown here): upgrade lawcrm first")
        filled = filled_tables(engine)
        if filled and not force:
            raise BackupError(f"the database is not empty ({len(filled)} tables hold rows, e.g. "
                              f"{', '.join(filled[:3])}); restore into an empty one, or pass --force "
                              "to replace everything in it")
        engine.dispose()
        if engine.dialect.name == "sqlite":
            _load_sqlite(engine, dump, say)
        else:
            _drop_everything(engine)
            _load_postgres(engine, dump, say)
        engine.dispose()
    say("upgrading the schema")
    migrate.upgrade(engine)
    return RestoreResult(manifest=manifest, seconds=time.monotonic() - started)


def _unknown_revisions(revision: str | None) -> list[str]:
    """The backup's schema revisions that this code's migrations do not know."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    unknown = []
    for rev in (revision or "").split(","):
        if not rev:
            continue
        try:
            scripts.get_revision(rev)
        except CommandError:
            unknown.append(rev)
    return unknown


def filled_tables(engine: Engine) -> list[str]:
    """The tables (not Alembic's) that hold at least one row."""
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as conn:
        return [n for n in sorted(names)
                if conn.execute(text(f'SELECT 1 FROM "{n}" LIMIT 1')).first() is not None]


# -- SQLite -------------------------------------------------------------------------------------

def _dump_sqlite(engine: Engine, dump: Path, say: Progress) -> dict[str, Any]:
    """Copy the live database page by page with the online backup API (a consistent snapshot)."""
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        target = sqlite3.connect(dump)
        try:
            source.backup(target, pages=1024,
                          progress=lambda _s, left, total: say(f"copied {total - left}/{total} pages"))
            return _facts(target)
        finally:
            target.close()
    finally:
        raw.close()


def _load_sqlite(engine: Engine, dump: Path, say: Progress) -> None:
    """Replace the database's content with the dump's (the backup API, in the other direction)."""
    source = sqlite3.connect(dump)
    raw = engine.raw_connection()
    try:
        target = raw.driver_connection
        assert isinstance(target, sqlite3.Connection)
        source.backup(target, pages=1024,
                      progress=lambda _s, left, total: say(f"restored {total - left}/{total} pages"))
    finally:
        raw.close()
        source.close()


def _facts(conn: sqlite3.Connection) -> dict[str, Any]:
    """Schema revision, audit head and row counts, read from the snapshot itself."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    tables = {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    revision = ",".join(sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))) \
        if "alembic_version" in tables else None
    head = conn.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone() \
        if "audit_events" in tables else None
    return {"schema_revision": revision, "tables": tables,
            "audit_head": {"seq": head[0], "hash": head[1]} if head else {"seq": 0, "hash": None}}


# -- PostgreSQL ---------------------------------------------------------------------------------

def _pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a one-line error."""
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not on PATH: install the PostgreSQL client tools "
                          f"(e.g. apt-get install postgresql-client) matching the server's version")
    return found


def _pg_target(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    """Run a client program; its first error line becomes the BackupError."""
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        raise BackupError(f"{what} failed: {lines[0] if lines else f'exit status {done.returncode}'}")


def _dump_postgres(engine: Engine, dump: Path, say: Progress) -> dict[str, Any]:
    """pg_dump inside an exported snapshot, so the manifest's facts match the dump exactly."""
    program = _pg_tool("pg_dump")
    target, env = _pg_target(engine.url)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _pg_facts(conn)
            say(f"pg_dump of {len(facts['tables'])} tables")
            _run([program, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={dump}", f"--dbname={target}"], env, "pg_dump")
    return facts


def _pg_facts(conn: Connection) -> dict[str, Any]:
    """Schema revision, audit head and row counts inside the dump's snapshot."""
    names = sorted(inspect(conn).get_table_names())
    tables = {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}
    revision = ",".join(sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())) \
        if "alembic_version" in tables else None
    head = conn.execute(text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")).first() \
        if "audit_events" in tables else None
    return {"schema_revision": revision, "tables": tables,
            "audit_head": {"seq": head[0], "hash": head[1]} if head else {"seq": 0, "hash": None}}


def _drop_everything(engine: Engine) -> None:
    """Drop every table and our own trigger functions, so the dump recreates them without conflict."""
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        for table in meta.sorted_tables:
            conn.execute(text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
        functions = conn.execute(text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND pg_get_userbyid(p.proowner) = current_user "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        )).scalars().all()
        for signature in functions:
            conn.execute(text(f"DROP FUNCTION IF EXISTS {signature} CASCADE"))


def _load_postgres(engine: Engine, dump: Path, say: Progress) -> None:
    """pg_restore in one transaction: all of the dump or nothing."""
    program = _pg_tool("pg_restore")
    target, env = _pg_target(engine.url)
    say("pg_restore")
    _run([program, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={target}", str(dump)], env, "pg_restore")


# -- the file format ----------------------------------------------------------------------------

def _file_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _write_token(out: BinaryIO, token: bytes) -> None:
    """One length-prefixed token."""
    out.write(len(token).to_bytes(4, "big"))
    out.write(token)


def _open_backup(path: Path) -> BinaryIO:
    """The backup file positioned after its magic line, or a one-line error."""
    try:
        src = path.open("rb")
    except OSError as exc:
        raise BackupError(f"cannot read {path} ({exc.strerror or exc})") from None
    if src.read(len(MAGIC)) != MAGIC:
        src.close()
        raise BackupError(f"{path} is not a lawcrm backup")
    return src


def _tokens(src: BinaryIO, path: Path) -> Iterator[bytes]:
    """The remaining tokens of the file."""
    while head := src.read(4):
        size = int.from_bytes(head, "big")
        token = src.read(size)
        if len(head) != 4 or len(token) != size:
            raise BackupError(f"{path.name} is truncated")
        yield token


def _decrypt(fernet: MultiFernet, token: bytes, path: Path) -> bytes:
    """Decrypt one token, or say which keys are needed."""
    try:
        return fernet.decrypt(token)
    except InvalidToken:
        raise BackupError(f"{path.name} cannot be decrypted with these keys (set BACKUP_KEY or the "
                          "encryption keys it was written with)") from None


def _manifest_of(src: BinaryIO, fernet: MultiFernet, path: Path) -> dict[str, Any]:
    """Read and authenticate the manifest token."""
    first = next(_tokens(src, path), None)
    if first is None:
        raise BackupError(f"{path.name} is truncated")
    manifest = json.loads(_decrypt(fernet, first, path))
    if manifest.get("format") != 1 or manifest.get("app") != "lawcrm":
        raise BackupError(f"{path.name} has an unknown backup format")
    return manifest
