"""Scale of the conflict matcher: 1,000,000 parties, import time, start-up, latency, memory.

Run: .venv/bin/python -m benchmarks.conflict_scale [--parties 1000000] [--queries 300] [--db URL]
1. generates realistic parties (English and Chinese persons and companies, mixed roles) as CSV;
2. imports them with `lawcrm conflicts import` (a separate process, as an operator would);
3. builds the index in this process (cold start: no snapshot yet; the build writes the snapshot)
   and checks a few hundred names one at a time through `search_conflicts` (each check includes
   the catch-up with the database);
4. warm start: a fresh process (after a few more parties are recorded, so the change feed is
   replayed) loads the snapshot and answers its first check; then `lawcrm conflicts check NAME`
   is timed wall-clock as an operator runs it;
5. measures the naive baseline (rapidfuzz `process.extract` with `fuzz.WRatio` over every
   name) on the same data in the same run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import opencc
import psutil
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process
from sqlalchemy import text

from benchmarks.conflicts import names as pools
from bot.flows.conflicts import record_party, search_conflicts
from bot.flows.identifiers import resident_id_check_char
from storage.crypto import generate_key_material
from bot.flows.matching.engine import CACHE_KEY

WARM_START = """
import json, resource, sys, time
t0 = time.monotonic()
from bot.services import build_services
from bot.settings import Settings
from bot.flows.conflicts import search_conflicts
from bot.flows.matching.engine import CACHE_KEY
settings = Settings(_env_file=None)
services = build_services(settings)
t1 = time.monotonic()
with services.session() as session:
    res = search_conflicts(session, names=[sys.argv[1]], cache=services.cache)
t2 = time.monotonic()
eng = services.cache[CACHE_KEY]
print(json.dumps({"imports": t1 - t0, "first_check": t2 - t1, "total": t2 - t0,
                  "loaded_from": eng.loaded_from, "load": eng.timings.get("load"),
                  "hits": [h.name for h in res[0].hits],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

ROLES = ("client", "former_client", "adverse", "related")


def log(msg: str) -> None:
    """Progress on stderr."""
    print(msg, file=sys.stderr, flush=True)


def rss_mb() -> float:
    """Resident memory of this process now."""
    return psutil.Process().memory_info().rss / 2**20


def peak_mb() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_id(rng: random.Random) -> str:
    """A valid 18-character resident ID (region, a real birth date, the right check character):
    the import refuses any other, and every generated row must be imported."""
    first17 = f"{rng.randint(110000, 659999)}{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}" \
              f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + resident_id_check_char(first17)


def generate(path: Path, n: int, seed: int) -> None:
    """Write n parties as an import CSV."""
    rng = random.Random(seed)
    makers = [(pools.han_person, "person", 0.30), (pools.han_company, "organization", 0.30),
              (pools.en_person, "person", 0.20), (pools.en_company, "organization", 0.20)]
    weights = [m[2] for m in makers]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "role", "kind", "matter", "id_number"])
        for i in range(n):
            make, kind, _ = rng.choices(makers, weights)[0]
            idn = resident_id(rng) if rng.random() < 0.1 else ""
            w.writerow([make(rng), rng.choice(ROLES), kind if rng.random() < 0.7 else "",
                        f"M-{i // 4:06d}", idn])
            if i and i % 200_000 == 0:
                log(f"  generated {i}")


def make_queries(names: list[str], n: int, seed: int) -> tuple[list[str], list[str | None]]:
    """Half variants of recorded names, half fresh names (mostly no hit); and the name each variant
    was made from (None for fresh names)."""
    rng = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    out: list[str] = []
    expected: list[str | None] = []
    for i in range(n):
        if i % 2:
            maker = rng.choice([pools.han_person, pools.han_company, pools.en_person, pools.en_company])
            out.append(maker(rng))
            expected.append(None)
            continue
        name = rng.choice(names)
        expected.append(name)
        if any("\u4e00" <= ch <= "\u9fff" for ch in name):
            if len(name) <= 4 and rng.random() < 0.5:
                out.append(" ".join(p.capitalize() for p in lazy_pinyin(name)))
            else:
                out.append(s2t.convert(name))
        else:
            words = name.split()
            if len(words[-1]) >= 5 and rng.random() < 0.5:
                w = words[-1]
                words[-1] = w[:2] + w[3:]
            out.append(" ".join(reversed(words)) if len(words) == 2 else " ".join(words).upper())
    return out, expected


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))]


