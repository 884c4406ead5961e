"""Characters no free-text field may hold, checked at the edge the same way on every database.

Control characters (C0 but tab, line feed and carriage return; DEL; C1) and lone surrogates
cannot be stored by PostgreSQL (NUL) or encoded as UTF-8 (surrogates), and are never typed
on purpose. Names must also be free of the bidirectional embedding, override and isolate
controls, which make a name display differently from what it says.
"""

from __future__ import annotations

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def text_problem(text: str | None, *, name: bool = False) -> str | None:
    """None when the text may be stored, else the message key saying what is wrong with it."""
    for ch in text or "":
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
