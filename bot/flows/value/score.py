"""The value score: four components, each 0..1, weighted into 0..100, for every client at once.

Set-based (100,000 clients, 300,000 matters, 2,000,000 notes): one query for the clients, one
aggregate over the matters, one over referrals, one range scan of the notes since the lost
cut-off, and the collected fees of the last 24 months decrypted once. Figures are taken as of
an instant `as_of` (the re-tiering uses the quarter's first day, firm-local midnight).

Components (README "Value score and tiers"):
- fees: collected fees in the 12 months before `as_of` / the largest client's (0 when nobody paid);
- referrals: clients this client referred (referrer_client_id), capped at `value_referrals_cap`,
  / the cap;
- complexity: mean over rated matters of (rating - 1) / 4 (unrated matters do not count; no rated
  matter: 0);
- years: years since the first engagement (the client's creation or first matter, the earlier),
  capped at `value_years_horizon`, / the horizon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import String, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from bot.flows.cadence import lost_cutoff, raw_moment
from bot.flows.due_dates import add_months
from bot.flows.workdays import WorkCalendar
from bot.settings import VALUE_COMPONENTS as COMPONENTS
from bot.settings import Settings
from storage.models import Client, ContactNote, FeeEntry, Matter
from storage.bulk_crypto import BulkDecryptor
from storage.models.enums import FeeKind, MatterStatus
from storage.types import keyring_of

DAYS_PER_YEAR = 365.25
SECONDS_PER_YEAR = DAYS_PER_YEAR * 86400
ZERO = Decimal(0)
MIDNIGHT = time(0, 0)
OPEN = MatterStatus.OPEN.value


@dataclass(slots=True)
class ClientFacts:
    """What the score, the tier rules and the labels need to know about one client."""

    client_id: int
    kind: str
    tier: str
    status: str
    high_net_worth: bool
    strategic_marked: bool
    label: str | None
    created_at: datetime
    first_at: datetime
    has_open: bool = False
    matter_since_cutoff: bool = False     # a matter opened or closed since the lost cut-off
    contacted_since_cutoff: bool = False
    annual_fees: Decimal = ZERO            # collected in the 12 months before as_of
    referrals: int = 0
    rated: int = 0
    rating_sum: int = 0
    matters_12m: int = 0                   # matters opened in the 12 months before as_of
    matters_24m: int = 0                   # matters opened in the 24 months before as_of
    recent_fees: Decimal = ZERO            # collected in those 24 months on those matters
    lost: bool = False
    parts: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)   # fees, referrals, complexity, years
    score: float = 0.0

    @property
    def components(self) -> dict[str, float]:
        """The four components by name, rounded to 4 places."""
        return {name: round(value, 4) for name, value in zip(COMPONENTS, self.parts)}


@dataclass
class Book:
    """Every client's facts and score, as of one instant."""

    as_of: datetime
    facts: dict[int, ClientFacts]
    top_fees: Decimal


def _moment(raw: Any) -> datetime | None:
    """A raw UTC timestamp as an aware datetime (None stays None)."""
    return None if raw is None else raw_moment(raw)


def parts_of(f: ClientFacts, *, top_fees: float, as_of: datetime, settings: Settings) -> tuple[float, float, float, float]:
    """The four components of one client, each 0..1: fees, referrals, complexity, years."""
    fees = min(max(float(f.annual_fees) / top_fees, 0.0), 1.0) if top_fees > 0 else 0.0
    cap = settings.value_referrals_cap
    referrals = min(f.referrals, cap) / cap
    complexity = min(max(((f.rating_sum / f.rated) - 1) / 4, 0.0), 1.0) if f.rated else 0.0
    horizon = settings.value_years_horizon
    years = min(years_between(f.first_at, as_of), horizon) / horizon
    return fees, referrals, complexity, years


def score_of(parts: tuple[float, float, float, float], weights: tuple[float, float, float, float]) -> float:
    """Weighted sum of the components, 0..100, one decimal."""
    return round(100 * (weights[0] * parts[0] + weights[1] * parts[1] + weights[2] * parts[2]
                        + weights[3] * parts[3]), 1)