def main() -> None:
    """Run every step and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline-queries", type=int, default=30)
    parser.add_argument("--db", default=None,
                        help="database URL (default: a temporary SQLite file); use a freshly created "
                             "database: a reused one's million deleted rows slow PostgreSQL until vacuumed")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from bot.services import build_services
    from bot.settings import Settings
    from storage import migrate

    tmp = Path(tempfile.mkdtemp(prefix="conflict-scale-"))
    url = args.db or f"sqlite:///{tmp}/scale.db"
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(tmp)}
    settings = Settings(_env_file=None, database_url=url, data_dir=tmp)  # type: ignore[call-arg]
    if args.db:  # PostgreSQL never makes up keys by itself: this run's own, in its data directory
        (tmp / "keys.json").write_text(json.dumps(generate_key_material()))
    services = build_services(settings)
    migrate.upgrade(services.engine)
    if args.db:
        with services.engine.begin() as conn:
            conn.execute(text("DELETE FROM party_aliases"))
            conn.execute(text("DELETE FROM parties"))
            conn.execute(text("DELETE FROM party_changes"))

    csv_path = tmp / "parties.csv"
    log(f"generating {args.parties} parties -> {csv_path}")
    t0 = time.monotonic()
    generate(csv_path, args.parties, args.seed)
    gen_s = time.monotonic() - t0

    log("importing with `lawcrm conflicts import` …")
    t0 = time.monotonic()
    lawcrm = Path(sys.executable).with_name("lawcrm")
    proc = subprocess.run([str(lawcrm), "conflicts", "import", str(csv_path)], env=env,
                          capture_output=True, text=True, check=False)
    import_s = time.monotonic() - t0
    log(proc.stdout.strip())
    if proc.returncode:
        log(proc.stderr[-2000:])
        raise SystemExit("import failed")

    base_rss = rss_mb()
    log("cold start: building the index (no snapshot yet) …")
    t0 = time.monotonic()
    with services.session() as session:
        search_conflicts(session, names=["warm-up"], cache=services.cache)
    startup_s = time.monotonic() - t0
    engine = services.cache[CACHE_KEY]
    build_s, save_s = engine.timings.get("load", 0.0), engine.timings.get("save", 0.0)
    snap_mb = engine.snapshot_path.stat().st_size / 2**20 if engine.snapshot_path and \
        engine.snapshot_path.exists() else 0.0
    after_build_rss = rss_mb()
    build_peak = peak_mb()
    log(f"  cold start {startup_s:.1f}s (build {build_s:.1f}s, snapshot write {save_s:.1f}s, "
        f"{snap_mb:.0f} MB), RSS {after_build_rss:.0f} MB (peak {build_peak:.0f} MB)")

    with services.engine.connect() as conn:
        all_names = [r[0] for r in conn.execute(text("SELECT name FROM parties ORDER BY id"))]
    queries, expected = make_queries(all_names, args.queries, args.seed + 1)
    log(f"checking {len(queries)} names one at a time …")
    latencies, hits, found, first = [], [], 0, 0
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        with services.session() as session:
            res = search_conflicts(session, names=[q], cache=services.cache)
        latencies.append((time.perf_counter() - t0) * 1000)
        hits.append(len(res[0].hits))
        if expected[i] is not None:
            names_hit = [h.name for h in res[0].hits]
            found += expected[i] in names_hit
            first += bool(names_hit) and names_hit[0] == expected[i]
        if i and i % 100 == 0:
            log(f"  {i} checked, p95 so far {percentile(latencies, 95):.1f} ms")
    peak_ours = peak_mb()
    rss_ours = rss_mb()

    log("warm start: recording 50 parties after the snapshot, then a fresh process …")
    with services.session() as session:
        for i in range(50):
            record_party(session, name=f"Snapshotafter Holdings {i} Ltd", role="adverse", source="bench")
        session.commit()
    warm_runs = []
    for probe in (queries[0], "Snapshotafter Holdings 7 Ltd"):
        proc = subprocess.run([sys.executable, "-c", WARM_START, probe], env=env, capture_output=True,
                              text=True, check=False)
        if proc.returncode:
            log(proc.stderr[-2000:])
            raise SystemExit("warm start failed")
        warm_runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    warm = warm_runs[0]
    log(f"  {warm_runs}")
    assert "Snapshotafter Holdings 7 Ltd" in warm_runs[1]["hits"], "a write after the snapshot was missed"
    cli_walls = []
    for probe in queries[:3]:
        t0 = time.monotonic()
        proc = subprocess.run([str(lawcrm), "conflicts", "check", probe], env=env, capture_output=True,
                              text=True, check=False)
        cli_walls.append(time.monotonic() - t0)
        if proc.returncode:
            log(proc.stderr[-2000:])
            raise SystemExit("lawcrm conflicts check failed")

    log(f"naive baseline: rapidfuzz process.extract(WRatio) over {len(all_names)} names, "
        f"{args.baseline_queries} queries …")
    base_lat = []
    for q in queries[: args.baseline_queries]:
        t0 = time.perf_counter()
        process.extract(q, all_names, scorer=fuzz.WRatio, limit=10, score_cutoff=85)
        base_lat.append((time.perf_counter() - t0) * 1000)

    with services.engine.connect() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM parties")).scalar()
    backend = services.engine.dialect.name
    print(f"\n== conflict matcher at scale ({backend}, {n} parties, {os.cpu_count()} cores) ==")
    print(f"generate CSV:           {gen_s:7.1f} s")
    print(f"import (lawcrm):        {import_s:7.1f} s")
    print(f"cold start (no snapshot): {startup_s:5.1f} s   (build {build_s:.1f} s, snapshot write {save_s:.1f} s, "
          f"snapshot {snap_mb:.0f} MB)")
    print(f"warm start, fresh process: first check {warm['first_check']:.2f} s after imports "
          f"({warm['total']:.2f} s from process start; snapshot load + replay {warm['load']:.2f} s; "
          f"peak RSS {warm['peak_mb']:.0f} MB; loaded from {warm['loaded_from']})")
    print("`lawcrm conflicts check NAME` wall: " + ", ".join(f"{w:.2f} s" for w in cli_walls))
    print(f"RSS before index:       {base_rss:7.0f} MB")
    print(f"RSS after index:        {after_build_rss:7.0f} MB")
    print(f"peak RSS (ours):        {peak_ours:7.0f} MB   (after queries RSS {rss_ours:.0f} MB)")
    print(f"latency per name (ms):  p50 {percentile(latencies, 50):.1f}  p95 {percentile(latencies, 95):.1f}  "
          f"max {max(latencies):.1f}  mean {statistics.mean(latencies):.1f}  ({len(latencies)} names)")
    print(f"hits per name:          mean {statistics.mean(hits):.2f}  max {max(hits)}")
    variants = sum(e is not None for e in expected)
    print(f"variants found:         {found}/{variants}   expected party first: {first}/{variants} "
          f"({first / max(variants, 1):.1%})")
    print(f"naive WRatio (ms):      p50 {percentile(base_lat, 50):.0f}  p95 {percentile(base_lat, 95):.0f}  "
          f"max {max(base_lat):.0f}  ({len(base_lat)} names)")
    ratios = [b / max(o, 1e-9) for b, o in zip(base_lat, latencies, strict=False)]
    print(f"speed-up vs WRatio:     p50 {percentile(base_lat, 50) / max(percentile(latencies, 50), 1e-9):.0f}x  "
          f"p95 {percentile(base_lat, 95) / max(percentile(latencies, 95), 1e-9):.0f}x   "
          f"per query on the same {len(ratios)} names: median {statistics.median(ratios):.0f}x, "
          f"lowest {min(ratios):.0f}x")
    slowest = sorted(zip(latencies, queries, strict=False), reverse=True)[:5]
    print("slowest names (ms):     " + ", ".join(f"{q} {ms:.0f}" for ms, q in slowest))
    print(f"peak RSS incl. baseline:{peak_mb():7.0f} MB")
    services.engine.dispose()


if __name__ == "__main__":
    main()
