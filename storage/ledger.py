"""The notification ledger: enqueue once by key, claim with a lease, send, record."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol, TypeVar

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.db import is_postgres, session_scope
from storage.models import Notification
from storage.models.enums import NotificationStatus as St

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8


class SlackFailure(Exception):
    """Slack did not take the call; `code` names why (Slack's error code, or the kind of failure)."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message or code)
        self.code = code


class RateLimited(SlackFailure):
    """Slack answered 429; try again after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("ratelimited", f"rate limited for {retry_after}s")
        self.retry_after = retry_after


class PermanentFailure(SlackFailure):
    """Slack refused for good (channel_not_found, account_inactive…)."""


class CredentialsRefused(SlackFailure):
    """Slack refused the bot's token: stop sending, keep every notice for later."""


class TransientFailure(SlackFailure):
    """A network or server error; try again later with backoff."""


class Sender(Protocol):
    """Delivers one ledger payload; returns (channel, ts)."""

    def send(self, *, channel: str, payload: dict[str, Any], key: str) -> tuple[str, str]:
        """Send, tagged with the notice's key, or raise RateLimited / PermanentFailure / TransientFailure."""
        ...

    def find_sent(self, *, channel: str, payload: dict[str, Any], key: str,
                  since: datetime) -> tuple[str, str] | None:
        """(channel, ts) of a message tagged with `key` posted since `since`, if there is one."""
        ...


class Claim(NamedTuple):
    """A notice leased for sending; `unsure_since` when an earlier attempt may have been posted."""

    id: int
    channel: str
    payload: Any
    attempts: int
    key: str = ""
    unsure_since: datetime | None = None


ClaimT = TypeVar("ClaimT", bound=tuple[Any, ...])


def enqueue(session: Session, *, key: str, kind: str, channel: str, payload: dict[str, Any],
            due_at: datetime) -> bool:
    """Record a notice unless its key exists; True when this call created it."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(Notification).values(
        key=key, kind=kind, channel=channel, payload=payload, due_at=due_at,
        status=St.PENDING.value, attempts=0,
    ).on_conflict_do_nothing(index_elements=["key"]).returning(Notification.id)
    # RETURNING, not rowcount: the ORM path reports rowcount -1 on PostgreSQL.
    return session.execute(stmt).first() is not None


def exists(session: Session, key: str) -> bool:
    """Whether a notice with this key was ever recorded."""
    return session.execute(select(Notification.id).where(Notification.key == key)).first() is not None


def cancel(session: Session, *, key_prefix: str) -> int:
    """Cancel pending notices whose key starts with the prefix; return how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.key.startswith(key_prefix, autoescape=True),
               Notification.status == St.PENDING.value)
        .values(status=St.CANCELLED.value)
    )
    return result.rowcount or 0


def claim_due(session: Session, *, owner: str, now: datetime, limit: int = 100,
              keys: Collection[str] | None = None) -> list[Notification]:
    """Lease due notices to `owner` (SKIP LOCKED on PostgreSQL: workers claim disjoint rows)."""
    due = or_(
        and_(Notification.status == St.PENDING.value, Notification.due_at <= now),
        and_(Notification.status == St.SENDING.value, Notification.lease_until < now),
    )
    if keys is not None:
        due = and_(due, Notification.key.in_(list(keys)))
    rows = session.execute(
        select(Notification).where(due).order_by(Notification.due_at, Notification.id)
        .limit(limit).with_for_update(skip_locked=True)
    ).scalars().all()
    claimed = []
    for row in rows:
        if row.status == St.SENDING.value:
            # Its sender died mid-send: the post may have gone out. Before sending again the
            # sender looks for it in Slack, from when that attempt was claimed.
            log.warning("re-claiming a notice whose lease expired (outcome unknown)",
                        extra={"notification_id": row.id, "attempts": row.attempts})
            if row.lease_until is not None:
                started = row.lease_until - LEASE
                row.unsure_since = min(row.unsure_since or started, started)
            if row.attempts >= MAX_ATTEMPTS:  # its sender keeps dying: stop trying
                row.status, row.last_error = St.FAILED.value, "lease_expired"
                row.lease_owner = row.lease_until = None
                continue
        row.status, row.lease_owner, row.lease_until = St.SENDING.value, owner, now + LEASE
        row.attempts += 1
        claimed.append(row)
    return claimed


