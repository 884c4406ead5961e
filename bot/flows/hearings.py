"""Hearings and deadlines on matters: `/hearing MATTER DATE [TIME] [COURT;] WHAT` and the card's form."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.client_edit import MAX_TEXT, editable_client
from bot.flows.errors import InvalidInput, NotFound
from bot.flows.text_rules import text_problem
from storage import audit
from storage.models import ImportantDate, Matter
from storage.models.enums import MatterStatus

HEARING_KINDS = ("hearing", "deadline", "filing", "judgment")
PAST_ALLOWED = ("judgment",)  # a judgment is recorded once it is given
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def _clean(value: str) -> str:
    """Inner whitespace runs folded."""
    return " ".join(value.split())


@dataclass(frozen=True)
class Hearing:
    """A hearing or deadline to record on a matter."""

    matter_number: str
    kind: str
    on: date
    at: str | None
    authority: str | None
    what: str | None


KIND_WORDS = {"hearing": "hearing", "开庭": "hearing", "庭审": "hearing", "deadline": "deadline",
              "期限": "deadline", "截止": "deadline", "filing": "filing", "立案": "filing", "起诉": "filing",
              "judgment": "judgment", "judgement": "judgment", "判决": "judgment"}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date_word(word: str) -> date | None:
    """2026-12-15, 2026/12/15, 2026.12.15 or 2026年12月15日 (None when not a real date)."""
    m = _DATE.match(unicodedata.normalize("NFKC", word))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def normalize_time(text: str | None) -> str | None:
    """'9:30' -> '09:30'; None when empty; raises InvalidInput when not a time."""
    if not text:
        return None
    m = _TIME.match(unicodedata.normalize("NFKC", text.strip()))
    if not m:
        raise InvalidInput("client_edit.error.bad_time", field="at")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def parse_hearing_command(text: str) -> Hearing:
    """`MATTER [hearing|deadline] DATE [HH:MM] [COURT;] WHAT` (InvalidInput with a usage key)."""
    if text_problem(text):
        raise InvalidInput(text_problem(text))
    words = text.split()
    if len(words) < 2:
        raise InvalidInput("client_edit.hearing_usage")
    number, rest = words[0], words[1:]
    kind = "hearing"
    if rest and rest[0].casefold() in KIND_WORDS:
        kind = KIND_WORDS[rest.pop(0).casefold()]
    if not rest:
        raise InvalidInput("client_edit.hearing_usage")
    on = parse_date_word(rest[0])
    if on is None:
        raise InvalidInput("client_edit.error.bad_date", text=rest[0])
    rest = rest[1:]
    at = None
    if rest and re.match(r"^\d{1,2}[:：]\d{2}$", unicodedata.normalize("NFKC", rest[0])):
        at = normalize_time(rest.pop(0))
    tail = " ".join(rest)
    authority, what = None, tail
    parts = re.split(r"[;；]", tail, maxsplit=1)
    if len(parts) == 2:
        authority, what = _clean(parts[0]) or None, parts[1]
    return Hearing(matter_number=number, kind=kind, on=on, at=at, authority=authority,
                   what=_clean(what) or None)


def matters_for(session: Session, *, actor: Actor, client_id: int) -> list[tuple[str, str]]:
    """(number, practice area) of the client's open matters (the client must be editable)."""
    editable_client(session, actor=actor, client_id=client_id)
    return [(r.number, r.practice_area) for r in session.execute(
        select(Matter.number, Matter.practice_area).where(
            Matter.client_id == client_id, Matter.status == MatterStatus.OPEN.value)
        .order_by(Matter.opened_at, Matter.id))]


def add_hearing(session: Session, *, actor: Actor, hearing: Hearing, today: date,
                client_id: int | None = None) -> tuple[int, str]:
    """Record a hearing or deadline on a matter; returns (date id, client name).

    The actor must be a partner or on the client's team; `client_id`, when given, must be the
    matter's client (a form opened from that client's card). Dates before today are refused.
    """
    matter = session.execute(select(Matter).where(
        func.upper(Matter.number) == hearing.matter_number.strip().upper())).scalar_one_or_none()
    if matter is None or (client_id is not None and matter.client_id != client_id):
        raise NotFound("client_edit.error.no_matter", number=hearing.matter_number)
    if not policy.can_view_client(session, actor, matter.client_id):
        raise NotFound("client_edit.error.no_matter", number=hearing.matter_number)
    client = editable_client(session, actor=actor, client_id=matter.client_id)
    if hearing.kind not in HEARING_KINDS:
        raise InvalidInput("intake.error.choice", field="kind")
    if hearing.on < today and hearing.kind not in PAST_ALLOWED:
        raise InvalidInput("client_edit.error.past_date", field="on")
    for name, value in (("authority", hearing.authority), ("what", hearing.what)):
        problem = text_problem(value, name=name == "authority") if value else None
        if problem or (value and len(value) > MAX_TEXT):
            raise InvalidInput(problem or "client_edit.error.too_long", field=name)
    row = ImportantDate(matter_id=matter.id, kind=hearing.kind, on_date=hearing.on, at_time=hearing.at,
                        label=hearing.what, authority=hearing.authority, yearly=False)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor.audit_name, action="create", entity="important_date",
                 entity_id=row.id, fields=["kind", "on_date", "matter_id"]
                 + [n for n, v in (("at_time", hearing.at), ("label", hearing.what),
                                   ("authority", hearing.authority)) if v])
    return row.id, client.name
