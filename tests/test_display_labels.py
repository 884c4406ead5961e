"""What users read: words for stored codes, short checkbox labels, aligned tables, emoji Slack draws."""

from __future__ import annotations

import re

import pytest

from bot.blocks.intake import form_modal
from bot.blocks.surveys import csat_text
from bot.blocks.table import display_width
from bot.console.render import EMOJI
from bot.flows.intake_form import AREAS, KINDS, SOURCES
from bot.flows.surveys import CsatReport, CsatRow
from bot.i18n import LOCALES, catalog
from bot.ids import IntakeBlock
from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from bot.labels import VOCABULARIES, label
from storage.models.enums import ClientStatus, ContactChannel, TeamRole, Tier
from tests.support import make_staff
from tests.upkeep_support import add_follow_up, make_client
from tests.complaint_support import make_matter

CODES = {
    "tier": [t.value for t in Tier], "status": [s.value for s in ClientStatus],
    "team_role": [r.value for r in TeamRole], "channel": [c.value for c in ContactChannel],
    "date_kind": ["birthday", "anniversary", "hearing", "deadline"], "practice_area": list(AREAS),
    "client_kind": list(KINDS), "source": list(SOURCES),
}


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_every_stored_code_has_a_word_in_english_and_chinese(vocabulary):
    for code in CODES[vocabulary]:
        entry = catalog()[f"{VOCABULARIES[vocabulary]}.{code}"]
        assert set(LOCALES) <= set(entry), (vocabulary, code)
        assert "_" not in entry["en"] and "_" not in entry["zh-CN"], (vocabulary, code)
    assert label("practice_area", "made_up_area", "en") == "made up area"


@pytest.mark.parametrize("locale,words", [
    ("en", ("Litigation — civil", "Potential client", "Active")),
    ("zh-CN", ("诉讼 — 民商事", "潜在客户", "活跃")),
])
def test_client_card_shows_words_not_codes(services, slack, fake_slack, locale, words):
    make_staff(services, "U0LAW", "lawyer", "Li Lei", locale=locale)
    c = make_client(services, "Acme Trading Ltd", tier="potential", team={"U0LAW": "lead_lawyer"})
    make_matter(services, c, "2026-LIT-0001", lead="U0LAW", area="lit_civil")
    slack.command("U0LAW", "/client", "acme trading")
    body = str(fake_slack.wait_for("response_url")[0].params["blocks"])
    for word in words:
        assert word in body, word
    assert "lit_civil" not in body and "*potential*" not in body and "lead_lawyer" not in body


def test_consent_checkbox_label_is_short_whole_and_not_repeated():
    for locale in LOCALES:
        view = form_modal(locale)
        block = next(b for b in view["blocks"] if b.get("block_id") == IntakeBlock.CONSENT)
        [opt] = block["element"]["options"]
        text, desc = opt["text"]["text"], opt["description"]["text"]
        assert len(text) <= 75 and not text.endswith("…")
        assert text == catalog()["intake.field.consent_option"][locale]       # never cut
        assert len(desc) <= 150 and desc == catalog()["intake.field.consent_hint"][locale]
        assert text not in desc and not desc.startswith(text[:20])           # not said twice
        assert "28" in desc                                                  # the law is cited once


def _table_lines(text):
    inner = text.split("```")[1].strip("\n").split("\n")
    return [line for line in inner if "|" in line]


def _bars(line):
    cols, at = [], 0
    for ch in line:
        if ch == "|":
            cols.append(at)
        at += display_width(ch)
    return cols


@pytest.mark.parametrize("locale", LOCALES)
def test_csat_table_columns_line_up_with_chinese_text(locale):
    row = lambda g, n, s, a: CsatRow(group=g, surveys=n, satisfied=s, average=a)  # noqa: E731
    report = CsatReport(
        overall=row("all", 1234, 1000, 4.4),
        by_month=[row("2026-10", 3, 2, 4.0), row("2026-11", 12, 11, 4.6)],
        by_area=[row("lit_civil", 5, 4, 4.2), row("nl_ip", 10, 9, 4.8), row("something_new", 1, 0, 2.0)],
        by_lawyer=[row("王芳", 2, 1, 3.9), row("Li Lei", 7, 7, 5.0), row("欧阳娜娜 (Ouyang Nana) & Co", 1, 1, 4.0)],
    )
    text = csat_text(report, locale=locale)
    lines = _table_lines(text)
    assert len(lines) == 1 + 1 + 2 + 3 + 3       # header, overall, months, areas, lawyers
    positions = {tuple(_bars(line.replace("&amp;", "&"))) for line in lines}
    assert len(positions) == 1, text
    assert "lit_civil" not in text and ("诉讼 — 民商事" in text if locale == "zh-CN" else "Litigation — civil" in text)


def test_follow_up_added_says_for_which_client_and_what(services, slack, fake_slack):
    make_staff(services, "U0LAW", "lawyer")
    c = make_client(services, "Acme Trading Ltd", team={"U0LAW": "lead_lawyer"})
    slack.click("U0LAW", A.ADD_FOLLOWUP, str(c))
    fake_slack.wait_for("views.update")
    view = slack.opened_view()
    slack.submit("U0LAW", view["id"], {B.TITLE: "send <the> engagement letter", B.DUE: "2026-11-30"})
    [dm] = fake_slack.wait_for("chat.postMessage")
    text = dm.params["text"]
    assert "Acme Trading Ltd" in text and "send &lt;the&gt; engagement letter" in text and "2026-11-30" in text


def test_every_emoji_in_our_messages_is_one_slack_and_the_console_draw():
    used = {name for entry in catalog().values() for text in entry.values()
            for name in re.findall(r":([a-z0-9_+-]+):", text)}
    assert "alarm_clock" in used
    assert used <= set(EMOJI), used - set(EMOJI)