def gather(session: Session, *, as_of: datetime, settings: Settings, cal: WorkCalendar,
           progress: Callable[[str], None] | None = None) -> Book:
    """Facts, components and score of every client as of an instant (see the module docstring)."""
    say = progress or (lambda _step: None)
    day = cal.local_date(as_of)
    since_12 = cal.at_local(add_months(day, -12), MIDNIGHT)
    since_24 = cal.at_local(add_months(day, -24), MIDNIGHT)
    facts: dict[int, ClientFacts] = {}
    for cid, kind, tier, status, hnw, marked, label, created in session.execute(
            select(Client.id, Client.kind, Client.tier, Client.status, Client.high_net_worth,
                   Client.strategic_marked, Client.value_label, type_coerce(Client.created_at, String))):
        at = _moment(created) or as_of
        facts[cid] = ClientFacts(client_id=cid, kind=kind, tier=tier, status=status, high_net_worth=bool(hnw),
                                 strategic_marked=bool(marked), label=label, created_at=at, first_at=at)
    say(f"clients: {len(facts)}")

    # matters: open?, first opened, opened or closed since the lost cut-off, ratings, opened in 12 / 24 months
    cutoff = lost_cutoff(today=day, cal=cal, lost_days=settings.lost_after_days)
    opened_before = Matter.opened_at < as_of
    for cid, n_open, first, recent_activity, rated, rating_sum, n12, n24 in session.execute(
            select(Matter.client_id,
                   func.sum(case((Matter.status == OPEN, 1), else_=0)),
                   type_coerce(func.min(Matter.opened_at), String),
                   func.max(case((func.coalesce(Matter.closed_at, Matter.opened_at) >= cutoff, 1), else_=0)),
                   func.count(Matter.complexity),
                   func.coalesce(func.sum(Matter.complexity), 0),
                   func.sum(case((Matter.opened_at >= since_12, 1), else_=0)),
                   func.sum(case((Matter.opened_at >= since_24, 1), else_=0)))
            .where(opened_before).group_by(Matter.client_id)):
        f = facts.get(cid)
        if f is None:
            continue
        f.has_open = bool(n_open)
        first_at = _moment(first)
        if first_at is not None and first_at < f.first_at:
            f.first_at = first_at
        f.matter_since_cutoff = bool(recent_activity)
        f.rated, f.rating_sum = int(rated or 0), int(rating_sum or 0)
        f.matters_12m, f.matters_24m = int(n12 or 0), int(n24 or 0)
    say("matters read")

    for cid, n in session.execute(select(Client.referrer_client_id, func.count(Client.id))
                                  .where(Client.referrer_client_id.is_not(None), Client.created_at < as_of)
                                  .group_by(Client.referrer_client_id)):
        if cid in facts:
            facts[cid].referrals = int(n)

    # the lost rule of the daily upkeep (bot.flows.cadence): no contact since the cut-off
    for (cid,) in session.execute(select(ContactNote.client_id).distinct()
                                  .where(ContactNote.occurred_at >= cutoff, ContactNote.occurred_at < as_of)):
        if cid in facts:
            facts[cid].contacted_since_cutoff = True
    for f in facts.values():
        f.lost = (not f.has_open and not f.contacted_since_cutoff and not f.matter_since_cutoff
                  and f.created_at < cutoff)
    say("contacts read")

    day_12, day_24 = add_months(day, -12), add_months(day, -24)
    for cid, in_12, recent, amount in _collected(session, day=day, day_12=day_12, day_24=day_24,
                                                  since_24=since_24, as_of=as_of):
        f = facts.get(cid)
        if f is None:
            continue
        if in_12:
            f.annual_fees += amount
        if recent:
            f.recent_fees += amount
    top = max((f.annual_fees for f in facts.values()), default=ZERO)
    say("fees read")

    weights = tuple(settings.value_weights.get(name, 0.0) for name in COMPONENTS)
    top_float = float(top)
    for f in facts.values():
        f.parts = parts_of(f, top_fees=top_float, as_of=as_of, settings=settings)
        f.score = score_of(f.parts, weights)  # type: ignore[arg-type]
    return Book(as_of=as_of, facts=facts, top_fees=top)


def _collected(session: Session, *, day: date, day_12: date, day_24: date, since_24: datetime,
               as_of: datetime) -> Iterator[tuple[int, bool, bool, Decimal]]:
    """Collected fees read once: (client, in the last 12 months?, on a matter opened in 24 months?, amount).

    Like `amounts.fee_lines`, over a date range only, but joined to the matter and narrowed to
    the entries either figure needs (the older year only for recent matters), and decrypted
    with the report's `BulkDecryptor`: at 100,000 clients the decryption is most of the proposal's time.
    """
    recent = and_(Matter.opened_at >= since_24, Matter.opened_at < as_of)
    decrypt = BulkDecryptor(keyring_of(session.get_bind().dialect)).decrypt
    rows = session.execute(
        select(FeeEntry.client_id, case((FeeEntry.on_date >= day_12, 1), else_=0), case((recent, 1), else_=0),
               type_coerce(FeeEntry.amount, String))
        .join(Matter, Matter.id == FeeEntry.matter_id)
        .where(FeeEntry.kind == FeeKind.COLLECTED.value, FeeEntry.on_date >= day_24, FeeEntry.on_date < day,
               or_(FeeEntry.on_date >= day_12, recent))
        .execution_options(yield_per=5000))
    for cid, in_12, is_recent, raw in rows:
        yield cid, bool(in_12), bool(is_recent), Decimal(decrypt(raw))


def years_between(start: datetime, end: datetime) -> float:
    """Years (of 365.25 days) from start to end, never negative."""
    return max(0.0, (end - start).total_seconds() / SECONDS_PER_YEAR)
