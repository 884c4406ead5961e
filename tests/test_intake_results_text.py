"""How a conflict hit's reasons read in the intake results (the same phrase as everywhere)."""

from __future__ import annotations

from bot.blocks.intake import query_text
from bot.flows.conflicts import why_text

RESULT = {"query": "Acme", "group": "client",
          "hits": [{"party_id": 1, "name": "Acme Ltd", "role": "adverse", "matter": None, "score": 100.0,
                    "reasons": ["id_number", "same_name"]}]}


def test_reasons_read_as_the_conflict_phrase_in_both_languages():
    en = query_text(RESULT, "en")
    assert "same ID number / credit code; same name" in en
    assert why_text(["id_number", "same_name"], "en") in en
    assert why_text(["id_number", "same_name"], "zh-CN") in query_text(RESULT, "zh-CN")
