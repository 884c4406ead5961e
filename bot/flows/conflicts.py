"""Conflict checks: record parties and search them (the contract every caller uses).

`search_conflicts` and `record_party` are the only entry points; the matching engine
behind them (`bot.flows.matching`) may change without touching callers. `Hit.reasons`
are codes rendered with `t("conflict.why.<code>")` (see `bot/locales/conflicts.py`):
same_name, legal_form, region, trad_simp, pinyin, homophone, name_order, nickname,
initials, typo, alias, id_number, trade_name, extra_word, joined, transliteration. Roles render
with `t("conflict.role.<role>")`. Hits come in bands (`Hit.band`: 0 identical, 1 equivalent,
2 variant, 3 weak), strongest first; within a band the same legal form and region come first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.flows.errors import IndexLoading
from bot.flows.matching.engine import ConflictEngine, Found, IndexNotReady, Progress, Reader, engine_for
from bot.i18n import t
from storage.audit import AUDIT_LOCK
from storage.db import advisory_xact_lock
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
    band: int = 0
    source: str = "party"           # party, staff (a member of the firm) or interest (declared by staff)


@dataclass(frozen=True)
class QueryResult:
    """The hits for one searched name, best first; `more` weaker hits were cut by the cap."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    more: int = 0


# Party inserts share the audit chain's lock: every audited write already takes it, so one lock
# (never two in opposite orders) keeps party ids visible in commit order without deadlocks.
PARTIES_LOCK = AUDIT_LOCK
DEFAULT_MAX_HITS = 25
# `max_hits=None` ("show all") still stops somewhere: this many candidates are scored.
ALL_FETCH = 1000
# A check that has to load an index of this many parties itself says "checking…" first.
LOAD_NOTICE_MIN = 20_000


def why_text(reasons: Sequence[str], locale: str = "en") -> str:
    """The reason codes as one readable phrase."""
    return "; ".join(t(f"conflict.why.{code}", locale) for code in reasons)


def warm_up(bind: Engine, *, cache: dict, on_progress: Callable[[Progress], None] | None = None) -> None:
    """Load this process's index now (start-up) instead of on the first check."""
    engine_for(cache, bind).ensure_ready(bind, on_progress=on_progress)


def index_loading(bind: Engine, *, cache: dict | None) -> Progress | None:
    """How far the index load has come while it is loading; None when a check can run at once.

    A check arriving meanwhile waits for the whole index (never a partial one): callers show
    "checking…" with this estimate first.
    """
    if cache is None:
        return None
    engine = engine_for(cache, bind)
    if engine.loaded:
        return None
    if engine.loading:
        return engine.progress
    with Reader(bind) as db:       # nobody has started: this check will load, is that long?
        names = list(db.rows("SELECT MAX(id) FROM parties"))[0][0] or 0
    if names < LOAD_NOTICE_MIN:
        return None
    has_file = engine.snapshot_path is not None and engine.snapshot_path.exists()
    return Progress(phase="snapshot" if has_file else "build", started=time.monotonic())


def record_party(session: Session, *, name: str, role: str, kind: str | None = None,
                 matter_id: int | None = None, matter_ref: str | None = None,
                 client_id: int | None = None, id_number: str | None = None,
                 aliases: Iterable[str] = (), source: str = "intake") -> Party:
    """Add a party to the conflict index (visible to the next check in every process).

    Party inserts are serialised (the audit chain's advisory lock on PostgreSQL, IMMEDIATE
    transactions on SQLite), so ids become visible in commit order and every process catches up
    with "id > last seen". The lock is held until the caller's transaction ends.
    """
    advisory_xact_lock(session, PARTIES_LOCK)
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


def _firm_people(bind: Engine, *, interests: bool) -> list[tuple[str, int, str, str, str | None]]:
    """(role, id, name searched, name shown, kind) of active staff and, when asked, their interests.

    Read on the engine's own connection (committed rows, never waiting on the caller's writes).
    """
    with Reader(bind) as db:
        staff = {sid: name for sid, name, active in db.rows("SELECT id, display_name, active FROM staff")
                 if active}
        rows = list(db.rows("SELECT id, staff_id, kind, name FROM staff_interests ORDER BY id")) if interests else []
    people: list[tuple[str, int, str, str, str | None]] = [
        ("staff", sid, name, name, "person") for sid, name in sorted(staff.items())]
    keyring = keyring_of(bind.dialect)
    for iid, staff_id, kind, token in rows:
        if staff_id in staff:
            name = keyring.decrypt(token)
            people.append((f"interest_{kind}", iid, name, f"{name} ({staff[staff_id]})",
                           "person" if kind == "relative" else None))
    return people


