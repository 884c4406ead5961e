"""`lawcrm clients import`: a firm's existing client ledger (clients, contacts, matters, teams) brought in.

The file(s) are read through `bot.flows.tabular` (CSV in UTF-8 or GB18030/GBK, XLSX with one flat
sheet or a clients sheet and a matters sheet). Rows are grouped into clients: the same ID number
or USCC, or the same name (width, case and spaces folded), is the same client and its rows are
merged (and listed as merged). A name the conflict matcher finds close to another client's is held
for a decision (`merge` or `separate` by line), never merged silently. A client goes in with all its
rows or not at all: one bad row refuses its client. The plan is then run in batches, each a
transaction; a dry run runs the same batches and rolls each back, so its counts are the real ones.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Engine, Table, insert, select
from sqlalchemy.orm import Session

from bot.flows import ledger_values as lv
from bot.flows.conflicts import PARTIES_LOCK
from bot.flows.identifiers import identifier_problem, normalize_email, normalize_phone
from bot.flows.matching.index import NameIndex
from bot.flows.matching.normalize import Normalizer
from bot.flows.matching.scoring import compare
from bot.flows.matters import next_matter_numbers
from bot.flows.tabular import FileError, sheet_names
from bot.flows.tabular import Table as Sheet
from bot.flows.text_rules import first_problem
from storage.audit import record
from storage.crypto import normalize_identifier
from storage.db import advisory_xact_lock, is_postgres, make_session_factory, session_scope
from storage.models import (Client, ClientContact, ClientTeamMember, ImportantDate, Matter, MatterTeamMember,
                            Party, PartyAlias, Staff, now_of)
from storage.models.enums import ClientKind, ClientStatus, MatterStatus, PartyKind, PartyRole, TeamRole, Tier
from storage.types import keyring_of

# The edit form's codes for the words a ledger uses (folded with ledger_values.key_of).
GENDER_WORDS = {"male": "male", "m": "male", "男": "male", "female": "female", "f": "female", "女": "female",
                "other": "other", "其他": "other"}
SIZE_WORDS = {"micro": "micro", "微型": "micro", "small": "small", "小型": "small", "小": "small",
              "medium": "medium", "中型": "medium", "中": "medium", "large": "large", "大型": "large", "大": "large"}
CLIENT_COLUMNS = ("kind", "client_kind", "name", "id_number", "consent", "gender", "phone", "email",
                  "legal_representative", "address", "industry", "size", "decision_maker", "source",
                  "referrer", "tier", "tags", "preferred_channel", "birthday", "founded")
CONTACT_COLUMNS = ("contact_name", "contact_title", "contact_phone", "contact_email")
MATTER_COLUMNS = ("matter", "practice_area", "cause", "opposing", "related", "opened", "closed",
                  "lead_lawyer", "assistants")
TEAM_COLUMNS = ("partner", "client_lead", "client_service", "client_manager")
COLUMNS = CLIENT_COLUMNS + CONTACT_COLUMNS + MATTER_COLUMNS + TEAM_COLUMNS
# Columns beyond a client's name and identifiers: a sheet with none of them is a matters sheet.
CLIENT_DETAIL = frozenset(CLIENT_COLUMNS) - {"name", "id_number", "kind", "client_kind"}
MATTER_DETAIL = frozenset(MATTER_COLUMNS)
TEAM_ROLES = {"partner": TeamRole.PARTNER.value, "client_lead": TeamRole.LEAD_LAWYER.value,
              "client_service": TeamRole.CLIENT_SERVICE.value, "client_manager": TeamRole.MANAGER.value}
DUPLICATE_SCORE = 75.0      # matcher scores from here (typos, legal forms, regions, scripts) ask for a decision
BATCH = 2000                # clients per transaction
MAX_NAME = 300
MAX_SHORT = 100
MAX_NUMBER = 50
UNKNOWN_STAFF = ("refuse", "leave-open")
AUDIT_FIELDS = ("client.kind", "client.name", "client.id_number", "client.sensitive_consent_at", "client.phone",
                "client.email", "client.legal_representative", "client.address", "client.industry",
                "client.source_channel", "client.referrer", "client.tier", "client.tags",
                "client.preferred_channel", "client.preferences", "client_contact.name", "client_contact.title",
                "client_contact.phone", "client_contact.email", "client_team.role", "important_date.on_date",
                "matter.number", "matter.practice_area", "matter.title", "matter.status",
                "matter.lead_lawyer_id", "matter.opened_at", "matter.closed_at", "matter_team.role",
                "party.name", "party.role", "party.id_number")


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    applied: bool = False
    unknown_staff: str = "refuse"
    rows: int = 0
    clients_created: int = 0
    clients_updated: int = 0
    clients_unchanged: int = 0
    matters_created: int = 0
    matters_updated: int = 0
    contacts_added: int = 0
    team_added: int = 0
    parties_added: int = 0
    merged: list[tuple[str, str, str]] = field(default_factory=list)       # (line, into line, name)
    held: list[tuple[str, str, list[str]]] = field(default_factory=list)   # (line, name, close names)
    refused: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (line, key, params)
    open_leads: list[tuple[str, str]] = field(default_factory=list)        # (line, staff name as written)
    encodings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def refused_rows(self) -> int:
        """How many rows were refused (each once)."""
        return len({line for line, _k, _p in self.refused})


class Refused(Exception):
    """A row cannot be imported: a message key and its parameters."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass
class MatterIn:
    """One matter as the file gives it."""

    line: str
    number: str | None
    area: str
    cause: str | None
    opposing: list[str]
    related: list[str]
    opened: date | None
    closed: date | None
    lead_id: int | None
    assistant_ids: list[int]
    key: str = ""
    existing_id: int | None = None


