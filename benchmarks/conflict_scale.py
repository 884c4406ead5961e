"""Scale of the conflict matcher: 1,000,000 parties, import time, start-up, latency, memory.

Run: .venv/bin/python -m benchmarks.conflict_scale [--parties 1000000] [--queries 300] [--db URL]
1. generates realistic parties (English and Chinese persons and companies, mixed roles) as CSV;
2. imports them with `lawcrm conflicts import` (a separate process, as an operator would);
3. builds the index in this process (start-up) and checks a few hundred names one at a time
   through `search_conflicts` (each check includes the catch-up with the database);
4. measures the naive baseline (rapidfuzz `process.extract` with `fuzz.WRatio` over every
   name) on the same data in the same run.
"""

from __future__ import annotations

import argparse
import csv
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
from bot.flows.conflicts import search_conflicts

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
            idn = "".join(rng.choice("0123456789") for _ in range(17)) + rng.choice("0123456789X") \
                if rng.random() < 0.1 else ""
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
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from bot.services import build_services
    from bot.settings import Settings
    from storage import migrate

    tmp = Path(tempfile.mkdtemp(prefix="conflict-scale-"))
    url = args.db or f"sqlite:///{tmp}/scale.db"
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(tmp)}
    settings = Settings(_env_file=None, database_url=url, data_dir=tmp)  # type: ignore[call-arg]
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
    log("building the index (start-up) …")
    t0 = time.monotonic()
    with services.session() as session:
        search_conflicts(session, names=["warm-up"], cache=services.cache)
    startup_s = time.monotonic() - t0
    after_build_rss = rss_mb()
    build_peak = peak_mb()
    log(f"  start-up {startup_s:.1f}s, RSS {after_build_rss:.0f} MB (peak {build_peak:.0f} MB)")

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
    print(f"index start-up:         {startup_s:7.1f} s")
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
    print(f"peak RSS incl. baseline:{peak_mb():7.0f} MB")
    services.engine.dispose()


if __name__ == "__main__":
    main()
