"""The quarterly report at scale: 100,000 clients, 300,000 matters, 2,000,000 notes.

    .venv/bin/python benchmarks/report_scale.py                       # SQLite file in /tmp
    .venv/bin/python benchmarks/report_scale.py --url postgresql+psycopg://127.0.0.1:5432/report_bench
    .venv/bin/python benchmarks/report_scale.py --reuse               # skip generation

Generation writes through the raw DB-API driver (executemany on SQLite, COPY on PostgreSQL).
Encrypted columns reuse a few ciphertexts made once with the real keyring (note texts, names),
but every fee amount is decrypted per row when the report reads it, as in production: 600,000
collected and 300,000 invoiced fee entries over five years, of which the report decrypts the
24 months it needs. Also surveys for the closed matters, complaints, enquiries, win-back plans,
intake requests for the matters opened through the bot, client and matter teams, referrers.

Measured: `quarter_report` (every KPI, chart series and table; not the chart images, which
the Slack side renders and times on its own) for a finished quarter, per step and in total;
then the XLSX export of the same report, and the Home dashboard's stored copy of it (written
once, then read, decrypted and laid out as the App Home does).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from benchmarks.bench_db import analyze, prepare_database, reset_sequences  # noqa: E402
from benchmarks.upkeep_scale import _bulk, _ts, say  # noqa: E402
from bot.blocks.report import dashboard_blocks  # noqa: E402
from bot.flows.quarters import Quarter  # noqa: E402
from bot.flows.report import charts  # noqa: E402
from bot.flows.report.export import write_workbook  # noqa: E402
from bot.flows.report.quarter import quarter_report  # noqa: E402
from bot.flows.report.snapshot import offer_report, stored_report  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage.crypto import Keyring  # noqa: E402
from storage.db import make_session_factory  # noqa: E402
from storage.models import ContactNote, FeeEntry, Matter  # noqa: E402

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
QUARTER = Quarter(2026, 3)
SPAN_DAYS = 5 * 365                       # matters opened over the five years before NOW
TIERS = [("strategic", 0.05), ("core", 0.25), ("potential", 0.6), ("lost", 0.1)]
AREAS = ["lit_civil", "lit_criminal", "lit_admin", "nl_mna", "nl_ip", "nl_tax", "nl_other", "retainer"]
CHANNELS = ["call", "meeting", "email", "wechat", "visit"]


def generate(engine, keyring: Keyring, *, clients: int, matters: int, notes: int,  # type: ignore[no-untyped-def]
             seed: int = 11) -> None:
    """Staff, clients, teams, matters, fees, notes, surveys, complaints, enquiries, plans, intake."""
    pg = engine.dialect.name == "postgresql"
    rnd = random.Random(seed)
    t0 = time.perf_counter()
    texts = [keyring.encrypt(f"call #{i}: discussed the matter and the next steps " * 2) for i in range(64)]
    amounts = [keyring.encrypt(f"{rnd.randint(5, 2000) * 500}.00") for _ in range(2000)]
    form = keyring.encrypt('{"client_name": "x"}')
    short = keyring.encrypt("x")
    conn = engine.raw_connection()
    raw = conn.driver_connection
    if not pg:
        raw.execute("BEGIN")
    try:
        lawyers, partners = 500, 20
        staff = [(i, f"U{i:08d}", f"Staff {i}", "lawyer" if i <= lawyers else "partner", None, False, True,
                  _ts(NOW, pg)) for i in range(1, lawyers + partners + 1)]
        _bulk(raw, pg, "staff", ["id", "slack_user_id", "display_name", "role", "locale", "is_managing_partner",
                                 "active", "created_at"], staff)
        client_rows, team_rows, lead_of = [], [], {}
        for cid in range(1, clients + 1):
            tier = rnd.choices([t for t, _ in TIERS], [w for _, w in TIERS])[0]
            created = NOW - timedelta(days=rnd.randint(30, SPAN_DAYS + 400))
            r = rnd.random()
            by_client = rnd.randint(1, cid - 1) if r < 0.15 and cid > 1 else None
            by_staff = rnd.randint(1, lawyers + partners) if 0.15 <= r < 0.3 else None
            status = "lost" if tier == "lost" else "active"
            client_rows.append((cid, "enterprise", f"Client {cid}", tier, status, by_client, by_staff,
                                _ts(created, pg), _ts(created, pg), False, False))
            lead_of[cid] = rnd.randint(1, lawyers)
            team_rows += [(len(team_rows) + 1, cid, lead_of[cid], "lead_lawyer"),
                          (len(team_rows) + 2, cid, lawyers + rnd.randint(1, partners), "partner")]
        _bulk(raw, pg, "clients", ["id", "kind", "name", "tier", "status", "referrer_client_id",
                                   "referrer_staff_id", "created_at", "updated_at", "strategic_marked",
                                   "high_net_worth"], client_rows)
        _bulk(raw, pg, "client_team", ["id", "client_id", "staff_id", "role"], team_rows)
        say(f"  clients: {clients:,} ({time.perf_counter() - t0:.1f}s)")
        matter_rows, member_rows, fee_rows, survey_rows, intake_rows = [], [], [], [], []
        for mid in range(1, matters + 1):
            cid = rnd.randint(1, clients)
            opened = NOW - timedelta(days=rnd.random() * SPAN_DAYS)
            closed = opened + timedelta(days=rnd.randint(30, 700))
            closed = closed if closed < NOW and rnd.random() < 0.8 else None
            lead = lead_of[cid] if rnd.random() < 0.7 else rnd.randint(1, lawyers)
            matter_rows.append((mid, f"M-{mid:07d}", cid, rnd.choice(AREAS), "closed" if closed else "open", lead,
                                _ts(opened, pg), _ts(closed, pg) if closed else None,
                                f"imp{mid}" if rnd.random() < 0.3 else None))
            member_rows.append((mid, mid, rnd.randint(1, lawyers), "lawyer"))
            for kind, n in (("collected", 2), ("invoiced", 1)):
                for _ in range(n):
                    day = (opened + timedelta(days=rnd.randint(0, 500))).date()
                    if day < NOW.date():
                        fee_rows.append((len(fee_rows) + 1, mid, cid, kind, rnd.choice(amounts), "CNY",
                                         day.isoformat() if not pg else day, "import", _ts(NOW, pg)))
            if closed is not None:
                due = closed + timedelta(days=30)
                done = closed + timedelta(days=rnd.randint(1, 45)) if rnd.random() < 0.9 else None
                scores = [rnd.choice((3, 4, 4, 5, 5)) for _ in range(4)] if done else [None] * 4
                survey_rows.append((len(survey_rows) + 1, mid, lead, lead, "lit_civil",
                                    "done" if done else "pending", _ts(closed, pg), _ts(due, pg),
                                    _ts(done, pg) if done else None, *scores))
            if matter_rows[-1][-1] is None:
                intake_rows.append((len(intake_rows) + 1, f"s{mid}", lead, "approved", "enterprise", "lit_civil",
                                    form, "approved" if rnd.random() < 0.97 else None, mid, False, False,
                                    _ts(opened, pg)))
        _bulk(raw, pg, "matters", ["id", "number", "client_id", "practice_area", "status", "lead_lawyer_id",
                                   "opened_at", "closed_at", "import_key"], matter_rows)
        _bulk(raw, pg, "matter_team", ["id", "matter_id", "staff_id", "role"], member_rows)
        _bulk(raw, pg, "fee_entries", ["id", "matter_id", "client_id", "kind", "amount", "currency", "on_date",
                                       "source", "created_at"], fee_rows)
        _bulk(raw, pg, "surveys", ["id", "matter_id", "assignee_id", "lawyer_id", "practice_area", "status",
                                   "scheduled_at", "due_at", "completed_at", "score_ability", "score_communication",
                                   "score_attitude", "score_result"], survey_rows)
        _bulk(raw, pg, "intake_requests", ["id", "submission_key", "requester_id", "status", "client_kind",
                                           "practice_area", "form", "decision", "matter_id", "self_decided",
                                           "linked_client", "created_at"], intake_rows)
        say(f"  matters: {matters:,}, fees: {len(fee_rows):,}, surveys: {len(survey_rows):,}, "
            f"intake requests: {len(intake_rows):,} ({time.perf_counter() - t0:.1f}s)")
        nid, batch = 0, []
        per_client = notes // clients
        for cid in range(1, clients + 1):
            for _ in range(per_client):
                nid += 1
                at = NOW - timedelta(days=rnd.random() * 1000)
                batch.append((nid, cid, lead_of[cid], rnd.choice(CHANNELS), _ts(at, pg), texts[nid % 64],
                              _ts(at, pg)))
            if len(batch) >= 200_000 or cid == clients:
                _bulk(raw, pg, "contact_notes", ["id", "client_id", "author_id", "channel", "occurred_at", "text",
                                                 "created_at"], batch)
                batch = []
        say(f"  notes: {nid:,} ({time.perf_counter() - t0:.1f}s)")
        complaints = []
        for i in range(1, 5001):
            received = NOW - timedelta(days=rnd.random() * 700)
            ack = received + timedelta(hours=rnd.randint(1, 30))
            answered = received + timedelta(days=rnd.randint(1, 6))
            complaints.append((i, rnd.randint(1, clients), rnd.randint(1, lawyers), lawyers + 1, short, short, short,
                               short, "phone", _ts(received, pg), "closed", "channel", _ts(ack, pg),
                               _ts(answered, pg), False, _ts(received, pg)))
        _bulk(raw, pg, "complaints", ["id", "client_id", "against_staff_id", "recorded_by_id", "complainant_name",
                                      "complainant_contact", "description", "request", "received_via",
                                      "received_at", "status", "routing", "acknowledged_at", "answered_at",
                                      "extension_client_told", "created_at"], complaints)
        enquiries = []
        for i in range(1, 20001):
            received = NOW - timedelta(days=rnd.random() * 700)
            stage = rnd.choice(("engaged", "closed", "closed", "consultation", "new"))
            minutes = None if stage == "new" else rnd.randint(5, 180)
            enquiries.append((i, f"e{i}", lawyers + 1, _ts(received, pg), short, short, short, "website", stage,
                              minutes, _ts(received, pg)))
        _bulk(raw, pg, "enquiries", ["id", "submission_key", "recorded_by_id", "received_at", "who", "contact",
                                     "need", "source", "stage", "response_minutes", "created_at"], enquiries)
        plans = []
        for i in range(1, 2001):
            opened = NOW - timedelta(days=rnd.random() * 600)
            won = rnd.random() < 0.5
            plans.append((i, rnd.randint(1, clients), rnd.randint(1, lawyers), "service", _ts(opened, pg),
                          "won_back" if won else "not_won_back", _ts(opened + timedelta(days=60), pg),
                          rnd.randint(1, lawyers) if won else None))
        _bulk(raw, pg, "winback_plans", ["id", "client_id", "owner_id", "reason", "opened_at", "outcome",
                                         "outcome_at", "won_back_by_id"], plans)
        if pg:
            reset_sequences(raw, ("staff", "clients", "client_team", "matters", "matter_team", "fee_entries", "surveys",
                          "intake_requests", "contact_notes", "complaints", "enquiries", "winback_plans"))
        conn.commit()
    finally:
        conn.close()
    analyze(engine)
    say(f"generated in {time.perf_counter() - t0:.1f}s")


def main() -> None:
    """Generate (unless --reuse) and time the quarter's report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="sqlite:////tmp/lawcrm_report_bench.db")
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--matters", type=int, default=300_000)
    ap.add_argument("--notes", type=int, default=2_000_000)
    ap.add_argument("--repeat", type=int, default=2, help="timed runs (the first one also warms the caches)")
    ap.add_argument("--reuse", action="store_true", help="keep the generated data from a previous run")
    ap.add_argument("--verbose", action="store_true", help="each step's time as it ends")
    args = ap.parse_args()
    engine, keyring = prepare_database(args.url, tag="report", reuse=args.reuse)
    if not args.reuse:
        say(f"generating {args.clients:,} clients, {args.matters:,} matters, {args.notes:,} notes "
            f"on {engine.dialect.name}…")
        generate(engine, keyring, clients=args.clients, matters=args.matters, notes=args.notes)
    settings = Settings(_env_file=None, database_url=args.url)  # type: ignore[call-arg]
    factory = make_session_factory(engine)
    with factory() as session:
        counts = {m.__tablename__: session.execute(select(func.count()).select_from(m)).scalar_one()
                  for m in (Matter, ContactNote, FeeEntry)}
    say(f"{engine.dialect.name}: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    report = None
    for run in range(1, args.repeat + 1):
        steps: list[str] = []
        with factory() as session:
            t0, c0 = time.perf_counter(), time.process_time()
            report = quarter_report(session, quarter=QUARTER, settings=settings, now=NOW,
                                    progress=lambda step, s: (steps.append(f"{step} {s:.2f}s"),
                                                              args.verbose and say(f"    {step} {s:.2f}s")))
            took = time.perf_counter() - t0
            t1 = time.perf_counter()
            images = charts.render_all(report, locale="zh-CN" if run % 2 == 0 else "en")
            drawn, cpu = time.perf_counter() - t1, time.process_time() - c0
        load = os.getloadavg()[0]
        say(f"run {run}: quarter_report {QUARTER} in {took:.2f}s + {len(images)} charts in {drawn:.2f}s "
            f"= {took + drawn:.2f}s, this process's CPU {cpu:.2f}s, load {load:.1f} ({', '.join(steps)})")
    assert report is not None
    for kpi in report.kpis:
        value = "no data" if kpi.value is None else f"{kpi.value:.1f}"
        say(f"  {kpi.key}: {value} ({kpi.numerator} / {kpi.denominator}) {kpi.light.value}")
    say(f"  bonus lines: {len(report.tables['bonus_lines']):,}, referrers: {len(report.tables['referrals']):,}")
    with factory() as session:   # the Home dashboard's stored report of this size: stored, then read back
        t0 = time.perf_counter()
        offer_report(session, report=report)
        session.commit()
        stored_in = time.perf_counter() - t0
        size, tables = session.execute(text("SELECT length(report), length(tables) FROM report_snapshots")).one()
    reads, whole = [], []
    for _ in range(5):
        with factory() as session:
            t0 = time.perf_counter()
            shown = stored_report(session, quarter=QUARTER, tables=False).report
            assert shown is not None and shown.kpis == report.kpis and shown.charts == report.charts
            dashboard_blocks(shown, locale="en", images=[], now=NOW, tz=settings.tz)
            reads.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            assert stored_report(session, quarter=QUARTER).report == report
            whole.append(time.perf_counter() - t0)
    say(f"dashboard snapshot: stored in {stored_in:.2f}s ({size:,} bytes encrypted, its tables {tables:,} apart); "
        f"the Home's read, decrypted and laid out in {min(reads):.3f}–{max(reads):.3f}s; the whole report with "
        f"its tables read back in {min(whole):.3f}–{max(whole):.3f}s (5 runs)")
    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        write_workbook(report, Path(folder) / "report.xlsx")
        say(f"XLSX export: {time.perf_counter() - t0:.2f}s")
    engine.dispose()


if __name__ == "__main__":
    main()
