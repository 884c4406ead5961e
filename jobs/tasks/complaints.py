"""Complaint clocks: reminder at 12 h, escalation at 24 h, escalation when the answer is late.

Everything is decided from the database on each run and enqueued under a unique key, so a
rerun, a second scheduler process or a restart after downtime sends each notice once:

- `complaint:{id}:remind` — not acknowledged `complaint_reminder_hours` after receipt: in the thread.
  Skipped when the escalation is already due (after downtime only the escalation goes out).
- `complaint:{id}:escalate-ack:thread` and `…:dm:{staff_id}` — not acknowledged after
  `complaint_escalation_hours`: in the thread (broadcast) and by DM to the managing partner.
- `complaint:{id}:escalate-answer:{due}:thread` / `…:dm:{staff_id}` — the client was not answered
  within `complaint_answer_working_days` working days (or by the end of the extension's date);
  the due date is part of the key, so an extension recorded later starts a new clock.
- The cards themselves (`complaint:{id}:post:…`) are enqueued when the complaint is recorded; a
  complaint whose first card was sent late (by the `deliver` job) gets its thread adopted here.

A tick reads only the clock columns (nothing is decrypted), checks which keys exist in one
query per batch, and renders only the notices that are new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.blocks import complaints as blocks
from bot.flows import complaints as flow
from bot.flows.workdays import WorkCalendar
from bot.settings import Settings
from storage import ledger
from jobs.registry import JobContext, PeriodicJob
from storage.models import Client, Complaint, Notification

BATCH = 500


@dataclass(frozen=True)
class Target:
    """Where one notice goes."""

    key: str
    channel: str
    locale: str
    thread_ts: str | None = None
    broadcast: bool = False


@dataclass(frozen=True)
class Due:
    """One clock that ran out, with the notices it makes."""

    complaint_id: int
    client_id: int
    kind: str
    at: datetime
    extended: bool
    targets: tuple[Target, ...]


def plan_complaint_clocks(ctx: JobContext) -> int:
    """Enqueue every complaint notice that is due now; return how many were not yet recorded."""
    settings, now, calendar = ctx.services.settings, ctx.now(), ctx.calendar
    reviewers_of: dict[int, list[tuple[int, str, str]]] = {}
    created = 0
    # the answer clock never runs out within a day of receipt (one working day, or the end of a
    # later date), so only complaints past the reminder mark or a day old can have a notice due
    with ctx.services.session() as session:
        rows = session.execute(
            select(Complaint.id, Complaint.client_id, Complaint.against_staff_id, Complaint.routing,
                   Complaint.channel, Complaint.thread_ts, Complaint.received_at, Complaint.extended_until,
                   Complaint.acknowledged_at, Complaint.answered_at, Complaint.created_at)
            .where(Complaint.status != "closed",
                   or_(Complaint.thread_ts.is_(None),
                       Complaint.acknowledged_at.is_(None)
                       & (Complaint.received_at <= now - timedelta(hours=settings.complaint_reminder_hours)),
                       Complaint.answered_at.is_(None) & (Complaint.received_at <= now - timedelta(days=1))))
            .order_by(Complaint.id)
        ).all()
    for start in range(0, len(rows), BATCH):
        with ctx.services.session() as session:
            dues: list[Due] = []
            for row in rows[start:start + BATCH]:
                if row.against_staff_id not in reviewers_of:
                    reviewers_of[row.against_staff_id] = [
                        (s.id, s.slack_user_id, s.locale or settings.default_locale)
                        for s in flow.direct_reviewers(session, against_staff_id=row.against_staff_id,
                                                       settings=settings)]
                reviewers = reviewers_of[row.against_staff_id]
                if row.thread_ts is None:
                    thread = flow.adopt_thread(session, complaint_id=row.id)
                    if thread is not None:
                        row = SimpleNamespace(**(row._asdict() | {"channel": thread[0], "thread_ts": thread[1]}))
                dues.extend(_due(row, settings=settings, now=now, calendar=calendar, reviewers=reviewers))
            created += _enqueue_missing(session, dues, settings=settings, now=now, calendar=calendar)
    return created


def _due(row: Any, *, settings: Settings, now: datetime, calendar: WorkCalendar,
         reviewers: list[tuple[int, str, str]]) -> list[Due]:
    """The clocks of one complaint that have run out, with their notices' keys and targets."""
    clocks = flow.clocks_of(row, settings=settings, calendar=calendar)
    thread = _thread_target(row, settings=settings, reviewers=reviewers)
    dm_targets = reviewers if row.routing == "channel" else reviewers[1:]
    base = f"complaint:{row.id}"

    def targets(key: str, kind: str) -> tuple[Target, ...]:
        """The thread notice and, for escalations, one DM per managing-partner target."""
        out = []
        if thread is not None:
            channel, thread_ts, locale = thread
            out.append(Target(key=key if kind == "remind" else f"{key}:thread", channel=channel, locale=locale,
                              thread_ts=thread_ts, broadcast=kind != "remind" and thread_ts is not None))
        if kind != "remind":
            out.extend(Target(key=f"{key}:dm:{sid}", channel=uid, locale=loc) for sid, uid, loc in dm_targets)
        return tuple(out)

    found: list[Due] = []
    if row.acknowledged_at is None:
        if now >= clocks.escalate_at:
            found.append(Due(row.id, row.client_id, "escalate_ack", clocks.escalate_at, False,
                             targets(f"{base}:escalate-ack", "escalate_ack")))
        elif now >= clocks.remind_at:
            found.append(Due(row.id, row.client_id, "remind", clocks.escalate_at, False,
                             targets(f"{base}:remind", "remind")))
    if row.answered_at is None and now >= clocks.answer_due:
        due_key = calendar.local_date(clocks.answer_due - timedelta(microseconds=1)).isoformat()
        found.append(Due(row.id, row.client_id, "escalate_answer", clocks.answer_due, clocks.extended,
                         targets(f"{base}:escalate-answer:{due_key}", "escalate_answer")))
    return found