@dataclass
class Group:
    """One client and everything the file says about it."""

    gid: int
    line: str
    name: str
    name_key: str
    bidx: str | None = None
    existing_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    contacts: list[dict[str, str | None]] = field(default_factory=list)
    matters: list[MatterIn] = field(default_factory=list)
    team: set[tuple[int, str]] = field(default_factory=set)
    refused: tuple[str, str, dict[str, str]] | None = None
    held: list[str] | None = None


def name_key(name: str) -> str:
    """A name as compared for "the same name": width, case and spaces folded."""
    return lv.clean(name).casefold().replace(" ", "")


@dataclass
class Source:
    """One sheet or CSV file to read, and whether its rows only name clients (a matters sheet)."""

    path: Path
    sheet: str | None
    label: str | None
    matters_only: bool = False


class Importer:
    """Plans an import against what the database holds, then runs it in batches."""

    def __init__(self, engine: Engine, *, today: date, tz: ZoneInfo, unknown_staff: str,
                 merge: Iterable[str] = (), separate: Iterable[str] = ()) -> None:
        if unknown_staff not in UNKNOWN_STAFF:
            raise ValueError(unknown_staff)
        self.engine = engine
        self.today, self.tz = today, tz
        self.unknown_staff = unknown_staff
        self.merge, self.separate = set(merge), set(separate)
        self.keyring = keyring_of(engine.dialect)
        self.norm = Normalizer()
        self.norm.features = lru_cache(maxsize=65536)(self.norm.features)  # type: ignore[method-assign]
        self.index = NameIndex(self.norm)
        self.names: dict[int, tuple[str, str | None, str | None]] = {}  # index id -> (name, kind, bidx)
        self.report = ImportReport(unknown_staff=unknown_staff)
        self.groups: list[Group] = []
        self.by_bidx: dict[str, Group] = {}
        self.by_name: dict[str, Group] = {}
        self.by_client: dict[int, Group] = {}
        self.db_bidx: dict[str, int] = {}
        self.db_name: dict[str, int] = {}
        self.numbers: dict[str, tuple[int, int]] = {}       # matter number -> (matter id, client id)
        self.matter_keys: dict[str, tuple[int, int]] = {}   # import key -> (matter id, client id)
        self.file_numbers: dict[str, Group] = {}
        self.staff: dict[str, int | None] = {}              # folded name or Slack id -> staff id (None: ambiguous)
        self._client_memo: dict[tuple[str, ...], dict[str, Any]] = {}

    # ---- what the database holds ---------------------------------------------------------------
    def load(self) -> None:
        """Clients (names, blind indexes), matter numbers and keys, and the staff directory."""
        with self.engine.connect() as conn:
            for cid, name, kind, bidx in conn.execute(select(Client.id, Client.name, Client.kind,
                                                             Client.id_number_bidx)):
                self.names[cid] = (name, kind, bidx)
                self.index.add(party_id=cid, alias_id=0, name=name, kind=_party_kind(kind))
                self.db_name.setdefault(name_key(name), cid)
                if bidx:
                    self.db_bidx.setdefault(bidx, cid)
            for mid, number, cid, key in conn.execute(select(Matter.id, Matter.number, Matter.client_id,
                                                             Matter.import_key)):
                self.numbers[number] = (mid, cid)
                if key:
                    self.matter_keys[key] = (mid, cid)
            for sid, slack_id, display in conn.execute(select(Staff.id, Staff.slack_user_id, Staff.display_name)
                                                       .where(Staff.active.is_(True))):
                self.staff[slack_id.casefold()] = sid
                k = name_key(display)
                self.staff[k] = None if k in self.staff and self.staff[k] != sid else sid
        self.index.finish_bulk()

    # ---- reading ---------------------------------------------------------------------------------
    def sources(self, paths: Sequence[Path], *, encoding: str | None) -> list[tuple[Source, Sheet]]:
        """Every sheet (or CSV file) with a client-name column, clients sheets first."""
        opened: list[tuple[Source, Sheet]] = []
        many = len(paths) > 1
        for path in paths:
            sheets: list[str | None] = list(sheet_names(path)) or [None]
            for sheet in sheets:
                try:
                    table = Sheet(path, wanted=COLUMNS, required=("name",), encoding=encoding, sheet=sheet)
                except FileError as exc:
                    if sheet is not None and len(sheets) > 1 and exc.key == "file.missing_columns":
                        continue          # a notes or lists sheet
                    raise
                if table.encoding and table.encoding not in self.report.encodings:
                    self.report.encodings.append(table.encoding)
                label = (sheet if len(sheets) > 1 else path.name) if (many or len(sheets) > 1) else None
                opened.append((Source(path, sheet, label), table))
        if not opened:
            raise FileError("file.missing_columns", columns="name", found="-")
        has_clients = any(CLIENT_DETAIL & set(t.columns) for _s, t in opened)
        for source, table in opened:
            cols = set(table.columns)
            source.matters_only = has_clients and not (CLIENT_DETAIL & cols) and bool(MATTER_DETAIL & cols)
        opened.sort(key=lambda st: st[0].matters_only)
        return opened

    def plan(self, paths: Sequence[Path], *, encoding: str | None = None,
             progress: Callable[[ImportReport], None] | None = None) -> None:
        """Read every row into client groups (nothing is written)."""
        for source, table in self.sources(paths, encoding=encoding):
            for row in table:
                self.report.rows += 1
                line = f"{source.label}:{row.line}" if source.label else str(row.line)
                try:
                    self._row(line, row.values, source)
                except Refused as exc:
                    self.report.refused.append((line, exc.key, exc.params))
                if progress and self.report.rows % 20000 == 0:
                    progress(self.report)
        for g in self.groups:
            if g.refused is not None:
                for other in g.lines:       # rows taken before the refused one go back out with it
                    self.report.refused.append((other, "client_import.refused.with_client",
                                                {"line": g.refused[0]}))
            elif g.held is not None:
                self.report.held.append((g.line, g.name, g.held))

    # ---- one row -------------------------------------------------------------------------------
    def _row(self, line: str, raw: dict[str, str], source: Source) -> None:
        """Parse one row and file it under its client."""
        problem = first_problem({c: raw.get(c) for c in COLUMNS}, names=frozenset({"name", "contact_name"}))
        if problem:
            raise Refused("client_import.refused.bad_text", column=problem[0])
        values = dict.fromkeys(COLUMNS, "")
        for c, v in raw.items():
            if v:
                values[c] = lv.clean(v)
        name = values["name"]
        if not name:
            raise Refused("client_import.refused.no_name")
        if len(name) > MAX_NAME:
            raise Refused("client_import.refused.too_long", column="name", max=str(MAX_NAME))
        memo = tuple(values[c] for c in CLIENT_COLUMNS)
        client = self._client_memo.get(memo)
        if client is None:
            client = self._client_fields(values, name)
            self._client_memo = {memo: client}   # a flat ledger repeats its client on every matter row
        group = self._group_of(line, name, client, source)
        if group.refused is not None:
            raise Refused("client_import.refused.with_client", line=group.refused[0])
        try:
            matter = self._matter(line, values)
            if matter is not None:
                self._check_matter(group, matter)
            contact = self._contact(values)
            team = self._team(line, values)
        except Refused as exc:
            group.refused = (line, exc.key, exc.params)
            raise
        for k, v in client.items():
            if k == "tags" and v:
                group.fields[k] = list(dict.fromkeys([*group.fields.get(k, []), *v]))
            elif v not in (None, "", [], {}) and group.fields.get(k) in (None, "", [], {}):
                group.fields[k] = v
        group.lines.append(line)
        if contact and all(lv.key_of(c["name"]) != lv.key_of(contact["name"]) for c in group.contacts):
            group.contacts.append(contact)
        group.team |= team
        if matter is not None:
            self._file_matter(group, matter)

    def _client_fields(self, v: dict[str, str], name: str) -> dict[str, Any]:
        """The client's own columns, checked and normalised."""
        try:
            kind = lv.parse_kind(v["client_kind"] or v["kind"])
        except ValueError:
            raise Refused("client_import.refused.bad_kind", value=v["client_kind"] or v["kind"]) from None
        id_number = normalize_identifier(v["id_number"]) or None
        if kind is None:
            kind = _guess_kind(self.norm, name, id_number)
        if id_number:
            problem = identifier_problem(id_number, client_kind=kind, today=self.today)
            if problem:
                raise Refused(f"client_import.refused.{problem}")
        try:
            consent = lv.parse_yes(v["consent"])
        except ValueError:
            raise Refused("client_import.refused.bad_consent", value=v["consent"]) from None
        if id_number and kind == ClientKind.INDIVIDUAL.value and not consent:
            raise Refused("client_import.refused.no_consent")
        out: dict[str, Any] = {"kind": kind, "name": name, "id_number": id_number,
                               "consent": bool(consent and id_number)}
        for column, parse, key in (("tier", lv.parse_tier, "bad_tier"),
                                   ("preferred_channel", lv.parse_channel, "bad_channel")):
            try:
                out[column] = parse(v[column])
            except ValueError:
                raise Refused(f"client_import.refused.{key}", value=v[column]) from None
        out["source"] = lv.parse_source(v["source"])
        for column in ("birthday", "founded"):
            try:
                out[column] = lv.parse_date(v[column])
            except ValueError:
                raise Refused("client_import.refused.bad_date", column=column, value=v[column]) from None
            if out[column] is not None and out[column] > self.today:
                raise Refused("client_import.refused.future_date", column=column, value=v[column])
        if v["phone"]:
            out["phone"] = normalize_phone(v["phone"])
            if out["phone"] is None:
                raise Refused("client_import.refused.bad_phone", column="phone")
        if v["email"]:
            out["email"] = normalize_email(v["email"])
            if out["email"] is None:
                raise Refused("client_import.refused.bad_email", column="email")
        for column in ("legal_representative", "address", "decision_maker", "referrer"):
            out[column] = v[column] or None
        for column in ("industry", "size", "gender"):
            if len(v[column]) > MAX_SHORT:
                raise Refused("client_import.refused.too_long", column=column, max=str(MAX_SHORT))
            out[column] = v[column] or None
        if len(v["referrer"]) > 200:
            raise Refused("client_import.refused.too_long", column="referrer", max="200")
        out["tags"] = lv.split_list(v["tags"])
        return out

    def _contact(self, v: dict[str, str]) -> dict[str, str | None] | None:
        """The contact person of the row, if any."""
        if not v["contact_name"]:
            if v["contact_phone"] or v["contact_email"]:
                raise Refused("client_import.refused.contact_no_name")
            return None
        phone = email = None
        if v["contact_phone"]:
            phone = normalize_phone(v["contact_phone"])
            if phone is None:
                raise Refused("client_import.refused.bad_phone", column="contact_phone")
        if v["contact_email"]:
            email = normalize_email(v["contact_email"])
            if email is None:
                raise Refused("client_import.refused.bad_email", column="contact_email")
        if len(v["contact_title"]) > MAX_SHORT:
            raise Refused("client_import.refused.too_long", column="contact_title", max=str(MAX_SHORT))
        return {"name": v["contact_name"], "title": v["contact_title"] or None, "phone": phone, "email": email}

    def _staff(self, line: str, written: str, column: str) -> int | None:
        """The staff id named in a cell; unknown staff refuse the row or are listed (lead left open)."""
        found = self.staff.get(written.casefold()) or self.staff.get(name_key(written))
        if found is not None:
            return found
        if self.unknown_staff == "refuse":
            raise Refused("client_import.refused.unknown_staff", column=column, value=written)
        self.report.open_leads.append((line, written))
        return None

    def _team(self, line: str, v: dict[str, str]) -> set[tuple[int, str]]:
        """(staff id, team role) of the client team columns."""
        team: set[tuple[int, str]] = set()
        for column, role in TEAM_ROLES.items():
            for written in lv.split_list(v[column]):
                sid = self._staff(line, written, column)
                if sid is not None:
                    team.add((sid, role))
        return team

    def _matter(self, line: str, v: dict[str, str]) -> MatterIn | None:
        """The matter of the row, if any."""
        if not any(v[c] for c in MATTER_COLUMNS):
            return None
        try:
            area = lv.parse_area(v["practice_area"])
        except ValueError:
            raise Refused("client_import.refused.bad_area", value=v["practice_area"]) from None
        if area is None:
            raise Refused("client_import.refused.no_area")
        dates: dict[str, date | None] = {}
        for column in ("opened", "closed"):
            try:
                dates[column] = lv.parse_date(v[column])
            except ValueError:
                raise Refused("client_import.refused.bad_date", column=column, value=v[column]) from None
            if dates[column] is not None and dates[column] > self.today:
                raise Refused("client_import.refused.future_date", column=column, value=v[column])
        if dates["opened"] and dates["closed"] and dates["closed"] < dates["opened"]:
            raise Refused("client_import.refused.closed_before_opened")
        number = v["matter"] or None
        if number and len(number) > MAX_NUMBER:
            raise Refused("client_import.refused.too_long", column="matter", max=str(MAX_NUMBER))
        opposing, related = lv.split_list(v["opposing"]), lv.split_list(v["related"])
        if any(len(n) > MAX_NAME for n in opposing + related):
            raise Refused("client_import.refused.too_long", column="opposing", max=str(MAX_NAME))
        lead = None
        if v["lead_lawyer"]:
            lead = self._staff(line, v["lead_lawyer"], "lead_lawyer")
        assistants = []
        for written in lv.split_list(v["assistants"]):
            sid = self._staff(line, written, "assistants")
            if sid is not None and sid not in assistants:
                assistants.append(sid)
        return MatterIn(line=line, number=number, area=area, cause=v["cause"] or None, opposing=opposing,
                        related=related, opened=dates["opened"], closed=dates["closed"], lead_id=lead,
                        assistant_ids=assistants)

    def _check_matter(self, group: Group, m: MatterIn) -> None:
        """The file's matter number is kept when it is this client's (or new); else the row is refused."""
        if not m.number:
            return
        owner = self.file_numbers.get(m.number)
        if owner is not None and owner is not group:
            raise Refused("client_import.refused.number_taken", number=m.number)
        known = self.numbers.get(m.number)
        if known is not None and known[1] != group.existing_id:
            raise Refused("client_import.refused.number_taken", number=m.number)

    def _file_matter(self, group: Group, m: MatterIn) -> None:
        """Attach a matter to its client: the file's number kept, else found again by its content."""
        if m.number:
            known = self.numbers.get(m.number)
            self.file_numbers[m.number] = group
            m.existing_id = known[0] if known else None
            m.key = "n:" + m.number
        else:
            who = group.bidx or group.name_key
            body = "\x1f".join([who, m.area, m.cause or "", m.opened.isoformat() if m.opened else "",
                                ";".join(sorted(m.opposing))])
            m.key = hashlib.sha256(body.encode("utf-8")).hexdigest()
            known = self.matter_keys.get(m.key)
            if known is not None and known[1] == group.existing_id:
                m.existing_id = known[0]
        for prior in group.matters:
            if prior.key == m.key:      # the same matter on two rows: what the later row adds
                prior.opposing = list(dict.fromkeys(prior.opposing + m.opposing))
                prior.related = list(dict.fromkeys(prior.related + m.related))
                prior.assistant_ids = list(dict.fromkeys(prior.assistant_ids + m.assistant_ids))
                prior.lead_id = prior.lead_id or m.lead_id
                prior.closed = prior.closed or m.closed
                return
        group.matters.append(m)

    # ---- which client a row is -----------------------------------------------------------------
    def _group_of(self, line: str, name: str, client: dict[str, Any], source: Source) -> Group:
        """The client group of a row: same ID, same name, a decided close name, or a new client."""
        bidx = self.keyring.blind_index(client["id_number"]) if client["id_number"] else None
        key = name_key(name)
        if bidx:
            g = self.by_bidx.get(bidx)
            if g is None and bidx in self.db_bidx:
                g = self._existing(self.db_bidx[bidx], line)
            if g is not None:
                return self._merged(g, line, name, bidx)
        g = self.by_name.get(key)
        if g is not None and not (bidx and g.bidx and g.bidx != bidx):
            return self._merged(g, line, name, bidx)
        cid = self.db_name.get(key)
        if cid is not None and not (bidx and self.names[cid][2] and self.names[cid][2] != bidx):
            return self._merged(self._existing(cid, line), line, name, bidx)
        if source.matters_only:
            raise Refused("client_import.refused.no_client", name=name)
        close = self._close_names(name, client["kind"], bidx)
        if close and line in self.merge:
            target = close[0][1]
            g = self.groups[-target - 1] if target < 0 else self._existing(target, line)
            return self._merged(g, line, name, bidx)
        g = self._new_group(line, name, key, bidx, client["kind"])
        if close and line not in self.separate:
            g.held = [self.names[i][0] for _score, i in close]
        return g

    def _close_names(self, name: str, kind: str, bidx: str | None) -> list[tuple[float, int]]:
        """Clients (in the database or earlier in the file) the conflict matcher finds close, best first."""
        q = self.norm.features(name, _party_kind(kind))
        found: dict[int, float] = {}
        for slot in self.index.candidates(q):
            ident = self.index.party[slot]
            other, other_kind, other_bidx = self.names[ident]
            if bidx and other_bidx and other_bidx != bidx:
                continue              # two ID numbers: two clients, however alike their names
            m = compare(q, self.norm.features(other, _party_kind(other_kind)))
            if m is not None and m.score >= DUPLICATE_SCORE:
                found[ident] = max(found.get(ident, 0.0), m.score)
        return sorted(((s, i) for i, s in found.items()), key=lambda p: (-p[0], abs(p[1])))[:5]

    def _new_group(self, line: str, name: str, key: str, bidx: str | None, kind: str,
                   existing_id: int | None = None) -> Group:
        """A client group of its own, filed for the rows that follow."""
        g = Group(gid=len(self.groups), line=line, name=name, name_key=key, bidx=bidx, existing_id=existing_id)
        self.groups.append(g)
        self.by_name.setdefault(key, g)
        if bidx:
            self.by_bidx.setdefault(bidx, g)
        if existing_id is not None:
            self.by_client[existing_id] = g
        else:
            ident = -g.gid - 1
            self.names[ident] = (name, kind, bidx)
            self.index.add(party_id=ident, alias_id=0, name=name, kind=_party_kind(kind))
        return g

    def _existing(self, cid: int, line: str) -> Group:
        """The group updating a client already in the database."""
        g = self.by_client.get(cid)
        if g is None:
            name, kind, bidx = self.names[cid]
            g = self._new_group(line, name, name_key(name), bidx, kind or "", existing_id=cid)
        return g

    def _merged(self, g: Group, line: str, name: str, bidx: str | None) -> Group:
        """Rows of the same client: listed as merged when they come after its first row."""
        if name != g.name and line != g.line:   # the same client under another spelling: shown, with its first line
            self.report.merged.append((line, g.line, name))
        if name_key(name) != g.name_key and name not in g.variants:
            g.variants.append(name)
        if bidx and not g.bidx:
            g.bidx = bidx
            self.by_bidx.setdefault(bidx, g)
        return g

    # ---- writing -------------------------------------------------------------------------------
    def run(self, *, apply: bool, actor: str, pattern: str,
            progress: Callable[[ImportReport], None] | None = None) -> ImportReport:
        """Write the planned clients batch by batch (a dry run rolls every batch back), then audit."""
        self.report.applied = apply
        ready = [g for g in self.groups if g.refused is None and g.held is None]
        factory = make_session_factory(self.engine)
        for start in range(0, len(ready), BATCH):
            batch = ready[start:start + BATCH]
            with session_scope(factory, commit=apply) as session:   # a dry run rolls each batch back
                advisory_xact_lock(session, PARTIES_LOCK)
                _Batch(self, session, batch, pattern=pattern).write()
            if progress:
                progress(self.report)
        if apply and is_postgres(self.engine) and ready:
            with self.engine.begin() as conn:
                for table in ("clients", "matters", "parties", "client_team", "matter_team"):
                    conn.exec_driver_sql(f"ANALYZE {table}")
        with factory() as session, session.begin():
            record(session, actor=actor, action="clients.import" if apply else "clients.import.dry_run",
                   entity="clients", fields=list(AUDIT_FIELDS))
        return self.report


