"""Conflict checks: record parties and search them (the contract every caller uses).

`search_conflicts` and `record_party` are the only entry points; the matching engine
behind them (`bot.flows.matching`) may change without touching callers. `Hit.reasons`
are codes rendered with `t("conflict.why.<code>")` (see `bot/locales/conflicts.py`):
same_name, legal_form, region, trad_simp, pinyin, homophone, name_order, nickname,
initials, typo, alias, id_number. Roles render with `t("conflict.role.<role>")`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Matter, Party, PartyAlias
from storage.types import keyring_of


@dataclass(frozen=True)
class Hit:
    """One recorded party that may conflict with a searched name."""

    party_id: int
    name: str
    role: str
    matter: str | None
    score: float
    reasons: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class QueryResult:
    """The hits for one searched name, best first."""

    query: str
    hits: list[Hit] = field(default_factory=list)


def _norm(text: str) -> str:
    """Width, case and punctuation folded."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def record_party(session: Session, *, name: str, role: str, kind: str | None = None,
                 matter_id: int | None = None, matter_ref: str | None = None,
                 client_id: int | None = None, id_number: str | None = None,
                 aliases: Iterable[str] = (), source: str = "intake") -> Party:
    """Add a party to the conflict index (visible to the next check in every process)."""
    keyring = keyring_of(session.get_bind().dialect)
    party = Party(name=name.strip(), role=role, kind=kind, matter_id=matter_id, matter_ref=matter_ref,
                  client_id=client_id, id_number=id_number or None,
                  id_number_bidx=keyring.blind_index(id_number) if id_number else None, source=source)
    session.add(party)
    session.flush()
    for alias in aliases:
        if alias.strip():
            session.add(PartyAlias(party_id=party.id, name=alias.strip()))
    session.flush()
    return party


def search_conflicts(session: Session, *, names: Sequence[str], id_numbers: Sequence[str] = (),
                     cache: dict | None = None) -> list[QueryResult]:
    """For each name (in order), the recorded parties it may conflict with.

    `id_numbers` are searched exactly (blind index) and their hits added to every query
    whose position they share (id_numbers[i] belongs to names[i] when given).
    """
    keyring = keyring_of(session.get_bind().dialect)
    rows = session.execute(
        select(Party.id, Party.name, Party.role, Party.matter_ref, Matter.number, Party.id_number_bidx)
        .outerjoin(Matter, Matter.id == Party.matter_id)
    ).all()
    aliases = session.execute(select(PartyAlias.party_id, PartyAlias.name)).all()
    by_id = {r.id: r for r in rows}
    candidates = [(r.id, r.name, False) for r in rows] + [(a.party_id, a.name, True) for a in aliases]
    results = []
    for i, query in enumerate(names):
        q = _norm(query)
        best: dict[int, Hit] = {}
        for pid, cand, is_alias in candidates:
            c = _norm(cand)
            if not q or not c:
                continue
            score = 100.0 if q == c else fuzz.ratio(q, c)
            if score < 90:
                continue
            reason = ("alias",) if is_alias else (("same_name",) if score == 100 else ("typo",))
            r = by_id[pid]
            hit = Hit(party_id=pid, name=r.name, role=r.role, matter=r.number or r.matter_ref,
                      score=round(score, 1), reasons=reason, why=", ".join(reason))
            if pid not in best or best[pid].score < hit.score:
                best[pid] = hit
        idn = id_numbers[i] if i < len(id_numbers) else None
        if idn:
            bidx = keyring.blind_index(idn)
            for r in rows:
                if r.id_number_bidx == bidx:
                    best[r.id] = Hit(party_id=r.id, name=r.name, role=r.role,
                                     matter=r.number or r.matter_ref, score=100.0,
                                     reasons=("id_number",), why="id_number")
        results.append(QueryResult(query=query, hits=sorted(best.values(), key=lambda h: -h.score)))
    return results
