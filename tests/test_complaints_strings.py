"""Every generated complaint and survey message key exists."""

from __future__ import annotations


from bot.flows.complaints import NEXT_STEPS, ROOT_CAUSES, TRANSITIONS, VIA
from bot.flows.surveys import DIMENSIONS
from bot.i18n import catalog


def test_every_generated_key_exists():
    keys = set(catalog())
    wanted = {f"complaint.status.{s}" for s in NEXT_STEPS} | {f"complaint.error.at.{s}" for s in NEXT_STEPS}
    wanted |= {f"complaint.step.{s}" for s in TRANSITIONS} | {f"complaint.button.{s}" for s in TRANSITIONS}
    wanted |= {f"complaint.via.{v}" for v in VIA} | {f"complaint.cause.{c}" for c in ROOT_CAUSES}
    wanted |= {f"survey.dim.{d}" for d in DIMENSIONS} | {f"survey.field.{d}" for d in DIMENSIONS}
    wanted |= {"complaint.step.recorded", "complaint.card.deadline.acknowledge", "complaint.card.deadline.answer",
               "complaint.list.due.acknowledge", "complaint.list.due.answer"}
    assert wanted - keys == set()


def test_csat_by_area_shows_the_practice_area_names_intake_uses():
    from bot.labels import label

    assert label("practice_area", "lit_civil", "zh-CN") == "诉讼 — 民商事"
    assert label("practice_area", "nl_ip", "en") == "Non-litigation — IP"
    assert label("practice_area", "litigation", "en") == "litigation"  # an imported code without a name
