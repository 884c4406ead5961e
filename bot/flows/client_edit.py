"""Keeping a client current: details, contacts, yearly dates, aliases and tier.

Every change is audited with the names of the fields that changed, never their values, and
dates the client (`details_changed_at`, `details_confirmed_at`). Partners and the client's
team edit (`policy.can_edit_client`); only partners change a tier, with a reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.flows import improvements, policy
from bot.flows.actor import Actor
from bot.flows.clients import EXACT, normalize_name, search_clients
from bot.flows.conflicts import record_party
from bot.flows.errors import InvalidInput, NotFound, PermissionDenied
from bot.flows.identifiers import identifier_problem, normalize_email, normalize_phone
from bot.flows.intake_form import SOURCES, needs_consent, split_names
from bot.flows.text_rules import text_problem
from storage import audit
from storage.crypto import normalize_identifier
from storage.models import Client, ClientContact, ImportantDate, Party, Staff
from storage.models.enums import ClientStatus, Tier
from storage.types import keyring_of

GENDERS = ("male", "female", "other")
SIZES = ("micro", "small", "medium", "large")
CHANNELS = ("call", "email", "wechat", "meeting")
LANGUAGES = ("en", "zh-CN")  # of the client's reports (none: the firm default)
VALUES = ("speed", "cost", "updates")
MAX_TEXT = 300
MAX_TAGS = 20
MAX_TAG = 50
MAX_ALIASES = 20
MAX_CONTACTS = 6
MAX_OTHER_DATES = 4
ALIAS_SOURCE = "client_alias"
PROFILE_SOURCE = "client_profile"
YEARLY_KINDS = ("birthday", "anniversary", "yearly")
TIERS = tuple(t.value for t in Tier)
_TAG_SPLIT = re.compile(r"[,，;；\n]+")


# --- who may edit ------------------------------------------------------------------------------

def editable_client(session: Session, *, actor: Actor, client_id: int) -> Client:
    """The client if the actor may edit it: NotFound when not visible, PermissionDenied when
    visible but the actor is not on its team (and not a partner)."""
    if not policy.can_view_client(session, actor, client_id):
        raise NotFound("upkeep.client_not_found")
    if not policy.can_edit_client(session, actor, client_id):
        raise PermissionDenied("client_edit.error.not_on_team")
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("upkeep.client_not_found")
    return client


def _mark_changed(client: Client, *, now: datetime) -> None:
    """A change dates the client: changed and (by whoever changed it) confirmed now."""
    client.details_changed_at = now
    client.details_confirmed_at = now


# --- the main details ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Details:
    """A client's editable details, validated and normalised (None = empty)."""

    name: str
    gender: str | None = None
    id_number: str | None = None
    consent: bool = False
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    legal_representative: str | None = None
    industry: str | None = None
    company_size: str | None = None
    decision_maker: str | None = None
    source_channel: str | None = None
    referrer: str | None = None
    referrer_client_id: int | None = None
    referrer_staff_id: int | None = None
    preferred_channel: str | None = None
    language: str | None = None
    values: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditForm:
    """What the edit form shows: the details (the ID number only as a hint) and their context."""

    client_id: int
    kind: str
    details: Details
    id_hint: str | None
    referrer_client_name: str | None
    referrer_staff_slack_id: str | None


def mask(value: str) -> str:
    """An identifier shown by its last four characters only."""
    return "•" * max(len(value) - 4, 0) + value[-4:]


def aliases_of(session: Session, client_id: int) -> list[str]:
    """The client's aliases as recorded in the conflict index."""
    return list(session.execute(
        select(Party.name).where(Party.client_id == client_id, Party.source == ALIAS_SOURCE)
        .order_by(Party.id)).scalars())


