"""The labelled evaluation set meets the quality targets (a deterministic subset, kept fast)."""

from __future__ import annotations

from benchmarks.conflict_eval import (TARGET_FIRST, TARGET_MEAN_HITS, TARGET_RECALL, TARGET_REJECTION, evaluate,
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
    assert report.first_hit >= TARGET_FIRST


def test_eval_set_covers_both_languages_variants_and_near_misses() -> None:
    cases = load_cases()
    categories = {c["category"] for c in cases}
    for needed in ("zh_org_region", "zh_person_pinyin", "zh_person_homophone", "zh_org_trad", "zh_alias",
                   "en_person_nickname", "en_person_order", "en_org_legal", "en_person_typo", "id_number",
                   "zh_org_nearmiss", "zh_person_nearmiss", "en_org_nearmiss", "en_person_nearmiss"):
        assert needed in categories, needed
    assert len(cases) >= 300


EVERYDAY_CLASSES = ("en_org_trade", "zh_org_trade", "en_org_legal_words", "en_org_legal_typo", "en_org_numerals",
                    "en_person_title", "zh_person_title", "en_person_extra", "en_person_joined", "en_org_joined",
                    "en_person_translit", "en_org_translit", "en_org_short_typo", "en_person_short_typo")


def test_everyday_classes_meet_the_targets_each(services: Services) -> None:
    """Trade names, legal forms, numerals, titles, extra or joined words, transliterations, short typos."""
    cases = load_cases()
    everyday = [c for c in cases if c["category"].removesuffix("_nearmiss") in EVERYDAY_CLASSES]
    assert {c["category"] for c in everyday} >= {*EVERYDAY_CLASSES, "en_org_trade_nearmiss", "zh_org_trade_nearmiss"}
    report = evaluate(services, everyday)
    for cls in EVERYDAY_CLASSES:
        ok, total, _first = report.by_category[cls]
        assert total >= 10 and ok / total >= TARGET_RECALL, (cls, report.failures)
        ok, total, _first = report.by_category.get(f"{cls}_nearmiss", [1, 1, 0])
        assert ok / total >= TARGET_REJECTION, (cls, report.failures)
    assert report.first_hit >= TARGET_FIRST
