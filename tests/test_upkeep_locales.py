"""Every upkeep message exists in English and Chinese with the same placeholders."""

from __future__ import annotations

import string

from bot.locales.upkeep import MESSAGES


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_upkeep_message_has_both_languages_with_the_same_placeholders():
    for key, entry in MESSAGES.items():
        assert key.startswith("upkeep."), key
        assert set(entry) == {"en", "zh-CN"}, key
        assert _fields(entry["en"]) == _fields(entry["zh-CN"]), key
