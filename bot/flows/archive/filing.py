"""Filing a closed matter: the task (3 working days), the record, the records officer's review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.actor import SYSTEM_JOBS, Actor
from bot.flows.archive import Notice, latest_filing, person, records_officers
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.flows.workdays import calendar_of
from bot.settings import Settings
from storage import audit, ledger
from storage.models import ArchiveFiling, Matter, Staff, StaffAssistant
from storage.models.enums import MatterStatus, Role

OPEN = ("open", "returned")
PENDING = ("open", "returned", "submitted")
CATCH_UP = timedelta(days=30)
RECORD_FIELDS = ["archive_number", "catalogue", "volumes", "location", "judgment_date"]


def assignee_for(session: Session, *, lead_lawyer_id: int | None) -> int | None:
    """Who files: the lead lawyer's (first active) assistant, else the lead lawyer."""
    if lead_lawyer_id is None:
        return None
    assistant = session.execute(
        select(StaffAssistant.assistant_id).join(Staff, Staff.id == StaffAssistant.assistant_id)
        .where(StaffAssistant.lawyer_id == lead_lawyer_id, Staff.active.is_(True))
        .order_by(StaffAssistant.assistant_id).limit(1)).scalar_one_or_none()
    return assistant or lead_lawyer_id


def open_filing(session: Session, *, by: str, matter: Matter, now: datetime, settings: Settings,
                closer_id: int | None = None) -> tuple[ArchiveFiling, list[Notice]]:
    """Open the filing task of a closed matter, due N working days after the close (audited); the
    assignee is told unless they closed it themselves."""
    due = calendar_of(settings).add_working_days(matter.closed_at or now, settings.archive_filing_working_days)
    filing = ArchiveFiling(matter_id=matter.id, status="open", opened_at=now, due_at=due,
                           assignee_id=assignee_for(session, lead_lawyer_id=matter.lead_lawyer_id),
                           returns=0, held_days=0)
    session.add(filing)
    session.flush()
    audit.record(session, actor=by, action="open", entity="archive_filing", entity_id=filing.id,
                 fields=["assignee_id", "due_at"])
    notices = []
    who = person(session, filing.assignee_id, settings)
    if who is not None and who.id != closer_id:
        notices.append(Notice(key=f"archive:filing:{filing.id}:task", channel=who.slack_user_id,
                              locale=who.locale, kind="filing_task", ref=filing.id,
                              params={"number": matter.number, "due": _day(due, settings)}))
    return filing, notices


def open_missing(session: Session, *, now: datetime, settings: Settings) -> list[Notice]:
    """Filing tasks for matters closed by any other path (within CATCH_UP), once per close."""
    since = now - CATCH_UP
    matters = session.execute(
        select(Matter).where(Matter.status == MatterStatus.CLOSED.value, Matter.closed_at >= since,
                             ~select(ArchiveFiling.id).where(ArchiveFiling.matter_id == Matter.id,
                                                             ArchiveFiling.opened_at >= Matter.closed_at)
                             .exists()).order_by(Matter.id)).scalars().all()
    notices: list[Notice] = []
    for matter in matters:
        notices += open_filing(session, by=SYSTEM_JOBS, matter=matter, now=now, settings=settings)[1]
    return notices


def cancel_pending_filing(session: Session, *, by: str, matter_id: int, now: datetime) -> bool:
    """Reopening a matter cancels its filing not yet accepted (and its pending notices), audited."""
    filing = latest_filing(session, matter_id, statuses=PENDING)
    if filing is None:
        return False
    filing.status, filing.cancelled_at = "cancelled", now
    audit.record(session, actor=by, action="cancel", entity="archive_filing", entity_id=filing.id,
                 fields=["status", "cancelled_at"])
    ledger.cancel(session, key_prefix=f"archive:filing:{filing.id}:")
    return True


def _day(moment: datetime, settings: Settings) -> str:
    """The firm-local date of an instant."""
    return moment.astimezone(settings.tz).date().isoformat()


def _may_record(actor: Actor, filing: ArchiveFiling, matter: Matter) -> bool:
    """The assignee, the lead lawyer, a partner or a records officer records the filing."""
    return actor.role in (Role.PARTNER, Role.ADMIN) or actor.staff_id in (filing.assignee_id,
                                                                          matter.lead_lawyer_id)


@dataclass(frozen=True)
class FilingForm:
    """What the filing modal shows."""

    filing_id: int
    number: str
    litigation: bool
    archive_number: str | None
    catalogue: str | None
    volumes: int | None
    location: str | None
    judgment_date: date | None
    return_reason: str | None


