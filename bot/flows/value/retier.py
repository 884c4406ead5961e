"""The quarterly re-tiering: the proposal, the review partners decide on, and the strategic mark.

The proposal scores every client as of the quarter's first day (firm-local midnight) and lists
those whose tier would change. Opening the review stores it once per quarter (tier_reviews.quarter
is unique), with every client's score and label. A decision is one conditional UPDATE on the item
(`decision = 'pending'`), so two partners clicking at once decide it once; an approval applies the
tier at once (cadence follows) and is audited.
"""

from __future__ import annotations

import time as clock
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.flows import improvements, policy
from bot.flows.actor import Actor
from bot.flows.clients import search_clients
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.flows.quarters import Quarter
from bot.flows.text_rules import text_problem
from bot.flows.value.labels import labels_of
from bot.flows.value.score import Book, gather
from bot.flows.value.tiers import tier_of
from bot.flows.workdays import WorkCalendar
from bot.settings import Settings
from storage import audit
from storage.db import is_postgres
from storage.models import Client, Staff, TierReview, TierReviewItem
from storage.models.enums import ClientStatus, Role, Tier

PENDING, APPROVED, KEPT = "pending", "approved", "kept"
CHUNK = 2000
REASON_MAX = 1000
SYSTEM_RETIER = "system:retier"
LOST_REASON = "no_engagement"


@dataclass(frozen=True)
class Change:
    """A client whose tier would change."""

    client_id: int
    old_tier: str
    new_tier: str
    score: float
    components: dict[str, float]
    label: str | None


@dataclass
class Proposal:
    """One quarter's proposal over all clients."""

    quarter: Quarter
    scheme: str
    as_of: datetime
    clients: int
    changes: list[Change]
    book: Book
    labels: dict[int, str | None]
    seconds: float = 0.0

    @property
    def moves(self) -> Counter[tuple[str, str]]:
        """How many clients go from one tier to another."""
        return Counter((c.old_tier, c.new_tier) for c in self.changes)

    @property
    def label_counts(self) -> Counter[str]:
        """How many clients carry each label."""
        return Counter(v for v in self.labels.values() if v)


def as_of(quarter: Quarter, cal: WorkCalendar) -> datetime:
    """The instant a quarter's proposal is taken at: its first day, firm-local midnight."""
    return cal.at_local(quarter.first_day, time(0, 0))


def propose(session: Session, *, quarter: Quarter, settings: Settings, cal: WorkCalendar,
            progress: Callable[[str], None] | None = None) -> Proposal:
    """Score every client, apply the scheme's rules and labels; the changes, by client id."""
    started = clock.monotonic()
    book = gather(session, as_of=as_of(quarter, cal), settings=settings, cal=cal, progress=progress)
    labels = {cid: (v.value if v else None) for cid, v in labels_of(book, settings).items()}
    changes = []
    for cid in sorted(book.facts):
        f = book.facts[cid]
        new = tier_of(f, settings).value
        if new != f.tier:
            changes.append(Change(client_id=cid, old_tier=f.tier, new_tier=new, score=f.score,
                                  components=f.components, label=labels[cid]))
    if progress:
        progress(f"tiers and labels: {len(changes)} changes")
    return Proposal(quarter=quarter, scheme=settings.tier_scheme, as_of=book.as_of, clients=len(book.facts),
                    changes=changes, book=book, labels=labels, seconds=clock.monotonic() - started)


def record_read(session: Session, *, actor: str, quarter: Quarter) -> None:
    """Audit that a proposal read (decrypted) every client's collected fees."""
    audit.record(session, actor=actor, action="read", entity="fee_entry", entity_id=f"retier:{quarter.label}",
                 fields=["amount"])


