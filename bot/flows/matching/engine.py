"""The conflict engine of one process: keeps the index level with the database and searches it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.flows.matching import SNAPSHOT_DIR_KEY, snapshot
from bot.flows.matching.index import NameIndex
from bot.flows.matching.normalize import NameFeatures, Normalizer
from bot.flows.matching.scoring import ALIAS_PENALTY, EQUIVALENT, Match, compare
from bot.flows.matching.snapshot import Stamp
from storage.db import is_postgres
from storage.types import keyring_of

log = logging.getLogger(__name__)

CACHE_KEY = "conflicts.engine"
MAX_FETCH = 100
LOAD_BATCH = 20_000
CATCH_UP_BATCH = 5_000
FEATURES_CACHED = 50_000
# Smaller indexes build in well under a second: no snapshot.
SNAPSHOT_MIN_SLOTS = 20_000
# Rewrite the snapshot once this many names were filed, or changes replayed, since the last one.
REFRESH_SLOTS = 50_000
REFRESH_CHANGES = 20_000
PROGRESS_EVERY = 20_000
WAIT_STEP = 0.5
# First guesses of a load's length before progress says more (seconds).
SNAPSHOT_ETA, BUILD_ETA = 5, 120


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


class IndexNotReady(Exception):
    """The index is still loading in another thread; `seconds` estimates how long it needs."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@dataclass
class Progress:
    """How far a load has come: phase ("snapshot" or "build"), fraction done, when it started."""

    phase: str = ""
    fraction: float = 0.0
    started: float = 0.0

    def eta(self) -> int:
        """Seconds the load probably still needs (at least 1)."""
        elapsed = time.monotonic() - self.started
        if self.fraction <= 0.02:
            return max(1, int(SNAPSHOT_ETA if self.phase == "snapshot" else BUILD_ETA) - int(elapsed))
        return max(1, int(elapsed / self.fraction * (1 - self.fraction)) + 1)


