"""Destroying files past retention: the monthly list for records officers, a destruction list
proposed by a records officer, approved by a partner, carried out with two people present."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.archive import Notice, latest_filing, person, records_officers
from bot.flows.archive.retention import why_not_destroyable
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.settings import Settings
from storage import audit, ledger
from storage.models import ArchiveDestruction, ArchiveDestructionItem, ArchiveFiling, Matter, Staff
from storage.models.enums import Role


class NotListable(InvalidInput):
    """Some files may not be listed: `refusals` holds (matter number, message key, params) for each."""

    def __init__(self, refusals: list[tuple[str, str, dict[str, str]]]) -> None:
        super().__init__("archive.destroy.refused")
        self.refusals = refusals


def _today(now: datetime, settings: Settings) -> date:
    """The firm-local date."""
    return now.astimezone(settings.tz).date()


def files_past_retention(session: Session, *, today: date, settings: Settings) -> list[tuple[str, str]]:
    """(matter number, archive number) of every filed, undestroyed file that may be destroyed now."""
    rows = session.execute(
        select(ArchiveFiling, Matter.number).join(Matter, Matter.id == ArchiveFiling.matter_id)
        .where(ArchiveFiling.status == "accepted", ArchiveFiling.destroyed_at.is_(None),
               ArchiveFiling.hold_since.is_(None)).order_by(Matter.number)).all()
    return [(number, filing.archive_number or "") for filing, number in rows
            if why_not_destroyable(session, filing, today=today, settings=settings) is None]


def monthly_notices(session: Session, *, now: datetime, settings: Settings) -> list[Notice]:
    """This month's list of files past retention for each records officer (once per month)."""
    today = _today(now, settings)
    month = today.strftime("%Y-%m")
    officers = [p for p in records_officers(session, settings)
                if not ledger.exists(session, f"archive:retention-due:{month}:{p.id}")]
    if not officers:
        return []
    due = files_past_retention(session, today=today, settings=settings)
    if not due:
        return []
    listing = "\n".join(f"• {number} ({archive})" for number, archive in due[:50])
    return [Notice(key=f"archive:retention-due:{month}:{p.id}", channel=p.slack_user_id, locale=p.locale,
                   kind="retention_due", ref=len(due),
                   params={"month": month, "count": str(len(due)), "files": listing})
            for p in officers]


def _checked(session: Session, numbers: list[str], *, today: date, settings: Settings
             ) -> tuple[list[ArchiveFiling], list[tuple[str, str, dict[str, str]]]]:
    """The filings of these matter numbers, and the refusals of those that may not be destroyed."""
    filings, refusals = [], []
    for number in dict.fromkeys(n.strip() for n in numbers if n.strip()):
        matter = session.execute(select(Matter).where(Matter.number == number)).scalar_one_or_none()
        if matter is None:
            refusals.append((number, "archive.matter_not_found", {"number": number}))
            continue
        filing = latest_filing(session, matter.id)
        if filing is not None:
            filing = session.execute(select(ArchiveFiling).where(ArchiveFiling.id == filing.id)
                                     .with_for_update()).scalar_one()
        why = why_not_destroyable(session, filing, today=today, settings=settings)
        if why:
            refusals.append((number, why[0], why[1]))
        elif filing is not None:
            filings.append(filing)
    return filings, refusals


def propose(session: Session, *, actor: Actor, numbers: list[str], now: datetime,
            settings: Settings) -> tuple[int, list[Notice]]:
    """A records officer proposes a destruction list (all of it may be destroyed, or nothing is listed)."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied("archive.records_officer_only")
    if not [n for n in numbers if n.strip()]:
        raise InvalidInput("archive.destroy.usage")
    filings, refusals = _checked(session, numbers, today=_today(now, settings), settings=settings)
    if refusals:
        raise NotListable(refusals)
    listed = ArchiveDestruction(status="proposed", proposed_by_id=actor.staff_id, proposed_at=now)
    session.add(listed)
    session.flush()
    for filing in filings:
        session.add(ArchiveDestructionItem(destruction_id=listed.id, filing_id=filing.id))
    audit.record(session, actor=actor.audit_name, action="propose", entity="archive_destruction",
                 entity_id=listed.id, fields=["items"])
    notices = []
    if settings.partner_review_channel:
        notices.append(Notice(key=f"archive:destruction:{listed.id}:proposed",
                              channel=settings.partner_review_channel, locale=settings.default_locale,
                              kind="destruction_proposed", ref=listed.id,
                              params={"files": _listing(session, listed.id), "by": actor.slack_user_id}))
    return listed.id, notices


def _listing(session: Session, destruction_id: int) -> str:
    """The list's matters and archive numbers, one a line."""
    rows = session.execute(
        select(Matter.number, ArchiveFiling.archive_number)
        .join(ArchiveFiling, ArchiveFiling.matter_id == Matter.id)
        .join(ArchiveDestructionItem, ArchiveDestructionItem.filing_id == ArchiveFiling.id)
        .where(ArchiveDestructionItem.destruction_id == destruction_id).order_by(Matter.number)).all()
    return "\n".join(f"• {number} ({archive})" for number, archive in rows)