def open_review(session: Session, *, proposal: Proposal, channel: str | None, now: datetime) -> int | None:
    """Store the quarter's review and every client's score and label; None if it already exists."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    table = TierReview.__table__
    review_id = session.execute(
        insert(table).values(quarter=proposal.quarter.label, scheme=proposal.scheme, channel=channel,
                             created_at=now)
        .on_conflict_do_nothing(index_elements=["quarter"]).returning(table.c.id)).scalar()
    if review_id is None:
        return None
    items = [{"review_id": review_id, "client_id": c.client_id, "old_tier": c.old_tier, "new_tier": c.new_tier,
              "score": c.score, "components": c.components, "label": c.label, "decision": PENDING}
             for c in proposal.changes]
    for i in range(0, len(items), CHUNK):
        session.execute(TierReviewItem.__table__.insert(), items[i:i + CHUNK])
    record_scores(session, proposal=proposal, now=now)
    audit.record(session, actor=SYSTEM_RETIER, action="open_tier_review", entity="tier_review",
                 entity_id=review_id, fields=["quarter", "items"])
    record_read(session, actor=SYSTEM_RETIER, quarter=proposal.quarter)
    return int(review_id)


def record_scores(session: Session, *, proposal: Proposal, now: datetime) -> None:
    """Every client's value score and label as of the proposal (tiers change only on approval)."""
    table = Client.__table__
    stmt = (update(table).where(table.c.id == bindparam("cid"))
            .values(value_score=bindparam("score"), value_label=bindparam("label"), value_scored_at=now))
    rows = [{"cid": cid, "score": f.score, "label": proposal.labels.get(cid)}
            for cid, f in proposal.book.facts.items()]
    for i in range(0, len(rows), CHUNK):
        session.execute(stmt, rows[i:i + CHUNK])


def review_exists(session: Session, *, quarter: str) -> bool:
    """Whether the quarter's review was opened."""
    return session.execute(select(TierReview.id).where(TierReview.quarter == quarter)).first() is not None


def set_ts(session: Session, *, review_id: int, channel: str, ts: str) -> None:
    """Remember where the review was posted (learnt from the first click on it)."""
    session.execute(update(TierReview).where(TierReview.id == review_id, TierReview.ts.is_(None))
                    .values(channel=channel, ts=ts))


def posted_at(session: Session, *, review_id: int) -> tuple[str | None, str | None]:
    """The channel and ts of the review's message, when known."""
    row = session.execute(select(TierReview.channel, TierReview.ts).where(TierReview.id == review_id)).first()
    return (row[0], row[1]) if row else (None, None)


def client_names(session: Session, *, ids: list[int]) -> dict[int, str]:
    """Names of some clients."""
    return dict(session.execute(select(Client.id, Client.name).where(Client.id.in_(ids))).all()) if ids else {}


# --- the review as partners see it ----------------------------------------------------------------

@dataclass(frozen=True)
class ItemLine:
    """One item of the review, for display."""

    item_id: int
    client_id: int
    client_name: str
    old_tier: str
    new_tier: str
    score: float
    components: dict[str, float]
    label: str | None
    decision: str
    decided_by: str | None


@dataclass
class ReviewView:
    """A page of a review with its counts."""

    review_id: int
    quarter: str
    scheme: str
    total: int
    pending: int
    approved: int
    kept: int
    moves: list[tuple[str, str, int]]
    items: list[ItemLine]
    offset: int
    closed: bool
    more: int = 0


def review_view(session: Session, *, review_id: int, offset: int = 0, limit: int = 15) -> ReviewView:
    """Counts of a review and `limit` items from `offset` (by client name)."""
    review = session.get(TierReview, review_id)
    if review is None:
        raise NotFound("retier.not_found")
    counts = dict(session.execute(select(TierReviewItem.decision, func.count())
                                  .where(TierReviewItem.review_id == review_id)
                                  .group_by(TierReviewItem.decision)).all())
    moves = [(o, n, int(c)) for o, n, c in session.execute(
        select(TierReviewItem.old_tier, TierReviewItem.new_tier, func.count())
        .where(TierReviewItem.review_id == review_id)
        .group_by(TierReviewItem.old_tier, TierReviewItem.new_tier)
        .order_by(func.count().desc(), TierReviewItem.old_tier, TierReviewItem.new_tier))]
    query = (select(TierReviewItem.id, TierReviewItem.client_id, Client.name, TierReviewItem.old_tier,
                    TierReviewItem.new_tier, TierReviewItem.score, TierReviewItem.components,
                    TierReviewItem.label, TierReviewItem.decision, Staff.slack_user_id)
             .join(Client, Client.id == TierReviewItem.client_id)
             .outerjoin(Staff, Staff.id == TierReviewItem.decided_by_id)
             .where(TierReviewItem.review_id == review_id))
    rows = session.execute(query.order_by(Client.name, TierReviewItem.id).offset(offset).limit(limit)).all()
    items = [ItemLine(item_id=r[0], client_id=r[1], client_name=r[2], old_tier=r[3], new_tier=r[4],
                      score=r[5], components=dict(r[6] or {}), label=r[7], decision=r[8], decided_by=r[9])
             for r in rows]
    total = sum(int(v) for v in counts.values())
    return ReviewView(review_id=review_id, quarter=review.quarter, scheme=review.scheme, total=total,
                      pending=int(counts.get(PENDING, 0)), approved=int(counts.get(APPROVED, 0)),
                      kept=int(counts.get(KEPT, 0)), moves=moves, items=items, offset=offset,
                      closed=review.closed_at is not None,
                      more=max(0, total - offset - len(items)))


