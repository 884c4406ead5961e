"""Complaint clocks: reminder at 12 h, escalation at 24 h, escalation when the answer is late.

Everything is decided from the database on each run and enqueued under a unique key, so a
rerun, a second scheduler process or a restart after downtime sends each notice once:

- `complaint:{id}:remind` — not acknowledged `complaint_reminder_hours` after receipt: in the thread.
  Skipped when the escalation is already due (after downtime only the escalation goes out).
- `complaint:{id}:escalate-ack:thread` and `…:dm:{staff_id}` — not acknowledged after
  `complaint_escalation_hours`: in the thread and by DM to the managing partner.
- `complaint:{id}:escalate-answer:{due}:thread` / `…:dm:{staff_id}` — the client was not answered
  within `complaint_answer_working_days` working days (or by the end of the extension's date);
  the due date is part of the key, so an extension recorded later starts a new clock.
- `complaint:{id}:post` — a complaint whose live post to its reviewers failed is posted through the
  ledger, and its thread is adopted from the sent notice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from bot.blocks import complaints as blocks
from bot.flows import complaints as flow
from bot.flows.actor import SYSTEM_JOBS
from bot.settings import Settings
from jobs import ledger
from storage import audit
from jobs.registry import JobContext, PeriodicJob
from storage.models import Client, Complaint, Notification, Staff
from storage.models.enums import NotificationStatus

REPOST_AFTER = timedelta(minutes=2)


def plan_complaint_clocks(ctx: JobContext) -> int:
    """Enqueue every complaint notice that is due now; return how many were new."""
    settings, now, calendar = ctx.services.settings, ctx.now(), ctx.calendar
    created = 0
    # the answer clock never runs out within a day of receipt (one working day, or the end of a
    # later date), so only complaints past the reminder mark or a day old can have a notice due
    with ctx.services.session() as session:
        candidates = list(session.execute(
            select(Complaint.id).where(
                Complaint.status != "closed",
                or_(Complaint.thread_ts.is_(None),
                    (Complaint.acknowledged_at.is_(None)
                     & (Complaint.received_at <= now - timedelta(hours=settings.complaint_reminder_hours))),
                    (Complaint.answered_at.is_(None) & (Complaint.received_at <= now - timedelta(days=1)))),
            ).order_by(Complaint.id)).scalars())
    reviewers_of: dict[int, list[Staff]] = {}
    for complaint_id in candidates:
        with ctx.services.session() as session:
            created += _plan_one(session, complaint_id=complaint_id, settings=settings, now=now,
                                 calendar=calendar, reviewers_of=reviewers_of)
    return created


def _plan_one(session, *, complaint_id: int, settings: Settings, now: datetime, calendar,  # type: ignore[no-untyped-def]
              reviewers_of: dict[int, list[Staff]]) -> int:
    """The notices due for one complaint."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or complaint.status == "closed":
        return 0
    if complaint.against_staff_id not in reviewers_of:
        reviewers_of[complaint.against_staff_id] = flow.direct_reviewers(
            session, against_staff_id=complaint.against_staff_id, settings=settings)
    reviewers = reviewers_of[complaint.against_staff_id]
    created = _repost_if_unposted(session, complaint, settings=settings, now=now, calendar=calendar,
                                  reviewers=reviewers)
    clocks = flow.clocks_of(complaint, settings=settings, calendar=calendar)
    client_name = session.execute(select(Client.name).where(Client.id == complaint.client_id)).scalar_one()
    thread_locale = settings.default_locale if complaint.routing == "channel" else \
        ((reviewers[0].locale if reviewers else None) or settings.default_locale)
    dm_targets = reviewers if complaint.routing == "channel" else reviewers[1:]
    base = f"complaint:{complaint.id}"

    def notice(key: str, kind: str, *, at: datetime, extended: bool = False) -> int:
        """The thread notice and (for escalations) the DMs of one clock."""
        n = 0
        text = blocks.clock_notice(kind, complaint_id=complaint.id, locale=thread_locale, at=at,
                                   calendar=calendar, client_name=client_name, extended=extended)
        channel, payload = _thread_target(complaint, settings=settings, reviewers=reviewers)
        if channel:
            broadcast = {"broadcast": True} if kind != "remind" and "thread_ts" in payload else {}
            n += ledger.enqueue(session, key=f"{key}:thread" if kind != "remind" else key,
                                kind=f"complaint_{kind}", channel=channel,
                                payload={"text": text, **payload, **broadcast}, due_at=now)
        if kind != "remind":
            for target in dm_targets:
                loc = target.locale or settings.default_locale
                dm_text = blocks.clock_notice(kind, complaint_id=complaint.id, locale=loc, at=at,
                                              calendar=calendar, client_name=client_name, extended=extended)
                n += ledger.enqueue(session, key=f"{key}:dm:{target.id}", kind=f"complaint_{kind}",
                                    channel=target.slack_user_id, payload={"text": dm_text}, due_at=now)
        return n

    if complaint.acknowledged_at is None:
        if now >= clocks.escalate_at:
            created += notice(f"{base}:escalate-ack", "escalate_ack", at=clocks.escalate_at)
        elif now >= clocks.remind_at:
            created += notice(f"{base}:remind", "remind", at=clocks.escalate_at)
    if complaint.answered_at is None and now >= clocks.answer_due:
        due_key = calendar.local_date(clocks.answer_due - timedelta(microseconds=1)).isoformat()
        created += notice(f"{base}:escalate-answer:{due_key}", "escalate_answer", at=clocks.answer_due,
                          extended=clocks.extended)
    return created


def _thread_target(complaint: Complaint, *, settings: Settings, reviewers: list[Staff]) -> tuple[str | None, dict]:
    """Where a clock notice about this complaint goes: its thread, or its reviewers' place."""
    if complaint.channel and complaint.thread_ts:
        return complaint.channel, {"thread_ts": complaint.thread_ts}
    if complaint.routing == "channel":
        return settings.partner_review_channel, {}
    return (reviewers[0].slack_user_id if reviewers else None), {}


def _repost_if_unposted(session, complaint: Complaint, *, settings: Settings, now: datetime,  # type: ignore[no-untyped-def]
                        calendar, reviewers: list[Staff]) -> int:
    """Post a complaint whose live post failed, and adopt the thread once it was sent."""
    if complaint.thread_ts:
        return 0
    key = f"complaint:{complaint.id}:post"
    sent = session.execute(select(Notification).where(Notification.key == key)).scalar_one_or_none()
    if sent is not None:
        if sent.status == NotificationStatus.SENT.value and sent.slack_ts:
            complaint.channel, complaint.thread_ts = sent.slack_channel, sent.slack_ts
        return 0
    if now - complaint.created_at < REPOST_AFTER:
        return 0
    channel, _ = _thread_target(complaint, settings=settings, reviewers=reviewers)
    if not channel:
        return 0
    locale = settings.default_locale if complaint.routing == "channel" else \
        (reviewers[0].locale or settings.default_locale)
    snap = flow.snapshot(session, complaint, settings=settings, calendar=calendar)
    text, card = blocks.card(snap, locale=locale, calendar=calendar, direct=complaint.routing == "direct")
    created = ledger.enqueue(session, key=key, kind="complaint_post", channel=channel,
                             payload={"text": text, "blocks": card}, due_at=now)
    if created:
        audit.record(session, actor=SYSTEM_JOBS, action="disclose", entity="complaint", entity_id=complaint.id,
                     fields=flow.SENSITIVE)
    return int(created)


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The complaint clock planner, every tick."""
    return [PeriodicJob("complaint-clocks", plan_complaint_clocks, settings.jobs_tick_seconds)]
