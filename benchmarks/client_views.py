"""A partner's App Home and the `/client` list and search over 100,000 clients (target: < 1 s each).

    .venv/bin/python benchmarks/client_views.py                        # SQLite file in /tmp
    .venv/bin/python benchmarks/client_views.py --url postgresql+psycopg://127.0.0.1:5432/bench_views
    .venv/bin/python benchmarks/client_views.py --reuse                # skip generation

Generation writes through the raw DB-API driver (executemany on SQLite, COPY on PostgreSQL).
Encrypted columns (follow-up titles, date labels, intake forms) reuse a few ciphertexts made
once with the real keyring, so every row is valid and decryptable.

The book: 100,000 clients (mixed Chinese and English names), 20 partners and 200 lawyers; each
client has a lead lawyer and a partner; the measured partner is partner on 20 % of the book
(20,000 clients), the other partners share the rest. 500,000 contact notes, 150,000 matters
over every practice area, 30 % of clients tagged, a yearly date per client, 20,000 hearings,
50,000 follow-ups, 30 intake requests waiting and 20 open complaints.

Measured, per view: everything from the database to the Block Kit payload (the flow's queries,
decrypting what is shown, the blocks, the JSON), not Slack's round trip. Each view runs
--repeat times in its own transaction (rolled back: the Home's read audit is not kept); the
first run (cold caches: the name-folding cache for searches) is shown apart from the median
and the worst of the rest. A partner's Home ends with the quarter's dashboard: it is measured
as it runs once the refresh job has stored the quarter's report (read and decrypted from
`report_snapshots`, the charts' Slack files found by digest, the read audited); computing that
report is timed once, apart, as the job's work.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bot.blocks.client_list import list_modal  # noqa: E402
from bot.blocks import report as report_blocks  # noqa: E402
from bot.blocks.home import home_section_blocks  # noqa: E402
from bot.flows import client_list, policy  # noqa: E402
from bot.flows.client_list import ClientFilter  # noqa: E402
from bot.flows.directory import find_actor  # noqa: E402
from bot.flows.home import home_data, record_read  # noqa: E402
from bot.flows.intake_form import AREAS  # noqa: E402
from bot.flows.report import charts  # noqa: E402
from bot.flows.report.quarter import quarter_report  # noqa: E402
from bot.flows.report.reading import (current_quarter, dashboard_report, known_chart_file,  # noqa: E402
                                      may_read_report, record_report_read, remember_chart_file)
from bot.flows.report.snapshot import claim_refresh, store_claimed  # noqa: E402
from bot.flows.workdays import calendar_of  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from benchmarks.bench_db import analyze, prepare_database, reset_sequences  # noqa: E402
from benchmarks.upkeep_scale import _bulk, _ts, say  # noqa: E402
from storage.crypto import Keyring  # noqa: E402
from storage.db import make_session_factory  # noqa: E402
from storage.models import Client  # noqa: E402

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)      # Monday 09:00 Asia/Shanghai
TIERS = [("strategic", 0.1), ("core", 0.3), ("potential", 0.55), ("lost", 0.05)]
CHANNELS = ["call", "meeting", "email", "wechat", "visit"]
PARTNERS, LAWYERS = 20, 200
HAN = "华东盛宏达信远泰安恒通鑫源新兴科技贸易实业发展国际投资控股建设电子医药食品物流文化传媒"
PLACES = ["浙江", "上海", "北京", "广东", "江苏", "深圳", "杭州", "苏州", "成都", "武汉"]
TRADES = ["科技", "贸易", "实业", "医药", "物流", "食品", "电子", "建设", "投资", "传媒"]
SYLLABLES = ["al", "ber", "cor", "dan", "el", "fan", "gor", "han", "ix", "jun", "kal", "lor", "mer",
             "nov", "or", "pax", "qui", "ren", "sol", "tor", "ul", "vin", "wex", "yor", "zen"]
WORDS = ["Trading", "Holdings", "Logistics", "Foods", "Pharma", "Tech", "Capital", "Textiles", "Media"]
TAGS = ["vip", "manufacturing", "export", "startup", "family", "listed", "soe", "fintech"]


def _name(rnd: random.Random, cid: int) -> str:
    """A Chinese or English company name (unique by the trailing number on collisions only)."""
    if rnd.random() < 0.5:
        core = "".join(rnd.choice(HAN) for _ in range(rnd.randint(2, 3)))
        return f"{rnd.choice(PLACES)}{core}{rnd.choice(TRADES)}有限公司"
    word = "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()
    return f"{word} {rnd.choice(WORDS)} Co., Ltd." if rnd.random() < 0.8 else f"{word} {word[:3]}son LLP"


def generate(engine: Any, keyring: Keyring, *, clients: int, notes: int, seed: int = 11) -> None:
    """Staff, clients with teams, notes, matters, tags, dates, follow-ups, intake and complaints."""
    pg = engine.dialect.name == "postgresql"
    rnd = random.Random(seed)
    t0 = time.perf_counter()
    conn = engine.raw_connection()
    raw = conn.driver_connection
    if not pg:
        raw.execute("BEGIN")
    try:
        staff = [(i, f"U{i:08d}", f"Staff {i}", "partner" if i <= PARTNERS else "lawyer", None, False, True,
                  _ts(NOW, pg)) for i in range(1, PARTNERS + LAWYERS + 1)]
        _bulk(raw, pg, "staff", ["id", "slack_user_id", "display_name", "role", "locale", "is_managing_partner",
                                 "active", "created_at"], staff)
        client_rows, team_rows, leads = [], [], {}
        for cid in range(1, clients + 1):
            tier = rnd.choices([t for t, _ in TIERS], [w for _, w in TIERS])[0]
            created = NOW - timedelta(days=rnd.randint(30, 1500))
            tags = json.dumps(rnd.sample(TAGS, rnd.randint(1, 3))) if rnd.random() < 0.3 else None
            client_rows.append((cid, "enterprise", _name(rnd, cid), tier, "lost" if tier == "lost" else "active",
                                tags, _ts(created, pg), _ts(created, pg)))
            lead = PARTNERS + rnd.randint(1, LAWYERS)
            partner = 1 if rnd.random() < 0.2 else rnd.randint(2, PARTNERS)
            leads[cid] = lead
            team_rows += [(len(team_rows) + 1, cid, lead, "lead_lawyer"),
                          (len(team_rows) + 2, cid, partner, "partner")]
        _bulk(raw, pg, "clients", ["id", "kind", "name", "tier", "status", "tags", "created_at", "updated_at"],
              client_rows)
        _bulk(raw, pg, "client_team", ["id", "client_id", "staff_id", "role"], team_rows)
        say(f"  clients {clients:,}, team rows {len(team_rows):,} ({time.perf_counter() - t0:.1f}s)")
        note_text = keyring.encrypt("call: discussed the matter and the next steps")
        batch: list[tuple[Any, ...]] = []
        for nid in range(1, notes + 1):
            cid = rnd.randint(1, clients)
            at = NOW - timedelta(days=rnd.random() * 400)
            batch.append((nid, cid, leads[cid], rnd.choice(CHANNELS), _ts(at, pg), note_text, _ts(at, pg)))
            if len(batch) >= 200_000 or nid == notes:
                _bulk(raw, pg, "contact_notes", ["id", "client_id", "author_id", "channel", "occurred_at", "text",
                                                 "created_at"], batch)
                batch = []
        say(f"  notes {notes:,} ({time.perf_counter() - t0:.1f}s)")
        matters = [(i, f"2026-M-{i:07d}", rnd.randint(1, clients), rnd.choice(AREAS),
                    "open" if rnd.random() < 0.6 else "closed", PARTNERS + rnd.randint(1, LAWYERS),
                    _ts(NOW - timedelta(days=rnd.randint(1, 900)), pg)) for i in range(1, clients * 3 // 2 + 1)]
        _bulk(raw, pg, "matters", ["id", "number", "client_id", "practice_area", "status", "lead_lawyer_id",
                                   "opened_at"], matters)
        label = keyring.encrypt("Intermediate People's Court, room 3")
        dates = [(cid, cid, None, "birthday" if cid % 2 else "anniversary",
                  date(1960 + cid % 50, 1 + cid % 12, 1 + cid % 28).isoformat(), None, True, _ts(NOW, pg))
                 for cid in range(1, clients + 1)]
        dates += [(clients + i, None, rnd.randint(1, len(matters)), "hearing",
                   (NOW.date() + timedelta(days=rnd.randint(0, 90))).isoformat(), label, False, _ts(NOW, pg))
                  for i in range(1, clients // 5 + 1)]
        _bulk(raw, pg, "important_dates", ["id", "client_id", "matter_id", "kind", "on_date", "label", "yearly",
                                           "created_at"], dates)
        title = keyring.encrypt("send the draft agreement")
        follow = [(i, rnd.randint(1, clients), rnd.randint(1, PARTNERS + LAWYERS) if i > 30 else 1, title,
                   (NOW.date() + timedelta(days=rnd.randint(-20, 30))).isoformat(), "open", _ts(NOW, pg))
                  for i in range(1, clients // 2 + 1)]
        _bulk(raw, pg, "follow_ups", ["id", "client_id", "owner_id", "title", "due_on", "status", "created_at"],
              follow)
        form = keyring.encrypt(json.dumps({"kind": "enterprise", "name": "浙江新客户科技有限公司", "source": "referral",
                                           "area": "nl_ip", "need": "trademarks"}))
        intake = [(i, f"bench-{i}", PARTNERS + i, "pending", "enterprise", "nl_ip", form,
                   _ts(NOW - timedelta(hours=i), pg), _ts(NOW - timedelta(hours=i), pg), False, False)
                  for i in range(1, 31)]
        _bulk(raw, pg, "intake_requests", ["id", "submission_key", "requester_id", "status", "client_kind",
                                           "practice_area", "form", "created_at", "submitted_at", "self_decided",
                                           "linked_client"], intake)
        secret = keyring.encrypt("details")
        complaints = [(i, rnd.randint(1, clients), PARTNERS + i, PARTNERS + i, secret, secret, secret, secret, "call",
                       _ts(NOW - timedelta(days=i), pg), "received", "channel", False, _ts(NOW, pg))
                      for i in range(1, 21)]
        _bulk(raw, pg, "complaints", ["id", "client_id", "against_staff_id", "recorded_by_id", "complainant_name",
                                      "complainant_contact", "description", "request", "received_via", "received_at",
                                      "status", "routing", "extension_client_told", "created_at"], complaints)
        if pg:
            reset_sequences(raw, ("staff", "clients", "client_team", "contact_notes", "matters", "important_dates",
                                  "follow_ups", "intake_requests", "complaints"))
        conn.commit()
    finally:
        conn.close()
    analyze(engine)
    say(f"generated in {time.perf_counter() - t0:.1f}s")


def measure(services: Services, label: str, work: Callable[[Any], Any], repeat: int) -> dict[str, Any]:
    """Run `work(session)` `repeat` times, each in a rolled-back transaction; print and return the times."""
    times, size = [], 0
    for _ in range(repeat):
        with services.session_factory() as session:
            t0 = time.perf_counter()
            size = len(json.dumps(work(session), ensure_ascii=False))
            times.append(time.perf_counter() - t0)
            session.rollback()
    rest = times[1:] or times
    result = {"view": label, "first_s": round(times[0], 3), "median_s": round(statistics.median(rest), 3),
              "worst_s": round(max(rest), 3), "payload_bytes": size}
    say(f"  {label:<58} first {times[0]:.3f}s  median {statistics.median(rest):.3f}s  "
        f"worst {max(rest):.3f}s  ({size:,} bytes)")
    return result


def main() -> None:
    """Generate (unless --reuse) and time the views."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="sqlite:////tmp/lawcrm_views_bench.db")
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--notes", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--reuse", action="store_true", help="keep the generated data from a previous run")
    args = ap.parse_args()
    engine, keyring = prepare_database(args.url, tag="views", reuse=args.reuse)
    if not args.reuse:
        say(f"generating {args.clients:,} clients and {args.notes:,} notes on {engine.dialect.name}…")
        generate(engine, keyring, clients=args.clients, notes=args.notes)
    settings = Settings(_env_file=None, database_url=args.url, alerts_channel="C0ALERTS",  # type: ignore[call-arg]
                        partner_review_channel="C0REVIEW")
    services = Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                        keyring=keyring, clock=lambda: NOW)
    cal = calendar_of(settings)
    today = cal.local_date(NOW)
    with services.session() as session:
        total = session.execute(select(func.count()).select_from(Client)).scalar_one()
        partner = find_actor(session, slack_user_id="U00000001", default_locale="en")
        lawyer = find_actor(session, slack_user_id=f"U{PARTNERS + 1:08d}", default_locale="en")
        probe = session.execute(select(Client.name).where(Client.id == total // 2)).scalar_one()
        own = session.execute(select(func.count()).select_from(Client).where(policy.my_clients(partner))).scalar_one()
    say(f"{engine.dialect.name}: {total:,} clients; searching e.g. {probe!r}")

    quarter = current_quarter(now=NOW, settings=settings)
    t0 = time.perf_counter()
    with services.session() as session:   # the dashboard's stored report, as the refresh job leaves it
        token = claim_refresh(session, quarter=quarter, now=NOW, refresh=None)
    if token is not None:
        with services.session() as session:
            report = quarter_report(session, quarter=quarter, settings=settings, now=NOW)
            store_claimed(session, report=report, token=token)
        with services.session() as session:   # each chart's Slack file on record, as after the first open
            for chart in charts.charts_with_data(report):
                remember_chart_file(session, quarter=quarter, chart=chart, locale=partner.locale,
                                    digest=charts.chart_digest(report, chart, partner.locale),
                                    file_id=f"F{chart.value}", now=NOW)
        say(f"  dashboard snapshot of {quarter.label} computed and stored (the refresh job's work, not part of "
            f"any view): {time.perf_counter() - t0:.2f}s")

    def dashboard(session: Any, actor: Any) -> list[Any]:
        """What the Home's dashboard section does for a partner with a stored snapshot (no Slack upload)."""
        if not may_read_report(actor):
            return []
        shown = dashboard_report(session, actor=actor, quarter=quarter, settings=settings, now=NOW)
        assert shown is not None
        images = []
        for chart in charts.charts_with_data(shown):
            file_id = known_chart_file(session, quarter=quarter, chart=chart, locale=actor.locale,
                                       digest=charts.chart_digest(shown, chart, actor.locale))
            assert file_id is not None, "a chart would be uploaded: the snapshot is not the one measured"
            images.append({"chart": chart, "file_id": file_id, "alt": charts.headline(shown, chart, actor.locale),
                           "title": charts.chart_title(chart, quarter, actor.locale)})
        record_report_read(session, by=actor.audit_name, quarter=quarter, where="app_home")
        return report_blocks.dashboard_blocks(shown, locale=actor.locale, images=images, now=NOW, tz=settings.tz)

    def home(actor: Any, pages: dict[str, int] | None = None) -> Callable[[Any], Any]:
        def run(session: Any) -> Any:
            data = home_data(session, actor=actor, today=today, cal=cal, settings=settings, pages=pages)
            record_read(session, actor=actor, data=data)
            return home_section_blocks(data=data, locale=actor.locale, today=today,
                                       churn_days=settings.churn_after_days) + dashboard(session, actor)
        return run

    def listing(actor: Any, flt: ClientFilter, page: int = 0) -> Callable[[Any], Any]:
        def run(session: Any) -> Any:
            shown = client_list.list_clients(session, actor=actor, flt=flt, page=page)
            lawyers = client_list.lawyer_choices(session)
            return list_modal(locale=actor.locale, flt=flt.for_actor(actor), page=shown, partner=True,
                              lawyers=lawyers)
        return run

    chinese = probe[2:5] if not probe.isascii() else "浙江华东"
    latin = probe.split()[0][:5] if probe.isascii() else "Alber"
    views = [
        (f"partner's App Home ({own:,} own clients), first pages", home(partner)),
        ("partner's App Home, later pages", home(partner, {"clients": 500, "quiet": 50, "dates": 20})),
        ("lawyer's App Home", home(lawyer)),
        ("partner's dashboard section alone (stored report)", lambda session: dashboard(session, partner)),
        (f"/client list: partner, all {total:,} clients, page 1", listing(partner, ClientFilter(lawyer="all"))),
        ("/client list: partner, all clients, last page", listing(partner, ClientFilter(lawyer="all"), total)),
        ("/client list: partner's own clients", listing(partner, ClientFilter())),
        ("/client filters: all, core, nl_ip, tag vip", listing(partner, ClientFilter(
            lawyer="all", tier="core", area="nl_ip", tag="VIP"))),
        (f"/client search over all clients: {chinese!r}", listing(partner, ClientFilter(lawyer="all", query=chinese))),
        (f"/client search over all clients: {latin!r}", listing(partner, ClientFilter(lawyer="all", query=latin))),
        (f"/client search, exact name {probe!r}", listing(partner, ClientFilter(lawyer="all", query=probe))),
        ("/client search with a typo", listing(partner, ClientFilter(lawyer="all", query=probe[:-3] + "xq"))),
        ("/client search: lawyer's own clients", listing(lawyer, ClientFilter(query=latin))),
    ]
    results = [measure(services, label, work, args.repeat) for label, work in views[:8]]
    with services.session_factory() as session:   # what opening the list does after its first page
        t0 = time.perf_counter()
        folded = client_list.prime_names(session, actor=partner)
        session.rollback()
    say(f"  folding the names of all {folded:,} clients for search (once per process, when the list opens; "
        f"not part of any view): {time.perf_counter() - t0:.2f}s")
    results += [measure(services, label, work, args.repeat) for label, work in views[8:]]
    with services.session_factory() as session:
        t0 = time.perf_counter()
        rows = client_list.export_clients(session, actor=partner, flt=ClientFilter())
        book = client_list.workbook(rows, locale="en")
        session.rollback()
    say(f"  export of the partner's own {len(rows):,} clients to XLSX: {time.perf_counter() - t0:.2f}s "
        f"({len(book):,} bytes; runs after the click is acknowledged)")
    worst = max(max(r["first_s"], r["worst_s"]) for r in results)
    say(f"slowest view (any run, cold included): {worst:.3f}s — target < 1 s: {'met' if worst < 1 else 'NOT met'}")
    engine.dispose()


if __name__ == "__main__":
    main()
