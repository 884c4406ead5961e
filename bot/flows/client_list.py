"""`/client` with no name: my clients, searched by name; partners filter by tier, lawyer, practice
area and tag. The same list exported as an XLSX workbook (audited: who, which filters, how many rows)."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from datetime import datetime

from rapidfuzz import fuzz, process
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import ColumnElement, Text, and_, cast, column, exists, func, literal, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.clients import normalize_name
from bot.flows.home import tier_rank
from bot.flows.intake_form import AREAS
from bot.i18n import t_plain
from bot.labels import label
from storage import audit
from storage.db import is_postgres
from storage.models import Client, ClientTeamMember, Matter, Staff
from storage.models.enums import Role, TeamRole, Tier

PAGE_SIZE = 20
MAX_MATCHES = 500
MAX_QUERY = 200
MAX_TAG = 100
FUZZY_CUTOFF = 85
CHUNK = 5000
ME, ANYONE = "me", "all"
TIERS = tuple(t.value for t in Tier)


@dataclass(frozen=True)
class ClientFilter:
    """What the list shows: a name query, and (partners) tier, lawyer, practice area and tag.

    `lawyer` is "me" (the clients I serve), "all" (partners: every client) or a staff id.
    """

    query: str = ""
    tier: str | None = None
    lawyer: str = ME
    area: str | None = None
    tag: str | None = None

    def for_actor(self, actor: Actor) -> "ClientFilter":
        """The filter as this actor may use it: only partners filter beyond the name query."""
        query = " ".join(self.query.split())[:MAX_QUERY]
        if actor.role != Role.PARTNER:
            return ClientFilter(query=query)
        lawyer = self.lawyer if self.lawyer in (ME, ANYONE) or self.lawyer.isdigit() else ME
        return ClientFilter(query=query, tier=self.tier if self.tier in TIERS else None, lawyer=lawyer,
                            area=self.area if self.area in AREAS else None,
                            tag=(" ".join((self.tag or "").split())[:MAX_TAG] or None))

    def used(self) -> list[str]:
        """The filters in use, for the audit log: tier, area and lawyer by code, the typed ones by name only."""
        out = []
        if self.query:
            out.append("filter:query")
        if self.tier:
            out.append(f"filter:tier={self.tier}")
        out.append(f"filter:lawyer={self.lawyer}")
        if self.area:
            out.append(f"filter:area={self.area}")
        if self.tag:
            out.append("filter:tag")
        return out


@dataclass(frozen=True)
class ListedClient:
    """One client in the list."""

    client_id: int
    name: str
    tier: str
    status: str
    leads: tuple[str, ...] = ()


@dataclass
class ClientPage:
    """A page of the list and the size of the whole list (`capped` when a search hit its limit)."""

    items: list[ListedClient]
    page: int
    total: int
    size: int = PAGE_SIZE
    capped: bool = False

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.size))


@dataclass(frozen=True)
class ExportRow:
    """One client in the exported workbook (plain columns only: nothing encrypted is read)."""

    name: str
    kind: str
    tier: str
    status: str
    industry: str | None
    leads: tuple[str, ...]
    partners: tuple[str, ...]
    areas: tuple[str, ...]
    open_matters: int
    tags: tuple[str, ...]
    created_on: str


def _tag_condition(session: Session, tag: str) -> ColumnElement[bool]:
    """Clients whose tag list holds `tag` (case folded)."""
    wanted = tag.casefold()
    if is_postgres(session):
        folded = cast(func.lower(cast(Client.tags, Text)), JSONB)
        return folded.contains(cast(func.jsonb_build_array(literal(wanted)), JSONB))
    each = func.json_each(Client.tags).table_valued("value")
    return exists(select(literal(1)).select_from(each).where(func.lower(column("value")) == wanted))


def scope(session: Session, *, actor: Actor, flt: ClientFilter) -> ColumnElement[bool]:
    """The condition on Client for the list: what the actor may see, narrowed by the filter."""
    visible = policy.client_visibility(actor)
    parts: list[ColumnElement[bool]] = [visible]
    if actor.role == Role.PARTNER:
        if flt.lawyer == ME:
            parts.append(policy.my_clients(actor))
        elif flt.lawyer != ANYONE:
            parts.append(policy.served_by(select(literal(int(flt.lawyer)).label("staff_id"))))
        if flt.tier:
            parts.append(Client.tier == flt.tier)
        if flt.area:
            parts.append(Client.id.in_(select(Matter.client_id).where(Matter.practice_area == flt.area)))
        if flt.tag:
            parts.append(_tag_condition(session, flt.tag))
    return and_(*parts) if len(parts) > 1 else parts[0]


def _matched_ids(session: Session, *, actor: Actor, flt: ClientFilter) -> list[int]:
    """Ids of the clients matching the name query within the scope, best first (at most MAX_MATCHES).

    Names are folded as `/client NAME` folds them (`normalize_name`). Exact matches alone when
    there are some; else names containing the query (a single character too) (the closer in length, the better), then,
    while fewer than a page were found, names holding the query with a typo or two (rapidfuzz
    `partial_ratio` ≥ FUZZY_CUTOFF, for queries of 3+ characters). Core rows and one pass per
    step keep a search over 100,000 names well under a second.
    """
    q = normalize_name(flt.query)
    if not q:
        return []
    cond = scope(session, actor=actor, flt=flt)
    result = session.connection().execute(select(Client.__table__.c.id, Client.__table__.c.name).where(cond))
    rows = result.cursor.fetchall()  # plain (id, name) tuples: no typed columns to process here
    result.close()
    ids = [r[0] for r in rows]
    folded = list(map(normalize_name, (r[1] for r in rows)))
    exact = [cid for cid, name in zip(ids, folded) if name == q]
    if exact:
        return sorted(exact)[:MAX_MATCHES]
    scored = {cid: 90.0 + 9.9 * len(q) / len(name) for cid, name in zip(ids, folded) if q in name}
    if len(scored) < PAGE_SIZE and len(q) >= 3:
        for _, score, index in process.extract(q, folded, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF,
                                               limit=MAX_MATCHES):
            scored.setdefault(ids[index], min(float(score), 89.9))
    best = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
    return [cid for cid, _ in best[:MAX_MATCHES]]


def prime_names(session: Session, *, actor: Actor) -> int:
    """Fold the names of every client the actor may see into the name cache (before a first search)."""
    result = session.connection().execute(select(Client.__table__.c.name).where(policy.client_visibility(actor)))
    names = [r[0] for r in result.cursor.fetchall()]
    result.close()
    return sum(1 for _ in map(normalize_name, names))


def list_clients(session: Session, *, actor: Actor, flt: ClientFilter, page: int = 0,
                 size: int = PAGE_SIZE) -> ClientPage:
    """One page of the list: by best match when there is a query, else by tier then name."""
    flt = flt.for_actor(actor)
    page = max(0, page)
    if flt.query:
        ids = _matched_ids(session, actor=actor, flt=flt)
        total = len(ids)
        page = min(page, max(0, (total - 1) // size))
        shown = ids[page * size:(page + 1) * size]
        rows = {r.id: r for r in session.execute(select(Client.id, Client.name, Client.tier, Client.status)
                                                 .where(Client.id.in_(shown)))} if shown else {}
        ordered = [rows[i] for i in shown if i in rows]
        capped = total >= MAX_MATCHES
    else:
        cond = scope(session, actor=actor, flt=flt)
        total = session.execute(select(func.count()).select_from(Client).where(cond)).scalar_one()
        page = min(page, max(0, (total - 1) // size))
        ordered = list(session.execute(
            select(Client.id, Client.name, Client.tier, Client.status).where(cond)
            .order_by(tier_rank(Client.tier), Client.name, Client.id).limit(size).offset(page * size)))
        capped = False
    leads = _people(session, [r.id for r in ordered], TeamRole.LEAD_LAWYER.value, slack=True)
    return ClientPage([ListedClient(client_id=r.id, name=r.name, tier=r.tier, status=r.status,
                                    leads=tuple(leads.get(r.id, ()))) for r in ordered],
                      page=page, total=total, size=size, capped=capped)


def _people(session: Session, ids: Sequence[int], role: str, *, slack: bool) -> dict[int, list[str]]:
    """Each client's team members in a role: Slack ids, or display names (in chunks)."""
    out: dict[int, list[str]] = defaultdict(list)
    who = Staff.slack_user_id if slack else Staff.display_name
    for i in range(0, len(ids), CHUNK):
        for cid, name in session.execute(
                select(ClientTeamMember.client_id, who).join(Staff, Staff.id == ClientTeamMember.staff_id)
                .where(ClientTeamMember.client_id.in_(list(ids[i:i + CHUNK])), ClientTeamMember.role == role)
                .order_by(ClientTeamMember.client_id, who)):
            out[cid].append(name)
    return out


