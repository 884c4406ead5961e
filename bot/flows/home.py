"""What a person's App Home shows: their book by tier, follow-ups, quiet clients, dates, and for
partners the intake requests and complaints waiting. Each section is read one page at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.cadence import MIDNIGHT, month_day
from bot.flows.clients import next_occurrence
from bot.flows.complaints import open_complaints
from bot.flows.workdays import WorkCalendar
from bot.settings import Settings
from storage import audit
from storage.models import (Client, ContactNote, FollowUp, ImportantDate, IntakeRequest, Matter,
                            Staff)
from storage.models.enums import ClientStatus, FollowUpStatus, Role, Tier

T = TypeVar("T")

TIER_ORDER = (Tier.STRATEGIC.value, Tier.CORE.value, Tier.KEY.value, Tier.POTENTIAL.value, Tier.ORDINARY.value,
              Tier.LOST.value)
SECTIONS = ("follow_ups", "quiet", "dates", "intake", "complaints", "clients")
PAGE_SIZES = {"follow_ups": 5, "quiet": 10, "dates": 10, "intake": 8, "complaints": 8, "clients": 20}
FOLLOW_UP_DAYS = 7
DATE_DAYS = 14
QUIET_MARGIN_DAYS = 14
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a section: its items, which page (from 0) and how many there are in all."""

    items: list[T]
    page: int
    total: int
    size: int

    @property
    def has_prev(self) -> bool:
        """There is an earlier page."""
        return self.page > 0

    @property
    def has_next(self) -> bool:
        """There is a later page."""
        return (self.page + 1) * self.size < self.total


@dataclass(frozen=True)
class ClientLine:
    """A client of mine."""

    client_id: int
    name: str
    tier: str


@dataclass(frozen=True)
class FollowUpLine:
    """An open follow-up of mine due soon (or overdue)."""

    follow_up_id: int
    client_id: int
    client_name: str
    title: str
    due_on: date


@dataclass(frozen=True)
class QuietLine:
    """A client of mine not contacted for the churn period (`over`) or nearly so."""

    client_id: int
    name: str
    tier: str
    since: date
    contacted: bool
    over: bool


@dataclass(frozen=True)
class DateLine:
    """An important date or hearing in the next days (yearly dates projected)."""

    date_id: int
    client_id: int
    client_name: str
    kind: str
    on: date
    at_time: str | None
    matter_number: str | None
    label: str | None


@dataclass(frozen=True)
class IntakeLine:
    """An intake request waiting for a partner's decision."""

    request_id: int
    client_name: str
    practice_area: str
    requester: str
    submitted_on: date | None


@dataclass(frozen=True)
class ComplaintLine:
    """An open complaint the partner may see."""

    complaint_id: int
    client_name: str
    status: str
    received_on: date


@dataclass
class HomeData:
    """Everything the Home tab shows for one person."""

    tiers: dict[str, int]
    clients: Page[ClientLine]
    follow_ups: Page[FollowUpLine]
    quiet: Page[QuietLine]
    dates: Page[DateLine]
    intake: Page[IntakeLine] | None = None
    complaints: Page[ComplaintLine] | None = None
    pages: dict[str, int] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)


def clean_pages(pages: Mapping[str, object] | None) -> dict[str, int]:
    """The page of each section, from untrusted input (unknown sections and bad numbers dropped)."""
    out: dict[str, int] = {}
    for name, value in (pages or {}).items():
        if name in SECTIONS and isinstance(value, int) and not isinstance(value, bool):
            out[name] = max(0, min(value, MAX_PAGE))
    return out


def _window(page: int, size: int) -> tuple[int, int]:
    """LIMIT and OFFSET of a page."""
    return size, page * size


