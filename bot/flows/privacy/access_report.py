"""The monthly access review, built from the audit trail: who read sensitive data, how much, whose.

Counted: every `read`/`export` of fields and every borrow of a file (`archive.borrow`, when the
archive records it). Each event's client comes from its entity: a `client` event names it, any
other entity is looked up through its table's `client_id` (or its matter's). A staff reader's
reads of clients that the access policy does not let them see (as it stands when the report is
built) are listed as reads outside their clients; a reader far above the month's median is
flagged as unusual volume.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.policy import client_visibility
from storage.models import AuditEvent, Base, Client, Matter, Staff
from storage.models.enums import Role

READ_ACTIONS = frozenset({"read", "export"})
BORROW_ACTIONS = frozenset({"archive.borrow"})
UNUSUAL_FACTOR = 3
UNUSUAL_MIN_EXTRA = 20


@dataclass
class ReaderLine:
    """One reader's month."""

    actor: str
    slack_user_id: str | None
    name: str
    reads: int = 0
    borrows: int = 0
    fields: Counter[str] = field(default_factory=Counter)
    clients: set[int] = field(default_factory=set)
    outside: dict[int, int] = field(default_factory=dict)
    unusual: bool = False

    @property
    def total(self) -> int:
        """Reads and borrows together."""
        return self.reads + self.borrows


@dataclass
class AccessReport:
    """The access review of one month (firm-local)."""

    month: str
    start: datetime
    end: datetime
    readers: list[ReaderLine]
    median: float

    @property
    def events(self) -> int:
        """Every counted event."""
        return sum(r.total for r in self.readers)


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a firm-local month ("2026-11") starts and ends."""
    year, mon = (int(p) for p in month.split("-"))
    start = datetime.combine(date(year, mon, 1), time(0), tzinfo=tz)
    end = datetime.combine(date(year + (mon == 12), mon % 12 + 1, 1), time(0), tzinfo=tz)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def previous_month(today: date) -> str:
    """The month before the one `today` is in, as "YYYY-MM"."""
    year, mon = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{mon:02d}"


def next_month(month: str) -> str:
    """The month after "YYYY-MM"."""
    year, mon = (int(p) for p in month.split("-"))
    return f"{year + (mon == 12):04d}-{mon % 12 + 1:02d}"


def build_access_report(session: Session, *, month: str, tz: ZoneInfo) -> AccessReport:
    """Count the month's sensitive reads and borrows per reader, with unusual volumes and outside reads."""
    start, end = month_bounds(month, tz)
    events = session.execute(
        select(AuditEvent.actor, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.fields)
        .where(AuditEvent.at >= start, AuditEvent.at < end,
               AuditEvent.action.in_(READ_ACTIONS | BORROW_ACTIONS))
        .order_by(AuditEvent.seq)
    ).all()
    clients = _clients_of(session, {(e.entity, e.entity_id) for e in events})
    readers: dict[str, ReaderLine] = {}
    touched: dict[str, Counter[int]] = defaultdict(Counter)
    for ev in events:
        line = readers.get(ev.actor) or readers.setdefault(ev.actor, _reader(session, ev.actor))
        if ev.action in BORROW_ACTIONS:
            line.borrows += 1
        else:
            line.reads += 1
            line.fields.update(ev.fields or ())
        client_id = clients.get((ev.entity, ev.entity_id))
        if client_id is not None:
            line.clients.add(client_id)
            touched[ev.actor][client_id] += 1
    for actor, counts in touched.items():
        line = readers[actor]
        outside = _outside(session, actor, set(counts))
        line.outside = {cid: counts[cid] for cid in sorted(outside)}
    totals = [r.total for r in readers.values()]
    mid = float(median(totals)) if totals else 0.0
    for line in readers.values():
        line.unusual = line.total >= UNUSUAL_FACTOR * mid and line.total - mid >= UNUSUAL_MIN_EXTRA
    ordered = sorted(readers.values(), key=lambda r: (-r.total, r.actor))
    return AccessReport(month=month, start=start, end=end, readers=ordered, median=mid)


def _reader(session: Session, actor: str) -> ReaderLine:
    """A reader line named after its staff row when the actor is staff."""
    staff = _staff_of(session, actor)
    if staff is None:
        return ReaderLine(actor=actor, slack_user_id=None, name=actor)
    return ReaderLine(actor=actor, slack_user_id=staff.slack_user_id, name=staff.display_name)


def _staff_of(session: Session, actor: str) -> Staff | None:
    """The staff row behind an audit actor "staff:N"."""
    kind, _, ident = actor.partition(":")
    if kind != "staff" or not ident.isdigit():
        return None
    return session.get(Staff, int(ident))


def _outside(session: Session, actor: str, client_ids: set[int]) -> set[int]:
    """The clients among these that the access policy does not let this staff reader see."""
    staff = _staff_of(session, actor)
    if staff is None:
        return set()
    who = Actor(staff_id=staff.id, slack_user_id=staff.slack_user_id, name=staff.display_name,
                role=Role(staff.role), locale=staff.locale or "en")
    visible = set(session.execute(
        select(Client.id).where(Client.id.in_(client_ids), client_visibility(who))
    ).scalars())
    return client_ids - visible


def _model_for(entity: str) -> Any:
    """The mapped class whose table an audit entity names ("client" → clients), if any."""
    by_table = {m.class_.__tablename__: m.class_ for m in Base.registry.mappers}
    for name in (entity, f"{entity}s", f"{entity}es"):
        if name in by_table:
            return by_table[name]
    return None


def _clients_of(session: Session, refs: set[tuple[str, str | None]]) -> dict[tuple[str, str | None], int]:
    """The client each (entity, entity_id) belongs to, where one can be found."""
    found: dict[tuple[str, str | None], int] = {}
    by_entity: dict[str, set[int]] = defaultdict(set)
    for entity, ident in refs:
        if ident is not None and ident.isdigit():
            by_entity[entity].add(int(ident))
    for entity, ids in by_entity.items():
        model = _model_for(entity)
        if model is Client:
            rows: list[Any] = [(i, i) for i in ids]
        elif model is not None and hasattr(model, "client_id") and hasattr(model, "matter_id"):
            rows = session.execute(
                select(model.id, model.client_id, Matter.client_id)
                .outerjoin(Matter, Matter.id == model.matter_id).where(model.id.in_(ids))
            ).all()
            rows = [(r[0], r[1] if r[1] is not None else r[2]) for r in rows]
        elif model is not None and hasattr(model, "client_id"):
            rows = list(session.execute(select(model.id, model.client_id).where(model.id.in_(ids))).all())
        elif model is not None and hasattr(model, "matter_id"):
            rows = list(session.execute(
                select(model.id, Matter.client_id).join(Matter, Matter.id == model.matter_id)
                .where(model.id.in_(ids))).all())
        else:
            continue
        for ident, client_id in rows:
            if client_id is not None:
                found[(entity, str(ident))] = int(client_id)
    return found
