"""Plain-text tables for code blocks, aligned by display width (East Asian wide characters count 2)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

WIDE = ("W", "F")


def char_width(ch: str) -> int:
    """Columns one character takes in a monospaced font: 2 if wide, 0 if combining, else 1."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in WIDE else 1


def display_width(text: str) -> int:
    """Columns a string takes."""
    return sum(char_width(ch) for ch in text)


def fit(text: str, width: int) -> str:
    """The text cut to at most `width` columns (with '…' when cut)."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, *, right: bool = False) -> str:
    """The text padded with spaces to `width` columns (right-aligned when `right`)."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def render(header: Sequence[str], rows: Sequence[Sequence[str] | str], *,
           right: Sequence[bool], max_first: int = 24) -> list[str]:
    """Lines of a table; a row given as a plain string is a caption line between rows.

    Columns are as wide as their widest cell (the first one capped at `max_first` columns),
    separated by ' | '; `right` says which columns are right-aligned.
    """
    cells = [[fit(c, max_first) if i == 0 else c for i, c in enumerate(r)]
             for r in rows if not isinstance(r, str)]
    head = [fit(c, max_first) if i == 0 else c for i, c in enumerate(header)]
    widths = [max(display_width(r[i]) for r in [head, *cells]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        """One row, padded."""
        return " | ".join(pad(c, widths[i], right=right[i]) for i, c in enumerate(row)).rstrip()

    out = [line(head), "-+-".join("-" * w for w in widths)]
    for r in rows:
        if isinstance(r, str):
            out.append(r)
        else:
            out.append(line([fit(c, max_first) if i == 0 else c for i, c in enumerate(r)]))
    return out