def export_clients(session: Session, *, actor: Actor, flt: ClientFilter) -> list[ExportRow]:
    """Every client of the list as it is filtered (not only the page shown); audited, never values."""
    flt = flt.for_actor(actor)
    if flt.query:
        ids = _matched_ids(session, actor=actor, flt=flt)
    else:
        ids = list(session.execute(select(Client.id).where(scope(session, actor=actor, flt=flt))
                                   .order_by(tier_rank(Client.tier), Client.name, Client.id)).scalars())
    rows: dict[int, ExportRow] = {}
    leads = _people(session, ids, TeamRole.LEAD_LAWYER.value, slack=False)
    partners = _people(session, ids, TeamRole.PARTNER.value, slack=False)
    areas: dict[int, set[str]] = defaultdict(set)
    open_count: dict[int, int] = defaultdict(int)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        for cid, area, status in session.execute(select(Matter.client_id, Matter.practice_area, Matter.status)
                                                 .where(Matter.client_id.in_(chunk))):
            areas[cid].add(area)
            open_count[cid] += status == "open"
        for r in session.execute(select(Client.id, Client.name, Client.kind, Client.tier, Client.status,
                                        Client.industry, Client.tags, Client.created_at)
                                 .where(Client.id.in_(chunk))):
            tags = tuple(str(x) for x in r.tags) if isinstance(r.tags, list) else ()
            rows[r.id] = ExportRow(name=r.name, kind=r.kind, tier=r.tier, status=r.status, industry=r.industry,
                                   leads=tuple(leads.get(r.id, ())), partners=tuple(partners.get(r.id, ())),
                                   areas=tuple(sorted(areas.get(r.id, ()))), open_matters=open_count.get(r.id, 0),
                                   tags=tags, created_on=_day(r.created_at))
    out = [rows[i] for i in ids if i in rows]
    audit.record(session, actor=actor.audit_name, action="export", entity="client_list",
                 fields=[*flt.used(), f"rows={len(out)}"])
    return out