class ConflictEngine:
    """An index of every party name and alias, caught up with the database before each search.

    Start-up loads a verified snapshot (`snapshot.py`) and replays only the change feed after its
    stamp; without a usable one it builds from the database and writes one. A search never runs
    on a partial index: until the load is complete it waits (or raises `IndexNotReady`).
    """

    def __init__(self, snapshot_path: Path | None = None) -> None:
        self.norm = Normalizer()
        self.index = NameIndex(self.norm)
        self.lock = threading.RLock()
        self.state_lock = threading.Lock()
        self.ready = threading.Event()
        self.loading = False
        self.progress = Progress()
        self.loaded_from = ""           # "snapshot" or "build" once ready
        self.snapshot_path = snapshot_path
        if snapshot_path is not None:
            snapshot.code_fingerprint()   # pinned now, to the code this process runs
        self.saved_slots = 0
        self.rejected = False           # the file there was not used: replace it whatever it claims
        self.saved_changes = 0
        self.saving = threading.Lock()
        self.refresher: threading.Thread | None = None
        self.timings: dict[str, float] = {}   # seconds of the last load and snapshot write
        self.last_party = 0
        self.last_alias = 0
        self.last_change = 0
        self.features_cache: dict[tuple[str, str | None], NameFeatures] = {}

    @property
    def loaded(self) -> bool:
        """Whether the whole index is in memory."""
        return self.ready.is_set()

    def stamp(self) -> Stamp:
        """The change-feed position the index covers."""
        return Stamp(self.last_party, self.last_alias, self.last_change)

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

    def ensure_ready(self, bind: Engine, *, wait: float | None = None,
                     on_progress: Callable[[Progress], None] | None = None) -> None:
        """Load the index unless loaded; while another thread loads it, wait for it (at most `wait`
        seconds, then `IndexNotReady`)."""
        deadline = None if wait is None else time.monotonic() + wait
        while not self.ready.is_set():
            with self.state_lock:
                mine = not self.loading and not self.ready.is_set()
                if mine:
                    self.loading = True
                    self.progress = Progress(phase="snapshot", started=time.monotonic())
            if mine:
                try:
                    self.load(bind, on_progress=on_progress)
                finally:
                    with self.state_lock:
                        self.loading = False
                return
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise IndexNotReady(self.progress.eta())
            self.ready.wait(WAIT_STEP if left is None else min(WAIT_STEP, left))

    def load(self, bind: Engine, *, on_progress: Callable[[Progress], None] | None = None) -> None:
        """Fill the index: from the snapshot plus the changes after it, or by a full build."""

        def report(phase: str, fraction: float) -> None:
            """Record (and pass on) how far the load has come."""
            self.progress.phase, self.progress.fraction = phase, fraction
            if on_progress:
                on_progress(self.progress)

        started = time.monotonic()
        with self.lock:
            if self.ready.is_set():
                return
            key = snapshot_key(bind)
            if not (self.snapshot_path and self._from_snapshot(bind, key, report)):
                self.progress.started = time.monotonic()
                self.index = NameIndex(self.norm)
                self.last_party = self.last_alias = self.last_change = 0
                self._build(bind, report)
                self.loaded_from = "build"
            report(self.loaded_from, 1.0)
            self.timings["load"] = time.monotonic() - started
            self.ready.set()
        if self.loaded_from == "build" and self.snapshot_path and len(self.index) >= SNAPSHOT_MIN_SLOTS:
            started = time.monotonic()
            if self._save(key):
                self.timings["save"] = time.monotonic() - started

    def _from_snapshot(self, bind: Engine, key: bytes, report: Callable[[str, float], None]) -> bool:
        """Load a verified snapshot and replay what changed after it; False when there is none."""
        assert self.snapshot_path is not None
        report("snapshot", 0.0)
        try:
            got = snapshot.read(self.snapshot_path, key=key,
                                progress=lambda done, size: report("snapshot", 0.9 * done / max(size, 1)))
        except (OSError, MemoryError):
            got = None
        self.rejected = True
        if got is None:
            return False
        parts, stamp = got
        try:
            index = NameIndex.thaw(self.norm, parts)
        except (KeyError, ValueError, TypeError):
            return False
        with Reader(bind) as db:
            party, alias, change = list(db.rows(
                "SELECT (SELECT MAX(id) FROM parties), (SELECT MAX(id) FROM party_aliases), "
                "(SELECT MAX(id) FROM party_changes)"))[0]
            # A snapshot ahead of the database is of another (or restored) database: never trusted.
            if not Stamp(party or 0, alias or 0, change or 0).covers(stamp):
                return False
            self.index, self.last_party, self.last_alias, self.last_change = \
                index, stamp.party, stamp.alias, stamp.change
            self.saved_slots, self.saved_changes = len(index), stamp.change
            self.rejected = False
            self._catch_up(db)
        self.loaded_from = "snapshot"
        return True

    def _build(self, bind: Engine, report: Callable[[str, float], None]) -> None:
        """Read every party and alias (a full build)."""
        with Reader(bind) as db:
            self.last_change = list(db.rows("SELECT MAX(id) FROM party_changes"))[0][0] or 0
            total = sum(n or 0 for n in list(db.rows(
                "SELECT (SELECT MAX(id) FROM parties), (SELECT MAX(id) FROM party_aliases)"))[0]) or 1
            report("build", 0.0)

            def counted(rows: Iterable[tuple]) -> Iterator[tuple]:
                """Pass rows on, reporting progress every so often."""
                for i, row in enumerate(rows, 1):
                    if i % PROGRESS_EVERY == 0:
                        report("build", min(0.95, 0.95 * len(self.index) / total))
                    yield row

            self._add_parties(counted(db.rows("SELECT id, name, kind FROM parties ORDER BY id", stream=True)))
            self._add_aliases(counted(db.rows(
                "SELECT a.id, a.party_id, a.name, p.kind FROM party_aliases a "
                "JOIN parties p ON p.id = a.party_id ORDER BY a.id", stream=True)))
            self.index.finish_bulk()

    def catch_up(self, bind: Engine, *, wait: float | None = None) -> None:
        """Add what others recorded since the last look; refile edited and deleted parties."""
        self.ensure_ready(bind, wait=wait)
        with self.lock:
            with Reader(bind) as db:
                self._catch_up(db)
            due = self.snapshot_path is not None and (
                len(self.index) - self.saved_slots >= REFRESH_SLOTS
                or self.last_change - self.saved_changes >= REFRESH_CHANGES)
        if due and not self.saving.locked():
            # Written beside the checks, not in their way; not a daemon, so a CLI finishes the file.
            self.refresher = threading.Thread(target=self.save, args=(bind,), name="conflict-index-snapshot")
            self.refresher.start()

    def save(self, bind: Engine) -> bool:
        """Write the snapshot now (unless another thread of this process is writing one)."""
        if self.snapshot_path is None or not self.ready.is_set():
            return False
        return self._save(snapshot_key(bind))

    def _save(self, key: bytes) -> bool:
        """Freeze the index under the lock, write it outside; skip when a newer file is there."""
        assert self.snapshot_path is not None
        if not self.saving.acquire(blocking=False):
            return False
        try:
            with self.lock:
                parts, stamp, slots = self.index.freeze(), self.stamp(), len(self.index)
            on_disk = None if self.rejected else snapshot.read_stamp(self.snapshot_path)
            if on_disk is not None and on_disk != stamp and on_disk.covers(stamp):
                return False              # another process wrote a newer one meanwhile
            # Counted as done either way: an unwritable directory is retried at the next refresh, not
            # at every check.
            self.saved_slots, self.saved_changes = slots, stamp.change
            try:
                snapshot.write(self.snapshot_path, parts, stamp=stamp, key=key)
            except OSError:
                log.warning("conflict index snapshot not written (%s)", self.snapshot_path.parent)
                return False
            self.rejected = False
            return True
        finally:
            self.saving.release()

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


def snapshot_key(bind: Engine) -> bytes:
    """The snapshot's checksum key, derived from the database's blind-index key."""
    return keyring_of(bind.dialect).blind_index("conflict-index-snapshot", kind="snapshot-mac").encode()


def snapshot_path_for(directory: Path, bind: Engine) -> Path:
    """The snapshot file of this database in `directory` (one file per database, never shared)."""
    url = bind.url.render_as_string(hide_password=True)
    return directory / f"conflict-index-{blake2b(url.encode(), digest_size=8).hexdigest()}.bin"


def engine_for(cache: dict | None, bind: Engine | None = None) -> ConflictEngine:
    """The process's engine kept in `cache` (a fresh one when there is no cache).

    With `SNAPSHOT_DIR_KEY` in the cache (the data directory) and a `bind`, the engine persists
    its index there.
    """
    if cache is None:
        return ConflictEngine()
    eng = cache.get(CACHE_KEY)
    if eng is None:
        directory = cache.get(SNAPSHOT_DIR_KEY)
        path = snapshot_path_for(Path(directory), bind) if directory is not None and bind is not None else None
        eng = cache.setdefault(CACHE_KEY, ConflictEngine(path))
    return eng