# --- decisions ----------------------------------------------------------------------------------

def _apply(session: Session, *, actor: Actor, rows: list[tuple[int, str, float, str | None]],
           now: datetime) -> None:
    """Give clients (client id, tier, score, label) their new tier at once; lost in or out follows; audited.

    Set-based (an "Approve all" may hold thousands): one executemany for the tiers, one UPDATE per
    chunk for the status of clients going into or out of lost, one audit event per client.
    """
    table = Client.__table__
    base = ["tier", "tier_changed_at", "value_score", "value_label", "value_scored_at"]
    session.execute(update(table).where(table.c.id == bindparam("cid"))
                    .values(tier=bindparam("tier"), tier_changed_at=now, value_score=bindparam("score"),
                            value_label=bindparam("label"), value_scored_at=now),
                    [{"cid": cid, "tier": tier, "score": score, "label": label} for cid, tier, score, label in rows])
    to_lost = [cid for cid, tier, _, _ in rows if tier == Tier.LOST.value]
    back = [cid for cid, tier, _, _ in rows if tier != Tier.LOST.value]
    status_changed: set[int] = set()
    for i in range(0, len(to_lost), CHUNK):
        lost_now = session.execute(
            update(table).where(table.c.id.in_(to_lost[i:i + CHUNK]), table.c.status != ClientStatus.LOST.value)
            .values(status=ClientStatus.LOST.value, lost_at=now, lost_reason=LOST_REASON)
            .returning(table.c.id)).scalars().all()
        status_changed.update(lost_now)
        for cid in sorted(lost_now):
            improvements.from_lost(session, client_id=cid, reason=LOST_REASON, today=now.date(), now=now)
    for i in range(0, len(back), CHUNK):
        status_changed.update(session.execute(
            update(table).where(table.c.id.in_(back[i:i + CHUNK]), table.c.status == ClientStatus.LOST.value)
            .values(status=ClientStatus.ACTIVE.value, lost_at=None, lost_reason=None)
            .returning(table.c.id)).scalars().all())
    audit.record_many(session, actor=actor.audit_name, action="retier", entity="client", events=[
        (cid, base + (["status", "lost_at", "lost_reason"] if cid in status_changed else []))
        for cid, _, _, _ in sorted(rows)])


def _close_if_done(session: Session, *, review_id: int, now: datetime) -> None:
    """Close the review once nothing is pending."""
    left = session.execute(select(func.count()).where(TierReviewItem.review_id == review_id,
                                                      TierReviewItem.decision == PENDING)).scalar_one()
    if not left:
        session.execute(update(TierReview).where(TierReview.id == review_id, TierReview.closed_at.is_(None))
                        .values(closed_at=now))


def decide(session: Session, *, actor: Actor, item_id: int, approve: bool, now: datetime) -> int:
    """A partner approves (tier applied) or keeps one item, once; returns its review id."""
    if actor.role != Role.PARTNER:
        raise PermissionDenied("retier.partners_only")
    table = TierReviewItem.__table__
    row = session.execute(
        update(table).where(table.c.id == item_id, table.c.decision == PENDING)
        .values(decision=APPROVED if approve else KEPT, decided_by_id=actor.staff_id, decided_at=now)
        .returning(table.c.review_id, table.c.client_id, table.c.new_tier, table.c.score, table.c.label)).first()
    if row is None:
        if session.get(TierReviewItem, item_id) is None:
            raise NotFound("retier.not_found")
        raise Conflict("retier.already_decided")
    review_id, client_id, new_tier, score, label = row
    if approve:
        _apply(session, actor=actor, rows=[(client_id, new_tier, score, label)], now=now)
    else:
        audit.record(session, actor=actor.audit_name, action="retier_keep", entity="client",
                     entity_id=client_id, fields=["tier"])
    _close_if_done(session, review_id=review_id, now=now)
    return int(review_id)