def _day(moment: datetime | None) -> str:
    """An ISO date (UTC) or empty."""
    return moment.date().isoformat() if moment else ""


COLUMNS = ("name", "kind", "tier", "status", "industry", "lead", "partner", "areas", "open_matters", "tags",
           "created")


def workbook(rows: Sequence[ExportRow], *, locale: str | None) -> bytes:
    """The rows as an XLSX workbook (one sheet, translated headers and vocabulary)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(t_plain("client_list.sheet", locale))
    sheet.append([_text(sheet, t_plain(f"client_list.col.{c}", locale)) for c in COLUMNS])
    for r in rows:
        sheet.append([_text(sheet, r.name), _text(sheet, label("client_kind", r.kind, locale)),
                      _text(sheet, label("tier", r.tier, locale)), _text(sheet, label("status", r.status, locale)),
                      _text(sheet, r.industry or ""), _text(sheet, "; ".join(r.leads)),
                      _text(sheet, "; ".join(r.partners)),
                      _text(sheet, "; ".join(label("practice_area", a, locale) for a in r.areas)),
                      r.open_matters, _text(sheet, "; ".join(r.tags)), _text(sheet, r.created_on)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(sheet: WriteOnlyWorksheet, value: str) -> Any:
    """A cell that is always text: a name starting with `=` is never written as a formula."""
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"
    return cell


MAX_LAWYERS = 98


def lawyer_choices(session: Session) -> list[tuple[int, str]]:
    """Active partners and lawyers a partner can filter by (staff id, name), by name."""
    return [(r.id, r.display_name) for r in session.execute(
        select(Staff.id, Staff.display_name)
        .where(Staff.active.is_(True), Staff.role.in_((Role.PARTNER.value, Role.LAWYER.value)))
        .order_by(Staff.display_name, Staff.id).limit(MAX_LAWYERS))]