def load_form(session: Session, *, actor: Actor, client_id: int) -> EditForm:
    """The edit form's content; decrypting the personal fields shown is audited."""
    client = editable_client(session, actor=actor, client_id=client_id)
    prefs = client.preferences or {}
    details = Details(
        name=client.name, gender=client.gender, consent=client.sensitive_consent_at is not None,
        phone=client.phone, email=client.email, address=client.address,
        legal_representative=client.legal_representative, industry=client.industry,
        company_size=client.company_size, decision_maker=client.decision_maker,
        source_channel=client.source_channel, referrer=client.referrer,
        referrer_client_id=client.referrer_client_id, referrer_staff_id=client.referrer_staff_id,
        preferred_channel=client.preferred_channel, language=client.language,
        values=tuple(v for v in prefs.get("values", []) if v in VALUES),
        tags=tuple(client.tags or ()), aliases=tuple(aliases_of(session, client.id)))
    read = [n for n in ("phone", "email", "address", "legal_representative", "decision_maker",
                        "id_number") if getattr(client, n)]
    if read:
        audit.record(session, actor=actor.audit_name, action="read", entity="client",
                     entity_id=client.id, fields=read)
    ref_name = None
    if client.referrer_client_id:
        ref_name = session.execute(select(Client.name).where(
            Client.id == client.referrer_client_id)).scalar_one_or_none()
    ref_staff = None
    if client.referrer_staff_id:
        ref_staff = session.execute(select(Staff.slack_user_id).where(
            Staff.id == client.referrer_staff_id)).scalar_one_or_none()
    return EditForm(client_id=client.id, kind=client.kind, details=details,
                    id_hint=mask(client.id_number) if client.id_number else None,
                    referrer_client_name=ref_name, referrer_staff_slack_id=ref_staff)