def _firm_hits(engine: ConflictEngine, query: str, people: Sequence[tuple[str, int, str, str, str | None]]
               ) -> list[tuple[str, Found]]:
    """Staff members and declared interests that may be the party written `query`."""
    q = engine.norm.features(query)
    if not q.plain:
        return []
    found = []
    for role, ident, name, shown, kind in people:
        m = engine.compare(q, name, kind)
        if m is not None:
            found.append(("staff" if role == "staff" else "interest",
                          Found(party_id=ident, name=shown, role=role, matter=None, score=m.score,
                                reasons=m.reasons, band=m.band, agree=m.agree, loose=m.loose)))
    return found


def search_conflicts(session: Session, *, names: Sequence[str], id_numbers: Sequence[str] = (),
                     cache: dict | None = None, locale: str | None = "en",
                     max_hits: int | None = DEFAULT_MAX_HITS, interests: bool = False,
                     wait: float | None = None) -> list[QueryResult]:
    """For each name (in order), the recorded parties it may conflict with.

    `id_numbers` are searched exactly (blind index) and their hits added to every query
    whose position they share (id_numbers[i] belongs to names[i] when given). `cache` is the
    process's `services.cache`: the index lives there and catches up with the database (what
    any process recorded) before each search. `why` is rendered in `locale`; callers that
    render `reasons` themselves pass `locale=None` and get an empty `why`. Hits are ranked by
    band; the cap (`max_hits`, None for all) cuts the weakest first and `QueryResult.more` counts them.
    The firm's own people are searched too: active staff (role "staff") always, the interests staff
    declared (role "interest_<kind>") only when `interests` is set, which callers do for partners only.
    While another thread loads the index the check waits for all of it (at most `wait` seconds, then
    `IndexLoading` says when to retry); it never searches a partial index.
    """
    engine = engine_for(cache, session.get_bind())
    try:
        engine.catch_up(session.get_bind(), wait=wait)
    except IndexNotReady as exc:
        raise IndexLoading(seconds=exc.seconds) from None
    keyring = keyring_of(session.get_bind().dialect)
    people = _firm_people(session.get_bind(), interests=interests)
    results = []
    for i, query in enumerate(names):
        ranked, unfetched = engine.find_ranked(
            session, query, **({"fetch": ALL_FETCH} if max_hits is None else {}))
        found: dict[tuple[str, int], Found] = {("party", f.party_id): f for f in ranked}
        found.update({(source, f.party_id): f for source, f in _firm_hits(engine, query, people)})
        idn = id_numbers[i] if i < len(id_numbers) else None
        if idn and idn.strip():
            rows = session.execute(
                select(Party.id, Party.name, Party.role, Party.matter_ref, Matter.number)
                .outerjoin(Matter, Matter.id == Party.matter_id)
                .where(Party.id_number_bidx == keyring.blind_index(idn))
            ).all()
            for r in rows:
                prior = found.get(("party", r.id))
                reasons = ("id_number", *(prior.reasons if prior else ()))
                found[("party", r.id)] = Found(party_id=r.id, name=r.name, role=r.role, matter=r.number or r.matter_ref,
                                    score=100.0, reasons=tuple(dict.fromkeys(reasons)))
        ordered = sorted(found.items(), key=lambda kv: (*kv[1].rank(), kv[0][0]))
        kept = ordered if max_hits is None else ordered[:max_hits]
        hits = [Hit(party_id=f.party_id, name=f.name, role=f.role, matter=f.matter, score=f.score,
                    reasons=f.reasons, why=why_text(f.reasons, locale) if locale else "", band=f.band,
                    source=source)
                for (source, _id), f in kept]
        results.append(QueryResult(query=query, hits=hits, more=len(ordered) - len(kept) + unfetched))
    return results
