"""Translations: every user-facing string lives in `bot/locales/*` in English and Chinese."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

from bot.slack_text import Mrkdwn, escape

LOCALES = ("en", "zh-CN")


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All messages of all locale modules, merged; a duplicated key is an error."""
    import bot.locales as pkg

    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.locales.{info.name}")
        for key, entry in getattr(module, "MESSAGES", {}).items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice (bot.locales.{info.name})")
            merged[key] = entry
    return merged


def normalize_locale(locale: str | None) -> str:
    """Map Slack/user locales (zh-CN, zh_CN, zh-TW, en-US) onto ours."""
    if locale and locale.lower().replace("_", "-").startswith("zh"):
        return "zh-CN"
    return "en"


def _template(key: str, locale: str | None) -> str:
    """The message `key` in `locale` (English when untranslated, the key when unknown)."""
    entry = catalog().get(key)
    if entry is None:
        return key
    return entry.get(normalize_locale(locale)) or entry["en"]


def t(key: str, locale: str | None, /, **params: Any) -> Mrkdwn:
    """The message `key` in `locale` for Slack, with `params` filled in.

    Every `str` parameter is escaped for mrkdwn unless it is already `Mrkdwn` (a mention,
    escaped text, another message): user data can't inject `<!channel>` or links by default.
    """
    text = _template(key, locale)
    if not params:
        return Mrkdwn(text)
    return Mrkdwn(text.format(**{name: escape(value) if isinstance(value, str) else value
                                 for name, value in params.items()}))


def t_plain(key: str, locale: str | None, /, **params: Any) -> str:
    """The message for a terminal or a log (not Slack): `params` filled in as they are."""
    text = _template(key, locale)
    return text.format(**params) if params else text
