"""Every complaint and survey message exists in both languages with the same placeholders."""

from __future__ import annotations

import string

from bot.flows.complaints import NEXT_STEPS, ROOT_CAUSES, TRANSITIONS, VIA
from bot.flows.surveys import DIMENSIONS
from bot.i18n import LOCALES, catalog
from bot.locales.complaints import MESSAGES


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_with_the_same_placeholders():
    for key, entry in MESSAGES.items():
        assert set(entry) == set(LOCALES), key
        assert _fields(entry["en"]) == _fields(entry["zh-CN"]), key
        assert key.split(".")[0] in ("complaint", "survey", "stats", "matter_close"), key


def test_every_generated_key_exists():
    keys = set(catalog())
    wanted = {f"complaint.status.{s}" for s in NEXT_STEPS} | {f"complaint.error.at.{s}" for s in NEXT_STEPS}
    wanted |= {f"complaint.step.{s}" for s in TRANSITIONS} | {f"complaint.button.{s}" for s in TRANSITIONS}
    wanted |= {f"complaint.via.{v}" for v in VIA} | {f"complaint.cause.{c}" for c in ROOT_CAUSES}
    wanted |= {f"survey.dim.{d}" for d in DIMENSIONS} | {f"survey.field.{d}" for d in DIMENSIONS}
    wanted |= {"complaint.step.recorded", "complaint.card.deadline.acknowledge", "complaint.card.deadline.answer",
               "complaint.list.due.acknowledge", "complaint.list.due.answer"}
    assert wanted - keys == set()