def _clean(value: Any) -> str:
    """Typed text trimmed, inner whitespace runs folded ('' when missing)."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def split_tags(text: str | None) -> list[str]:
    """Tags separated by commas, semicolons or lines; trimmed, without repeats."""
    return split_names(text, sep=_TAG_SPLIT)


def parse_details(raw: dict[str, Any], *, kind: str,
                  today: date) -> tuple[Details | None, dict[str, str]]:
    """The validated details, or problems keyed by field name (message keys).

    `raw` holds typed text by field name plus `consent` (bool), `values` (list),
    `referrer_client_id` / `referrer_staff_id` (ids or None). A blank ID number keeps the one
    on file (`save_details`); unticking consent removes a personal ID number.
    """
    errors: dict[str, str] = {}
    texts = {k: v for k, v in raw.items() if isinstance(v, str)}
    names = {"name", "legal_representative", "decision_maker", "referrer", "aliases"}
    for name, value in texts.items():
        problem = text_problem(value, name=name in names)
        if problem:
            errors[name] = problem
    if errors:
        return None, errors
    name = _clean(raw.get("name"))
    if not name:
        errors["name"] = "intake.error.required"
    for key in ("name", "address", "legal_representative", "industry", "decision_maker", "referrer"):
        if len(_clean(raw.get(key))) > MAX_TEXT:
            errors[key] = "client_edit.error.too_long"
    choices = (("gender", GENDERS), ("company_size", SIZES), ("source_channel", SOURCES),
               ("preferred_channel", CHANNELS), ("language", LANGUAGES))
    for key, allowed in choices:
        if raw.get(key) and raw.get(key) not in allowed:
            errors[key] = "intake.error.choice"
    values = tuple(v for v in VALUES if v in (raw.get("values") or []))
    consent = bool(raw.get("consent")) and needs_consent(kind)
    id_number = normalize_identifier(_clean(raw.get("id_number"))) or None
    if id_number:
        problem = identifier_problem(id_number, client_kind=kind, today=today)
        if problem:
            errors["id_number"] = f"intake.error.{problem}"
        elif needs_consent(kind) and not consent:
            errors["consent"] = "intake.error.consent"
    phone_raw, email_raw = _clean(raw.get("phone")), _clean(raw.get("email"))
    phone = normalize_phone(phone_raw) if phone_raw else None
    email = normalize_email(email_raw) if email_raw else None
    if phone_raw and phone is None:
        errors["phone"] = "intake.error.phone"
    if email_raw and email is None:
        errors["email"] = "intake.error.email"
    source = raw.get("source_channel") or None
    referrer = _clean(raw.get("referrer")) or None
    ref_client, ref_staff = raw.get("referrer_client_id"), raw.get("referrer_staff_id")
    if source == "referral" and not (referrer or ref_client or ref_staff):
        errors["referrer"] = "intake.error.referrer"
    tags = split_tags(raw.get("tags"))
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG for t in tags):
        errors["tags"] = "client_edit.error.tags"
    aliases = [a for a in split_names(raw.get("aliases"))
               if unicodedata.normalize("NFKC", a).casefold() != unicodedata.normalize("NFKC", name).casefold()]
    if len(aliases) > MAX_ALIASES:
        errors["aliases"] = "client_edit.error.too_many_aliases"
    elif any(len(a) > MAX_TEXT for a in aliases):
        errors["aliases"] = "client_edit.error.too_long"
    if errors:
        return None, errors
    organization = not needs_consent(kind)
    return Details(
        name=name, gender=(raw.get("gender") or None) if not organization else None,
        id_number=id_number, consent=consent, phone=phone, email=email,
        address=_clean(raw.get("address")) or None,
        legal_representative=(_clean(raw.get("legal_representative")) or None) if organization else None,
        industry=_clean(raw.get("industry")) or None,
        company_size=(raw.get("company_size") or None) if organization else None,
        decision_maker=(_clean(raw.get("decision_maker")) or None) if organization else None,
        source_channel=source, referrer=referrer,
        referrer_client_id=int(ref_client) if ref_client else None,
        referrer_staff_id=int(ref_staff) if ref_staff else None,
        preferred_channel=raw.get("preferred_channel") or None, language=raw.get("language") or None,
        values=values,
        tags=tuple(tags), aliases=tuple(aliases)), {}


PLAIN_FIELDS = ("name", "gender", "phone", "email", "address", "legal_representative", "industry",
                "company_size", "decision_maker", "source_channel", "referrer", "referrer_client_id",
                "referrer_staff_id", "preferred_channel", "language")


def kind_of(session: Session, *, client_id: int) -> str:
    """A client's kind (the form's fields depend on it; who may edit is checked on saving)."""
    kind = session.execute(select(Client.kind).where(Client.id == client_id)).scalar_one_or_none()
    if kind is None:
        raise NotFound("upkeep.client_not_found")
    return kind


def known_referrer(session: Session, *, actor: Actor, text: str | None) -> tuple[int | None, int | None]:
    """(client id, staff id) of the one client or colleague a typed referrer names exactly.

    Names are compared as the client search folds them (width, case, script, legal forms); a
    colleague wins over a client; nothing is linked when two or more match or none does.
    """
    key = normalize_name(text or "")
    if not key:
        return None, None
    staff = [sid for sid, name in session.execute(select(Staff.id, Staff.display_name)
                                                  .where(Staff.active.is_(True)))
             if normalize_name(name) == key]
    if len(staff) == 1:
        return None, staff[0]
    exact = [m for m in search_clients(session, actor=actor, query=text or "", limit=2) if m.score >= EXACT]
    return (exact[0].client_id, None) if len(exact) == 1 else (None, None)


def staff_id_of(session: Session, slack_user_id: str | None) -> int | None:
    """The active staff id of a Slack user (None when not on staff)."""
    if not slack_user_id:
        return None
    return session.execute(select(Staff.id).where(Staff.slack_user_id == slack_user_id,
                                                  Staff.active.is_(True))).scalar_one_or_none()


def save_details(session: Session, *, actor: Actor, client_id: int, details: Details,
                 now: datetime) -> list[str]:
    """Write the details; returns the names of the fields that changed (audited, no values).

    Submitting unchanged details confirms them. A new name keeps the old one as an alias; the
    aliases (and the current name and ID number) are kept in the conflict index.
    """
    client = editable_client(session, actor=actor, client_id=client_id)
    if details.referrer_client_id == client.id:
        raise InvalidInput("client_edit.error.self_referral", field="referrer_client_id")
    if details.referrer_client_id and not policy.can_view_client(session, actor, details.referrer_client_id):
        raise InvalidInput("upkeep.client_not_found", field="referrer_client_id")
    if (details.referrer and details.referrer != client.referrer
            and not (details.referrer_client_id or details.referrer_staff_id)):
        ref_client, ref_staff = known_referrer(session, actor=actor, text=details.referrer)
        if ref_client != client.id:
            details = replace(details, referrer_client_id=ref_client, referrer_staff_id=ref_staff)
    changed: list[str] = []
    old_name = client.name
    for name in PLAIN_FIELDS:
        new = getattr(details, name)
        if getattr(client, name) != new:
            setattr(client, name, new)
            changed.append(name)
    keyring = keyring_of(session.get_bind().dialect)
    if details.id_number and details.id_number != client.id_number:
        bidx = keyring.blind_index(details.id_number)
        taken = session.execute(select(Client.id).where(Client.id_number_bidx == bidx,
                                                        Client.id != client.id).limit(1)).first()
        if taken is not None:
            raise InvalidInput("client_edit.error.id_taken", field="id_number")
        client.id_number, client.id_number_bidx = details.id_number, bidx
        changed.append("id_number")
    if client.id_number and needs_consent(client.kind) and not details.consent:
        client.id_number, client.id_number_bidx = None, None   # consent withdrawn: the ID goes
        changed.append("id_number")
    consent_at = now if client.id_number and details.consent and needs_consent(client.kind) else None
    if (client.sensitive_consent_at is None) != (consent_at is None):
        client.sensitive_consent_at = consent_at
        changed.append("sensitive_consent_at")
    prefs = dict(client.preferences or {})
    if tuple(prefs.get("values", [])) != details.values:
        prefs["values"] = list(details.values)
        client.preferences = prefs
        changed.append("preferences")
    if tuple(client.tags or ()) != details.tags:
        client.tags = list(details.tags)
        changed.append("tags")
    aliases = list(details.aliases)
    if old_name != details.name and old_name not in aliases:
        aliases.append(old_name)
    if _sync_aliases(session, actor_name=actor.audit_name, client=client, aliases=aliases):
        changed.append("aliases")
    if {"name", "id_number"} & set(changed):
        _sync_profile_party(session, actor_name=actor.audit_name, client=client)
    if changed:
        _mark_changed(client, now=now)
        audit.record(session, actor=actor.audit_name, action="update", entity="client",
                     entity_id=client.id, fields=sorted(set(changed)))
    else:
        client.details_confirmed_at = now
        audit.record(session, actor=actor.audit_name, action="confirm", entity="client",
                     entity_id=client.id, fields=["details_confirmed_at"])
    session.flush()
    return sorted(set(changed))


def _party_kind(client: Client) -> str:
    """The conflict index kind of a client."""
    return "person" if client.kind == "individual" else "organization"


def _party_role(client: Client) -> str:
    """A client's role in the conflict index (a lost client is a former client)."""
    return "former_client" if client.status == ClientStatus.LOST.value else "client"


