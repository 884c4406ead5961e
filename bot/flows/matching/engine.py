"""The conflict engine of one process: keeps the index level with the database and searches it."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.flows.matching.index import NameIndex
from bot.flows.matching.normalize import NameFeatures, Normalizer
from bot.flows.matching.scoring import ALIAS_PENALTY, EQUIVALENT, Match, compare
from storage.db import is_postgres

CACHE_KEY = "conflicts.engine"
MAX_FETCH = 100
LOAD_BATCH = 20_000
CATCH_UP_BATCH = 5_000
FEATURES_CACHED = 50_000


@dataclass(frozen=True)
class Found:
    """A scored party for one query (before it is dressed as a Hit)."""

    party_id: int
    name: str
    role: str
    matter: str | None
    score: float
    reasons: tuple[str, ...]
    band: int = 0
    agree: int = 2
    loose: int = 0

    def rank(self) -> tuple[int, int, int, float, int]:
        """Sort key: band, closeness within the band, legal form and region agreeing, score, id."""
        return (self.band, self.loose, -self.agree, -self.score, self.party_id)


def _placeholder(bind: Engine) -> str:
    """The DB-API parameter marker of this driver."""
    return "?" if bind.dialect.paramstyle == "qmark" else "%s"


class Reader:
    """One raw connection of the engine's own: committed rows only, never the caller's transaction."""

    def __init__(self, bind: Engine) -> None:
        self.bind = bind
        self.mark = _placeholder(bind)
        self.raw: Any = None

    def __enter__(self) -> Reader:
        """Check out the connection."""
        self.raw = self.bind.raw_connection()
        return self

    def __exit__(self, *exc: object) -> None:
        """End its read transaction and give it back to the pool."""
        try:
            self.raw.rollback()
        finally:
            self.raw.close()

    def rows(self, sql: str, params: Sequence[Any] = (), *, stream: bool = False) -> Iterator[tuple]:
        """The rows of one query (PostgreSQL start-up streams through a server-side cursor)."""
        server_side = stream and is_postgres(self.bind)
        cur = self.raw.cursor(name="conflict_index") if server_side else self.raw.cursor()
        try:
            cur.execute(sql.replace("?", self.mark), tuple(params))
            while True:
                batch = cur.fetchmany(LOAD_BATCH)
                if not batch:
                    break
                yield from batch
        finally:
            cur.close()


class ConflictEngine:
    """An index of every party name and alias, caught up with the database before each search."""

    def __init__(self) -> None:
        self.norm = Normalizer()
        self.index = NameIndex(self.norm)
        self.lock = threading.RLock()
        self.loaded = False
        self.last_party = 0
        self.last_alias = 0
        self.last_change = 0
        self.features_cache: dict[tuple[str, str | None], NameFeatures] = {}

    # ---- keeping level with the database ---------------------------------------------------
    def _add_parties(self, rows: Iterable[tuple]) -> None:
        """File party rows (id, name, kind)."""
        for pid, name, kind in rows:
            self.index.add(party_id=pid, alias_id=0, name=name, kind=kind)
            self.last_party = max(self.last_party, pid)

    def _add_aliases(self, rows: Iterable[tuple]) -> None:
        """File alias rows (id, party id, name, party kind)."""
        for aid, pid, name, kind in rows:
            self.index.add(party_id=pid, alias_id=aid, name=name, kind=kind)
            self.last_alias = max(self.last_alias, aid)

    def load(self, bind: Engine) -> None:
        """Read every party and alias (start-up)."""
        with self.lock, Reader(bind) as db:
            self.last_change = list(db.rows("SELECT MAX(id) FROM party_changes"))[0][0] or 0
            self._add_parties(db.rows("SELECT id, name, kind FROM parties ORDER BY id", stream=True))
            self._add_aliases(db.rows("SELECT a.id, a.party_id, a.name, p.kind FROM party_aliases a "
                                      "JOIN parties p ON p.id = a.party_id ORDER BY a.id", stream=True))
            self.index.finish_bulk()
            self.loaded = True

    def catch_up(self, bind: Engine) -> None:
        """Add what others recorded since the last look; refile edited and deleted parties."""
        with self.lock:
            if not self.loaded:
                self.load(bind)
                return
            with Reader(bind) as db:
                self._catch_up(db)

    def _catch_up(self, db: Reader) -> None:
        """New parties, new aliases, then changed parties (LIMIT keeps plans on the indexes)."""
        while True:
            rows = list(db.rows("SELECT id, name, kind FROM parties WHERE id > ? ORDER BY id "
                                f"LIMIT {CATCH_UP_BATCH}", (self.last_party,)))
            self._add_parties(rows)
            if len(rows) < CATCH_UP_BATCH:
                break
        while True:
            rows = list(db.rows("SELECT id, party_id, name FROM party_aliases WHERE id > ? "
                                f"ORDER BY id LIMIT {CATCH_UP_BATCH}", (self.last_alias,)))
            self._add_aliases(self._with_kinds(db, rows))
            if len(rows) < CATCH_UP_BATCH:
                break
        changes = list(db.rows("SELECT id, party_id FROM party_changes WHERE id > ? ORDER BY id",
                               (self.last_change,)))
        if not changes:
            return
        self.last_change = max(c[0] for c in changes)
        for pid in sorted({c[1] for c in changes}):
            self.index.forget_party(pid)
            self._add_parties(list(db.rows("SELECT id, name, kind FROM parties WHERE id = ?", (pid,))))
            rows = list(db.rows("SELECT id, party_id, name FROM party_aliases WHERE party_id = ? ORDER BY id",
                                (pid,)))
            self._add_aliases(self._with_kinds(db, rows))

    @staticmethod
    def _with_kinds(db: Reader, rows: list[tuple]) -> list[tuple]:
        """Alias rows (id, party id, name) with their party's kind appended."""
        if not rows:
            return []
        pids = sorted({r[1] for r in rows})
        marks = ", ".join("?" for _ in pids)
        kinds = dict(db.rows(f"SELECT id, kind FROM parties WHERE id IN ({marks})", pids))
        return [(aid, pid, name, kinds.get(pid)) for aid, pid, name in rows]

    # ---- searching -----------------------------------------------------------------------------
    def find(self, session: Session, query: str, *, max_hits: int) -> list[Found]:
        """Parties that may be the party written `query`, best first (index must be caught up)."""
        return self.find_ranked(session, query)[0][:max_hits]

    def find_ranked(self, session: Session, query: str, *, fetch: int = MAX_FETCH) -> tuple[list[Found], int]:
        """Every scored party among the `fetch` likeliest candidates, best first, and how many
        weaker candidates were not scored."""
        from storage.models import Matter, Party, PartyAlias

        q = self.norm.features(query)
        if not q.plain:
            return [], 0
        with self.lock:
            cands = self.index.candidates(q)
            ordered = sorted(cands.items(), key=lambda kv: (-kv[1], kv[0]))
            top = ordered[:fetch]
            slots = [(slot, self.index.party[slot], self.index.alias[slot]) for slot, _ in top]
            unfetched = len({self.index.party[slot] for slot, _ in ordered[fetch:]}
                            - {p for _, p, _ in slots})
        if not slots:
            return [], 0
        party_ids = {p for _, p, _ in slots}
        alias_ids = {a for _, _, a in slots if a}
        parties = {r.id: r for r in session.execute(
            select(Party.id, Party.name, Party.kind, Party.role, Party.matter_ref, Matter.number)
            .outerjoin(Matter, Matter.id == Party.matter_id).where(Party.id.in_(party_ids)))}
        aliases: dict[int, str] = {}
        if alias_ids:
            aliases = dict(session.execute(
                select(PartyAlias.id, PartyAlias.name).where(PartyAlias.id.in_(alias_ids))).all())
        best: dict[int, Found] = {}
        for _slot, pid, aid in slots:
            row = parties.get(pid)
            if row is None or (aid and aid not in aliases):
                continue
            m = self.compare(q, aliases[aid] if aid else row.name, row.kind)
            if m is None:
                continue
            score, reasons, band = m.score, m.reasons, m.band
            if aid:
                score, reasons = score - ALIAS_PENALTY, ("alias", *[r for r in reasons if r != "same_name"])
                band = max(band, EQUIVALENT)
            found = Found(party_id=pid, name=row.name, role=row.role, matter=row.number or row.matter_ref,
                          score=round(score, 1), reasons=reasons, band=band, agree=m.agree, loose=m.loose)
            if pid not in best or found.rank() < best[pid].rank():
                best[pid] = found
        return sorted(best.values(), key=Found.rank), unfetched

    def compare(self, q: NameFeatures, name: str, kind: str | None) -> Match | None:
        """Score one recorded name against the query features (recorded features are cached)."""
        key = (name, kind)
        r = self.features_cache.get(key)
        if r is None:
            if len(self.features_cache) >= FEATURES_CACHED:
                self.features_cache.clear()
            r = self.features_cache[key] = self.norm.features(name, kind)
        return compare(q, r)


def engine_for(cache: dict | None) -> ConflictEngine:
    """The process's engine kept in `cache` (a fresh one when there is no cache)."""
    if cache is None:
        return ConflictEngine()
    eng = cache.get(CACHE_KEY)
    if eng is None:
        eng = cache.setdefault(CACHE_KEY, ConflictEngine())
    return eng
