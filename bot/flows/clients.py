"""Finding clients by name (fuzzy, English and Chinese) and the data of the profile card."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.errors import NotFound
from bot.flows.matching.normalize import DOTTED, Normalizer
from bot.flows.winback import key_attention
from storage import audit
from storage.models import (Client, ClientTeamMember, ContactNote, FollowUp, ImportantDate, Matter,
                            Staff)
from storage.models.enums import FollowUpStatus, MatterStatus, TeamRole

EXACT, GOOD = 100.0, 82.0
MAX_CHOICES = 10
TOKENS = re.compile(r"[^\W_]+")


@cache
def _normalizer() -> Normalizer:
    """The conflict matcher's normaliser, built once per process (it loads converters)."""
    return Normalizer()


@lru_cache(maxsize=262144)
def normalize_name(name: str) -> str:
    """A name folded as the conflict matcher folds it, legal-form words removed.

    Width, case and diacritics folded and traditional characters simplified (the matcher's
    `fold` and `simplify`); Latin legal forms (Ltd, GmbH, LLP…) dropped as whole words,
    Chinese ones (有限公司, 集团…) stripped from the end of a run of characters; then only
    letters and digits are kept. A name made only of legal-form words keeps them.
    """
    n = _normalizer()
    text = n.simplify(n.fold(name)).replace("'", "").replace("’", "")
    text = re.sub(DOTTED, lambda m: m.group(0).replace(".", ""), text)
    tokens = TOKENS.findall(text)
    kept = []
    for token in tokens:
        if token in n.latin_legal:
            continue
        stripped = True
        while stripped:
            stripped = False
            for size in n.han_legal_lengths:
                if len(token) > size and token[-size:] in n.han_legal_set:
                    token, stripped = token[:-size], True
                    break
        kept.append(token)
    return "".join(kept or tokens)


@dataclass(frozen=True)
class ClientMatch:
    """A client whose name matched a query."""

    client_id: int
    name: str
    score: float


def search_clients(session: Session, *, actor: Actor, query: str, limit: int = MAX_CHOICES,
                   scope: ColumnElement[bool] | None = None) -> list[ClientMatch]:
    """Visible clients matching `query`, best first (ids and names only are read).

    `scope`, a policy condition on Client, replaces visibility where a use case allows more
    (naming a client in a complaint). Exact matches (after folding) alone when there are some;
    else names containing the query (90-99.9, the closer in length the higher), then fuzzy
    matches (rapidfuzz WRatio, capped below any containing match).
    """
    q = normalize_name(query)
    if not q:
        return []
    allowed = policy.client_visibility(actor) if scope is None else scope
    rows = session.execute(select(Client.id, Client.name).where(allowed)).all()
    names = {r.id: r.name for r in rows}
    choices = {r.id: normalize_name(r.name) for r in rows}
    exact = [cid for cid, c in choices.items() if c == q]
    if exact:
        found = {cid: EXACT for cid in exact}
    else:
        found = {cid: 90.0 + 9.9 * len(q) / len(c) for cid, c in choices.items()
                 if len(q) >= 2 and q in c}
        if len(found) < limit:
            for _, score, cid in process.extract(q, choices, scorer=fuzz.WRatio, score_cutoff=GOOD,
                                                 limit=limit):
                found.setdefault(cid, min(float(score), 89.9))
    matches = sorted((ClientMatch(client_id=cid, name=names[cid], score=round(score, 1))
                      for cid, score in found.items()), key=lambda m: (-m.score, m.name))
    return matches[:limit]


@dataclass(frozen=True)
class ClientRef:
    """The plain, non-confidential columns of a client."""

    id: int
    name: str
    tier: str
    status: str
    value_score: float | None = None
    value_label: str | None = None
    strategic_marked: bool = False


def visible_client(session: Session, *, actor: Actor, client_id: int) -> ClientRef:
    """The client if the actor may see it; NotFound otherwise (never reveals existence).

    Only plain columns are read, so no encrypted field is decrypted on the way.
    """
    row = session.execute(
        select(Client.id, Client.name, Client.tier, Client.status, Client.value_score, Client.value_label,
               Client.strategic_marked)
        .where(Client.id == client_id, policy.client_visibility(actor))
    ).first()
    if row is None:
        raise NotFound("upkeep.client_not_found")
    return ClientRef(**row._mapping)


TEAM_ORDER = {TeamRole.LEAD_LAWYER.value: 0, TeamRole.PARTNER.value: 1, TeamRole.CLIENT_MANAGER.value: 2,
              "manager": 2, TeamRole.LAWYER.value: 3}


