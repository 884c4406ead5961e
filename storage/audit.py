"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from storage.db import advisory_xact_lock
from storage.models import AuditEvent, now_of

GENESIS = "0" * 64
AUDIT_LOCK = "lawcrm:audit-chain"


def chain_hash(*, prev_hash: str, seq: int, at: datetime, actor: str, action: str,
               entity: str, entity_id: str | None, fields: list[str] | None) -> str:
    """SHA-256 over the previous hash and the canonical JSON of the entry."""
    body = json.dumps(
        {"seq": seq, "at": at.isoformat(timespec="microseconds"), "actor": actor,
         "action": action, "entity": entity, "entity_id": entity_id, "fields": fields},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _locked_head(session: Session) -> tuple[int, str]:
    """Take the chain lock (held until the transaction ends), then read its newest (seq, hash)."""
    advisory_xact_lock(session, AUDIT_LOCK)
    session.flush()
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def record(session: Session, *, actor: str, action: str, entity: str,
           entity_id: str | int | None = None, fields: Iterable[str] = ()) -> AuditEvent:
    """Append one event; serialised across processes so the chain never forks."""
    seq, prev = _locked_head(session)
    seq += 1
    at = now_of(session)
    names = sorted(set(fields)) or None
    eid = None if entity_id is None else str(entity_id)
    event = AuditEvent(
        seq=seq, at=at, actor=actor, action=action, entity=entity, entity_id=eid, fields=names,
        prev_hash=prev,
        hash=chain_hash(prev_hash=prev, seq=seq, at=at, actor=actor, action=action,
                        entity=entity, entity_id=eid, fields=names),
    )
    session.add(event)
    session.flush()
    return event


def record_many(session: Session, *, actor: str, action: str, entity: str,
                events: Sequence[tuple[str | int | None, Iterable[str]]]) -> int:
    """Append one event per (entity_id, fields), in order, under one lock: a bulk change, audited per row."""
    if not events:
        return 0
    seq, prev = _locked_head(session)
    at = now_of(session)
    rows = []
    for entity_id, fields in events:
        seq += 1
        names = sorted(set(fields)) or None
        eid = None if entity_id is None else str(entity_id)
        digest = chain_hash(prev_hash=prev, seq=seq, at=at, actor=actor, action=action, entity=entity,
                            entity_id=eid, fields=names)
        rows.append({"seq": seq, "at": at, "actor": actor, "action": action, "entity": entity,
                     "entity_id": eid, "fields": names, "prev_hash": prev, "hash": digest})
        prev = digest
    for i in range(0, len(rows), 2000):
        session.execute(insert(AuditEvent), rows[i:i + 2000])
    return len(rows)


@dataclass
class VerifyReport:
    """What `verify` found."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    head_seq: int = 0
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return not self.problems


def verify(session: Session, *, progress: Callable[[int], None] | None = None,
           batch: int = 5000, anchor: tuple[int, str] | None = None,
           witnesses: Collection[tuple[int, str]] = ()) -> VerifyReport:
    """Walk the chain in order; report edited, inserted or deleted rows.

    `anchor` is a (seq, hash) recorded outside the database by an earlier run, `witnesses` the
    (seq, hash) heads posted to Slack by the daily job: the chain must still contain each,
    which also catches a rewrite of the whole chain (hashes recomputed) and the removal of
    the newest rows.
    """
    report = VerifyReport()
    expected: dict[int, list[tuple[str, str]]] = {}
    if anchor:
        expected.setdefault(anchor[0], []).append((anchor[1], "anchor"))
    for seq, digest in witnesses:
        expected.setdefault(seq, []).append((digest, "witness"))
    prev_hash, expected_seq = GENESIS, 1
    rows = session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    ).scalars()
    for ev in rows:
        report.checked += 1
        if ev.seq != expected_seq:
            report.problems.append(f"seq {expected_seq}..{ev.seq - 1} missing (deleted rows)")
        if ev.prev_hash != prev_hash:
            report.problems.append(f"seq {ev.seq}: previous hash does not match (row removed or edited before it)")
        computed = chain_hash(prev_hash=ev.prev_hash, seq=ev.seq, at=ev.at, actor=ev.actor,
                              action=ev.action, entity=ev.entity, entity_id=ev.entity_id,
                              fields=ev.fields)
        if computed != ev.hash:
            report.problems.append(f"seq {ev.seq}: content does not match its hash (edited)")
        for digest, source in expected.get(ev.seq, ()):
            if ev.hash != digest:
                report.problems.append(f"seq {ev.seq}: {_DIFFERS[source]}")
        prev_hash, expected_seq = ev.hash, ev.seq + 1
        if progress and report.checked % batch == 0:
            progress(report.checked)
    report.head_seq, report.head_hash = expected_seq - 1, prev_hash
    for source in ("anchor", "witness"):
        beyond = max((seq for seq, found in expected.items() if any(s == source for _, s in found)),
                     default=0)
        if report.head_seq < beyond:
            report.problems.append(f"seq {report.head_seq + 1}..{beyond} missing: the chain ends before "
                                   f"{_ENDS[source]} (newest rows deleted)")
    return report


_DIFFERS = {"anchor": "differs from the anchor recorded earlier (rewritten)",
            "witness": "differs from the hash witnessed in Slack (the chain was rewritten)"}
_ENDS = {"anchor": "the anchor", "witness": "the head witnessed in Slack"}
