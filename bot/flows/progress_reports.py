"""Client progress reports: which are due, what goes in them (audited reads), and "sent to the client".

Tiers (DOMAIN.md): strategic and core clients get a monthly report on the first working day of
the month (for the month before) while they have an open matter; potential (ordinary) clients
get one after each key event — a hearing passed, a matter closed. Each report is keyed by
client and period or event (`progress:{client}:month:2026-11`, `progress:{client}:hearing:{date id}`,
`progress:{client}:closed:{matter id}`), so it is drafted and sent once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.flows import notes
from bot.flows.actor import SYSTEM_JOBS, Actor
from bot.flows.clients import visible_client
from bot.flows.errors import NotFound
from bot.flows.workdays import WorkCalendar
from storage import audit
from storage.models import (Client, ClientTeamMember, ContactNote, FollowUp, ImportantDate, Matter,
                            ProgressReport, Staff)
from storage.models.enums import ContactChannel, FollowUpStatus, MatterStatus, TeamRole, Tier
from storage.once import insert_once

LANGUAGES = ("en", "zh-CN")
MONTHLY_TIERS = (Tier.STRATEGIC.value, Tier.CORE.value, Tier.KEY.value)
EVENT_TIERS = (Tier.POTENTIAL.value, Tier.ORDINARY.value)
# After downtime the month's reports still go out this many days after its first working day
# (and not later: a client who became core mid-month gets next month's report).
MONTHLY_CATCH_UP = timedelta(days=7)
# A key event older than this when first seen (downtime, a back-dated hearing) gets no report.
EVENT_LOOKBACK = timedelta(days=14)
# An event report covers this many days up to the event.
EVENT_WINDOW = timedelta(days=60)
# Hearings and deadlines this far after the period show as "coming up".
UPCOMING = timedelta(days=60)
EVENT_KINDS = ("hearing", "deadline")


@dataclass(frozen=True)
class DueReport:
    """A report that should exist: for whom, about what, covering which days."""

    key: str
    client_id: int
    lawyer_id: int
    kind: str  # monthly, hearing, closed
    period_start: date
    period_end: date


@dataclass(frozen=True)
class MatterLine:
    """A matter as the report shows it."""

    number: str
    title: str | None
    practice_area: str
    status: str


@dataclass(frozen=True)
class NoteLine:
    """A contact in the period, in the client's own words as written."""

    on: date
    channel: str
    text: str


@dataclass(frozen=True)
class EventLine:
    """A hearing or deadline of the client's matters."""

    on: date
    kind: str
    label: str | None
    at_time: str | None = None


@dataclass
class ReportContent:
    """Everything a report shows."""

    client_name: str
    language: str
    kind: str
    period_start: date
    period_end: date
    matters: list[MatterLine] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)
    past_events: list[EventLine] = field(default_factory=list)
    upcoming_events: list[EventLine] = field(default_factory=list)
    next_steps: list[tuple[date, str]] = field(default_factory=list)


def language_of(client_language: str | None, *, default: str) -> str:
    """The report's language: the client's own, else the firm default."""
    return client_language if client_language in LANGUAGES else default


def lead_lawyer_of(session: Session, *, client_id: int, matter_id: int | None = None) -> int | None:
    """Who gets the report: the matter's lead, else the client's lead lawyer, else an open matter's lead."""
    if matter_id is not None:
        lead = session.execute(select(Matter.lead_lawyer_id).join(Staff, Staff.id == Matter.lead_lawyer_id)
                               .where(Matter.id == matter_id, Staff.active.is_(True))).scalar_one_or_none()
        if lead is not None:
            return lead
    lead = session.execute(
        select(ClientTeamMember.staff_id).join(Staff, Staff.id == ClientTeamMember.staff_id)
        .where(ClientTeamMember.client_id == client_id, ClientTeamMember.role == TeamRole.LEAD_LAWYER.value,
               Staff.active.is_(True))
        .order_by(ClientTeamMember.id).limit(1)).scalar_one_or_none()
    if lead is not None:
        return lead
    return session.execute(
        select(Matter.lead_lawyer_id).join(Staff, Staff.id == Matter.lead_lawyer_id)
        .where(Matter.client_id == client_id, Matter.status == MatterStatus.OPEN.value, Staff.active.is_(True))
        .order_by(Matter.opened_at.desc(), Matter.id.desc()).limit(1)).scalar_one_or_none()


def due_reports(session: Session, *, today: date, cal: WorkCalendar) -> list[DueReport]:
    """The reports due today by the tiers' rules (a drafted one may still be listed: the key decides)."""
    return _monthly_due(session, today=today, cal=cal) + _events_due(session, today=today, cal=cal)