def _sync_aliases(session: Session, *, actor_name: str, client: Client, aliases: list[str]) -> bool:
    """Make the client's alias parties exactly `aliases`; True when any changed (audited)."""
    rows = session.execute(select(Party.id, Party.name).where(
        Party.client_id == client.id, Party.source == ALIAS_SOURCE)).all()
    fold = lambda s: unicodedata.normalize("NFKC", s).casefold()  # noqa: E731
    wanted = {fold(a): a for a in aliases}
    have = {fold(r.name): r.id for r in rows}
    gone = [pid for key, pid in have.items() if key not in wanted]
    if gone:
        session.execute(delete(Party).where(Party.id.in_(gone)))
        for pid in gone:
            audit.record(session, actor=actor_name, action="delete", entity="party",
                         entity_id=pid, fields=["name"])
    added = [a for key, a in wanted.items() if key not in have]
    for alias in added:
        party = record_party(session, name=alias, role=_party_role(client), kind=_party_kind(client),
                             client_id=client.id, source=ALIAS_SOURCE)
        audit.record(session, actor=actor_name, action="create", entity="party",
                     entity_id=party.id, fields=["name", "role", "client_id"])
    return bool(gone or added)


def _sync_profile_party(session: Session, *, actor_name: str, client: Client) -> None:
    """The client's current name and ID number, in the conflict index (one row per client)."""
    party = session.execute(select(Party).where(Party.client_id == client.id,
                                                Party.source == PROFILE_SOURCE)).scalar_one_or_none()
    keyring = keyring_of(session.get_bind().dialect)
    if party is None:
        party = record_party(session, name=client.name, role=_party_role(client), kind=_party_kind(client),
                             client_id=client.id, id_number=client.id_number, source=PROFILE_SOURCE)
        action = "create"
    else:
        party.name, party.id_number = client.name, client.id_number
        party.id_number_bidx = keyring.blind_index(client.id_number) if client.id_number else None
        action = "update"
    session.flush()
    audit.record(session, actor=actor_name, action=action, entity="party",
                 entity_id=party.id, fields=["name"] + (["id_number"] if client.id_number else []))