def _task(session: Session, *, actor: Actor, filing_id: int | None, number: str | None
          ) -> tuple[ArchiveFiling, Matter]:
    """The filing task (by id, or by matter number) the actor may record now."""
    if filing_id is not None:
        filing = session.get(ArchiveFiling, filing_id)
    else:
        matter_id = session.execute(select(Matter.id).where(Matter.number == (number or "").strip())).scalar()
        if matter_id is None:
            raise NotFound("archive.matter_not_found", number=(number or "").strip())
        filing = latest_filing(session, matter_id)
    if filing is None:
        raise NotFound("archive.filing.none", number=(number or "").strip())
    matter = session.get(Matter, filing.matter_id)
    assert matter is not None
    if not _may_record(actor, filing, matter):
        raise PermissionDenied("archive.filing.not_allowed", number=matter.number)
    if filing.status not in OPEN:
        raise Conflict(f"archive.filing.state.{filing.status}", number=matter.number)
    return filing, matter


def form_for(session: Session, *, actor: Actor, filing_id: int | None = None,
             number: str | None = None) -> FilingForm:
    """The open filing task the actor may record, for the modal (showing its catalogue is audited)."""
    filing, matter = _task(session, actor=actor, filing_id=filing_id, number=number)
    shown = [name for name in ("catalogue", "return_reason") if getattr(filing, name)]
    if shown:
        audit.record(session, actor=actor.audit_name, action="read", entity="archive_filing",
                     entity_id=filing.id, fields=shown)
    return FilingForm(filing_id=filing.id, number=matter.number, litigation=is_litigation(matter.practice_area),
                      archive_number=filing.archive_number, catalogue=filing.catalogue,
                      volumes=filing.volumes, location=filing.location, judgment_date=filing.judgment_date,
                      return_reason=filing.return_reason)


def is_litigation(practice_area: str) -> bool:
    """Litigation practice areas (their retention runs from the effective judgment)."""
    return practice_area.startswith("lit_") or practice_area == "litigation"


@dataclass(frozen=True)
class FilingRecord:
    """What the filing modal collected."""

    archive_number: str
    catalogue: str
    volumes: str
    location: str
    judgment_date: date | None


def check_record(session: Session, *, filing_id: int, record: FilingRecord, today: date) -> dict[str, str]:
    """Every problem of a filing record (field -> message key); none when it may be submitted."""
    errors: dict[str, str] = {}
    number = record.archive_number.strip()
    if not number:
        errors["archive_number"] = "archive.error.required"
    elif len(number) > 60:
        errors["archive_number"] = "archive.error.too_long"
    elif session.execute(select(ArchiveFiling.id).where(ArchiveFiling.archive_number == number,
                                                        ArchiveFiling.id != filing_id)).first():
        errors["archive_number"] = "archive.error.archive_number_taken"
    if not record.catalogue.strip():
        errors["catalogue"] = "archive.error.required"
    volumes = record.volumes.strip()
    if not volumes.isdigit() or not 1 <= int(volumes) <= 999:
        errors["volumes"] = "archive.error.volumes"
    if not record.location.strip():
        errors["location"] = "archive.error.required"
    elif len(record.location.strip()) > 200:
        errors["location"] = "archive.error.too_long"
    if record.judgment_date is not None and record.judgment_date > today:
        errors["judgment_date"] = "archive.error.future_date"
    return errors


def submit_filing(session: Session, *, actor: Actor, filing_id: int, record: FilingRecord, now: datetime,
                  settings: Settings) -> list[Notice]:
    """Record the filing (audited) and ask the records officers to review it."""
    filing = session.execute(select(ArchiveFiling).where(ArchiveFiling.id == filing_id).with_for_update()
                             ).scalar_one_or_none()
    if filing is None:
        raise NotFound("archive.filing.none", number="")
    _task(session, actor=actor, filing_id=filing_id, number=None)
    errors = check_record(session, filing_id=filing_id, record=record,
                          today=now.astimezone(settings.tz).date())
    if errors:
        field, key = next(iter(errors.items()))
        raise InvalidInput(key, field=field)
    matter = session.get(Matter, filing.matter_id)
    assert matter is not None
    filing.archive_number = record.archive_number.strip()
    filing.catalogue = record.catalogue.strip()
    filing.volumes = int(record.volumes.strip())
    filing.location = record.location.strip()
    if record.judgment_date is not None:
        filing.judgment_date = record.judgment_date
    filing.status, filing.submitted_at, filing.submitted_by_id = "submitted", now, actor.staff_id
    audit.record(session, actor=actor.audit_name, action="submit", entity="archive_filing",
                 entity_id=filing.id, fields=RECORD_FIELDS)
    return [Notice(key=f"archive:filing:{filing.id}:review:{filing.returns}:{p.id}", channel=p.slack_user_id,
                   locale=p.locale, kind="filing_review", ref=filing.id,
                   params={"number": matter.number, "archive_number": filing.archive_number,
                           "volumes": str(filing.volumes), "location": filing.location,
                           "by": actor.slack_user_id})
            for p in records_officers(session, settings)]


