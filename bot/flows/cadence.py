"""What is due, computed from the database for one firm-local day.

Set-based on purpose (100,000 clients, 2,000,000 notes): one aggregate over contact notes
per client (last contact, and per cadence rule whether a qualifying contact happened within
its period) using the covering index (client_id, channel, occurred_at); one aggregate over
the last 30 days' notes per (client, author) for the lead-lawyer / manager rules; then the
rules are applied in Python per client. Note texts are never read here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.flows.clients import next_occurrence
from bot.flows.workdays import WorkCalendar
from storage.db import is_postgres
from storage.models import (Client, ClientTeamMember, ContactNote, FollowUp, ImportantDate, Matter,
                            MatterTeamMember, Staff, StaffAssistant, CadenceSnooze)
from storage.models.enums import ClientStatus, FollowUpStatus, MatterStatus, Role, TeamRole, Tier

MONTH_DAYS = 30
DATE_WINDOW_DAYS = 7
DIGEST_ITEMS = 20
HEARING_KINDS = ("hearing",)
LEAD_ROLES = (TeamRole.LEAD_LAWYER.value,)
MANAGER_ROLES = (TeamRole.MANAGER.value,)
DIGEST_ROLES = (Role.PARTNER.value, Role.LAWYER.value, Role.ASSISTANT.value,
                Role.CLIENT_SERVICE.value)


@dataclass(frozen=True)
class Rules:
    """The cadence configuration (Settings.cadence and the per-role monthly minimums)."""

    tiers: dict[str, list[dict[str, Any]]]
    lead_monthly: int = 3
    manager_monthly: int = 1
    churn_days: int = 90
    lost_days: int = 365


@dataclass(frozen=True)
class FollowUpItem:
    """An overdue or due-today follow-up."""

    follow_up_id: int
    client_id: int
    title: str | None
    due_on: date


@dataclass(frozen=True)
class CadenceItem:
    """A client below its cadence for this person; `rules` name what is missing."""

    client_id: int
    tier: str
    rules: tuple[str, ...]
    last_contact: date | None


@dataclass(frozen=True)
class DateItem:
    """An important date or hearing within the window; `tomorrow` for the day-before notice."""

    date_id: int
    client_id: int
    kind: str
    on: date
    label: str | None
    tomorrow: bool


@dataclass
class Digest:
    """One person's morning digest."""

    staff_id: int
    slack_user_id: str
    locale: str | None
    follow_ups: list[FollowUpItem] = field(default_factory=list)
    cadence: list[CadenceItem] = field(default_factory=list)
    dates: list[DateItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to tell."""
        return not (self.follow_ups or self.cadence or self.dates)


@dataclass(frozen=True)
class Quiet:
    """A client to alert about (churn) or to propose as lost; `basis` makes the alert unique."""

    client_id: int
    basis: date
    last_contact: date | None


@dataclass
class DuePlan:
    """Everything due on one day."""

    day: date
    digests: dict[int, Digest]
    churn: list[Quiet]
    lost: list[Quiet]
    client_names: dict[int, str]


def _start_of(day: date, cal: WorkCalendar) -> datetime:
    """The aware instant a firm-local day starts."""
    return cal.at_local(day, time(0, 0))


def _rule_columns(rules: Rules, today_start: datetime) -> dict[tuple[frozenset[str], int], Any]:
    """One aggregate column per distinct (channels, period): 1 when a contact fell inside it."""
    cols: dict[tuple[frozenset[str], int], Any] = {}
    for tier_rules in rules.tiers.values():
        for r in tier_rules:
            key = (frozenset(r["channels"]), int(r["every_days"]))
            if key in cols:
                continue
            since = today_start - timedelta(days=key[1])
            hit = and_(ContactNote.channel.in_(sorted(key[0])), ContactNote.occurred_at >= since)
            cols[key] = func.max(case((hit, 1), else_=0)).label(f"r{len(cols)}")
    return cols


def compute_due(session: Session, *, today: date, cal: WorkCalendar, rules: Rules) -> DuePlan:
    """What is due today: digests per person, churn alerts and lost proposals."""
    today_start = _start_of(today, cal)
    month_ago = today_start - timedelta(days=MONTH_DAYS)
    staff = {s.id: s for s in session.execute(
        select(Staff.id, Staff.slack_user_id, Staff.locale, Staff.role)
        .where(Staff.active.is_(True), Staff.role.in_(DIGEST_ROLES))
    )}
    digests: dict[int, Digest] = {}

    def digest_of(staff_id: int) -> Digest | None:
        s = staff.get(staff_id)
        if s is None:
            return None
        if staff_id not in digests:
            digests[staff_id] = Digest(staff_id=s.id, slack_user_id=s.slack_user_id, locale=s.locale)
        return digests[staff_id]

    # --- last contacts per client, and which cadence rules are met -----------------------------
    rule_cols = _rule_columns(rules, today_start)
    agg = (select(ContactNote.client_id.label("client_id"),
                  func.max(ContactNote.occurred_at).label("last_at"), *rule_cols.values())
           .group_by(ContactNote.client_id).subquery())
    open_matter = (select(Matter.client_id).where(Matter.status == MatterStatus.OPEN.value)
                   .distinct().subquery())
    matter_last = (select(Matter.client_id.label("client_id"),
                          func.max(func.coalesce(Matter.closed_at, Matter.opened_at)).label("m_at"))
                   .group_by(Matter.client_id).subquery())
    rows = session.execute(
        select(Client.id, Client.tier, Client.status, Client.created_at, Client.churn_snoozed_until,
               agg.c.last_at, open_matter.c.client_id.label("has_open"), matter_last.c.m_at,
               *[agg.c[c.name] for c in rule_cols.values()])
        .outerjoin(agg, agg.c.client_id == Client.id)
        .outerjoin(open_matter, open_matter.c.client_id == Client.id)
        .outerjoin(matter_last, matter_last.c.client_id == Client.id)
        .where(Client.tier != Tier.LOST.value, Client.status != ClientStatus.LOST.value)
    ).all()
    col_names = {key: c.name for key, c in rule_cols.items()}

    # --- teams ------------------------------------------------------------------------------
    team: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for cid, sid, role in session.execute(
            select(ClientTeamMember.client_id, ClientTeamMember.staff_id, ClientTeamMember.role)):
        team[cid].append((sid, role))
    for cid, sid in session.execute(
            select(Matter.client_id, Matter.lead_lawyer_id)
            .where(Matter.status == MatterStatus.OPEN.value, Matter.lead_lawyer_id.is_not(None))):
        if (sid, TeamRole.LEAD_LAWYER.value) not in team[cid]:
            team[cid].append((sid, TeamRole.LEAD_LAWYER.value))
    assistants: dict[int, list[int]] = defaultdict(list)
    for aid, lid in session.execute(select(StaffAssistant.assistant_id, StaffAssistant.lawyer_id)):
        assistants[lid].append(aid)
    month_counts: dict[tuple[int, int], int] = {
        (cid, aid): n for cid, aid, n in session.execute(
            select(ContactNote.client_id, ContactNote.author_id, func.count())
            .where(ContactNote.occurred_at >= month_ago)
            .group_by(ContactNote.client_id, ContactNote.author_id))
    }
    snoozed = {(sid, cid) for sid, cid in session.execute(
        select(CadenceSnooze.staff_id, CadenceSnooze.client_id).where(CadenceSnooze.until > today))}

    churn: list[Quiet] = []
    lost: list[Quiet] = []
    churn_cut = today - timedelta(days=rules.churn_days)
    lost_cut = today - timedelta(days=rules.lost_days)
    for r in rows:
        last_at: datetime | None = r.last_at
        last_day = cal.local_date(last_at) if last_at else None
        created_day = cal.local_date(r.created_at)
        quiet_since = last_day or created_day
        # churn: no recorded contact for churn_days (unless snoozed)
        if quiet_since <= churn_cut and (r.churn_snoozed_until is None
                                         or r.churn_snoozed_until <= today):
            basis = max(quiet_since, r.churn_snoozed_until or quiet_since)
            churn.append(Quiet(client_id=r.id, basis=basis, last_contact=last_day))
        # lost: no engagement (contact or matter activity, no open matter) for lost_days
        engaged = max(d for d in (quiet_since, cal.local_date(r.m_at) if r.m_at else None) if d)
        if r.has_open is None and engaged <= lost_cut:
            lost.append(Quiet(client_id=r.id, basis=engaged, last_contact=last_day))
        # tier cadence: for the lead lawyer(s), else the partner(s)
        members = team.get(r.id, [])
        missing = []
        if r.status in (ClientStatus.ACTIVE.value, ClientStatus.PROSPECT.value):
            for rule in rules.tiers.get(r.tier, []):
                key = (frozenset(rule["channels"]), int(rule["every_days"]))
                fresh = created_day > today - timedelta(days=key[1])
                if not fresh and not getattr(r, col_names[key]):
                    missing.append(str(rule["rule"]))
        leads = [sid for sid, role in members if role in LEAD_ROLES]
        owners = leads or [sid for sid, role in members if role == TeamRole.PARTNER.value]
        per_person: dict[int, list[str]] = defaultdict(list)
        if missing:
            for sid in owners:
                per_person[sid].extend(missing)
        if r.status == ClientStatus.ACTIVE.value and created_day <= today - timedelta(days=MONTH_DAYS):
            for sid in set(leads):
                if month_counts.get((r.id, sid), 0) < rules.lead_monthly:
                    per_person[sid].append("lead_monthly")
            for sid in {sid for sid, role in members if role in MANAGER_ROLES}:
                if month_counts.get((r.id, sid), 0) < rules.manager_monthly:
                    per_person[sid].append("manager_monthly")
        for sid, names in per_person.items():
            if (sid, r.id) in snoozed:
                continue
            d = digest_of(sid)
            if d is not None:
                d.cadence.append(CadenceItem(client_id=r.id, tier=r.tier,
                                             rules=tuple(dict.fromkeys(names)), last_contact=last_day))

    # --- follow-ups (titles decrypted only for those a digest shows) ---------------------------
    due_rows: dict[int, list[tuple[int, int, date]]] = defaultdict(list)
    for fid, cid, owner, due_on in session.execute(
            select(FollowUp.id, FollowUp.client_id, FollowUp.owner_id, FollowUp.due_on).where(
                FollowUp.status == FollowUpStatus.OPEN.value, FollowUp.due_on <= today,
                or_(FollowUp.snoozed_until.is_(None), FollowUp.snoozed_until <= today))
            .order_by(FollowUp.due_on, FollowUp.id)):
        due_rows[owner].append((fid, cid, due_on))
    shown = {fid for owner, items in due_rows.items() if owner in staff
             for fid, _, _ in items[:DIGEST_ITEMS]}
    titles: dict[int, str] = {}
    ordered = sorted(shown)
    for i in range(0, len(ordered), 5000):
        titles.update(session.execute(select(FollowUp.id, FollowUp.title)
                                      .where(FollowUp.id.in_(ordered[i:i + 5000]))).all())
    for owner, items in due_rows.items():
        d = digest_of(owner)
        if d is not None:
            d.follow_ups.extend(FollowUpItem(follow_up_id=fid, client_id=cid, title=titles.get(fid),
                                             due_on=due_on) for fid, cid, due_on in items)

    # --- important dates and hearings ---------------------------------------------------------
    horizon = max(today + timedelta(days=DATE_WINDOW_DAYS), next_working_day(today, cal))
    next_work = next_working_day(today, cal)
    days_md = {(today + timedelta(days=i)).strftime("%m-%d") for i in range((horizon - today).days + 1)}
    if "03-01" in days_md:
        days_md.add("02-29")
    cands = session.execute(
        select(ImportantDate.id, ImportantDate.client_id, ImportantDate.matter_id,
               ImportantDate.kind, ImportantDate.on_date, ImportantDate.yearly)
        .where(or_(and_(ImportantDate.yearly.is_(True),
                        month_day(ImportantDate.on_date, session).in_(sorted(days_md))),
                   and_(ImportantDate.on_date >= today, ImportantDate.on_date <= horizon)))
    ).all()
    upcoming = {}
    for c in cands:
        on = next_occurrence(c.on_date, yearly=c.yearly, today=today)
        if today <= on <= horizon:
            upcoming[c.id] = (c, on)
    if upcoming:
        matter_of = dict(session.execute(
            select(Matter.id, Matter.client_id).where(
                Matter.id.in_([c.matter_id for c, _ in upcoming.values() if c.matter_id])
            )).all())
        matter_team: dict[int, set[int]] = defaultdict(set)
        for mid, sid in session.execute(
                select(MatterTeamMember.matter_id, MatterTeamMember.staff_id)
                .where(MatterTeamMember.matter_id.in_(list(matter_of)))):
            matter_team[mid].add(sid)
        for mid, lead in session.execute(select(Matter.id, Matter.lead_lawyer_id)
                                         .where(Matter.id.in_(list(matter_of)))):
            if lead:
                matter_team[mid].add(lead)
        labels = dict(session.execute(
            select(ImportantDate.id, ImportantDate.label).where(ImportantDate.id.in_(list(upcoming)))
        ).all())
        for did, (c, on) in sorted(upcoming.items(), key=lambda kv: (kv[1][1], kv[0])):
            client_id = c.client_id or matter_of.get(c.matter_id)
            if client_id is None:
                continue
            people = set(matter_team.get(c.matter_id, set())) if c.matter_id else set()
            if not people:
                people = {sid for sid, _ in team.get(client_id, [])}
            for sid in list(people):
                people.update(assistants.get(sid, []))
            is_tomorrow = c.kind in HEARING_KINDS and today < on <= next_work
            for sid in sorted(people):
                d = digest_of(sid)
                if d is not None:
                    d.dates.append(DateItem(date_id=did, client_id=client_id, kind=c.kind, on=on,
                                            label=labels.get(did), tomorrow=is_tomorrow))

    wanted = {i.client_id for d in digests.values() for i in (*d.follow_ups, *d.cadence, *d.dates)}
    wanted |= {q.client_id for q in (*churn, *lost)}
    names = _names(session, wanted)
    return DuePlan(day=today, digests={k: v for k, v in digests.items() if not v.empty},
                   churn=churn, lost=lost, client_names=names)


def month_day(column: Any, session: Session) -> Any:
    """The 'MM-DD' of a date column, in the bound database's dialect."""
    if is_postgres(session):
        return func.to_char(column, "MM-DD")
    return func.strftime("%m-%d", column)


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    """Client names for a set of ids (in chunks)."""
    out: dict[int, str] = {}
    ordered = sorted(ids)
    for i in range(0, len(ordered), 5000):
        chunk = ordered[i:i + 5000]
        out.update(dict(session.execute(select(Client.id, Client.name).where(Client.id.in_(chunk))).all()))
    return out


def next_working_day(day: date, cal: WorkCalendar) -> date:
    """The first working day after `day`."""
    nxt = day + timedelta(days=1)
    while not cal.is_working_day(nxt):
        nxt += timedelta(days=1)
    return nxt


def team_of(session: Session, *, client_id: int) -> list[tuple[str, str]]:
    """(slack user id, team role) of a client's team, lead lawyers first."""
    order = {TeamRole.LEAD_LAWYER.value: 0, TeamRole.PARTNER.value: 1, TeamRole.MANAGER.value: 2}
    rows = session.execute(
        select(Staff.slack_user_id, ClientTeamMember.role)
        .join(Staff, Staff.id == ClientTeamMember.staff_id)
        .where(ClientTeamMember.client_id == client_id, Staff.active.is_(True))
    ).all()
    return sorted(((r.slack_user_id, r.role) for r in rows), key=lambda p: (order.get(p[1], 9), p[0]))

