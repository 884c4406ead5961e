"""Characters no free-text field may hold, checked at the edge the same way on every database.

Control characters (C0 but tab, line feed and carriage return; DEL; C1) and lone surrogates
cannot be stored by PostgreSQL (NUL) or encoded as UTF-8 (surrogates), and are never typed
on purpose. Names must also be free of the bidirectional embedding, override and isolate
controls, which make a name display differently from what it says.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS = frozenset("\t\n\r")
# Every character the loop below may refuse, found in one pass: clean text (nearly all) skips the loop.
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def text_problem(text: str | None, *, name: bool = False) -> str | None:
    """None when the text may be stored, else the message key saying what is wrong with it."""
    if not text or not _SUSPECT.search(text):
        return None
    for ch in text:
        code = ord(ch)
        if (code < 0x20 or 0x7F <= code <= 0x9F) and ch not in _ALLOWED_CONTROLS:
            return "text.error.control"
        if 0xD800 <= code <= 0xDFFF:
            return "text.error.surrogate"
        if name and ch in BIDI_CONTROLS:
            return "text.error.bidi"
    return None


def first_problem(values: dict[str, str | None], *, names: frozenset[str] = frozenset()
                  ) -> tuple[str, str] | None:
    """The first (field, message key) whose text may not be stored, or None."""
    for field, value in values.items():
        problem = text_problem(value, name=field in names)
        if problem:
            return field, problem
    return None
