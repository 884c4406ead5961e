"""Free-text due dates in English and Chinese, relative to a firm-local 'today'.

Understood: ISO `2026-12-01`, `12/1` (month/day), `12月1日`/`12月1号`, `today`/`今天`,
`tomorrow`/`明天`, `后天`, `in 3 days`/`in 2 weeks`, `3天后`/`2周后`/`两周后`,
weekdays `fri`/`friday`/`周五`/`星期五`/`礼拜五` (the next one after today),
`next fri`/`下周五` (that weekday in next week, weeks starting Monday).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

EN_DAYS = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
           "sat": 5, "sun": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
           "friday": 4, "saturday": 5, "sunday": 6}
ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1,
           "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
ZH_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
          "十": 10}

_EN_DAY_RE = "|".join(sorted(EN_DAYS, key=len, reverse=True))
_NUM = r"(\d{1,3}|[一两二三四五六七八九十])"
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")),
    ("zh_md", re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")),
    ("md", re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")),
    ("in_n", re.compile(r"\bin\s+(\d{1,3}|a|one|two|three|four)\s+(day|days|week|weeks|month|months)\b", re.I)),
    ("zh_after", re.compile(_NUM + r"\s*(天|日|周|个星期|星期|个礼拜|礼拜|个月)[之以]?后")),
    ("next_wd", re.compile(r"\bnext\s+(" + _EN_DAY_RE + r")\b", re.I)),
    ("zh_next_wd", re.compile(r"下(?:周|星期|礼拜)([一二三四五六日天1-7])")),
    ("zh_this_wd", re.compile(r"(?:这|本)?(?:周|星期|礼拜)([一二三四五六日天1-7])")),
    ("wd", re.compile(r"\b(?:on\s+|by\s+)?(" + _EN_DAY_RE + r")\b", re.I)),
    ("today", re.compile(r"\btoday\b|今天|今日", re.I)),
    ("tomorrow", re.compile(r"\btomorrow\b|明天|明日", re.I)),
    ("after_tomorrow", re.compile(r"后天")),
    ("next_week", re.compile(r"\bnext\s+week\b|下周(?![一二三四五六日天1-7])", re.I)),
]
EN_COUNT = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}


@dataclass(frozen=True)
class FoundDate:
    """A date found in a text, and the text with the date phrase removed."""

    on: date
    rest: str


def _count(token: str) -> int:
    """An English or Chinese small number."""
    if token.isdigit():
        return int(token)
    return EN_COUNT.get(token.lower()) or ZH_NUM[token]


def _next_weekday(today: date, weekday: int) -> date:
    """The first such weekday after today."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def add_months(day: date, months: int) -> date:
    """Same day of month `months` later, or earlier when negative (clamped to the month's end)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError("unreachable")


def _resolve(kind: str, m: re.Match[str], today: date) -> date | None:
    """The date a matched phrase means, or None if it is not a real date."""
    try:
        if kind == "iso":
            return date(int(m[1]), int(m[2]), int(m[3]))
        if kind in ("zh_md", "md"):
            year = int(m[1]) if kind == "zh_md" and m[1] else None
            month, day = (int(m[2]), int(m[3])) if kind == "zh_md" else (int(m[1]), int(m[2]))
            found = date(year or today.year, month, day)
            return found if year or found >= today else date(today.year + 1, month, day)
    except ValueError:
        return None
    if kind in ("in_n", "zh_after"):
        n, unit = _count(m[1]), m[2].lower()
        if unit.startswith("month") or unit == "个月":
            return add_months(today, n)
        weeks = unit.startswith("week") or unit in ("周", "个星期", "星期", "个礼拜", "礼拜")
        return today + timedelta(days=n * 7 if weeks else n)
    if kind == "next_wd":
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + EN_DAYS[m[1].lower()])
    if kind == "zh_next_wd":
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + ZH_DAYS[m[1]])
    if kind == "zh_this_wd":
        return _next_weekday(today, ZH_DAYS[m[1]])
    if kind == "wd":
        return _next_weekday(today, EN_DAYS[m[1].lower()])
    if kind == "next_week":
        return today - timedelta(days=today.weekday()) + timedelta(days=7)
    return {"today": today, "tomorrow": today + timedelta(days=1),
            "after_tomorrow": today + timedelta(days=2)}.get(kind)


def find_date(text: str, *, today: date) -> FoundDate | None:
    """The first date phrase in `text` (earliest position) that is a real date, or None.

    Per pattern, the earliest match that resolves counts: '2026-02-30 or 2026-03-02' finds
    the second date.
    """
    best: tuple[int, date, re.Match[str]] | None = None
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            if best is not None and m.start() >= best[0]:
                break
            on = _resolve(kind, m, today)
            if on is not None:
                best = (m.start(), on, m)
                break
    if best is None:
        return None
    _, on, m = best
    rest = (text[: m.start()] + text[m.end():]).strip(" ,，;；:：.。")
    rest = re.sub(r"\s{2,}", " ", rest).strip()
    return FoundDate(on=on, rest=rest)


def parse_due(text: str, *, today: date) -> date | None:
    """Only the date of `find_date`."""
    found = find_date(text, today=today)
    return found.on if found else None
