"""Quality of the conflict matcher on the labelled evaluation set.

Run: .venv/bin/python -m benchmarks.conflict_eval [--db sqlite:///…] [--show-failures]
Reports recall (variants found), near-miss rejection (near misses not flagged), first hit (the
expected party ranked first), mean hits per query, and each per class. Targets: recall >= 0.98,
rejection >= 0.95, first hit >= 0.95, mean hits <= 3.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.flows.conflicts import record_party, search_conflicts
from bot.services import Services

EVAL_SET = Path(__file__).parent / "conflicts" / "eval_set.csv"
TARGET_RECALL, TARGET_REJECTION, TARGET_MEAN_HITS, TARGET_FIRST = 0.98, 0.95, 3.0, 0.95


@dataclass
class EvalReport:
    """The measured quality."""

    variants: int = 0
    found: int = 0
    first: int = 0
    near_misses: int = 0
    rejected: int = 0
    queries: int = 0
    hits: int = 0
    failures: list[str] = field(default_factory=list)
    by_category: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))

    @property
    def recall(self) -> float:
        """Share of variants whose recorded party was found."""
        return self.found / self.variants if self.variants else 1.0

    @property
    def first_hit(self) -> float:
        """Share of variants whose recorded party was the first hit."""
        return self.first / self.variants if self.variants else 1.0

    @property
    def rejection(self) -> float:
        """Share of near misses whose recorded party was not flagged."""
        return self.rejected / self.near_misses if self.near_misses else 1.0

    @property
    def mean_hits(self) -> float:
        """Hits per query."""
        return self.hits / self.queries if self.queries else 0.0

    def meets_targets(self) -> bool:
        """Whether every target is met."""
        return (self.recall >= TARGET_RECALL and self.rejection >= TARGET_REJECTION
                and self.first_hit >= TARGET_FIRST and self.mean_hits <= TARGET_MEAN_HITS)


def load_cases(path: Path = EVAL_SET) -> list[dict[str, str]]:
    """Every case of the CSV."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def evaluate(services: Services, cases: list[dict[str, str]]) -> EvalReport:
    """Record every party of the cases, run every query, score the answers."""
    parties: dict[tuple[str, str, str, str], int] = {}
    with services.session() as session:
        for c in cases:
            key = (c["recorded"], c["recorded_kind"], c["recorded_aliases"], c["recorded_id"])
            if key in parties:
                continue
            party = record_party(session, name=c["recorded"], role="adverse", kind=c["recorded_kind"] or None,
                                 id_number=c["recorded_id"] or None,
                                 aliases=[a for a in c["recorded_aliases"].split("|") if a], source="eval")
            parties[key] = party.id
    report = EvalReport()
    with services.session() as session:
        results = search_conflicts(session, names=[c["query"] for c in cases],
                                   id_numbers=[c["query_id"] for c in cases], cache=services.cache)
    for c, result in zip(cases, results, strict=True):
        pid = parties[(c["recorded"], c["recorded_kind"], c["recorded_aliases"], c["recorded_id"])]
        hit_ids = {h.party_id for h in result.hits}
        report.queries += 1
        report.hits += len(result.hits)
        stats = report.by_category[c["category"]]
        stats[1] += 1
        if c["expected"] == "match":
            report.variants += 1
            ok = pid in hit_ids
            report.found += ok
            first = bool(result.hits) and result.hits[0].party_id == pid
            report.first += first
            stats[2] += first
        else:
            report.near_misses += 1
            ok = pid not in hit_ids
            report.rejected += ok
        stats[0] += ok
        if not ok:
            got = "; ".join(f"{h.name} {h.score} {','.join(h.reasons)}" for h in result.hits) or "no hits"
            report.failures.append(f"#{c['case']} {c['category']} {c['recorded']!r} <- {c['query']!r}: {got}")
    return report


def main() -> None:
    """Run on a fresh SQLite database (or --db) and print the figures."""
    from bot.settings import Settings
    from bot.services import build_services
    from storage import migrate

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/eval.db"
        services = build_services(Settings(_env_file=None, database_url=url, data_dir=Path(tmp)))  # type: ignore[call-arg]
        migrate.upgrade(services.engine)
        cases = load_cases()
        started = time.monotonic()
        report = evaluate(services, cases)
        took = time.monotonic() - started
        services.engine.dispose()
    print(f"cases: {len(cases)} ({report.variants} variants, {report.near_misses} near misses) in {took:.1f}s")
    print(f"recall:              {report.recall:.3f}  (target >= {TARGET_RECALL})")
    print(f"near-miss rejection: {report.rejection:.3f}  (target >= {TARGET_REJECTION})")
    print(f"first hit:           {report.first_hit:.3f}  (target >= {TARGET_FIRST})")
    print(f"mean hits per query: {report.mean_hits:.2f}  (target <= {TARGET_MEAN_HITS})")
    print("by category (ok/total; for variants also first hit):")
    for cat, (ok, total, first) in sorted(report.by_category.items()):
        print(f"  {cat:30s} {ok:3d}/{total:<3d}" + (f"  first {first}/{total}" if "nearmiss" not in cat else ""))
    if args.show_failures or report.failures and len(report.failures) <= 30:
        for f in report.failures:
            print("  FAIL", f)
    raise SystemExit(0 if report.meets_targets() else 1)


if __name__ == "__main__":
    main()
