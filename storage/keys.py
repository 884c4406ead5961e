"""Re-encrypt every encrypted column under the primary key, in small committed batches."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from sqlalchemy import Engine, column, select, table, update

from storage.crypto import AnyKeyring, KeyringError
from storage.models import Base
from storage.types import EncryptedJSON, EncryptedText


def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary-key column, encrypted column) for every encrypted column."""
    found = []
    for tbl in Base.metadata.sorted_tables:
        pk = list(tbl.primary_key.columns)[0].name
        for col in tbl.columns:
            if isinstance(col.type, (EncryptedText, EncryptedJSON)):
                found.append((tbl.name, pk, col.name))
    return found


@dataclass
class RotationReport:
    """What a rotation did."""

    rotated: int = 0
    already_current: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def rotate_all(engine: Engine, keyring: AnyKeyring, *, batch: int = 500,
               progress: Callable[[str, int], None] | None = None) -> RotationReport:
    """Move every encrypted value to the primary key; readers keep working throughout."""
    report = RotationReport()
    started = time.monotonic()
    for tname, pk, cname in encrypted_columns():
        t = table(tname, column(pk), column(cname))
        last = None
        while True:
            with engine.begin() as conn:
                q = select(t.c[pk], t.c[cname]).where(t.c[cname].is_not(None)).order_by(t.c[pk]).limit(batch)
                if last is not None:
                    q = q.where(t.c[pk] > last)
                rows = conn.execute(q).all()
                for key, token in rows:
                    last = key
                    try:
                        if keyring.is_primary(token):
                            report.already_current += 1
                            continue
                        new = keyring.rotate(token)
                    except (KeyringError, InvalidToken, ValueError):
                        reason = f"{tname}.{cname}: cannot be decrypted with the configured keys"
                        report.refused[reason] = report.refused.get(reason, 0) + 1
                        continue
                    conn.execute(update(t).where(t.c[pk] == key, t.c[cname] == token).values({cname: new}))
                    report.rotated += 1
            if progress:
                progress(f"{tname}.{cname}", report.rotated + report.already_current)
            if len(rows) < batch:
                break
    report.seconds = time.monotonic() - started
    return report