def approve_all(session: Session, *, actor: Actor, review_id: int, now: datetime) -> int:
    """A partner approves every item still pending (each once); returns how many."""
    if actor.role != Role.PARTNER:
        raise PermissionDenied("retier.partners_only")
    if session.get(TierReview, review_id) is None:
        raise NotFound("retier.not_found")
    table = TierReviewItem.__table__
    rows = session.execute(
        update(table).where(table.c.review_id == review_id, table.c.decision == PENDING)
        .values(decision=APPROVED, decided_by_id=actor.staff_id, decided_at=now)
        .returning(table.c.client_id, table.c.new_tier, table.c.score, table.c.label)).all()
    if not rows:
        raise Conflict("retier.nothing_pending")
    _apply(session, actor=actor, rows=[tuple(r) for r in sorted(rows)], now=now)  # type: ignore[misc]
    _close_if_done(session, review_id=review_id, now=now)
    return len(rows)


# --- the strategic mark ----------------------------------------------------------------------------

def find_client(session: Session, *, actor: Actor, name: str) -> tuple[int, str]:
    """The one client whose name is `name` (after folding), or the only close match."""
    matches = search_clients(session, actor=actor, query=name, limit=5)
    exact = [m for m in matches if m.score >= 100]
    chosen = exact if exact else matches
    if not chosen:
        raise NotFound("retier.client_not_found", name=name[:80])
    if len(chosen) > 1:
        raise InvalidInput("retier.client_ambiguous", name=name[:80],
                           names=", ".join(m.name for m in chosen[:5]))
    return chosen[0].client_id, chosen[0].name


def mark_strategic(session: Session, *, actor: Actor, client_id: int, reason: str, now: datetime) -> str:
    """A partner marks a client strategic, with a reason; it stays strategic through re-tiering."""
    if not policy.can_change_tier(actor):
        raise PermissionDenied("retier.partners_only")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("retier.reason_required", field="reason")
    problem = text_problem(reason)
    if problem:
        raise InvalidInput(problem, field="reason")
    client = session.get(Client, client_id, with_for_update=True)
    if client is None or not policy.can_view_client(session, actor, client_id):
        raise NotFound("upkeep.client_not_found")
    fields = ["strategic_marked", "tier_reason", "strategic_marked_by_id", "strategic_marked_at"]
    client.strategic_marked, client.tier_reason = True, reason[:REASON_MAX]
    client.strategic_marked_by_id, client.strategic_marked_at = actor.staff_id, now
    if client.tier != Tier.STRATEGIC.value:
        client.tier, client.tier_changed_at = Tier.STRATEGIC.value, now
        fields += ["tier", "tier_changed_at"]
        if client.status == ClientStatus.LOST.value:
            client.status, client.lost_at, client.lost_reason = ClientStatus.ACTIVE.value, None, None
            fields += ["status", "lost_at", "lost_reason"]
    audit.record(session, actor=actor.audit_name, action="mark_strategic", entity="client",
                 entity_id=client_id, fields=fields)
    return client.name


def unmark_strategic(session: Session, *, actor: Actor, client_id: int) -> str:
    """A partner removes the mark; the tier itself changes at the next re-tiering."""
    if not policy.can_change_tier(actor):
        raise PermissionDenied("retier.partners_only")
    client = session.get(Client, client_id, with_for_update=True)
    if client is None or not policy.can_view_client(session, actor, client_id):
        raise NotFound("upkeep.client_not_found")
    if not client.strategic_marked:
        raise Conflict("retier.not_marked", client=client.name)
    client.strategic_marked, client.strategic_marked_by_id, client.strategic_marked_at = False, None, None
    client.tier_reason = None
    audit.record(session, actor=actor.audit_name, action="unmark_strategic", entity="client",
                 entity_id=client_id, fields=["strategic_marked", "tier_reason", "strategic_marked_by_id",
                                              "strategic_marked_at"])
    return client.name
