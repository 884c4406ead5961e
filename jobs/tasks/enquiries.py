"""Enquiry clocks and win-back plans, planned from the database through the ledger.

Each tick, for every enquiry nobody has taken yet, the one-hour clock (working minutes, see
`bot.flows.enquiries.clock`) decides what is due, under unique ledger keys, so a rerun, a
second scheduler or a restart after downtime sends each notice once:

- `enquiry:{id}:clock:nudge` — in the card's thread, ENQUIRY_NUDGE_MINUTES working minutes after
  receipt; skipped when the escalation is already due (after downtime only that goes out).
- `enquiry:{id}:clock:escalate:thread` and `…:dm:{staff_id}` — the response time ran out: in the
  thread (broadcast) and by DM to the managing partner(s).
Taking or assigning the enquiry cancels whatever of these is still pending; an enquiry whose
escalation is recorded is not looked at again.

Win-back: every client marked lost gets a plan (one per loss), announced to its owner by DM
under `winback:{plan_id}:open`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import String, cast, exists, literal, select

from bot.blocks import enquiries as blocks
from bot.flows import winback
from bot.flows.enquiries import records
from bot.flows.enquiries.clock import clock_for, hours_of
from bot.settings import Settings
from jobs.registry import JobContext, PeriodicJob
from storage import ledger
from storage.models import Enquiry, Notification


def plan_enquiry_clocks(ctx: JobContext) -> int:
    """Enqueue every enquiry clock notice due now; return how many were new."""
    settings, now, cal = ctx.services.settings, ctx.now(), ctx.calendar
    hours = hours_of(settings, cal)
    created = 0
    with ctx.services.session() as session:
        escalated = exists().where(Notification.key == literal("enquiry:") + cast(Enquiry.id, String)
                                   + literal(":clock:escalate:thread"))
        rows = session.execute(
            select(Enquiry.id, Enquiry.received_at).where(
                Enquiry.stage == records.NEW, ~escalated,
                Enquiry.received_at <= now - timedelta(minutes=settings.enquiry_nudge_minutes))
            .order_by(Enquiry.id)).all()
        if not rows:
            return 0
        mps = [(s.id, s.slack_user_id, s.locale or settings.default_locale)
               for s in records.managing_partners(session, configured_user_id=settings.managing_partner_user_id)]
        for enquiry_id, received_at in rows:
            clock = clock_for(received_at=received_at, hours=hours, nudge_minutes=settings.enquiry_nudge_minutes,
                              response_minutes=settings.enquiry_response_minutes)
            base = f"enquiry:{enquiry_id}:clock"
            post = records.adopt_post(session, enquiry_id=enquiry_id)
            channel, thread_ts = post if post else (settings.enquiry_channel, None)
            locale = settings.default_locale
            targets: list[tuple[str, str | None, str, bool, str]] = []
            if now >= clock.due_at:
                kind, minutes = "escalate", settings.enquiry_response_minutes
                if channel:
                    targets.append((f"{base}:escalate:thread", channel, locale, thread_ts is not None, "thread"))
                targets.extend((f"{base}:escalate:dm:{sid}", uid, loc, False, "dm") for sid, uid, loc in mps)
            elif now >= clock.nudge_at:
                kind, minutes = "nudge", settings.enquiry_nudge_minutes
                if channel:
                    targets.append((f"{base}:nudge", channel, locale, False, "thread"))
            else:
                continue
            keys = [k for k, *_ in targets]
            existing = set(session.execute(select(Notification.key).where(Notification.key.in_(keys))).scalars())
            for key, target, loc, broadcast, where in targets:
                if key in existing or target is None:
                    continue
                payload: dict[str, Any] = {"text": blocks.clock_notice(kind, enquiry_id=enquiry_id, locale=loc,
                                                                       due_at=clock.due_at, cal=cal,
                                                                       minutes=minutes)}
                if where == "thread" and thread_ts:
                    payload["thread_ts"] = thread_ts
                    if broadcast:
                        payload["broadcast"] = True
                created += ledger.enqueue(session, key=key, kind=f"enquiry_{kind}", channel=target,
                                          payload=payload, due_at=now)
    return created


def plan_winback(ctx: JobContext) -> int:
    """Open a win-back plan for every newly lost client and tell its owner; return how many."""
    now, cal = ctx.now(), ctx.calendar
    with ctx.services.session() as session:
        plan_ids = winback.open_plans(session, cal=cal)
        for plan_id in plan_ids:
            view = winback.plan_view(session, plan_id=plan_id)
            text, plan_blocks = blocks.plan_blocks(view, locale=view.owner_locale
                                                   or ctx.services.settings.default_locale)
            ledger.enqueue(session, key=f"winback:{plan_id}:open", kind="winback_open", channel=view.owner,
                           payload={"text": text, "blocks": plan_blocks}, due_at=now)
    return len(plan_ids)


def jobs(settings: Settings) -> list[PeriodicJob]:
    """The enquiry clocks and the win-back planner, every tick."""
    return [PeriodicJob("enquiry-clocks", plan_enquiry_clocks, settings.jobs_tick_seconds),
            PeriodicJob("winback-plans", plan_winback, settings.jobs_tick_seconds)]