def _list_for(session: Session, destruction_id: int, status: str) -> ArchiveDestruction:
    """A destruction list in this status (row-locked)."""
    listed = session.execute(select(ArchiveDestruction).where(ArchiveDestruction.id == destruction_id)
                             .with_for_update()).scalar_one_or_none()
    if listed is None:
        raise NotFound("archive.destroy.not_found", id=destruction_id)
    if listed.status != status:
        raise Conflict(f"archive.destroy.state.{listed.status}", id=destruction_id)
    return listed


def _recheck(session: Session, destruction_id: int, *, now: datetime, settings: Settings) -> list[ArchiveFiling]:
    """The list's filings, refused (NotListable) if any may no longer be destroyed (a hold since, say)."""
    numbers = list(session.execute(
        select(Matter.number).join(ArchiveFiling, ArchiveFiling.matter_id == Matter.id)
        .join(ArchiveDestructionItem, ArchiveDestructionItem.filing_id == ArchiveFiling.id)
        .where(ArchiveDestructionItem.destruction_id == destruction_id)).scalars())
    filings, refusals = _checked(session, numbers, today=_today(now, settings), settings=settings)
    if refusals:
        raise NotListable(refusals)
    return filings


def approve(session: Session, *, actor: Actor, destruction_id: int, now: datetime,
            settings: Settings) -> list[Notice]:
    """A partner approves a destruction list (audited); its proposer is told."""
    if actor.role != Role.PARTNER:
        raise PermissionDenied("archive.partner_only")
    listed = _list_for(session, destruction_id, "proposed")
    _recheck(session, destruction_id, now=now, settings=settings)
    listed.status, listed.approved_by_id, listed.approved_at = "approved", actor.staff_id, now
    audit.record(session, actor=actor.audit_name, action="approve", entity="archive_destruction",
                 entity_id=listed.id, fields=["status", "approved_by_id"])
    who = person(session, listed.proposed_by_id, settings)
    if who is None:
        return []
    return [Notice(key=f"archive:destruction:{listed.id}:approved", channel=who.slack_user_id, locale=who.locale,
                   kind="destruction_approved", ref=listed.id, params={"by": actor.slack_user_id})]


@dataclass(frozen=True)
class CarriedOut:
    """A destruction carried out."""

    destruction_id: int
    files: int


def carry_out(session: Session, *, actor: Actor, destruction_id: int, witnesses: list[str], now: datetime,
              settings: Settings) -> CarriedOut:
    """A records officer records the destruction, with the two people present (audited per file)."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied("archive.records_officer_only")
    present = list(dict.fromkeys(w for w in witnesses if w))
    if len(present) != 2:
        raise InvalidInput("archive.destroy.two_witnesses")
    ids = dict(session.execute(select(Staff.slack_user_id, Staff.id).where(
        Staff.slack_user_id.in_(present), Staff.active.is_(True))).all())
    if len(ids) != 2:
        raise InvalidInput("archive.destroy.witness_unknown")
    listed = _list_for(session, destruction_id, "approved")
    filings = _recheck(session, destruction_id, now=now, settings=settings)
    for filing in filings:
        filing.destroyed_at = now
        audit.record(session, actor=actor.audit_name, action="destroy", entity="archive_filing",
                     entity_id=filing.id, fields=["destroyed_at"])
    listed.status, listed.carried_out_by_id, listed.carried_out_at = "done", actor.staff_id, now
    listed.witness_one_id, listed.witness_two_id = ids[present[0]], ids[present[1]]
    audit.record(session, actor=actor.audit_name, action="carry_out", entity="archive_destruction",
                 entity_id=listed.id, fields=["carried_out_at", "witness_one_id", "witness_two_id"])
    return CarriedOut(destruction_id=listed.id, files=len(filings))