def _in_range(page: int, size: int, total: int) -> int:
    """The page, moved back to the last one when items went away (after Done, say)."""
    last = max(0, (total - 1) // size) if total else 0
    return min(page, last)


def home_data(session: Session, *, actor: Actor, today: date, cal: WorkCalendar, settings: Settings,
              pages: Mapping[str, int] | None = None) -> HomeData:
    """The Home tab's data for the actor, each section at its page (reads only: `data.read` names the
    encrypted fields decrypted, for `record_read` to audit)."""
    wanted = clean_pages(pages)
    mine = policy.my_clients(actor)
    read: set[str] = set()
    tiers = _tiers(session, mine=mine)
    data = HomeData(
        tiers=tiers,
        clients=_clients(session, mine=mine, total=sum(tiers.values()), page=wanted.get("clients", 0)),
        follow_ups=_follow_ups(session, actor=actor, today=today, page=wanted.get("follow_ups", 0), read=read),
        quiet=_quiet(session, mine=mine, today=today, cal=cal, churn_days=settings.churn_after_days,
                     page=wanted.get("quiet", 0)),
        dates=_dates(session, mine_ids=policy.my_client_ids(actor), today=today, page=wanted.get("dates", 0),
                     read=read),
    )
    if actor.role == Role.PARTNER:
        data.intake = _intake(session, page=wanted.get("intake", 0), cal=cal, read=read)
        data.complaints = _complaints(session, actor=actor, settings=settings, cal=cal,
                                      page=wanted.get("complaints", 0))
    data.pages = {name: getattr(data, name).page for name in SECTIONS if getattr(data, name) is not None}
    data.read = sorted(read)
    return data


def record_read(session: Session, *, actor: Actor, data: HomeData) -> None:
    """Audit what a Home decrypted (field names, once per Home shown; never values)."""
    if data.read:
        audit.record(session, actor=actor.audit_name, action="read", entity="app_home",
                     entity_id=actor.staff_id, fields=data.read)


def _tiers(session: Session, *, mine: object) -> dict[str, int]:
    """How many of my clients are in each tier."""
    counts = dict(session.execute(select(Client.tier, func.count()).where(mine).group_by(Client.tier)).all())
    return {tier: counts[tier] for tier in (*TIER_ORDER, *sorted(set(counts) - set(TIER_ORDER)))
            if counts.get(tier)}


def tier_rank(column: object) -> object:
    """Strategic, core, key, potential, ordinary, lost, then anything else."""
    return case({tier: i for i, tier in enumerate(TIER_ORDER)}, value=column, else_=len(TIER_ORDER))


def _clients(session: Session, *, mine: object, total: int, page: int) -> Page[ClientLine]:
    """My clients (`total` of them), by tier then name."""
    size = PAGE_SIZES["clients"]
    page = _in_range(page, size, total)
    limit, offset = _window(page, size)
    rows = session.execute(select(Client.id, Client.name, Client.tier).where(mine)
                           .order_by(tier_rank(Client.tier), Client.name, Client.id)
                           .limit(limit).offset(offset)).all()
    return Page([ClientLine(client_id=r.id, name=r.name, tier=r.tier) for r in rows], page, total, size)


def _follow_ups(session: Session, *, actor: Actor, today: date, page: int,
                read: set[str]) -> Page[FollowUpLine]:
    """My open follow-ups overdue or due within the week, soonest first (titles of the page only)."""
    size = PAGE_SIZES["follow_ups"]
    cond = and_(FollowUp.owner_id == actor.staff_id, FollowUp.status == FollowUpStatus.OPEN.value,
                FollowUp.due_on <= today + timedelta(days=FOLLOW_UP_DAYS))
    total = session.execute(select(func.count()).select_from(FollowUp).where(cond)).scalar_one()
    page = _in_range(page, size, total)
    limit, offset = _window(page, size)
    rows = session.execute(select(FollowUp.id, FollowUp.client_id, Client.name, FollowUp.due_on)
                           .join(Client, Client.id == FollowUp.client_id).where(cond)
                           .order_by(FollowUp.due_on, FollowUp.id).limit(limit).offset(offset)).all()
    titles = _by_id(session, FollowUp.id, FollowUp.title, [r.id for r in rows])
    if rows:
        read.add("follow_up.title")
    return Page([FollowUpLine(follow_up_id=r.id, client_id=r.client_id, client_name=r.name,
                              title=titles.get(r.id) or "", due_on=r.due_on) for r in rows], page, total, size)


def _by_id(session: Session, key: object, column: object, ids: Sequence[int]) -> dict[int, object]:
    """`column` by id for a few ids (decrypts only those)."""
    if not ids:
        return {}
    return dict(session.execute(select(key, column).where(key.in_(list(ids)))).all())  # type: ignore[attr-defined]


def _quiet(session: Session, *, mine: object, today: date, cal: WorkCalendar, churn_days: int,
           page: int) -> Page[QuietLine]:
    """My clients (not lost) with no contact for the churn period or within QUIET_MARGIN_DAYS of it.

    The same measure as churn alerts: the last contact note, or when the client was created.
    """
    size = PAGE_SIZES["quiet"]
    last_at = (select(func.max(ContactNote.occurred_at)).where(ContactNote.client_id == Client.id)
               .correlate(Client).scalar_subquery())
    inner = (select(Client.id, Client.name, Client.tier, Client.created_at, last_at.label("last_at"))
             .where(mine, Client.tier != Tier.LOST.value, Client.status != ClientStatus.LOST.value)
             .cte("my_quiet").prefix_with("MATERIALIZED", dialect="postgresql"))  # each seek once
    since = func.coalesce(inner.c.last_at, inner.c.created_at)
    churn_at = cal.at_local(today - timedelta(days=churn_days - 1), MIDNIGHT)
    near_at = cal.at_local(today - timedelta(days=max(churn_days - QUIET_MARGIN_DAYS, 1) - 1), MIDNIGHT)
    limit, offset = _window(page, size)
    stmt = (select(inner.c.id, inner.c.name, inner.c.tier, inner.c.last_at, since.label("since"),
                   func.count().over().label("total"))
            .where(since < near_at).order_by(since, inner.c.id))
    rows = session.execute(stmt.limit(limit).offset(offset)).all()
    if not rows and page:
        total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        page = _in_range(page, size, total)
        limit, offset = _window(page, size)
        rows = session.execute(stmt.limit(limit).offset(offset)).all()
    total = rows[0].total if rows else 0
    return Page([QuietLine(client_id=r.id, name=r.name, tier=r.tier, since=cal.local_date(_aware(r.since)),
                           contacted=r.last_at is not None, over=_aware(r.since) < churn_at)
                 for r in rows], page, total, size)


def _aware(value: datetime | str) -> datetime:
    """A UTC datetime from what the database returned for a computed timestamp."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _dates(session: Session, *, mine_ids: object, today: date, page: int, read: set[str]) -> Page[DateLine]:
    """Important dates and hearings of my clients (and their matters) in the next DATE_DAYS days."""
    size = PAGE_SIZES["dates"]
    horizon = today + timedelta(days=DATE_DAYS)
    days_md = {(today + timedelta(days=i)).strftime("%m-%d") for i in range(DATE_DAYS + 1)}
    if "03-01" in days_md:
        days_md.add("02-29")
    my_matters = select(Matter.id).where(Matter.client_id.in_(mine_ids))
    cands = session.execute(
        select(ImportantDate.id, ImportantDate.client_id, ImportantDate.matter_id, ImportantDate.kind,
               ImportantDate.on_date, ImportantDate.yearly, ImportantDate.at_time)
        .where(or_(and_(ImportantDate.yearly.is_(True),
                        month_day(ImportantDate.on_date, session).in_(sorted(days_md))),
                   and_(ImportantDate.on_date >= today, ImportantDate.on_date <= horizon)),
               or_(ImportantDate.client_id.in_(mine_ids), ImportantDate.matter_id.in_(my_matters)))
    ).all()
    upcoming = sorted(((next_occurrence(c.on_date, yearly=c.yearly, today=today), c) for c in cands),
                      key=lambda item: (item[0], item[1].at_time or "", item[1].id))
    upcoming = [(on, c) for on, c in upcoming if today <= on <= horizon]
    total = len(upcoming)
    page = _in_range(page, size, total)
    shown = upcoming[page * size:(page + 1) * size]
    matters = {r.id: (r.client_id, r.number) for r in session.execute(
        select(Matter.id, Matter.client_id, Matter.number)
        .where(Matter.id.in_([c.matter_id for _, c in shown if c.matter_id])))} if shown else {}
    client_of = {c.id: c.client_id or matters.get(c.matter_id, (None, None))[0] for _, c in shown}
    names = dict(session.execute(select(Client.id, Client.name)
                                 .where(Client.id.in_([v for v in client_of.values() if v])))
                 .all()) if shown else {}
    labels = _by_id(session, ImportantDate.id, ImportantDate.label, [c.id for _, c in shown])
    if any(labels.values()):
        read.add("important_date.label")
    items = [DateLine(date_id=c.id, client_id=client_of[c.id] or 0, client_name=names.get(client_of[c.id], "?"),
                      kind=c.kind, on=on, at_time=c.at_time,
                      matter_number=matters.get(c.matter_id, (None, None))[1] if c.matter_id else None,
                      label=labels.get(c.id)) for on, c in shown]  # type: ignore[arg-type]
    return Page(items, page, total, size)


def _intake(session: Session, *, page: int, cal: WorkCalendar, read: set[str]) -> Page[IntakeLine]:
    """Intake requests submitted for a partner's decision, oldest first."""
    size = PAGE_SIZES["intake"]
    cond = IntakeRequest.status == "pending"
    total = session.execute(select(func.count()).select_from(IntakeRequest).where(cond)).scalar_one()
    page = _in_range(page, size, total)
    limit, offset = _window(page, size)
    rows = session.execute(
        select(IntakeRequest.id, IntakeRequest.practice_area, IntakeRequest.submitted_at,
               Staff.slack_user_id, IntakeRequest.form)
        .join(Staff, Staff.id == IntakeRequest.requester_id).where(cond)
        .order_by(IntakeRequest.submitted_at, IntakeRequest.id).limit(limit).offset(offset)).all()
    if rows:
        read.add("intake_request.form")
    return Page([IntakeLine(request_id=r.id, client_name=str((r.form or {}).get("name") or "?"),
                            practice_area=r.practice_area, requester=r.slack_user_id,
                            submitted_on=cal.local_date(r.submitted_at) if r.submitted_at else None)
                 for r in rows], page, total, size)


def _complaints(session: Session, *, actor: Actor, settings: Settings, cal: WorkCalendar,
                page: int) -> Page[ComplaintLine]:
    """Open complaints the partner may see (policy.complaint_visibility), oldest first."""
    size = PAGE_SIZES["complaints"]
    listed = open_complaints(session, actor=actor, settings=settings)
    page = _in_range(page, size, len(listed))
    return Page([ComplaintLine(complaint_id=c.id, client_name=c.client_name, status=c.status,
                               received_on=cal.local_date(c.received_at))
                 for c in listed[page * size:(page + 1) * size]], page, len(listed), size)