def _monthly_due(session: Session, *, today: date, cal: WorkCalendar) -> list[DueReport]:
    """Strategic and core clients with an open matter, on the month's first working day (or a week after)."""
    first = cal.working_day_from(today.replace(day=1))
    if not first <= today <= first + MONTHLY_CATCH_UP:
        return []
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    open_clients = select(Matter.client_id).where(Matter.status == MatterStatus.OPEN.value)
    prefix = f"progress:%:month:{start:%Y-%m}"
    drafted = set(session.execute(select(ProgressReport.client_id).where(ProgressReport.key.like(prefix))).scalars())
    due = []
    for cid in session.execute(select(Client.id).where(Client.tier.in_(MONTHLY_TIERS),
                                                       Client.id.in_(open_clients)).order_by(Client.id)).scalars():
        if cid in drafted:  # drafted already: no need to look up its lawyer every pass of the week
            continue
        lawyer = lead_lawyer_of(session, client_id=cid)
        if lawyer is not None:
            due.append(DueReport(key=f"progress:{cid}:month:{start:%Y-%m}", client_id=cid, lawyer_id=lawyer,
                                 kind="monthly", period_start=start, period_end=end))
    return due


def _events_due(session: Session, *, today: date, cal: WorkCalendar) -> list[DueReport]:
    """Potential (ordinary) clients: a hearing that has passed, a matter that was closed."""
    since = today - EVENT_LOOKBACK
    events: list[tuple[str, int, int, int | None, date]] = []  # kind, event id, client, matter, day
    hearings = session.execute(
        select(ImportantDate.id, ImportantDate.on_date, ImportantDate.matter_id,
               Matter.client_id.label("matter_client"), ImportantDate.client_id)
        .outerjoin(Matter, Matter.id == ImportantDate.matter_id)
        .where(ImportantDate.kind == "hearing", ImportantDate.on_date >= since, ImportantDate.on_date < today,
               ImportantDate.yearly.is_(False))).all()
    for row in hearings:
        cid = row.matter_client or row.client_id
        if cid is not None:
            events.append(("hearing", row.id, cid, row.matter_id, row.on_date))
    closed = session.execute(
        select(Matter.id, Matter.client_id, Matter.closed_at)
        .where(Matter.status == MatterStatus.CLOSED.value,
               Matter.closed_at >= cal.at_local(since, time(0)))).all()
    events.extend(("closed", m.id, m.client_id, m.id, cal.local_date(m.closed_at))
                  for m in closed if cal.local_date(m.closed_at) <= today)
    if not events:
        return []
    tiers = dict(session.execute(select(Client.id, Client.tier)
                                 .where(Client.id.in_({e[2] for e in events}))).all())
    due = []
    for kind, eid, cid, matter_id, day in sorted(events, key=lambda e: (e[4], e[0], e[1])):
        if tiers.get(cid) not in EVENT_TIERS:
            continue
        lawyer = lead_lawyer_of(session, client_id=cid, matter_id=matter_id)
        if lawyer is not None:
            due.append(DueReport(key=f"progress:{cid}:{kind}:{eid}", client_id=cid, lawyer_id=lawyer,
                                 kind=kind, period_start=day - EVENT_WINDOW, period_end=day))
    return due


def existing_keys(session: Session, keys: list[str]) -> set[str]:
    """The keys among these that already have a report."""
    if not keys:
        return set()
    return set(session.execute(select(ProgressReport.key).where(ProgressReport.key.in_(keys))).scalars())


def record_report(session: Session, *, due: DueReport, language: str, now: datetime) -> int | None:
    """Record a due report once; its id when this call created it, None when it existed."""
    report_id, created = insert_once(session, ProgressReport(
        key=due.key, client_id=due.client_id, lawyer_id=due.lawyer_id, kind=due.kind,
        period_start=due.period_start, period_end=due.period_end, language=language, created_at=now),
        key=ProgressReport.key)
    if not created:
        return None
    audit.record(session, actor=SYSTEM_JOBS, action="create", entity="progress_report", entity_id=report_id,
                 fields=["client_id", "lawyer_id", "period_start", "period_end"])
    return report_id


