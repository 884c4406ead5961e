"""What is due, computed from the database for one firm-local day.

Set-based on purpose (100,000 clients, 2,000,000 notes): per client, the last contact is one
index seek (ix_contact_notes_client_occurred) and the churn and lost flags are computed in
SQL; one aggregate over the recent notes (the longest cadence period or 30 days, range scan
on ix_contact_notes_at_client_author) per (client, author) gives which cadence rules were met
and the monthly counts for the lead-lawyer / manager minimums; then the rules are applied in
Python per client. Note texts are never read here.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from bot.flows.archive.filing import open_tasks
from bot.flows.clients import next_occurrence
from bot.flows.enquiries.stages import Prospect, weekly_due
from bot.flows.winback import StepDue, due_steps
from bot.flows.workdays import WorkCalendar
from storage.db import is_postgres
from storage.models import (Client, ClientTeamMember, ContactNote, FollowUp, ImportantDate, Matter,
                            MatterTeamMember, Staff, StaffAssistant, CadenceSnooze)
from storage.models.enums import (LEGACY_MANAGER_ROLE, ClientStatus, FollowUpStatus, MatterStatus, Role,
                                  TeamRole, Tier)

MONTH_DAYS = 30
MIDNIGHT = time(0, 0)
DATE_WINDOW_DAYS = 7
DIGEST_ITEMS = 20
HEARING_KINDS = ("hearing", "deadline")
LEAD_ROLES = (TeamRole.LEAD_LAWYER.value,)
MANAGER_ROLES = (TeamRole.CLIENT_MANAGER.value, LEGACY_MANAGER_ROLE)
PARTNER_ROLE = TeamRole.PARTNER.value
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
    at_time: str | None = None
    authority: str | None = None


@dataclass(frozen=True)
class FilingDue:
    """A filing task of a closed matter (records and archive), due on a firm-local day."""

    filing_id: int
    number: str
    due_on: date
    returned: bool


@dataclass
class Digest:
    """One person's morning digest."""

    staff_id: int
    slack_user_id: str
    locale: str | None
    follow_ups: list[FollowUpItem] = field(default_factory=list)
    cadence: list[CadenceItem] = field(default_factory=list)
    dates: list[DateItem] = field(default_factory=list)
    cadence_more: int = 0
    filings: list[FilingDue] = field(default_factory=list)
    prospects: list[Prospect] = field(default_factory=list)
    winback: list[StepDue] = field(default_factory=list)
    moments: list[Any] = field(default_factory=list)  # bot.flows.matter_moments.MomentItem

    @property
    def empty(self) -> bool:
        """Nothing to tell."""
        return not (self.follow_ups or self.cadence or self.dates or self.filings or self.prospects
                    or self.winback or self.moments)


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


def _rule_keys(rules: Rules) -> list[tuple[frozenset[str], int]]:
    """The distinct (channels, period) pairs of every tier's rules."""
    keys: list[tuple[frozenset[str], int]] = []
    for tier_rules in rules.tiers.values():
        for r in tier_rules:
            key = (frozenset(r["channels"]), int(r["every_days"]))
            if key not in keys:
                keys.append(key)
    return keys


def lost_cutoff(*, today: date, cal: WorkCalendar, lost_days: int) -> datetime:
    """Lost = no open matter, and no contact, matter opened or closed, or creation since this instant."""
    return cal.at_local(today - timedelta(days=lost_days - 1), MIDNIGHT)