@dataclass
class DispatchReport:
    """What one dispatch pass did."""

    sent: int = 0
    rate_limited: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    errors: list[str] = field(default_factory=list)
    stopped: bool = False
    recovered: int = 0


def _claims(rows: list[Notification]) -> list[Claim]:
    """What sending the claimed rows needs, read inside the claiming transaction."""
    return [Claim(r.id, r.channel, r.payload, r.attempts, r.key, r.unsure_since) for r in rows]


def interleave_channels(claimed: list[ClaimT]) -> list[ClaimT]:
    """Round-robin over channels (order kept within each), so no channel waits behind a busy one."""
    queues: dict[str, list[ClaimT]] = {}
    for item in claimed:
        queues.setdefault(item[1], []).append(item)
    out: list[ClaimT] = []
    while queues:
        for channel in list(queues):
            out.append(queues[channel].pop(0))
            if not queues[channel]:
                del queues[channel]
    return out


def _release(session_factory: Callable[[], Any], owner: str, ids: list[int]) -> int:
    """Give claimed but unsent notices back (pending, lease cleared, attempt not counted)."""
    if not ids:
        return 0
    with session_scope(session_factory) as session:
        result = session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), Notification.lease_owner == owner)
            .values(status=St.PENDING.value, lease_owner=None, lease_until=None,
                    attempts=Notification.attempts - 1)
        )
        return result.rowcount or 0