def confirm_details(session: Session, *, actor: Actor, client_id: int, now: datetime) -> str:
    """'Still correct': the details are confirmed now (audited); returns the client's name."""
    client = editable_client(session, actor=actor, client_id=client_id)
    client.details_confirmed_at = now
    audit.record(session, actor=actor.audit_name, action="confirm", entity="client",
                 entity_id=client.id, fields=["details_confirmed_at"])
    return client.name


# --- contacts --------------------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "title", "phone", "email", "wechat")


@dataclass(frozen=True)
class ContactEntry:
    """One contact person (id None for a new one)."""

    id: int | None
    name: str
    title: str | None = None
    phone: str | None = None
    email: str | None = None
    wechat: str | None = None


def load_contacts(session: Session, *, actor: Actor, client_id: int) -> list[ContactEntry]:
    """The client's contacts (decrypting them is audited)."""
    editable_client(session, actor=actor, client_id=client_id)
    rows = session.execute(select(ClientContact).where(ClientContact.client_id == client_id)
                           .order_by(ClientContact.is_primary.desc(), ClientContact.id)
                           .limit(MAX_CONTACTS)).scalars().all()
    for c in rows:
        audit.record(session, actor=actor.audit_name, action="read", entity="client_contact",
                     entity_id=c.id, fields=[n for n in ("name", "phone", "email", "wechat") if getattr(c, n)])
    return [ContactEntry(id=c.id, name=c.name, title=c.title, phone=c.phone, email=c.email,
                         wechat=c.wechat) for c in rows]


def parse_contacts(slots: list[dict[str, Any]],
                   ids: list[int | None]) -> tuple[list[ContactEntry] | None, dict[tuple[int, str], str]]:
    """Contacts from the form's slots (a blank slot is none, or removes the one it held).

    Problems are keyed by (slot, field) with message keys.
    """
    errors: dict[tuple[int, str], str] = {}
    out = []
    for i, slot in enumerate(slots):
        for key, value in slot.items():
            problem = text_problem(value, name=key == "name") if isinstance(value, str) else None
            if problem:
                errors[(i, key)] = problem
        vals = {k: _clean(slot.get(k)) for k in CONTACT_FIELDS}
        if not any(vals.values()):
            continue
        if not vals["name"]:
            errors[(i, "name")] = "intake.error.required"
        for k in ("name", "title", "wechat"):
            if len(vals[k]) > (100 if k != "name" else MAX_TEXT):
                errors[(i, k)] = "client_edit.error.too_long"
        phone = normalize_phone(vals["phone"]) if vals["phone"] else None
        email = normalize_email(vals["email"]) if vals["email"] else None
        if vals["phone"] and phone is None:
            errors[(i, "phone")] = "intake.error.phone"
        if vals["email"] and email is None:
            errors[(i, "email")] = "intake.error.email"
        out.append(ContactEntry(id=ids[i] if i < len(ids) else None, name=vals["name"],
                                title=vals["title"] or None, phone=phone, email=email,
                                wechat=vals["wechat"] or None))
    return (None, errors) if errors else (out, {})