def gather(session: Session, *, report_id: int, lawyer: Actor, cal: WorkCalendar,
           default_language: str) -> ReportContent:
    """What the report shows, read as the lead lawyer may see it; each encrypted read is audited.

    Only this client's matters, contacts and matter events; only the lawyer's own next steps
    (another lawyer's follow-ups are their own task list); no personal dates (birthdays).
    """
    report = session.get(ProgressReport, report_id)
    if report is None:
        raise NotFound("progress.not_found")
    client = visible_client(session, actor=lawyer, client_id=report.client_id)
    language = session.execute(select(Client.language).where(Client.id == client.id)).scalar_one()
    content = ReportContent(client_name=client.name, kind=report.kind,
                            language=language_of(language, default=default_language),
                            period_start=report.period_start, period_end=report.period_end)
    start = cal.at_local(report.period_start, time(0))
    end = cal.at_local(report.period_end + timedelta(days=1), time(0))
    matters = session.execute(
        select(Matter).where(Matter.client_id == client.id)
        .where((Matter.status == MatterStatus.OPEN.value) | (Matter.closed_at >= start))
        .order_by(Matter.opened_at, Matter.id)).scalars().all()
    for m in matters:
        content.matters.append(MatterLine(number=m.number, title=m.title, practice_area=m.practice_area,
                                          status=m.status))
        _read(session, "matter", m.id, "title")
    for note in session.execute(
            select(ContactNote).where(ContactNote.client_id == client.id, ContactNote.occurred_at >= start,
                                      ContactNote.occurred_at < end,
                                      # sending an earlier report is a contact, not news for the client
                                      ContactNote.id.not_in(select(ProgressReport.contact_note_id).where(
                                          ProgressReport.client_id == client.id,
                                          ProgressReport.contact_note_id.is_not(None))))
            .order_by(ContactNote.occurred_at, ContactNote.id)).scalars():
        content.notes.append(NoteLine(on=cal.local_date(note.occurred_at), channel=note.channel, text=note.text))
        _read(session, "contact_note", note.id, "text")
    matter_ids = [m.id for m in matters]
    if matter_ids:
        for d in session.execute(
                select(ImportantDate).where(ImportantDate.matter_id.in_(matter_ids),
                                            ImportantDate.kind.in_(EVENT_KINDS),
                                            ImportantDate.on_date >= report.period_start,
                                            ImportantDate.on_date <= report.period_end + UPCOMING)
                .order_by(ImportantDate.on_date, ImportantDate.id)).scalars():
            line = EventLine(on=d.on_date, kind=d.kind, label=d.label, at_time=d.at_time)
            (content.past_events if d.on_date <= report.period_end else content.upcoming_events).append(line)
            _read(session, "important_date", d.id, "label")
    for f in session.execute(
            select(FollowUp).where(FollowUp.client_id == client.id, FollowUp.owner_id == lawyer.staff_id,
                                   FollowUp.status == FollowUpStatus.OPEN.value)
            .order_by(FollowUp.due_on, FollowUp.id)).scalars():
        content.next_steps.append((f.due_on, f.title))
        _read(session, "follow_up", f.id, "title")
    return content


def _read(session: Session, entity: str, entity_id: int, field_name: str) -> None:
    """Audit one encrypted field read for a report (the field's name, never its value)."""
    audit.record(session, actor=SYSTEM_JOBS, action="read", entity=entity, entity_id=entity_id,
                 fields=[field_name])


@dataclass(frozen=True)
class SentToClient:
    """Who marked a report sent to the client, and when; `recorded` is False for a repeat click."""

    report_id: int
    client_name: str
    by_staff_id: int
    at: datetime
    recorded: bool


def mark_sent(session: Session, *, actor: Actor, report_id: int, note_text: str, now: datetime,
              today: date, cal: WorkCalendar) -> SentToClient:
    """Record the report as sent to the client (once) and log it as an email contact."""
    report = session.get(ProgressReport, report_id)
    if report is None:
        raise NotFound("progress.not_found")
    client = visible_client(session, actor=actor, client_id=report.client_id)
    claimed = session.execute(
        update(ProgressReport).where(ProgressReport.id == report_id, ProgressReport.sent_to_client_at.is_(None))
        .values(sent_to_client_at=now, sent_to_client_by=actor.staff_id)).rowcount
    if not claimed:
        session.refresh(report)
        assert report.sent_to_client_at is not None and report.sent_to_client_by is not None
        return SentToClient(report_id=report_id, client_name=client.name, by_staff_id=report.sent_to_client_by,
                            at=report.sent_to_client_at, recorded=False)
    recorded = notes.record_note(session, actor=actor, client_id=report.client_id, text=note_text,
                                 channel=ContactChannel.EMAIL.value, occurred_at=now, now=now,
                                 today=today, cal=cal)
    session.execute(update(ProgressReport).where(ProgressReport.id == report_id)
                    .values(contact_note_id=recorded.note_id))
    audit.record(session, actor=actor.audit_name, action="update", entity="progress_report",
                 entity_id=report_id, fields=["sent_to_client_at", "sent_to_client_by"])
    return SentToClient(report_id=report_id, client_name=client.name, by_staff_id=actor.staff_id, at=now,
                        recorded=True)