class ChannelPacer:
    """At most one message per channel per `interval` seconds (Slack's posting limit)."""

    def __init__(self, interval: float = 1.0, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.interval, self.sleep, self.monotonic = interval, sleep, monotonic
        self.last: dict[str, float] = {}

    def wait(self, channel: str) -> None:
        """Sleep until this channel may receive another message."""
        last = self.last.get(channel)
        if last is not None:
            gap = self.interval - (self.monotonic() - last)
            if gap > 0:
                self.sleep(gap)
        self.last[channel] = self.monotonic()


def dispatch_due(*, session_factory: Callable[[], Any], sender: Sender, owner: str,
                 now: Callable[[], datetime], pacer: ChannelPacer | None = None,
                 limit: int = 100) -> DispatchReport:
    """Claim due notices, send each, and record the outcome (one short transaction each)."""
    pacer = pacer or ChannelPacer()
    report = DispatchReport()
    with session_scope(session_factory) as session:
        claimed = interleave_channels(_claims(claim_due(session, owner=owner, now=now(), limit=limit)))
    # Pacing a busy channel takes time; give back what cannot be sent well inside the lease,
    # so no other worker re-claims a notice this one is still about to send.
    deadline = pacer.monotonic() + LEASE.total_seconds() / 2
    for index, claim in enumerate(claimed):
        if pacer.monotonic() >= deadline:
            report.released += _release(session_factory, owner, [c.id for c in claimed[index:]])
            break
        pacer.wait(claim.channel)
        if not _send_and_record(session_factory, owner, claimed[index:], sender=sender, now=now,
                                report=report):
            break
    return report


def _send_one(*, sender: Sender, claim: Claim, now: Callable[[], datetime],
              report: DispatchReport) -> dict[str, Any]:
    """Send one claimed notice (unless an unsure earlier attempt did); the columns that record it."""
    started = now()
    try:
        found = _earlier_post(sender, claim)
        if found:
            report.recovered += 1
        ch, ts = found or sender.send(channel=claim.channel, payload=claim.payload, key=claim.key)
        report.sent += 1
        return {"status": St.SENT.value, "sent_at": now(), "slack_channel": ch, "slack_ts": ts,
                "last_error": None}
    except RateLimited as exc:
        report.rate_limited += 1
        return {"status": St.PENDING.value, "due_at": now() + timedelta(seconds=exc.retry_after),
                "last_error": "ratelimited", "attempts": claim.attempts - 1}
    except CredentialsRefused:
        raise
    except PermanentFailure as exc:
        report.failed += 1
        report.errors.append(exc.code)
        return {"status": St.FAILED.value, "last_error": exc.code[:100]}
    except (TransientFailure, Exception) as exc:  # noqa: BLE001 - one bad notice must not stop the batch
        code = exc.code if isinstance(exc, TransientFailure) else type(exc).__name__
        if not isinstance(exc, TransientFailure):
            log.error("sending a notice failed unexpectedly",
                      extra={"notification_id": claim.id, "error": code})
        # A timeout or a 5xx does not prove Slack did not post it: look before the next try.
        unsure = {"unsure_since": min(claim.unsure_since or started, started)}
        if claim.attempts >= MAX_ATTEMPTS:
            report.failed += 1
            return {"status": St.FAILED.value, "last_error": code[:100], **unsure}
        report.retried += 1
        return {"status": St.PENDING.value, "last_error": code[:100], **unsure,
                "due_at": now() + timedelta(seconds=min(3600, 15 * 2 ** claim.attempts))}


def _earlier_post(sender: Sender, claim: Claim) -> tuple[str, str] | None:
    """The post of an earlier attempt whose outcome is unknown, if Slack has it.

    Only posts need looking for (an update is safe to repeat). If Slack will not let us look
    (a missing history scope, say), the notice is sent again rather than lost.
    """
    if claim.unsure_since is None or claim.payload.get("update_ts"):
        return None
    try:
        found = sender.find_sent(channel=claim.channel, payload=claim.payload, key=claim.key,
                                 since=claim.unsure_since)
    except PermanentFailure as exc:
        log.warning("cannot look for an earlier post of a notice; sending it again",
                    extra={"notification_id": claim.id, "slack_error": exc.code})
        return None
    if found:
        log.info("an earlier attempt had posted the notice; recorded, not sent again",
                 extra={"notification_id": claim.id})
    return found


def _record(session_factory: Callable[[], Any], owner: str, nid: int, outcome: dict[str, Any]) -> None:
    """Write a send's outcome, unless the lease was lost to another worker meanwhile."""
    with session_scope(session_factory) as session:
        session.execute(
            update(Notification).where(Notification.id == nid, Notification.lease_owner == owner)
            .values(**outcome, lease_owner=None, lease_until=None)
        )


def deliver_now(*, session_factory: Callable[[], Any], sender: Sender, owner: str,
                now: Callable[[], datetime], keys: Collection[str]) -> DispatchReport:
    """Send these notices at once (e.g. right after the transaction that recorded them).

    Whatever cannot be sent now (429, a Slack hiccup, a crash) stays in the ledger and the
    `deliver` job sends it later, once: the claim is the same lease as the job's.
    """
    report = DispatchReport()
    with session_scope(session_factory) as session:
        claimed = _claims(claim_due(session, owner=owner, now=now(), keys=keys))
    for index in range(len(claimed)):
        if not _send_and_record(session_factory, owner, claimed[index:], sender=sender, now=now,
                                report=report):
            break
    return report


def _send_and_record(session_factory: Callable[[], Any], owner: str, rest: list[Claim], *,
                     sender: Sender, now: Callable[[], datetime], report: DispatchReport) -> bool:
    """Send the first of `rest` and record it; False (all of `rest` given back) if our token is refused."""
    try:
        outcome = _send_one(sender=sender, claim=rest[0], now=now, report=report)
    except CredentialsRefused as exc:
        report.released += _stop_for_credentials(session_factory, owner, rest, exc, report)
        return False
    _record(session_factory, owner, rest[0].id, outcome)
    return True


def _stop_for_credentials(session_factory: Callable[[], Any], owner: str, rest: list[Claim],
                          exc: CredentialsRefused, report: DispatchReport) -> int:
    """Slack refused our token: give every remaining notice back untouched and stop the pass."""
    log.error("Slack refused the bot token; notices are kept until it is fixed",
              extra={"slack_error": exc.code})
    report.errors.append(exc.code)
    report.stopped = True
    return _release(session_factory, owner, [item.id for item in rest])