def teams_of(session: Session, *, client_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """(Slack user id, team role) of each client's active team, lead lawyers first.

    One order for the card and the alerts: lead lawyer, partner, manager, lawyer, the rest.
    """
    teams: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for cid, uid, role in session.execute(
            select(ClientTeamMember.client_id, Staff.slack_user_id, ClientTeamMember.role)
            .join(Staff, Staff.id == ClientTeamMember.staff_id)
            .where(ClientTeamMember.client_id.in_(list(client_ids)), Staff.active.is_(True))):
        teams[cid].append((uid, role))
    for members in teams.values():
        members.sort(key=lambda p: (TEAM_ORDER.get(p[1], 9), p[0]))
    return teams


@dataclass(frozen=True)
class NoteLine:
    """One recent contact on the card."""

    occurred_on: date
    channel: str
    author: str
    text: str


@dataclass(frozen=True)
class DateLine:
    """One upcoming important date on the card."""

    on: date
    kind: str
    label: str | None


@dataclass
class ClientCard:
    """Everything the profile card shows."""

    client_id: int
    name: str
    tier: str
    status: str
    team: list[tuple[str, str]] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)
    next_follow_up: tuple[date, str] | None = None
    open_matters: list[tuple[str, str]] = field(default_factory=list)
    dates: list[DateLine] = field(default_factory=list)
    key_attention: bool = False
    value_score: float | None = None      # the last re-tiering's score, 0-100
    value_label: str | None = None        # golden / big
    strategic_marked: bool = False


def next_occurrence(on: date, *, yearly: bool, today: date) -> date:
    """The next time a (possibly yearly) date happens on or after today."""
    if not yearly:
        return on
    for year in (today.year, today.year + 1):
        try:
            candidate = on.replace(year=year)
        except ValueError:
            candidate = date(year, 3, 1)
        if candidate >= today:
            return candidate
    return on


def client_card(session: Session, *, actor: Actor, client_id: int, today: date, tz: ZoneInfo,
                notes: int = 5, dates: int = 5) -> ClientCard:
    """The card data; reading note texts and date labels is audited."""
    client = visible_client(session, actor=actor, client_id=client_id)
    card = ClientCard(client_id=client.id, name=client.name, tier=client.tier, status=client.status,
                      value_score=client.value_score, value_label=client.value_label,
                      strategic_marked=client.strategic_marked)
    card.team = teams_of(session, client_ids=[client.id]).get(client.id, [])
    card.key_attention = key_attention(session, client_id=client.id, today=today, tz=tz)
    recent = session.execute(
        select(ContactNote, Staff.slack_user_id).join(Staff, Staff.id == ContactNote.author_id)
        .where(ContactNote.client_id == client.id)
        .order_by(ContactNote.occurred_at.desc(), ContactNote.id.desc()).limit(notes)
    ).all()
    for note, author in recent:
        card.notes.append(NoteLine(occurred_on=note.occurred_at.astimezone(tz).date(), channel=note.channel,
                                   author=author, text=note.text))
        audit.record(session, actor=actor.audit_name, action="read", entity="contact_note",
                     entity_id=note.id, fields=["text"])
    follow = session.execute(
        select(FollowUp).where(FollowUp.client_id == client.id,
                               FollowUp.status == FollowUpStatus.OPEN.value)
        .order_by(FollowUp.due_on, FollowUp.id).limit(1)
    ).scalar_one_or_none()
    if follow is not None:
        card.next_follow_up = (follow.due_on, follow.title)
        audit.record(session, actor=actor.audit_name, action="read", entity="follow_up",
                     entity_id=follow.id, fields=["title"])
    card.open_matters = [(m.number, m.practice_area) for m in session.execute(
        select(Matter.number, Matter.practice_area)
        .where(Matter.client_id == client.id, Matter.status == MatterStatus.OPEN.value)
        .order_by(Matter.opened_at)
    )]
    matter_ids = select(Matter.id).where(Matter.client_id == client.id)
    rows = session.execute(
        select(ImportantDate.id, ImportantDate.kind, ImportantDate.on_date, ImportantDate.yearly)
        .where((ImportantDate.client_id == client.id) | ImportantDate.matter_id.in_(matter_ids))
    ).all()
    upcoming = sorted(((next_occurrence(r.on_date, yearly=r.yearly, today=today), r.id, r.kind)
                       for r in rows), key=lambda item: (item[0], item[1]))
    shown = [item for item in upcoming if item[0] >= today][:dates]
    labels = dict(session.execute(   # decrypted only for the dates shown
        select(ImportantDate.id, ImportantDate.label)
        .where(ImportantDate.id.in_([did for _, did, _ in shown]))).all()) if shown else {}
    for on, did, kind in shown:
        label = labels.get(did)
        card.dates.append(DateLine(on=on, kind=kind, label=label))
        if label:
            audit.record(session, actor=actor.audit_name, action="read", entity="important_date",
                         entity_id=did, fields=["label"])
    return card
