"""The intake form: its vocabulary, parsing and validation (no Slack, no database)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from bot.flows.identifiers import identifier_problem, normalize_email, normalize_phone
from bot.flows.matters import AREA_CODES
from bot.flows.text_rules import text_problem
from storage.crypto import normalize_identifier

KINDS = ("individual", "enterprise", "government")
SOURCES = ("website", "referral", "conference", "partner_firm", "existing_client", "other")
AREAS = tuple(AREA_CODES)
MAX_PARTIES = 30
MAX_NAME = 300
REQUIRED = ("kind", "name", "source", "area", "need")
NAME_FIELDS = frozenset({"name", "contact", "referrer", "opposing", "related"})
ORGANIZATION_KINDS = ("enterprise", "government")
# Names are separated by new lines, semicolons, full-width commas and 、 (never the ASCII comma:
# "Smith, John", "Acme, Inc.").
_SPLIT = re.compile(r"[\n;；，、]+")


@dataclass(frozen=True)
class IntakeForm:
    """A validated intake form; identifiers and contact details are normalised."""

    kind: str
    name: str
    source: str
    area: str
    need: str
    id_number: str | None = None
    consent: bool = False
    contact: str | None = None
    phone: str | None = None
    email: str | None = None
    referrer: str | None = None
    opposing: tuple[str, ...] = field(default_factory=tuple)
    related: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (stored encrypted)."""
        data = asdict(self)
        data["opposing"], data["related"] = list(self.opposing), list(self.related)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "IntakeForm":
        """Back from `to_json`."""
        return cls(**{**data, "opposing": tuple(data.get("opposing") or ()),
                      "related": tuple(data.get("related") or ())})

    @property
    def party_kind(self) -> str:
        """The conflict index kind of the client: person or organization."""
        return "person" if self.kind == "individual" else "organization"


def split_names(text: str | None, *, sep: re.Pattern[str] = _SPLIT) -> list[str]:
    """Names one per line (also `;`, `；`, `，` and `、`; or split by `sep`), trimmed, without blanks
    or repeats (compared NFKC-folded, case-insensitively)."""
    seen: set[str] = set()
    names = []
    for raw in sep.split(text or ""):
        name = " ".join(raw.split())
        key = unicodedata.normalize("NFKC", name).casefold()
        if name and key not in seen:
            seen.add(key)
            names.append(name)
    return names


def needs_consent(kind: str | None) -> bool:
    """Whether an ID number of this client kind is personal (consent needed) — all but a USCC."""
    return kind not in ORGANIZATION_KINDS


def without_unconsented_id(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields without a personal ID number the client's consent was not ticked for."""
    if needs_consent(_text(fields, "kind") or None) and "yes" not in (fields.get("consent") or []):
        return {k: v for k, v in fields.items() if k != "id_number"}
    return fields


def _text(fields: dict[str, Any], name: str) -> str:
    """A trimmed text field ('' when missing)."""
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else (value or "")


def text_errors(fields: dict[str, Any]) -> dict[str, str]:
    """Typed fields holding characters no field may hold (names: no bidi overrides either)."""
    problems = {name: text_problem(value, name=name in NAME_FIELDS)
                for name, value in fields.items() if isinstance(value, str)}
    return {name: problem for name, problem in problems.items() if problem}


def parse_form(fields: dict[str, Any], *, today: date) -> tuple[IntakeForm | None, dict[str, str]]:
    """The form, or the problems keyed by field name (message keys, shown inline).

    `today` (the firm's date, from the app clock) bounds the birth date of a resident ID.
    A personal ID number needs the client's separate consent; a USCC is public and needs none.
    """
    errors = text_errors(fields)
    if errors:
        return None, errors
    for name in REQUIRED:
        if not _text(fields, name):
            errors[name] = "intake.error.required"
    kind, source, area = _text(fields, "kind"), _text(fields, "source"), _text(fields, "area")
    choices = (("kind", kind, KINDS), ("source", source, SOURCES), ("area", area, AREAS))
    for name, value, allowed in choices:
        if value and value not in allowed:
            errors[name] = "intake.error.choice"
    client_name = " ".join(_text(fields, "name").split())
    if len(client_name) > MAX_NAME:
        errors["name"] = "intake.error.too_long"
    id_number = normalize_identifier(_text(fields, "id_number")) or None
    consent = "yes" in (fields.get("consent") or [])
    consent = consent and needs_consent(kind)
    if id_number and kind in KINDS:
        problem = identifier_problem(id_number, client_kind=kind, today=today)
        if problem:
            errors["id_number"] = f"intake.error.{problem}"
        elif needs_consent(kind) and not consent:
            errors["consent"] = "intake.error.consent"
    phone_raw, email_raw = _text(fields, "phone"), _text(fields, "email")
    phone = normalize_phone(phone_raw) if phone_raw else None
    email = normalize_email(email_raw) if email_raw else None
    if phone_raw and phone is None:
        errors["phone"] = "intake.error.phone"
    if email_raw and email is None:
        errors["email"] = "intake.error.email"
    if not phone_raw and not email_raw:
        errors["phone"] = "intake.error.contact_needed"
    referrer = _text(fields, "referrer") or None
    if source == "referral" and not referrer:
        errors["referrer"] = "intake.error.referrer"
    opposing, related = split_names(fields.get("opposing")), split_names(fields.get("related"))
    for name, names in (("opposing", opposing), ("related", related)):
        if len(names) > MAX_PARTIES:
            errors[name] = "intake.error.too_many"
        elif any(len(n) > MAX_NAME for n in names):
            errors[name] = "intake.error.too_long"
    if errors:
        return None, errors
    return IntakeForm(kind=kind, name=client_name, source=source, area=area, need=_text(fields, "need"),
                      id_number=id_number, consent=consent and bool(id_number),
                      contact=_text(fields, "contact") or None, phone=phone, email=email,
                      referrer=referrer if source == "referral" else None,
                      opposing=tuple(opposing), related=tuple(related)), {}