class _Batch:
    """One transaction's worth of clients with their contacts, matters, teams, dates and parties."""

    def __init__(self, importer: Importer, session: Session, groups: list[Group], *, pattern: str) -> None:
        self.imp, self.session, self.groups, self.pattern = importer, session, groups, pattern
        self.report = importer.report
        self.keyring = importer.keyring
        self.now = now_of(session)

    def write(self) -> None:
        """Clients, then what hangs on them."""
        ids = self._clients()
        self._contacts(ids)
        self._team(ids)
        self._dates(ids)
        matter_ids = self._matters(ids)
        self._parties(ids, matter_ids)

    def _client_values(self, g: Group) -> dict[str, Any]:
        """The client columns the file gives (blank cells change nothing)."""
        f = g.fields
        values: dict[str, Any] = {"kind": f.get("kind") or ClientKind.INDIVIDUAL.value}
        for column, key in (("id_number", "id_number"), ("phone", "phone"), ("email", "email"),
                            ("address", "address"), ("legal_representative", "legal_representative"),
                            ("industry", "industry"), ("source_channel", "source"), ("referrer", "referrer"),
                            ("tier", "tier"), ("preferred_channel", "preferred_channel")):
            if f.get(key):
                values[column] = f[key]
        if f.get("id_number"):
            values["id_number_bidx"] = g.bidx
            values["sensitive_consent_at"] = self.now if f.get("consent") else None
        if f.get("tags"):
            values["tags"] = f["tags"]
        prefs: dict[str, str] = {}
        for key, column, codes in (("gender", "gender", GENDER_WORDS), ("size", "company_size", SIZE_WORDS)):
            if f.get(key):
                code = codes.get(lv.key_of(f[key]))
                if code:
                    values[column] = code
                else:  # a word the form does not offer: kept as written, nothing lost
                    prefs[key] = f[key]
        if f.get("decision_maker"):
            values["decision_maker"] = f["decision_maker"]
        if prefs:
            values["preferences"] = prefs
        return values

    def _clients(self) -> dict[int, int]:
        """Create new clients, update existing ones; group id -> client id."""
        ids: dict[int, int] = {}
        new = [g for g in self.groups if g.existing_id is None]
        if new:
            rows = []
            for g in new:
                values = self._client_values(g)
                tier = values.get("tier") or Tier.POTENTIAL.value
                status = (ClientStatus.LOST.value if tier == Tier.LOST.value
                          else ClientStatus.ACTIVE.value if g.matters else ClientStatus.PROSPECT.value)
                rows.append({"kind": values["kind"], "name": g.name, "id_number": values.get("id_number"),
                             "id_number_bidx": values.get("id_number_bidx"), "tier": tier, "status": status,
                             "source_channel": values.get("source_channel"), "referrer": values.get("referrer"),
                             "phone": values.get("phone"), "email": values.get("email"),
                             "address": values.get("address"),
                             "legal_representative": values.get("legal_representative"),
                             "industry": values.get("industry"), "preferred_channel": values.get("preferred_channel"),
                             "preferences": values.get("preferences"), "tags": values.get("tags"),
                             "gender": values.get("gender"), "company_size": values.get("company_size"),
                             "decision_maker": values.get("decision_maker"),
                             "sensitive_consent_at": values.get("sensitive_consent_at"),
                             "lost_at": self.now if tier == Tier.LOST.value else None,
                             "created_at": self.now, "updated_at": self.now})
            got = _bulk_insert(self.session, Client.__table__, rows, ids=True)
            for g, cid in zip(new, got, strict=True):
                ids[g.gid] = cid
            self.report.clients_created += len(new)
        old = [g for g in self.groups if g.existing_id is not None]
        if old:
            clients = {c.id: c for c in self.session.scalars(
                select(Client).where(Client.id.in_([g.existing_id for g in old])))}
            for g in old:
                assert g.existing_id is not None
                ids[g.gid] = g.existing_id
                client = clients[g.existing_id]
                changed = False
                for column, value in self._client_values(g).items():
                    if column == "tags":
                        value = list(dict.fromkeys([*(client.tags or []), *value]))
                    elif column == "preferences":
                        value = {**(client.preferences or {}), **value}
                    elif column == "sensitive_consent_at":
                        if client.sensitive_consent_at is not None or value is None:
                            continue
                    if getattr(client, column) != value:
                        setattr(client, column, value)
                        changed = True
                if client.tier == Tier.LOST.value and client.lost_at is None:
                    client.lost_at = self.now
                if changed:
                    client.updated_at = self.now
                    self.report.clients_updated += 1
                else:
                    self.report.clients_unchanged += 1
            self.session.flush()
        return ids

    def _contacts(self, ids: dict[int, int]) -> None:
        """Contacts not yet recorded (by name)."""
        known: dict[int, set[str]] = defaultdict(set)
        old = [ids[g.gid] for g in self.groups if g.existing_id is not None]
        if old:
            for cid, name in self.session.execute(select(ClientContact.client_id, ClientContact.name)
                                                  .where(ClientContact.client_id.in_(old))):
                known[cid].add(lv.key_of(name))
        rows = []
        for g in self.groups:
            cid = ids[g.gid]
            people = list(g.contacts)
            for i, c in enumerate(people):
                k = lv.key_of(c["name"])
                if k in known[cid]:
                    continue
                known[cid].add(k)
                rows.append({"client_id": cid, "name": c["name"], "title": c["title"], "phone": c["phone"],
                             "email": c["email"], "is_primary": i == 0 and g.existing_id is None})
        if rows:
            _bulk_insert(self.session, ClientContact.__table__, rows)
        self.report.contacts_added += len(rows)

    def _team(self, ids: dict[int, int]) -> None:
        """Client team members not yet on the team; a client without a lead gets its matters' lead."""
        existing: set[tuple[int, int, str]] = set()
        cids = [ids[g.gid] for g in self.groups]
        if any(g.existing_id is not None for g in self.groups):
            existing = set(self.session.execute(
                select(ClientTeamMember.client_id, ClientTeamMember.staff_id, ClientTeamMember.role)
                .where(ClientTeamMember.client_id.in_(cids))))
        has_lead = {cid for cid, _sid, role in existing if role == TeamRole.LEAD_LAWYER.value}
        rows = []
        for g in self.groups:
            cid = ids[g.gid]
            wanted = set(g.team)
            if cid not in has_lead and not any(r == TeamRole.LEAD_LAWYER.value for _s, r in wanted):
                leads = [m.lead_id for m in g.matters if m.lead_id is not None]
                if leads:
                    wanted.add((leads[0], TeamRole.LEAD_LAWYER.value))
            for m in g.matters:
                for sid in m.assistant_ids:
                    wanted.add((sid, TeamRole.ASSISTANT.value))
            for sid, role in sorted(wanted):
                if (cid, sid, role) not in existing:
                    existing.add((cid, sid, role))
                    rows.append({"client_id": cid, "staff_id": sid, "role": role})
        if rows:
            _bulk_insert(self.session, ClientTeamMember.__table__, rows)
        self.report.team_added += len(rows)

    def _dates(self, ids: dict[int, int]) -> None:
        """Birthday or founding anniversary, yearly (one of each kind per client)."""
        wanted = {}
        for g in self.groups:
            for key, kind in (("birthday", "birthday"), ("founded", "founding")):
                if g.fields.get(key):
                    wanted[(ids[g.gid], kind)] = g.fields[key]
        if not wanted:
            return
        cids = sorted({cid for cid, _k in wanted})
        existing = {(r.client_id, r.kind): r for r in self.session.scalars(
            select(ImportantDate).where(ImportantDate.client_id.in_(cids),
                                        ImportantDate.kind.in_(("birthday", "founding"))))}
        rows = []
        for (cid, kind), on in wanted.items():
            row = existing.get((cid, kind))
            if row is None:
                rows.append({"client_id": cid, "kind": kind, "on_date": on, "yearly": True,
                             "created_at": self.now})
            elif row.on_date != on:
                row.on_date = on
        if rows:
            _bulk_insert(self.session, ImportantDate.__table__, rows)
        self.session.flush()

    def _opened_at(self, on: date | None) -> datetime:
        """A date of the firm's calendar as the UTC instant its day starts."""
        if on is None:
            return self.now
        return datetime.combine(on, dtime(), tzinfo=self.imp.tz).astimezone(timezone.utc)

    def _matters(self, ids: dict[int, int]) -> dict[int, list[tuple[MatterIn, int, str]]]:
        """Create or update matters (numbers drawn where the file gives none); their teams."""
        out: dict[int, list[tuple[MatterIn, int, str]]] = defaultdict(list)
        new: list[tuple[Group, MatterIn]] = []
        updates: list[tuple[Group, MatterIn]] = []
        for g in self.groups:
            for m in g.matters:
                (updates if m.existing_id is not None else new).append((g, m))
        drawn = self._draw_numbers([m for _g, m in new if not m.number])
        if new:
            rows = []
            for g, m in new:
                number = m.number or drawn.pop((id(m)))
                rows.append({"number": number, "client_id": ids[g.gid], "practice_area": m.area, "title": m.cause,
                             "status": MatterStatus.CLOSED.value if m.closed else MatterStatus.OPEN.value,
                             "lead_lawyer_id": m.lead_id, "opened_at": self._opened_at(m.opened),
                             "closed_at": self._opened_at(m.closed) if m.closed else None,
                             "import_key": None if m.number else m.key})
            got = _bulk_insert(self.session, Matter.__table__, rows, ids=True)
            for (g, m), mid, row in zip(new, got, rows, strict=True):
                out[g.gid].append((m, mid, row["number"]))
            self.report.matters_created += len(new)
        if updates:
            matters = {x.id: x for x in self.session.scalars(
                select(Matter).where(Matter.id.in_([m.existing_id for _g, m in updates])))}
            for g, m in updates:
                assert m.existing_id is not None
                row = matters[m.existing_id]
                values = {"practice_area": m.area, "title": m.cause or row.title,
                          "lead_lawyer_id": m.lead_id or row.lead_lawyer_id,
                          "opened_at": self._opened_at(m.opened) if m.opened else row.opened_at}
                if m.closed:
                    values |= {"status": MatterStatus.CLOSED.value, "closed_at": self._opened_at(m.closed)}
                if any(getattr(row, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(row, k, v)
                    self.report.matters_updated += 1
                out[g.gid].append((m, row.id, row.number))
            self.session.flush()
        self._matter_team(out)
        return out

    def _draw_numbers(self, matters: list[MatterIn]) -> dict[int, str]:
        """Numbers from the firm's counters for matters the file gives none, skipping numbers taken."""
        by_counter: dict[tuple[int, str], list[MatterIn]] = defaultdict(list)
        for m in matters:
            year = (m.opened or self.now.astimezone(self.imp.tz).date()).year
            by_counter[(year, m.area)].append(m)
        drawn: dict[int, str] = {}
        taken = self.imp.file_numbers
        for (year, area), group in by_counter.items():
            todo = list(group)
            while todo:
                numbers = next_matter_numbers(self.session, pattern=self.pattern, year=year, area=area,
                                              count=len(todo))
                free = [n for n in numbers if n not in taken and n not in self.imp.numbers]
                for m, number in zip(todo, free, strict=False):
                    drawn[id(m)] = number
                todo = todo[len(free):]
        return drawn

    def _matter_team(self, out: dict[int, list[tuple[MatterIn, int, str]]]) -> None:
        """Lead lawyer and assistants on each matter team."""
        old = [mid for items in out.values() for m, mid, _n in items if m.existing_id is not None]
        existing: set[tuple[int, int, str]] = set()
        if old:
            existing = set(self.session.execute(
                select(MatterTeamMember.matter_id, MatterTeamMember.staff_id, MatterTeamMember.role)
                .where(MatterTeamMember.matter_id.in_(old))))
        rows = []
        for items in out.values():
            for m, mid, _number in items:
                wanted = [(m.lead_id, TeamRole.LEAD_LAWYER.value)] if m.lead_id else []
                wanted += [(sid, TeamRole.ASSISTANT.value) for sid in m.assistant_ids]
                for sid, role in wanted:
                    if (mid, sid, role) not in existing:
                        existing.add((mid, sid, role))
                        rows.append({"matter_id": mid, "staff_id": sid, "role": role})
        if rows:
            _bulk_insert(self.session, MatterTeamMember.__table__, rows)

    def _parties(self, ids: dict[int, int], matters: dict[int, list[tuple[MatterIn, int, str]]]) -> None:
        """Clients, opposing and related parties into the conflict index (once each, by import key).

        Only parties of clients and matters that existed before may be there already; a client's
        other spellings become aliases of its party.
        """
        rows: dict[str, dict[str, Any]] = {}
        maybe_there: list[str] = []
        aliases: dict[str, list[str]] = {}
        for g in self.groups:
            cid = ids[g.gid]
            f = g.fields
            role = PartyRole.FORMER_CLIENT.value if f.get("tier") == Tier.LOST.value else PartyRole.CLIENT.value
            key = _party_key("client", cid, None, "")
            rows[key] = {"name": g.name, "role": role, "kind": _party_kind(f.get("kind")), "client_id": cid,
                         "matter_id": None, "matter_ref": None, "id_number": f.get("id_number"),
                         "id_number_bidx": g.bidx, "source": "import", "import_key": key, "created_at": self.now}
            if g.existing_id is not None:
                maybe_there.append(key)
            if g.variants:
                aliases[key] = g.variants
            for m, mid, number in matters.get(g.gid, []):
                for role, names in ((PartyRole.ADVERSE.value, m.opposing), (PartyRole.RELATED.value, m.related)):
                    for name in names:
                        k = _party_key(role, None, mid, name)
                        rows[k] = {"name": name, "role": role, "kind": None, "client_id": None, "matter_id": mid,
                                   "matter_ref": number, "id_number": None, "id_number_bidx": None,
                                   "source": "import", "import_key": k, "created_at": self.now}
                        if m.existing_id is not None:
                            maybe_there.append(k)
        found: dict[str, int] = {}
        for start in range(0, len(maybe_there), 5000):
            found.update({k: pid for k, pid in self.session.execute(
                select(Party.import_key, Party.id).where(Party.import_key.in_(maybe_there[start:start + 5000])))})
        new = [rows[k] for k in rows if k not in found]
        _bulk_insert(self.session, Party.__table__, new)
        self.report.parties_added += len(new)
        if aliases:
            keys = list(aliases)
            found.update({k: pid for k, pid in self.session.execute(
                select(Party.import_key, Party.id).where(Party.import_key.in_(keys)))})
            wanted = [(found[k], name) for k in keys for name in aliases[k]]
            have = set(self.session.execute(select(PartyAlias.party_id, PartyAlias.name).where(
                PartyAlias.party_id.in_(sorted({p for p, _n in wanted})))))
            fresh = [{"party_id": p, "name": n, "kind": "alias"} for p, n in dict.fromkeys(wanted)
                     if (p, n) not in have]
            _bulk_insert(self.session, PartyAlias.__table__, fresh)


def _bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]], *,
                 ids: bool = False) -> list[int]:
    """Insert rows (all with the same keys), returning their new ids in order when asked.

    PostgreSQL: ids drawn from the table's sequence, then COPY (values converted by each
    column's type, so encrypted columns are encrypted as on any insert). SQLite: one
    multi-row INSERT (… RETURNING id when ids are wanted).
    """
    if not rows:
        return []
    conn = session.connection()
    if not is_postgres(session):
        if ids:
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list(conn.execute(stmt, rows).scalars().all())
        conn.execute(insert(table), rows)
        return []
    new_ids: list[int] = []
    if ids:
        new_ids = [r[0] for r in conn.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, {len(rows)})")]
        rows = [{**row, "id": i} for row, i in zip(rows, new_ids, strict=True)]
    columns = list(rows[0])
    dialect = session.get_bind().dialect
    procs = [_json_text if isinstance(table.c[c].type, JSON) else table.c[c].type.bind_processor(dialect)
             for c in columns]
    dbapi = conn.connection.dbapi_connection
    with dbapi.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([proc(row[c]) if proc is not None and row[c] is not None else row[c]
                            for c, proc in zip(columns, procs, strict=True)])
    return new_ids