def _enqueue_missing(session: Session, dues: list[Due], *, settings: Settings, now: datetime,
                     calendar: WorkCalendar) -> int:
    """Render and enqueue the notices whose keys do not exist yet."""
    keys = [t.key for d in dues for t in d.targets]
    if not keys:
        return 0
    existing = set(session.execute(select(Notification.key).where(Notification.key.in_(keys))).scalars())
    missing = [d for d in dues if any(t.key not in existing for t in d.targets)]
    names = dict(session.execute(select(Client.id, Client.name)
                                 .where(Client.id.in_({d.client_id for d in missing}))).all()) if missing else {}
    created = 0
    for due in missing:
        for target in due.targets:
            if target.key in existing:
                continue
            text = blocks.clock_notice(due.kind, complaint_id=due.complaint_id, locale=target.locale,
                                       at=due.at, calendar=calendar, client_name=names[due.client_id],
                                       extended=due.extended)
            payload: dict[str, Any] = {"text": text}
            if target.thread_ts:
                payload["thread_ts"] = target.thread_ts
            if target.broadcast:
                payload["broadcast"] = True
            ledger.enqueue(session, key=target.key, kind=f"complaint_{due.kind}",
                           channel=target.channel, payload=payload, due_at=now)
            created += 1
    return created


def _thread_target(row: Any, *, settings: Settings,
                   reviewers: list[tuple[int, str, str]]) -> tuple[str, str | None, str] | None:
    """(channel, thread_ts, locale) where a complaint's clock notices go, or None."""
    locale = settings.default_locale if row.routing == "channel" else \
        (reviewers[0][2] if reviewers else settings.default_locale)
    if row.channel and row.thread_ts:
        return row.channel, row.thread_ts, locale
    if row.routing == "channel":
        return (settings.partner_review_channel, None, locale) if settings.partner_review_channel else None
    return (reviewers[0][1], None, locale) if reviewers else None


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The complaint clock planner, every tick."""
    return [PeriodicJob("complaint-clocks", plan_complaint_clocks, settings.jobs_tick_seconds)]