def save_contacts(session: Session, *, actor: Actor, client_id: int, contacts: list[ContactEntry],
                  shown_ids: list[int], now: datetime) -> int:
    """Create, update and remove contacts (those shown in the form and left blank are removed).

    Returns how many contacts changed; each change is audited with field names only.
    """
    client = editable_client(session, actor=actor, client_id=client_id)
    existing = {c.id: c for c in session.execute(select(ClientContact).where(
        ClientContact.client_id == client_id, ClientContact.id.in_(shown_ids))).scalars()}
    kept = {c.id for c in contacts if c.id is not None}
    changes = 0
    for cid in set(existing) - kept:
        session.delete(existing[cid])
        audit.record(session, actor=actor.audit_name, action="delete", entity="client_contact",
                     entity_id=cid, fields=["contact"])
        changes += 1
    session.flush()
    has_primary = session.execute(select(ClientContact.id).where(
        ClientContact.client_id == client_id, ClientContact.is_primary.is_(True))).first() is not None
    for entry in contacts:
        row = existing.get(entry.id) if entry.id is not None else None
        if row is None:
            row = ClientContact(client_id=client_id, is_primary=not has_primary)
            has_primary = True
            for name in CONTACT_FIELDS:
                setattr(row, name, getattr(entry, name))
            session.add(row)
            session.flush()
            audit.record(session, actor=actor.audit_name, action="create", entity="client_contact",
                         entity_id=row.id, fields=[n for n in CONTACT_FIELDS if getattr(entry, n)])
            changes += 1
            continue
        changed = [n for n in CONTACT_FIELDS if getattr(row, n) != getattr(entry, n)]
        for name in changed:
            setattr(row, name, getattr(entry, name))
        if changed:
            audit.record(session, actor=actor.audit_name, action="update", entity="client_contact",
                         entity_id=row.id, fields=changed)
            changes += 1
    session.flush()
    remaining = session.execute(select(ClientContact).where(ClientContact.client_id == client_id)
                                .order_by(ClientContact.id)).scalars().all()
    if remaining and not any(c.is_primary for c in remaining):
        remaining[0].is_primary = True          # the primary contact was removed: the next one
        audit.record(session, actor=actor.audit_name, action="update", entity="client_contact",
                     entity_id=remaining[0].id, fields=["is_primary"])
    if changes:
        _mark_changed(client, now=now)
    session.flush()
    return changes


# --- yearly dates ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearlyDate:
    """A yearly date of a client (birthday, founding anniversary or another, with a label)."""

    id: int | None
    kind: str
    on: date
    label: str | None = None


def main_yearly_kind(kind: str) -> str:
    """A person's birthday, an organisation's founding anniversary."""
    return "birthday" if kind == "individual" else "anniversary"


def load_dates(session: Session, *, actor: Actor, client_id: int) -> tuple[str, list[YearlyDate]]:
    """The client's kind and yearly dates (the main one first); label reads are audited."""
    client = editable_client(session, actor=actor, client_id=client_id)
    rows = session.execute(select(ImportantDate).where(
        ImportantDate.client_id == client_id, ImportantDate.kind.in_(YEARLY_KINDS))
        .order_by(ImportantDate.id)).scalars().all()
    for r in rows:
        if r.label:
            audit.record(session, actor=actor.audit_name, action="read", entity="important_date",
                         entity_id=r.id, fields=["label"])
    return client.kind, [YearlyDate(id=r.id, kind=r.kind, on=r.on_date, label=r.label) for r in rows]


def parse_dates(*, main: str | None, others: list[tuple[str | None, str | None]],
                today: date) -> tuple[tuple[date | None, list[tuple[date, str]]] | None, dict[str, str]]:
    """The main yearly date and the other (date, label) pairs; problems keyed 'main' or 'other-N'."""
    errors: dict[str, str] = {}
    main_on = date.fromisoformat(main) if main else None
    if main_on and main_on > today:
        errors["main"] = "client_edit.error.future_date"
    out = []
    for i, (on, label) in enumerate(others):
        text = _clean(label)
        problem = text_problem(label) if label else None
        if problem:
            errors[f"other-{i}"] = problem
        elif text and not on:
            errors[f"other-{i}"] = "client_edit.error.date_needed"
        elif on and not text:
            errors[f"other-{i}"] = "client_edit.error.label_needed"
        elif len(text) > 200:
            errors[f"other-{i}"] = "client_edit.error.too_long"
        elif on:
            out.append((date.fromisoformat(on), text))
    return (None, errors) if errors else ((main_on, out), {})