def _json_text(value: Any) -> str:
    """A JSON column's value as COPY takes it."""
    return json.dumps(value, ensure_ascii=False)


def _party_key(role: str, client_id: int | None, matter_id: int | None, name: str) -> str:
    """The identity of an imported party: importing the ledger again adds it once."""
    body = f"clients-import\x1f{role}\x1f{client_id or ''}\x1f{matter_id or ''}\x1f{name_key(name)}"
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _party_kind(kind: str | None) -> str | None:
    """The conflict index's kind for a client kind."""
    if not kind:
        return None
    return PartyKind.PERSON.value if kind == ClientKind.INDIVIDUAL.value else PartyKind.ORGANIZATION.value


def _guess_kind(norm: Normalizer, name: str, id_number: str | None) -> str:
    """A kind the file does not give: an organisation's name or a USCC make an enterprise."""
    if id_number and len(id_number) == 18 and not id_number[:17].isdigit():
        return ClientKind.ENTERPRISE.value
    return ClientKind.INDIVIDUAL.value if norm.features(name).person else ClientKind.ENTERPRISE.value


def import_clients(engine: Engine, paths: Sequence[Path], *, apply: bool, actor: str, today: date, tz: ZoneInfo,
                   pattern: str, unknown_staff: str = "refuse", merge: Iterable[str] = (),
                   separate: Iterable[str] = (), encoding: str | None = None,
                   progress: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Plan the import of a client ledger, then write it (`apply`) or only count what it would do.

    `today` and `tz` are the firm's (app clock): dates in the future are refused and dates
    start at the firm's midnight. `merge` and `separate` are the lines (as reported) whose
    close-name duplicates were decided.
    """
    started = time.monotonic()
    importer = Importer(engine, today=today, tz=tz, unknown_staff=unknown_staff, merge=merge, separate=separate)
    importer.load()
    importer.plan(paths, encoding=encoding, progress=progress)
    report = importer.run(apply=apply, actor=actor, pattern=pattern, progress=progress)
    report.seconds = time.monotonic() - started
    return report
