"""Daily upkeep computation at scale: 100,000 clients and 2,000,000 contact notes.

    .venv/bin/python benchmarks/upkeep_scale.py                       # SQLite file in /tmp
    .venv/bin/python benchmarks/upkeep_scale.py --url postgresql+psycopg://127.0.0.1:5432/bench
    .venv/bin/python benchmarks/upkeep_scale.py --reuse               # skip generation

Generation writes through the raw DB-API driver (executemany on SQLite, COPY on PostgreSQL),
not the ORM. Encrypting 2,000,000 note texts with Fernet would dominate the set-up and is not
what is measured (the daily computation never reads note texts), so 64 texts are encrypted
once with the real keyring and every note row reuses one of those ciphertexts: the rows are
valid, decryptable notes of realistic size.

Measured: the whole daily planner transaction (`plan_daily`: marker, the due/churn/lost
computation, rendering and enqueueing every digest, churn alert and lost proposal in the
ledger), on a first day (every quiet client alerted) and on the next working day (steady
state: only newly quiet clients), then a re-run of the same day (must do nothing).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from bot.services import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from jobs.registry import JobContext  # noqa: E402
from bot.flows.cadence import compute_due  # noqa: E402
from jobs.tasks.upkeep import plan_daily, rules_from  # noqa: E402
from benchmarks.bench_db import analyze, prepare_database, reset_sequences  # noqa: E402
from storage.crypto import Keyring  # noqa: E402
from storage.db import make_session_factory  # noqa: E402
from storage.models import ContactNote, Notification  # noqa: E402

DAY1 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)      # Monday 09:00 Asia/Shanghai
TIERS = [("strategic", 0.1), ("core", 0.3), ("potential", 0.6)]
CHANNELS = ["call", "meeting", "email", "wechat", "visit"]


class NoSender:
    """The benchmark never delivers."""

    def send(self, *, channel: str, payload: dict) -> tuple[str, str]:  # type: ignore[type-arg]
        """Refuse: delivery is not measured here."""
        raise RuntimeError("not used")


def say(msg: str) -> None:
    """Progress on stderr-like stdout, flushed."""
    print(msg, flush=True)


def _ts(moment: datetime, pg: bool) -> object:
    """A timestamp as the driver expects it (SQLAlchemy's SQLite text format, or aware)."""
    if pg:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _bulk(raw, pg: bool, table: str, cols: list[str], rows: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    """Insert many rows through the driver (COPY on PostgreSQL)."""
    cur = raw.cursor()
    if pg:
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
    else:
        marks = ", ".join("?" for _ in cols)
        cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
    cur.close()


def generate(engine, keyring: Keyring, *, clients: int, notes: int, seed: int = 7) -> None:  # type: ignore[no-untyped-def]
    """Staff, clients with teams, notes, matters, follow-ups and important dates."""
    pg = engine.dialect.name == "postgresql"
    rnd = random.Random(seed)
    t0 = time.perf_counter()
    ciphers = [keyring.encrypt(f"call #{i}: discussed the matter, agreed next steps and fees " * 2)
               for i in range(64)]
    conn = engine.raw_connection()
    raw = conn.driver_connection
    if not pg:
        raw.execute("BEGIN")
    try:
        lawyers, partners, managers, assistants = 500, 20, 50, 100
        staff = []
        sid = 0
        for role, n in (("lawyer", lawyers), ("partner", partners), ("client_service", managers),
                        ("assistant", assistants)):
            for _ in range(n):
                sid += 1
                staff.append((sid, f"U{sid:08d}", f"Staff {sid}", role, None, False, True,
                               _ts(DAY1, pg)))
        _bulk(raw, pg, "staff", ["id", "slack_user_id", "display_name", "role", "locale",
                                 "is_managing_partner", "active", "created_at"], staff)
        _bulk(raw, pg, "staff_assistants", ["id", "assistant_id", "lawyer_id"],
              [(i + 1, lawyers + partners + managers + 1 + i // 5, i + 1) for i in range(lawyers)])
        say(f"  staff: {len(staff)}")
        client_rows, team_rows, quiet_for = [], [], {}
        for cid in range(1, clients + 1):
            tier = rnd.choices([t for t, _ in TIERS], [w for _, w in TIERS])[0]
            created = DAY1 - timedelta(days=rnd.randint(400, 1500))
            client_rows.append((cid, "enterprise", f"Client {cid} 客户{cid}有限公司", tier, "active",
                                _ts(created, pg), _ts(created, pg)))
            lead = rnd.randint(1, lawyers)
            team_rows += [(len(team_rows) + 1, cid, lead, "lead_lawyer"),
                          (len(team_rows) + 2, cid, lawyers + rnd.randint(1, partners), "partner"),
                          (len(team_rows) + 3, cid, lawyers + partners + rnd.randint(1, managers),
                           "manager")]
            r = rnd.random()    # 85 % active, 10 % quiet for 90-300 days, 5 % quiet for over a year
            quiet_for[cid] = (0 if r < 0.85 else rnd.randint(60, 300) if r < 0.95
                              else rnd.randint(366, 700), lead)
        _bulk(raw, pg, "clients", ["id", "kind", "name", "tier", "status", "created_at", "updated_at"],
              client_rows)
        _bulk(raw, pg, "client_team", ["id", "client_id", "staff_id", "role"], team_rows)
        say(f"  clients: {clients}, team rows: {len(team_rows)} ({time.perf_counter() - t0:.1f}s)")
        nid, batch = 0, []
        per_client = notes // clients
        for cid in range(1, clients + 1):
            quiet, lead = quiet_for[cid]
            for _ in range(per_client):
                nid += 1
                at = DAY1 - timedelta(days=quiet + rnd.random() * 700)
                batch.append((nid, cid, lead, rnd.choice(CHANNELS), _ts(at, pg),
                              ciphers[nid % 64], _ts(at, pg)))
            if len(batch) >= 200_000 or cid == clients:
                _bulk(raw, pg, "contact_notes", ["id", "client_id", "author_id", "channel",
                                                 "occurred_at", "text", "created_at"], batch)
                batch = []
                say(f"  notes: {nid:,} ({time.perf_counter() - t0:.1f}s)")
        title = keyring.encrypt("send the draft agreement")
        follow = [(i + 1, rnd.randint(1, clients), rnd.randint(1, lawyers), title,
                   (DAY1.date() + timedelta(days=rnd.randint(-20, 30))).isoformat(), "open",
                   _ts(DAY1, pg)) for i in range(50_000)]
        _bulk(raw, pg, "follow_ups", ["id", "client_id", "owner_id", "title", "due_on", "status",
                                      "created_at"], follow)
        matters = [(i + 1, f"2026-LIT-{i + 1:06d}", rnd.randint(1, clients), "litigation", "open",
                    rnd.randint(1, lawyers), _ts(DAY1 - timedelta(days=100), pg)) for i in range(30_000)]
        _bulk(raw, pg, "matters", ["id", "number", "client_id", "practice_area", "status",
                                   "lead_lawyer_id", "opened_at"], matters)
        label = keyring.encrypt("Intermediate People's Court, room 3")
        dates = [(i + 1, i + 1, None, "birthday" if i % 2 else "anniversary",
                  date(1970 + i % 40, 1 + i % 12, 1 + i % 28).isoformat(), None, True, _ts(DAY1, pg))
                 for i in range(clients)]
        dates += [(clients + i + 1, None, rnd.randint(1, 30_000), "hearing",
                   (DAY1.date() + timedelta(days=rnd.randint(0, 60))).isoformat(), label, False,
                   _ts(DAY1, pg)) for i in range(20_000)]
        _bulk(raw, pg, "important_dates", ["id", "client_id", "matter_id", "kind", "on_date", "label",
                                           "yearly", "created_at"], dates)
        if pg:
            reset_sequences(raw, ("staff", "staff_assistants", "clients", "client_team", "contact_notes",
                          "follow_ups", "matters", "important_dates"))
        conn.commit()
    finally:
        conn.close()
    analyze(engine)
    say(f"generated in {time.perf_counter() - t0:.1f}s")


def main() -> None:
    """Generate (unless --reuse) and time the daily planner."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="sqlite:////tmp/lawcrm_upkeep_bench.db")
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--notes", type=int, default=2_000_000)
    ap.add_argument("--reuse", action="store_true", help="keep the generated data from a previous run")
    args = ap.parse_args()
    engine, keyring = prepare_database(args.url, tag="upkeep", reuse=args.reuse)
    if not args.reuse:
        say(f"generating {args.clients:,} clients and {args.notes:,} notes on {engine.dialect.name}…")
        generate(engine, keyring, clients=args.clients, notes=args.notes)
    with engine.connect() as c:
        for t in ("upkeep_runs", "upkeep_alerts", "notifications"):
            c.execute(text(f"DELETE FROM {t}"))
        c.commit()
        n_notes = c.execute(select(func.count()).select_from(ContactNote)).scalar_one()
    settings = Settings(_env_file=None, database_url=args.url, alerts_channel="C0ALERTS",  # type: ignore[call-arg]
                        partner_review_channel="C0REVIEW")
    clock = {"now": DAY1}
    services = Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                        keyring=keyring, clock=lambda: clock["now"])
    ctx = JobContext(services=services, sender=NoSender())
    say(f"{engine.dialect.name}: {n_notes:,} notes")
    with services.session() as session:
        t0 = time.perf_counter()
        plan = compute_due(session, today=DAY1.astimezone(settings.tz).date(), cal=ctx.calendar,
                           rules=rules_from(settings))
        say(f"compute only (what is due, no rendering or enqueueing): "
            f"{time.perf_counter() - t0:.2f}s — {len(plan.digests)} people with a digest, "
            f"{len(plan.churn):,} churn candidates, {len(plan.lost):,} lost candidates")
        session.rollback()
    for label, moment in (("day 1 (first run over the whole book)", DAY1),
                          ("day 2 (steady state)", DAY1 + timedelta(days=1)),
                          ("day 2 re-run", DAY1 + timedelta(days=1, minutes=1))):
        clock["now"] = moment
        t0 = time.perf_counter()
        report = plan_daily(ctx)
        took = time.perf_counter() - t0
        say(f"{label}: {took:.2f}s — digests {report.digests}, churn alerts {report.churn_alerts}, "
            f"lost proposals {report.lost_proposals}, alert messages {report.messages}"
            + (f", skipped: {report.skipped}" if report.skipped else ""))
    with engine.connect() as c:
        say(f"ledger rows: {c.execute(select(func.count()).select_from(Notification)).scalar_one():,}")
    engine.dispose()


if __name__ == "__main__":
    main()
