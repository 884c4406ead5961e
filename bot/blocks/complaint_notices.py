"""What complaints tell people, recorded in the ledger inside the transaction that decided it.

Keys (each notice once; the handler sends them with `ledger.deliver_now` after the commit, and
the `deliver` job sends whatever Slack refused then):

- `complaint:{id}:post:channel`, or `complaint:{id}:post:{staff_id}` per direct reviewer — the
  card. The complaint's thread is adopted from the first of them once it was sent
  (`flows.complaints.adopt_thread`).
- `complaint:{id}:post:owner:{staff_id}` — the card for the owner, sent when one is assigned.
- `complaint:{id}:event:{event_id}` — the thread line of a step; `…:card:{n}` — the refresh of
  every card already posted (a card not yet sent is re-rendered in place instead).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import complaints as blocks
from bot.flows import complaints as flow
from bot.flows.actor import Actor
from bot.flows.errors import DomainError, NotFound
from bot.flows.workdays import calendar_of
from bot.settings import Settings
from storage import ledger
from storage import audit
from storage.models import Complaint, ComplaintEvent, Notification, Staff
from storage.models.enums import NotificationStatus


def _locale_of(session: Session, staff_id: int, settings: Settings) -> str:
    """A staff member's language, or the firm's."""
    return session.execute(select(Staff.locale).where(Staff.id == staff_id)).scalar_one_or_none() \
        or settings.default_locale


def _card_payload(snap: flow.Snapshot, *, key: str, routing: str, session: Session,
                  settings: Settings) -> dict[str, Any]:
    """The card for the target a post key names (channel, a reviewer, or the owner)."""
    target = key.rsplit(":post:", 1)[1]
    owner = target.startswith("owner:")
    locale = settings.default_locale if target == "channel" else \
        _locale_of(session, int(target.rpartition(":")[2]), settings)
    text, card = blocks.card(snap, locale=locale, calendar=calendar_of(settings),
                             direct=routing == "direct" and not owner)
    return {"text": text, "blocks": card}


def publish(session: Session, *, complaint_id: int, settings: Settings, actor: Actor,
            now: datetime) -> list[str]:
    """Enqueue the card to the complaint's reviewers (review channel, or DMs); return the keys."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound()
    snap = flow.snapshot(session, complaint, settings=settings, calendar=calendar_of(settings))
    base = f"complaint:{complaint.id}:post"
    if complaint.routing == "channel":
        if not settings.partner_review_channel:
            raise DomainError("error.not_configured", setting="PARTNER_REVIEW_CHANNEL")
        targets = [(f"{base}:channel", settings.partner_review_channel)]
    else:
        reviewers = flow.direct_reviewers(session, against_staff_id=complaint.against_staff_id, settings=settings)
        if not reviewers:
            raise DomainError("error.not_configured", setting="MANAGING_PARTNER_USER_ID")
        targets = [(f"{base}:{r.id}", r.slack_user_id) for r in reviewers]
    for key, channel in targets:
        ledger.enqueue(session, key=key, kind="complaint_post", channel=channel, due_at=now,
                       payload=_card_payload(snap, key=key, routing=complaint.routing, session=session,
                                             settings=settings))
    audit.record(session, actor=actor.audit_name, action="disclose", entity="complaint",
                 entity_id=complaint.id, fields=flow.SENSITIVE)
    return [key for key, _ in targets]


def announce_step(session: Session, *, complaint_id: int, step: str, actor: Actor, settings: Settings,
                  now: datetime) -> list[str]:
    """Enqueue the step's thread line, the refresh of every card and, on assignment, the owner's card."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound()
    event_id = session.execute(select(ComplaintEvent.id).where(ComplaintEvent.complaint_id == complaint.id)
                               .order_by(ComplaintEvent.id.desc()).limit(1)).scalar_one()
    calendar = calendar_of(settings)
    snap = flow.snapshot(session, complaint, settings=settings, calendar=calendar)
    base = f"complaint:{complaint.id}"
    keys: list[str] = []
    if step == "assign" and complaint.owner_id is not None:
        owner_key = f"{base}:post:owner:{complaint.owner_id}"
        if not ledger.exists(session, f"{base}:post:{complaint.owner_id}"):  # not already a reviewer
            owner = session.get(Staff, complaint.owner_id)
            assert owner is not None
            ledger.enqueue(session, key=owner_key, kind="complaint_post", channel=owner.slack_user_id,
                           due_at=now, payload=_card_payload(snap, key=owner_key, routing=complaint.routing,
                                                             session=session, settings=settings))
            keys.append(owner_key)
    cards = session.execute(select(Notification).where(Notification.key.startswith(f"{base}:post:"))
                            .order_by(Notification.id)).scalars().all()
    for n, notice in enumerate(cards):
        payload = _card_payload(snap, key=notice.key, routing=complaint.routing, session=session,
                                settings=settings)
        if notice.status == NotificationStatus.SENT.value and notice.slack_channel and notice.slack_ts:
            key = f"{base}:event:{event_id}:card:{n}"
            ledger.enqueue(session, key=key, kind="complaint_card", channel=notice.slack_channel, due_at=now,
                           payload=payload | {"update_ts": notice.slack_ts})
            keys.append(key)
        elif notice.status == NotificationStatus.PENDING.value:
            notice.payload = payload  # not posted yet: it goes out as it is now
    thread = _thread_of(session, complaint, cards, settings=settings)
    if thread is not None:
        channel, thread_ts, locale = thread
        line = blocks.step_line(snap, step=step, actor_user_id=actor.slack_user_id, at=now, locale=locale,
                                calendar=calendar)
        key = f"{base}:event:{event_id}"
        ledger.enqueue(session, key=key, kind="complaint_event", channel=channel, due_at=now,
                       payload={"text": line} | ({"thread_ts": thread_ts} if thread_ts else {}))
        keys.append(key)
    return keys


def _thread_of(session: Session, complaint: Complaint, cards: list[Notification], *,
               settings: Settings) -> tuple[str, str | None, str] | None:
    """(channel, thread ts or None while the card is unsent, locale) of the complaint's step lines."""
    reviewer_cards = [c for c in cards if ":post:owner:" not in c.key]
    if not reviewer_cards:
        return None
    first = reviewer_cards[0]
    target = first.key.rsplit(":post:", 1)[1]
    locale = settings.default_locale if target == "channel" else _locale_of(session, int(target), settings)
    if complaint.channel and complaint.thread_ts:
        return complaint.channel, complaint.thread_ts, locale
    return first.channel, None, locale
