"""Checks for the identifiers and contact details typed into an intake form.

Chinese resident ID (GB 11643-1999, check character ISO 7064 MOD 11-2), unified social
credit code (GB 32100-2015, check character MOD 31, with the embedded organization code of
GB 11714-1997), phone numbers (Chinese mobiles and landlines, international E.164) and
email addresses. Every check takes raw user input and returns a normalised value or None.
ID numbers are read in the blind index's canonical form (`storage.crypto.normalize_identifier`:
full-width folded, upper case, spaces and dashes dropped), so what passes is what is indexed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from storage.crypto import normalize_identifier

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SEPARATORS = re.compile(r"[\s\-‐‑–—()（）.]")
_CN_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")
_CN_LANDLINE = re.compile(r"^(?:(?:\+?86|0086)0?|0)([1-9]\d{1,2})([2-9]\d{6,7})$")
_INTERNATIONAL = re.compile(r"^(?:\+|00)([1-9]\d{6,14})$")
_LABEL_CHAR = r"A-Za-z0-9\u00a0-\uffff"
_EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~\u00a0-\uffff-]+@"
                    rf"(?:[{_LABEL_CHAR}](?:[{_LABEL_CHAR}-]{{0,61}}[{_LABEL_CHAR}])?\.)+"
                    r"[A-Za-z\u00a0-\uffff]{2,63}$")


def resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def looks_like_resident_id(value: str) -> bool:
    """Seventeen digits and one more character: meant as a resident ID, so it must pass as one."""
    return re.fullmatch(r"\d{17}[0-9A-Z]", normalize_identifier(value)) is not None


def _real_birth_date(year: int, month: int, day: int, *, today: date) -> bool:
    """A calendar date, not in the future (nobody is born tomorrow)."""
    try:
        return date(year, month, day) <= today
    except ValueError:
        return False


def valid_resident_id(value: str, *, today: date) -> bool:
    """An 18-character resident ID: region, a real birth date, and a correct check character."""
    v = normalize_identifier(value)
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", v):
        return False
    if not _real_birth_date(int(v[6:10]), int(v[10:12]), int(v[12:14]), today=today):
        return False
    return resident_id_check_char(v[:17]) == v[17]


def valid_old_resident_id(value: str, *, today: date) -> bool:
    """A 15-digit first-generation resident ID (no check character): a real birth date."""
    v = normalize_identifier(value)
    if not re.fullmatch(r"[1-9]\d{14}", v):
        return False
    return _real_birth_date(1900 + int(v[6:8]), int(v[8:10]), int(v[10:12]), today=today)


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a USCC."""
    total = sum(_USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714-1997 check character of an organization code (positions 9-17 of a USCC)."""
    total = sum(_ORG_CHARSET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def valid_uscc(value: str) -> bool:
    """An 18-character unified social credit code with correct check characters."""
    v = normalize_identifier(value)
    if len(v) != 18 or any(c not in _USCC_CHARSET for c in v):
        return False
    if not v[2:8].isdigit():
        return False
    org = v[8:17]
    if all(c in _ORG_CHARSET for c in org[:8]) and org_code_check_char(org[:8]) != org[8]:
        return False
    return uscc_check_char(v[:17]) == v[17]


def identifier_problem(value: str, *, client_kind: str, today: date) -> str | None:
    """None when the ID number fits the client kind, else a message-key suffix.

    Individuals: seventeen digits and one more character is a resident ID and must carry a
    correct check character (`11010519491231002Y` is a mistyped ID, not a passport); a
    15-digit first-generation ID needs a real birth date; passports and other permits (5-20
    letters and digits, not all digits) are accepted as they are. Enterprises and government
    bodies: a valid USCC.
    """
    v = normalize_identifier(value)
    if client_kind == "individual":
        if looks_like_resident_id(v):
            return None if valid_resident_id(v, today=today) else "bad_resident_id"
        if re.fullmatch(r"\d{15}", v):
            return None if valid_old_resident_id(v, today=today) else "bad_resident_id"
        if re.fullmatch(r"[A-Z0-9]{5,20}", v) and not v.isdigit():
            return None
        return "bad_id_format"
    return None if valid_uscc(v) else "bad_uscc"


def party_identifier_problem(value: str, *, party_kind: str | None, today: date) -> str | None:
    """None when an imported party's ID number may be indexed, else a message-key suffix.

    Resident-ID-shaped values (17 digits and one more character) must be a valid resident
    ID, except that an organization's (or a party of unknown kind's) value may instead be a
    valid USCC, whose first 17 characters can be digits too. Other formats are kept as given.
    """
    v = normalize_identifier(value)
    if not looks_like_resident_id(v):
        return None
    if valid_resident_id(v, today=today):
        return None
    if party_kind != "person" and valid_uscc(v):
        return None
    return "bad_resident_id"


def normalize_phone(value: str) -> str | None:
    """A phone number in canonical form (+86 13812345678, +86 1012345678, +44…), or None."""
    v = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if m := _CN_MOBILE.fullmatch(v):
        return f"+86 {m.group(1)}"
    if m := _CN_LANDLINE.fullmatch(v):
        return f"+86 {m.group(1)}{m.group(2)}"
    if (m := _INTERNATIONAL.fullmatch(v)) and not m.group(1).startswith("86"):
        return f"+{m.group(1)}"
    return None


def normalize_email(value: str) -> str | None:
    """An email address (domain lower-cased), or None when it is not one."""
    v = unicodedata.normalize("NFKC", value).strip()
    if len(v) > 254 or ".." in v or not _EMAIL.fullmatch(v):
        return None
    local, _, domain = v.rpartition("@")
    if local.startswith(".") or local.endswith(".") or len(local) > 64:
        return None
    return f"{local}@{domain.lower()}"
