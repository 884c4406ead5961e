"""A benchmark's database: its keys kept beside it (for --reuse), recreated and migrated unless reused."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.crypto import Keyring, _decode_index_key, generate_key_material
from storage.db import make_engine


def prepare_database(url_text: str, *, tag: str, reuse: bool) -> tuple[Engine, Keyring]:
    """The engine and keys; unless `reuse`, the database is made anew and migrated (empty)."""
    url = make_url(url_text)
    key_file = Path(f"/tmp/lawcrm_{tag}_bench_{url.get_backend_name()}.keys.json")
    if reuse and key_file.exists():
        material = json.loads(key_file.read_text())
    else:
        material = generate_key_material()
        key_file.write_text(json.dumps(material))
    keyring = Keyring(fernet_keys=tuple(material["encryption_keys"]),  # type: ignore[arg-type]
                      index_key=_decode_index_key(str(material["blind_index_key"])))
    if not reuse:
        if url.get_backend_name() == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{url.database}{suffix}").unlink(missing_ok=True)
        else:
            admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
                c.execute(text(f'CREATE DATABASE "{url.database}"'))
            admin.dispose()
    engine = make_engine(url_text, keyring=keyring)
    if not reuse:
        migrate.upgrade(engine)
    return engine, keyring


def reset_sequences(raw: Any, tables: Iterable[str]) -> None:
    """PostgreSQL: move each table's id sequence past the ids written by hand."""
    cur = raw.cursor()
    for table in tables:
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    cur.close()


def analyze(engine: Engine) -> None:
    """Fresh planner statistics after a bulk load (VACUUM ANALYZE on PostgreSQL)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