def compute_due(session: Session, *, today: date, cal: WorkCalendar, rules: Rules) -> DuePlan:
    """What is due today: digests per person, churn alerts and lost proposals."""
    today_start = cal.at_local(today, MIDNIGHT)
    month_ago = today_start - timedelta(days=MONTH_DAYS)
    staff = {s.id: s for s in session.execute(
        select(Staff.id, Staff.slack_user_id, Staff.locale, Staff.role)
        .where(Staff.active.is_(True), Staff.role.in_(DIGEST_ROLES))
    )}
    digests: dict[int, Digest] = {}

    def digest_of(staff_id: int) -> Digest | None:
        """This person's digest (created on first use), or None for someone without one."""
        s = staff.get(staff_id)
        if s is None:
            return None
        if staff_id not in digests:
            digests[staff_id] = Digest(staff_id=s.id, slack_user_id=s.slack_user_id, locale=s.locale)
        return digests[staff_id]

    # --- per client: last contact (one index seek each), churn and lost flags, in SQL -------
    # (a materialized CTE, so PostgreSQL does not re-run the correlated seeks per reference)
    keys = _rule_keys(rules)
    last_at = (select(func.max(ContactNote.occurred_at)).where(ContactNote.client_id == Client.id)
               .correlate(Client).scalar_subquery())
    m_at = (select(func.max(func.coalesce(Matter.closed_at, Matter.opened_at)))
            .where(Matter.client_id == Client.id).correlate(Client).scalar_subquery())
    has_open = (select(Matter.id).where(Matter.client_id == Client.id,
                                        Matter.status == MatterStatus.OPEN.value)
                .correlate(Client).exists())
    inner = (select(Client.id, Client.tier, Client.status, Client.created_at,
                    Client.churn_snoozed_until, last_at.label("last_at"), m_at.label("m_at"),
                    case((has_open, 1), else_=0).label("has_open"))
             .where(Client.tier != Tier.LOST.value, Client.status != ClientStatus.LOST.value)
             .cte("due_clients").prefix_with("MATERIALIZED", dialect="postgresql"))
    churn_at = cal.at_local(today - timedelta(days=rules.churn_days - 1), MIDNIGHT)
    lost_at = lost_cutoff(today=today, cal=cal, lost_days=rules.lost_days)
    quiet_since = func.coalesce(inner.c.last_at, inner.c.created_at)
    # A matter opened or closed is engagement too: a client back through intake is not "quiet".
    engaged_since = case((and_(inner.c.m_at.is_not(None),
                               or_(inner.c.last_at.is_(None), inner.c.m_at > inner.c.last_at)), inner.c.m_at),
                         else_=quiet_since)
    churn_flag = case((and_(engaged_since < churn_at,
                            or_(inner.c.churn_snoozed_until.is_(None),
                                inner.c.churn_snoozed_until <= today)), 1), else_=0)
    lost_flag = case((and_(inner.c.has_open == 0, quiet_since < lost_at, inner.c.created_at < lost_at,
                           or_(inner.c.m_at.is_(None), inner.c.m_at < lost_at)), 1), else_=0)
    fresh = [case((inner.c.created_at > today_start - timedelta(days=k[1]), 1), else_=0) for k in keys]
    mature = case((inner.c.created_at <= today_start - timedelta(days=MONTH_DAYS), 1), else_=0)
    rows = session.execute(
        select(inner.c.id, inner.c.tier, inner.c.status, churn_flag, lost_flag, mature,
               type_coerce(inner.c.last_at, String), type_coerce(inner.c.created_at, String),
               type_coerce(inner.c.m_at, String), inner.c.churn_snoozed_until, *fresh)
    ).all()
    # --- recent notes per (client, author): which rules are met, and monthly counts -----------
    window = max([MONTH_DAYS] + [k[1] for k in keys])
    met_cols = [func.max(case((and_(ContactNote.channel.in_(sorted(k[0])),
                                    ContactNote.occurred_at >= today_start - timedelta(days=k[1])), 1),
                              else_=0)) for k in keys]
    met: dict[int, list[int]] = {}
    month_counts: dict[tuple[int, int], int] = {}
    for cid, aid, n, *flags in session.execute(
            select(ContactNote.client_id, ContactNote.author_id,
                   func.sum(case((ContactNote.occurred_at >= month_ago, 1), else_=0)), *met_cols)
            .where(ContactNote.occurred_at >= today_start - timedelta(days=window))
            .group_by(ContactNote.client_id, ContactNote.author_id)):
        month_counts[(cid, aid)] = int(n or 0)
        seen = met.get(cid)
        met[cid] = list(flags) if seen is None else [x or y for x, y in zip(seen, flags)]
    tier_rules = {tier: [(keys.index((frozenset(r["channels"]), int(r["every_days"]))), str(r["rule"]))
                         for r in rs] for tier, rs in rules.tiers.items()}

    # --- teams ------------------------------------------------------------------------------
    leads: dict[int, list[int]] = defaultdict(list)
    partners: dict[int, list[int]] = defaultdict(list)
    managers: dict[int, list[int]] = defaultdict(list)
    team: dict[int, list[int]] = defaultdict(list)
    for cid, sid, role in _plain_rows(session, select(ClientTeamMember.client_id,
                                                      ClientTeamMember.staff_id, ClientTeamMember.role)):
        if sid not in staff:   # someone who left: the client's partner is reminded instead
            continue
        team[cid].append(sid)
        if role in LEAD_ROLES:
            leads[cid].append(sid)
        elif role == PARTNER_ROLE:
            partners[cid].append(sid)
        elif role in MANAGER_ROLES:
            managers[cid].append(sid)
    for cid, sid in session.execute(
            select(Matter.client_id, Matter.lead_lawyer_id)
            .where(Matter.status == MatterStatus.OPEN.value, Matter.lead_lawyer_id.is_not(None))):
        if sid in staff and sid not in leads[cid]:
            leads[cid].append(sid)
            team[cid].append(sid)
    assistants: dict[int, list[int]] = defaultdict(list)
    for aid, lid in session.execute(select(StaffAssistant.assistant_id, StaffAssistant.lawyer_id)):
        assistants[lid].append(aid)
    snoozed = {(sid, cid) for sid, cid in session.execute(
        select(CadenceSnooze.staff_id, CadenceSnooze.client_id).where(CadenceSnooze.until > today))}

    below: dict[int, list[tuple[Any, int, str, tuple[str, ...]]]] = defaultdict(list)
    active, prospect = ClientStatus.ACTIVE.value, ClientStatus.PROSPECT.value
    lead_min, manager_min = rules.lead_monthly, rules.manager_monthly
    no_rules: list[tuple[int, str]] = []
    nothing_met = [0] * len(keys)
    churn: list[Quiet] = []
    lost: list[Quiet] = []
    for (cid, tier, status, is_churn, is_lost, is_mature, last_raw, created_raw, m_raw, snooze,
         *is_fresh) in rows:
        if is_churn or is_lost:
            last_day = _local_day(last_raw, cal) if last_raw else None
            since = last_day or _local_day(created_raw, cal)
            engaged = max(since, _local_day(m_raw, cal)) if m_raw else since
            if is_churn:
                churn.append(Quiet(client_id=cid, basis=max(engaged, snooze or engaged),
                                   last_contact=last_day))
            if is_lost:
                lost.append(Quiet(client_id=cid, basis=engaged, last_contact=last_day))
        per_person: dict[int, list[str]] = {}
        if status == active or status == prospect:
            flags = met.get(cid, nothing_met)
            missing = [name for i, name in tier_rules.get(tier, no_rules)
                       if not flags[i] and not is_fresh[i]]
            if missing:
                for sid in leads.get(cid) or partners.get(cid) or ():
                    per_person[sid] = list(missing)
        if status == active and is_mature:
            for sid in leads.get(cid, ()):
                if month_counts.get((cid, sid), 0) < lead_min:
                    per_person.setdefault(sid, []).append("lead_monthly")
            for sid in managers.get(cid, ()):
                if month_counts.get((cid, sid), 0) < manager_min:
                    per_person.setdefault(sid, []).append("manager_monthly")
        for sid, names in per_person.items():
            if sid in staff and (sid, cid) not in snoozed:
                below[sid].append((last_raw or "", cid, tier, tuple(dict.fromkeys(names))))
    # each person's longest-neglected clients first (raw timestamps sort within one backend;
    # never contacted = "" first); only the shown ones become items, the rest are counted
    for sid, items in below.items():
        d = digest_of(sid)
        assert d is not None
        top = heapq.nsmallest(DIGEST_ITEMS, items, key=lambda it: (it[0] != "", it[0]))
        d.cadence = [CadenceItem(client_id=cid, tier=tier, rules=names,
                                 last_contact=_local_day(raw, cal) if raw else None)
                     for raw, cid, tier, names in top]
        d.cadence_more = len(items) - len(top)

    # --- follow-ups (titles decrypted only for those a digest shows) ---------------------------
    due_rows: dict[int, list[tuple[int, int, date]]] = defaultdict(list)
    for fid, cid, owner, due_on in session.execute(
            select(FollowUp.id, FollowUp.client_id, FollowUp.owner_id, FollowUp.due_on).where(
                FollowUp.status == FollowUpStatus.OPEN.value, FollowUp.due_on <= today)
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
    next_work = cal.next_working_day(today)
    horizon = max(today + timedelta(days=DATE_WINDOW_DAYS), next_work)
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
        details = {r.id: r for r in session.execute(
            select(ImportantDate.id, ImportantDate.label, ImportantDate.at_time, ImportantDate.authority)
            .where(ImportantDate.id.in_(list(upcoming))))}
        for did, (c, on) in sorted(upcoming.items(), key=lambda kv: (kv[1][1], kv[0])):
            client_id = c.client_id or matter_of.get(c.matter_id)
            if client_id is None:
                continue
            people = set(matter_team.get(c.matter_id, set())) if c.matter_id else set()
            if not people:
                people = set(team.get(client_id, []))
            for sid in list(people):
                people.update(assistants.get(sid, []))
            is_tomorrow = c.kind in HEARING_KINDS and today < on <= next_work
            for sid in sorted(people):
                d = digest_of(sid)
                if d is not None:
                    d.dates.append(DateItem(date_id=did, client_id=client_id, kind=c.kind, on=on,
                                            label=details[did].label, tomorrow=is_tomorrow,
                                            at_time=details[did].at_time,
                                            authority=details[did].authority))

    for task in open_tasks(session):
        d = digest_of(task.assignee_id) if task.assignee_id else None
        if d is not None:
            d.filings.append(FilingDue(task.filing_id, task.number, cal.local_date(task.due_at), task.returned))

    # --- prospects due their weekly contact, win-back actions due (issue 12) -------------------
    prospect_days = min((int(r["every_days"]) for r in rules.tiers.get(Tier.POTENTIAL.value, [])), default=7)
    for sid, prospects in weekly_due(session, today=today, cal=cal, every_days=prospect_days).items():
        if (d := digest_of(sid)) is not None:
            d.prospects = prospects[:DIGEST_ITEMS]
    for sid, steps in due_steps(session, today=today).items():
        if (d := digest_of(sid)) is not None:
            d.winback = steps[:DIGEST_ITEMS]

    wanted = {i.client_id for d in digests.values()
              for i in (*d.follow_ups[:DIGEST_ITEMS], *d.cadence[:DIGEST_ITEMS], *d.dates[:DIGEST_ITEMS],
                        *d.winback)}
    names = _names(session, wanted)
    return DuePlan(day=today, digests={k: v for k, v in digests.items() if not v.empty},
                   churn=churn, lost=lost, client_names=names)


def raw_moment(raw: Any) -> datetime:
    """A raw UTC timestamp (a string on SQLite, a datetime on PostgreSQL) as an aware datetime."""
    moment = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _local_day(raw: Any, cal: WorkCalendar) -> date:
    """The firm-local date of a raw UTC timestamp (a string on SQLite, a datetime on PostgreSQL)."""
    return cal.local_date(raw_moment(raw))


def _plain_rows(session: Session, stmt: Any) -> list[tuple[Any, ...]]:
    """Rows of a parameterless, untyped statement as plain tuples from the driver (fast path)."""
    sql = str(stmt.compile(dialect=session.get_bind().dialect))
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


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
