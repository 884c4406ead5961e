"""The labelled evaluation set meets the quality targets (a deterministic subset, kept fast)."""

from __future__ import annotations

from benchmarks.conflict_eval import (TARGET_MEAN_HITS, TARGET_RECALL, TARGET_REJECTION, evaluate,
                                      load_cases)
from bot.services import Services


def test_eval_subset_meets_targets(services: Services) -> None:
    cases = load_cases()
    subset = [c for i, c in enumerate(cases) if i < 60 or i % 3 == 0]   # all hand-written + a third
    assert {c["expected"] for c in subset} == {"match", "none"}
    report = evaluate(services, subset)
    assert report.variants >= 100 and report.near_misses >= 80
    assert report.recall >= TARGET_RECALL, report.failures
    assert report.rejection >= TARGET_REJECTION, report.failures
    assert report.mean_hits <= TARGET_MEAN_HITS


def test_eval_set_covers_both_languages_variants_and_near_misses() -> None:
    cases = load_cases()
    categories = {c["category"] for c in cases}
    for needed in ("zh_org_region", "zh_person_pinyin", "zh_person_homophone", "zh_org_trad", "zh_alias",
                   "en_person_nickname", "en_person_order", "en_org_legal", "en_person_typo", "id_number",
                   "zh_org_nearmiss", "zh_person_nearmiss", "en_org_nearmiss", "en_person_nearmiss"):
        assert needed in categories, needed
    assert len(cases) >= 300