def save_dates(session: Session, *, actor: Actor, client_id: int, main: date | None,
               others: list[tuple[date, str]], now: datetime) -> int:
    """Replace the client's yearly dates; returns how many changed (audited, no values)."""
    client = editable_client(session, actor=actor, client_id=client_id)
    main_kind = main_yearly_kind(client.kind)
    rows = session.execute(select(ImportantDate).where(
        ImportantDate.client_id == client_id, ImportantDate.kind.in_(YEARLY_KINDS))
        .order_by(ImportantDate.id)).scalars().all()
    have = {(r.kind, r.on_date, r.label or ""): r for r in rows}
    wanted = ([(main_kind, main, "")] if main else []) + [("yearly", on, label) for on, label in others]
    changes = 0
    for key, row in have.items():
        if key not in wanted:
            session.delete(row)
            audit.record(session, actor=actor.audit_name, action="delete", entity="important_date",
                         entity_id=row.id, fields=["kind", "on_date"])
            changes += 1
    for kind, on, label in dict.fromkeys(wanted):
        if (kind, on, label) in have:
            continue
        row = ImportantDate(client_id=client_id, kind=kind, on_date=on, label=label or None, yearly=True,
                            created_at=now)
        session.add(row)
        session.flush()
        audit.record(session, actor=actor.audit_name, action="create", entity="important_date",
                     entity_id=row.id, fields=["kind", "on_date", "yearly"] + (["label"] if label else []))
        changes += 1
    if changes:
        _mark_changed(client, now=now)
    session.flush()
    return changes


# --- tier --------------------------------------------------------------------------------------------

def change_tier(session: Session, *, actor: Actor, client_id: int, tier: str, reason: str,
                now: datetime) -> str:
    """A partner changes the tier with a reason (audited; cadence follows). Returns the name.

    Moving a lost client to another tier makes it an active client again.
    """
    if not policy.can_change_tier(actor):
        raise PermissionDenied("client_edit.error.partners_only")
    client = editable_client(session, actor=actor, client_id=client_id)
    reason = (reason or "").strip()
    if tier not in TIERS:
        raise InvalidInput("intake.error.choice", field="tier")
    if not reason:
        raise InvalidInput("intake.error.reason_required", field="reason")
    if text_problem(reason):
        raise InvalidInput(text_problem(reason), field="reason")
    fields = ["tier", "tier_reason", "tier_changed_at"]
    client.tier, client.tier_reason, client.tier_changed_at = tier, reason[:1000], now
    if tier == Tier.LOST.value:
        if client.status != ClientStatus.LOST.value:
            client.status, client.lost_at = ClientStatus.LOST.value, now
            client.lost_reason = client.lost_reason or "other"
            fields += ["status", "lost_at", "lost_reason"]
            improvements.from_lost(session, client_id=client.id, reason=client.lost_reason, today=now.date(),
                                   now=now)
    elif client.status == ClientStatus.LOST.value:
        client.status, client.lost_at, client.lost_reason = ClientStatus.ACTIVE.value, None, None
        fields += ["status", "lost_at", "lost_reason"]
    audit.record(session, actor=actor.audit_name, action="change_tier", entity="client",
                 entity_id=client.id, fields=fields)
    return client.name


def revive(session: Session, *, actor_name: str, client: Client, tier: str | None = None) -> list[str]:
    """A lost client that comes back (a new matter) is no longer lost; returns the changed fields."""
    changed = []
    if client.status != ClientStatus.ACTIVE.value:
        client.status = ClientStatus.ACTIVE.value
        changed.append("status")
    if client.tier == Tier.LOST.value or (tier and tier != client.tier):
        client.tier = tier or Tier.POTENTIAL.value
        changed.append("tier")
    if client.lost_at is not None or client.lost_reason is not None:
        client.lost_at, client.lost_reason = None, None
        changed += ["lost_at", "lost_reason"]
    if client.churn_snoozed_until is not None and "tier" in changed:
        client.churn_snoozed_until = None
        changed.append("churn_snoozed_until")
    return changed
