"""The quarterly re-tiering proposal at scale: 100,000 clients, 300,000 matters, fees, 2,000,000 notes.

    .venv/bin/python benchmarks/retier_scale.py                       # SQLite file in /tmp
    .venv/bin/python benchmarks/retier_scale.py --url postgresql+psycopg://127.0.0.1:5432/bench_retier
    .venv/bin/python benchmarks/retier_scale.py --reuse               # skip generation

Generation writes through the raw driver (benchmarks/upkeep_scale.py's helpers). Amounts are
encrypted like every fee entry, but from 256 distinct ciphertexts made once with the real keyring
(each row still decrypts for real when summed). One collected entry per matter, over three years,
so about 200,000 entries fall in the 24 months the proposal reads.

Measured: `retier.propose` for 2026-Q4 (every client scored, tiered and labelled), then opening
the review (items inserted, every client's score and label written) in its own transaction.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from benchmarks.bench_db import analyze, prepare_database, reset_sequences  # noqa: E402
from benchmarks.upkeep_scale import _bulk, _ts, say  # noqa: E402
from bot.flows.quarters import Quarter  # noqa: E402
from bot.flows.value import retier  # noqa: E402
from bot.flows.workdays import calendar_of  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage.crypto import Keyring  # noqa: E402
from storage.db import make_session_factory, read_only  # noqa: E402
from storage.models import ContactNote, FeeEntry, Matter  # noqa: E402

NOW = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)       # the quarter's first working day, 10:00 in Shanghai
QUARTER = Quarter(2026, 4)
TIERS = [("strategic", 0.05), ("core", 0.25), ("potential", 0.6), ("lost", 0.1)]
KINDS = [("enterprise", 0.7), ("individual", 0.25), ("government", 0.05)]


def generate(engine, keyring: Keyring, *, clients: int, matters: int, notes: int, seed: int = 11) -> None:  # type: ignore[no-untyped-def]
    """Staff, clients (kinds, referrers, a few marked), matters with ratings, fees and notes."""
    pg = engine.dialect.name == "postgresql"
    rnd = random.Random(seed)
    t0 = time.perf_counter()
    note_ciphers = [keyring.encrypt(f"call #{i}: discussed the matter and next steps " * 2) for i in range(64)]
    amounts = [Decimal(rnd.choice([5_000, 20_000, 80_000, 150_000, 400_000, 1_200_000])) + i for i in range(256)]
    amount_ciphers = [keyring.encrypt(f"{a:.2f}") for a in amounts]
    conn = engine.raw_connection()
    raw = conn.driver_connection
    if not pg:
        raw.execute("BEGIN")
    try:
        staff = [(i, f"U{i:08d}", f"Staff {i}", "partner" if i <= 20 else "lawyer", None, False, True, _ts(NOW, pg))
                 for i in range(1, 521)]
        _bulk(raw, pg, "staff", ["id", "slack_user_id", "display_name", "role", "locale", "is_managing_partner",
                                 "active", "created_at"], staff)
        rows = []
        for cid in range(1, clients + 1):
            tier = rnd.choices([t for t, _ in TIERS], [w for _, w in TIERS])[0]
            kind = rnd.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
            created = NOW - timedelta(days=rnd.randint(30, 4000))
            referrer = rnd.randint(1, cid - 1) if cid > 1 and rnd.random() < 0.15 else None
            rows.append((cid, kind, f"Client {cid} 客户{cid}有限公司", tier, "lost" if tier == "lost" else "active",
                         _ts(created, pg), _ts(created, pg), referrer, rnd.random() < 0.005,
                         kind == "individual" and rnd.random() < 0.02))
        _bulk(raw, pg, "clients", ["id", "kind", "name", "tier", "status", "created_at", "updated_at",
                                   "referrer_client_id", "strategic_marked", "high_net_worth"], rows)
        say(f"  clients: {clients:,} ({time.perf_counter() - t0:.1f}s)")
        mrows, frows = [], []
        for mid in range(1, matters + 1):
            cid = rnd.randint(1, clients)
            opened = NOW - timedelta(days=rnd.randint(1, 1500))
            closed = opened + timedelta(days=rnd.randint(30, 400))
            is_open = closed > NOW
            mrows.append((mid, f"2026-LIT-{mid:07d}", cid, "litigation", "open" if is_open else "closed",
                          rnd.randint(21, 520), _ts(opened, pg), None if is_open else _ts(closed, pg),
                          rnd.randint(1, 5) if rnd.random() < 0.7 else None))
            paid = min(NOW - timedelta(days=1), opened + timedelta(days=rnd.randint(10, 300)))
            frows.append((mid, mid, cid, "collected", amount_ciphers[mid % 256], "CNY", paid.date().isoformat(),
                          "import", _ts(NOW, pg)))
        _bulk(raw, pg, "matters", ["id", "number", "client_id", "practice_area", "status", "lead_lawyer_id",
                                   "opened_at", "closed_at", "complexity"], mrows)
        _bulk(raw, pg, "fee_entries", ["id", "matter_id", "client_id", "kind", "amount", "currency", "on_date",
                                       "source", "created_at"], frows)
        say(f"  matters and fee entries: {matters:,} ({time.perf_counter() - t0:.1f}s)")
        nid, batch, per_client = 0, [], notes // clients
        for cid in range(1, clients + 1):
            quiet = 0 if rnd.random() < 0.85 else rnd.randint(200, 700)
            for _ in range(per_client):
                nid += 1
                at = NOW - timedelta(days=quiet + rnd.random() * 700)
                batch.append((nid, cid, rnd.randint(21, 520), "call", _ts(at, pg), note_ciphers[nid % 64],
                              _ts(at, pg)))
            if len(batch) >= 200_000 or cid == clients:
                _bulk(raw, pg, "contact_notes", ["id", "client_id", "author_id", "channel", "occurred_at", "text",
                                                 "created_at"], batch)
                batch = []
        say(f"  notes: {nid:,} ({time.perf_counter() - t0:.1f}s)")
        if pg:
            reset_sequences(raw, ("staff", "clients", "matters", "fee_entries", "contact_notes"))
        conn.commit()
    finally:
        conn.close()
    analyze(engine)
    say(f"generated in {time.perf_counter() - t0:.1f}s")


def main() -> None:
    """Generate (unless --reuse) and time the proposal."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="sqlite:////tmp/lawcrm_retier_bench.db")
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--matters", type=int, default=300_000)
    ap.add_argument("--notes", type=int, default=2_000_000)
    ap.add_argument("--reuse", action="store_true", help="keep the generated data from a previous run")
    args = ap.parse_args()
    engine, keyring = prepare_database(args.url, tag="retier", reuse=args.reuse)
    if not args.reuse:
        say(f"generating {args.clients:,} clients, {args.matters:,} matters, {args.notes:,} notes "
            f"on {engine.dialect.name}…")
        generate(engine, keyring, clients=args.clients, matters=args.matters, notes=args.notes)
    with engine.connect() as c:
        for t in ("tier_review_items", "tier_reviews"):
            c.execute(text(f"DELETE FROM {t}"))
        c.commit()
        counts = [c.execute(select(func.count()).select_from(m)).scalar_one() for m in (Matter, FeeEntry, ContactNote)]
    settings = Settings(_env_file=None, database_url=args.url, partner_review_channel="C0REVIEW")  # type: ignore[call-arg]
    services = Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                        keyring=keyring, clock=lambda: NOW)
    cal = calendar_of(settings)
    say(f"{engine.dialect.name}: {counts[0]:,} matters, {counts[1]:,} fee entries, {counts[2]:,} notes")
    t0, c0 = time.perf_counter(), time.process_time()
    with services.session() as session:
        read_only(session)
        proposal = retier.propose(session, quarter=QUARTER, settings=settings, cal=cal,
                                  progress=lambda step: say(f"  {time.perf_counter() - t0:5.2f}s {step}"))
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    load = os.getloadavg()[0]
    say(f"proposal over {proposal.clients:,} clients: {took:.2f}s wall, {cpu:.2f}s CPU of this process "
        f"(load average {load:.1f}) — {len(proposal.changes):,} changes, "
        f"golden {proposal.label_counts.get('golden', 0):,}, big {proposal.label_counts.get('big', 0):,}")
    t1 = time.perf_counter()
    with services.session() as session:
        retier.open_review(session, proposal=proposal, channel="C0REVIEW", now=NOW)
    say(f"opening the review (items, every client's score and label written, committed): "
        f"{time.perf_counter() - t1:.2f}s")
    engine.dispose()


if __name__ == "__main__":
    main()
