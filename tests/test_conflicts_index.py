"""The in-process index structures: the compact multimap and slot retirement."""

from __future__ import annotations

import pytest

from bot.flows.matching import multimap
from bot.flows.matching.index import NameIndex
from bot.flows.matching.multimap import MultiMap, key_hash
from bot.flows.matching.normalize import Normalizer


def test_multimap_bulk_then_incremental_then_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    mm = MultiMap()
    for slot, key in enumerate(["a", "b", "a", "c"]):
        mm.stage(key_hash(key), slot)
    mm.build()
    assert sorted(mm.get(key_hash("a"))) == [0, 2] and mm.count(key_hash("b")) == 1
    assert list(mm.get(key_hash("zzz"))) == []
    monkeypatch.setattr(multimap, "MERGE_AFTER", 2)
    mm.add(key_hash("a"), 4)
    assert sorted(mm.get(key_hash("a"))) == [0, 2, 4] and mm.delta        # still in the dict
    mm.add(key_hash("d"), 5)
    mm.add(key_hash("a"), 6)                                               # third addition merges
    assert not mm.delta and len(mm.keys) == 7
    assert sorted(mm.get(key_hash("a"))) == [0, 2, 4, 6] and list(mm.get(key_hash("d"))) == [5]


def test_forgotten_party_slots_are_retired_and_refiled_ones_live() -> None:
    index = NameIndex(Normalizer())
    index.add(party_id=7, alias_id=0, name="Acme Holdings Ltd", kind=None)
    index.add(party_id=8, alias_id=0, name="Acme Holdings Inc", kind=None)
    index.finish_bulk()
    q = index.norm.features("ACME HOLDINGS")
    assert {index.party[s] for s in index.candidates(q)} == {7, 8}
    index.forget_party(7)
    assert {index.party[s] for s in index.candidates(q)} == {8}
    index.add(party_id=7, alias_id=0, name="Acme Holdings LLC", kind=None)
    assert {index.party[s] for s in index.candidates(q)} == {7, 8}


def test_typo_candidates_come_from_word_variants() -> None:
    index = NameIndex(Normalizer())
    index.add(party_id=1, alias_id=0, name="Meridian Pharmaceuticals Limited", kind=None)
    index.add(party_id=2, alias_id=0, name="Zenith Pharmaceuticals Limited", kind=None)
    index.finish_bulk()
    assert "meridian" in index.expansions("meridan")
    found = index.candidates(index.norm.features("Meridan Pharmaceuticals"))
    assert {index.party[s] for s in found} == {1}


DETERMINISM_SCRIPT = """
import json
from bot.flows.matching.index import NameIndex
from bot.flows.matching.normalize import Normalizer

index = NameIndex(Normalizer())
names = ["Harrington Pharmaceuticals Worldwide", "Pharmacuetcal Labs", "Quillfeather Oberlin Tessaract",
         "Tessaract Imaging", "Oberlin Dynamics", "Quillfeather Analytics"]
for pid, name in enumerate(names, 1):
    index.add(party_id=pid, alias_id=0, name=name, kind="organization")
index.finish_bulk()
from bot.flows.matching.scoring import compare

out = {}
for query in ["Harrington Pharmacuetcals Worldwide", "Quillfeathre Oberlni Tessaract",
              "Quillfeather Oberlin Tesaract", "Pharmaceuticals Harington", "Tessaract", "Oberlin"]:
    q = index.norm.features(query)
    found = sorted(index.candidates(q))
    out[query] = sorted(index.party[s] for s in found)
    judged = [compare(q, index.norm.features(names[index.party[s] - 1], "organization")) for s in found]
    out[query + " scored"] = sorted((index.party[s], m.band, m.score, list(m.reasons))
                                    for s, m in zip(found, judged) if m)
print(json.dumps(out, sort_keys=True))
"""


def test_candidates_do_not_depend_on_the_process_hash_seed() -> None:
    """Anchor-word ties are broken by the word, so every process finds the same slots."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    answers = []
    for seed in ("1", "2", "3", "4", "5", "6", "7", "8"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", DETERMINISM_SCRIPT], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        answers.append(json.loads(done.stdout))
    assert all(a == answers[0] for a in answers), answers
    assert 1 in answers[0]["Harrington Pharmacuetcals Worldwide"]
