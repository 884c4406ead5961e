"""Contact notes: parse the one-line `/note`, record notes (encrypted, audited), pending notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.flows import churn, clients, followups
from bot.flows.actor import Actor
from bot.flows.due_dates import find_date
from bot.flows.errors import InvalidInput, NotFound
from bot.flows.workdays import WorkCalendar
from bot.ids import UpkeepBlock as B
from storage import audit
from storage.models import ContactNote, FollowUp, PendingNote
from storage.models.enums import ContactChannel

MAX_TEXT = 4000
DEFAULT_NEXT_DAYS = 7
CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    ContactChannel.WECHAT.value: ("wechat", "weixin", "微信"),
    ContactChannel.VISIT.value: ("visit", "visited", "拜访", "走访", "来访"),
    ContactChannel.MEETING.value: ("meeting", "met", "meet", "lunch", "dinner", "会议", "开会",
                                   "会面", "面谈", "见面", "面谈"),
    ContactChannel.EMAIL.value: ("email", "e-mail", "emailed", "mail", "邮件", "电邮"),
    ContactChannel.CALL.value: ("call", "called", "phone", "phoned", "电话", "通话", "致电", "来电"),
}
VIA = re.compile(r"(?:\bvia|渠道|方式)\s*[:：]\s*([\w\-\u4e00-\u9fff]+)", re.I)
NEXT = re.compile(r"(?:^|[;；。\n]|\s)\s*(?:next(?:\s+step)?|下一步|下步|待办|跟进)\s*[:：]\s*(.+)$",
                  re.I | re.S)
SPLIT = re.compile(r"[:：]")
CHANNELS = frozenset(c.value for c in ContactChannel)


@dataclass(frozen=True)
class ParsedNote:
    """A one-line note taken apart."""

    client_query: str
    text: str
    channel: str
    next_step: str | None
    due_on: date | None


def detect_channel(text: str) -> str | None:
    """The contact channel a text mentions (call, meeting, email, wechat, visit), or None."""
    lowered = text.casefold()
    best: tuple[int, str] | None = None
    for channel, words in CHANNEL_WORDS.items():
        for word in words:
            pattern = re.escape(word) if not word.isascii() else rf"\b{re.escape(word)}\b"
            m = re.search(pattern, lowered)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), channel)
    return best[1] if best else None


def channel_from_word(word: str) -> str | None:
    """A channel named by one word (`via: call`, `渠道：微信`)."""
    word = word.casefold()
    if word in CHANNELS:
        return word
    return next((ch for ch, words in CHANNEL_WORDS.items() if word in words), None)


def split_due(next_step: str | None, *, today: date) -> tuple[str | None, date | None]:
    """A next step and the due date it names (the date phrase taken out), or (step, None)."""
    step = (next_step or "").strip().strip(";；。") or None
    if step:
        found = find_date(step, today=today)
        if found:
            return found.rest or step, found.on
    return step, None


def note_problems(*, text: str | None, channel: str, day: date, today: date,
                  next_step: str | None, due_on: date | None) -> dict[str, InvalidInput]:
    """What is wrong with a note, by block id of the note form (empty when it may be stored).

    Shared by the form (modal field errors) and `record_note` (raises the first).
    """
    problems: dict[str, InvalidInput] = {}
    text = (text or "").strip()
    if not text:
        problems[B.TEXT] = InvalidInput("upkeep.note_empty", field=B.TEXT)
    elif len(text) > MAX_TEXT:
        problems[B.TEXT] = InvalidInput("upkeep.note_too_long", field=B.TEXT, limit=MAX_TEXT)
    if channel not in CHANNELS:
        problems[B.CHANNEL] = InvalidInput("upkeep.bad_channel", field=B.CHANNEL, word=channel)
    if day > today:
        problems[B.DATE] = InvalidInput("upkeep.date_in_future", field=B.DATE)
    step = (next_step or "").strip()
    if len(step) > followups.MAX_TITLE:
        problems[B.NEXT] = InvalidInput("upkeep.note_too_long", field=B.NEXT, limit=followups.MAX_TITLE)
    elif due_on is not None and not step:
        problems[B.NEXT] = InvalidInput("upkeep.due_without_step", field=B.NEXT)
    if due_on is not None and due_on < today:
        problems[B.DUE] = InvalidInput("upkeep.due_in_past", field=B.DUE)
    return problems


def parse_body(body: str, *, today: date) -> tuple[str, str, str | None, date | None]:
    """(text, channel, next step, due date) from a note body."""
    channel = None
    via = VIA.search(body)
    if via:
        channel = channel_from_word(via[1])
        if channel is None:
            raise InvalidInput("upkeep.bad_channel", word=via[1])
        body = (body[: via.start()] + body[via.end():]).strip()
    next_step, due_on = None, None
    nxt = NEXT.search(body)
    if nxt:
        next_step, due_on = split_due(nxt[1], today=today)
        body = body[: nxt.start()].strip().rstrip(";；。,， ")
    text = body.strip()
    return text, channel or detect_channel(text) or ContactChannel.OTHER.value, next_step, due_on


def parse_one_liner(raw: str, *, today: date) -> ParsedNote:
    """`CLIENT: text [via: call] [; next: step date]` → a ParsedNote (InvalidInput if malformed)."""
    parts = SPLIT.split(raw.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise InvalidInput("upkeep.note_usage")
    text, channel, next_step, due_on = parse_body(parts[1].strip(), today=today)
    if not text:
        raise InvalidInput("upkeep.note_empty")
    return ParsedNote(client_query=parts[0].strip(), text=text, channel=channel,
                      next_step=next_step, due_on=due_on)


@dataclass(frozen=True)
class Recorded:
    """What `record_note` stored (and the client's name, for the reply)."""

    note_id: int
    client_id: int
    client_name: str
    follow_up_id: int | None
    due_on: date | None
    alerts_resolved: int = 0


def record_note(session: Session, *, actor: Actor, client_id: int, text: str, channel: str,
                occurred_at: datetime, now: datetime, today: date, cal: WorkCalendar,
                next_step: str | None = None, due_on: date | None = None) -> Recorded:
    """Store a contact note and, with a next step, a follow-up owned by the author.

    The contact resolves the client's open churn alerts whose quiet period it ends (basis
    before the contact's firm-local day); a back-dated note that does not move the last
    contact past an alert's basis leaves that alert open.
    """
    problems = note_problems(text=text, channel=channel, day=cal.local_date(occurred_at),
                             today=today, next_step=next_step, due_on=due_on)
    if problems:
        raise next(iter(problems.values()))
    text = text.strip()
    client = clients.visible_client(session, actor=actor, client_id=client_id)
    note = ContactNote(client_id=client_id, author_id=actor.staff_id, channel=channel,
                       occurred_at=occurred_at, text=text, created_at=now)
    session.add(note)
    session.flush()
    audit.record(session, actor=actor.audit_name, action="create", entity="contact_note",
                 entity_id=note.id, fields=["text", "channel", "occurred_at"])
    follow: FollowUp | None = None
    if next_step and next_step.strip():
        due = due_on or today + timedelta(days=DEFAULT_NEXT_DAYS)
        follow = followups.store_follow_up(session, actor=actor, client_id=client_id,
                                           title=next_step, due_on=due, today=today, now=now,
                                           source_note_id=note.id)
    resolved = churn.mark_contacted(session, actor=actor, client_id=client_id,
                                    contact_day=cal.local_date(occurred_at))
    return Recorded(note_id=note.id, client_id=client_id, client_name=client.name,
                    follow_up_id=follow.id if follow else None,
                    due_on=follow.due_on if follow else None, alerts_resolved=resolved)


def save_pending(session: Session, *, actor: Actor, raw: str, now: datetime) -> int:
    """Keep a note whose client is not chosen yet; returns its id."""
    pending = PendingNote(staff_id=actor.staff_id, text=raw[:MAX_TEXT * 2], created_at=now)
    session.add(pending)
    session.flush()
    audit.record(session, actor=actor.audit_name, action="create", entity="pending_note",
                 entity_id=pending.id, fields=["text"])
    return pending.id


def read_pending(session: Session, *, actor: Actor, pending_id: int) -> str:
    """The text of the actor's own pending note (NotFound for anyone else's or a used one)."""
    pending = session.get(PendingNote, pending_id)
    if pending is None or pending.staff_id != actor.staff_id:
        raise NotFound("upkeep.pending_gone")
    audit.record(session, actor=actor.audit_name, action="read", entity="pending_note",
                 entity_id=pending.id, fields=["text"])
    return pending.text


def drop_pending(session: Session, *, actor: Actor, pending_id: int) -> bool:
    """Delete the actor's pending note; False when it was already used (a double click)."""
    result = session.execute(delete(PendingNote).where(PendingNote.id == pending_id,
                                                       PendingNote.staff_id == actor.staff_id))
    return bool(result.rowcount)


def purge_pending(session: Session, *, before: datetime) -> int:
    """Forget pending notes nobody finished (older than `before`)."""
    result = session.execute(delete(PendingNote).where(PendingNote.created_at < before))
    return result.rowcount or 0