def for_review(session: Session, actor: Actor, filing_id: int) -> tuple[ArchiveFiling, Matter]:
    """A submitted filing a records officer reviews."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied("archive.records_officer_only")
    filing = session.execute(select(ArchiveFiling).where(ArchiveFiling.id == filing_id).with_for_update()
                             ).scalar_one_or_none()
    if filing is None:
        raise NotFound("archive.filing.none", number="")
    matter = session.get(Matter, filing.matter_id)
    assert matter is not None
    if filing.status != "submitted":
        raise Conflict(f"archive.filing.state.{filing.status}", number=matter.number)
    return filing, matter


def accept_filing(session: Session, *, actor: Actor, filing_id: int, now: datetime,
                  settings: Settings) -> list[Notice]:
    """The records officer accepts the filing (audited); the filer is told."""
    filing, matter = for_review(session, actor, filing_id)
    filing.status, filing.reviewed_at, filing.reviewed_by_id = "accepted", now, actor.staff_id
    filing.return_reason = None
    audit.record(session, actor=actor.audit_name, action="accept", entity="archive_filing",
                 entity_id=filing.id, fields=["status"])
    who = person(session, filing.submitted_by_id, settings)
    if who is None:
        return []
    return [Notice(key=f"archive:filing:{filing.id}:accepted", channel=who.slack_user_id, locale=who.locale,
                   kind="filing_accepted", ref=filing.id,
                   params={"number": matter.number, "archive_number": filing.archive_number or ""})]


def return_filing(session: Session, *, actor: Actor, filing_id: int, reason: str, now: datetime,
                  settings: Settings) -> list[Notice]:
    """The records officer returns the filing with a reason (audited); the task is open again."""
    if not reason.strip():
        raise InvalidInput("archive.error.required", field="reason")
    filing, matter = for_review(session, actor, filing_id)
    filing.status, filing.reviewed_at, filing.reviewed_by_id = "returned", now, actor.staff_id
    filing.return_reason = reason.strip()
    filing.returns += 1
    audit.record(session, actor=actor.audit_name, action="return", entity="archive_filing",
                 entity_id=filing.id, fields=["status", "return_reason"])
    notices = []
    for staff_id in dict.fromkeys([filing.submitted_by_id, filing.assignee_id]):
        who = person(session, staff_id, settings)
        if who is not None:
            notices.append(Notice(key=f"archive:filing:{filing.id}:returned:{filing.returns}:{who.id}",
                                  channel=who.slack_user_id, locale=who.locale, kind="filing_returned",
                                  ref=filing.id, params={"number": matter.number, "reason": filing.return_reason}))
    return notices


@dataclass(frozen=True)
class FilingItem:
    """An open filing task, for the digest and the lateness job."""

    filing_id: int
    assignee_id: int | None
    number: str
    due_at: datetime
    returned: bool


def open_tasks(session: Session) -> list[FilingItem]:
    """Every filing task still to do (open or returned), oldest deadline first."""
    rows = session.execute(
        select(ArchiveFiling.id, ArchiveFiling.assignee_id, Matter.number, ArchiveFiling.due_at,
               ArchiveFiling.status)
        .join(Matter, Matter.id == ArchiveFiling.matter_id)
        .where(ArchiveFiling.status.in_(OPEN)).order_by(ArchiveFiling.due_at, ArchiveFiling.id)).all()
    return [FilingItem(r.id, r.assignee_id, r.number, r.due_at, r.status == "returned") for r in rows]


def late_notices(session: Session, *, now: datetime, settings: Settings) -> list[Notice]:
    """Escalations to the partners' channel for filing tasks past their deadline (one per task and deadline)."""
    if not settings.partner_review_channel:
        return []
    out = []
    for item in open_tasks(session):
        if now < item.due_at:
            continue
        who = person(session, item.assignee_id, settings)
        out.append(Notice(key=f"archive:filing:{item.filing_id}:late", channel=settings.partner_review_channel,
                          locale=settings.default_locale, kind="filing_late", ref=item.filing_id,
                          params={"number": item.number, "due": _day(item.due_at, settings),
                                  "who": who.slack_user_id if who else ""}))
    return out
