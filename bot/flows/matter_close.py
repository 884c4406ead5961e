"""Closing a matter (`/lawcrm matter close NUMBER`), which schedules its satisfaction survey, and reopening it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.archive import Notice
from bot.flows.archive.filing import cancel_pending_filing, open_filing
from bot.flows.errors import Conflict, NotFound, PermissionDenied
from bot.flows.surveys import cancel_pending_survey, schedule_survey
from bot.settings import Settings
from storage import audit
from storage.models import Matter, Party, Staff
from storage.models.enums import MatterStatus, PartyRole


@dataclass(frozen=True)
class ClosedMatter:
    """What the closer is told."""

    number: str
    survey_id: int
    survey_due: datetime
    assignee_user_id: str | None
    filing_due: datetime | None = None
    filer_user_id: str | None = None
    filing_notices: tuple[Notice, ...] = ()


def close_matter(session: Session, *, actor: Actor, number: str, now: datetime, settings: Settings) -> ClosedMatter:
    """Close a matter (partner or lead lawyer), audited, and schedule its survey."""
    matter = session.execute(select(Matter).where(Matter.number == number.strip()).with_for_update()
                             ).scalar_one_or_none()
    if matter is None:
        raise NotFound("matter_close.not_found", number=number.strip())
    if not policy.can_close_matter(actor, lead_lawyer_id=matter.lead_lawyer_id):
        raise PermissionDenied("matter_close.not_allowed", number=matter.number)
    if matter.status == MatterStatus.CLOSED.value:
        raise Conflict("matter_close.already", number=matter.number)
    matter.status, matter.closed_at = MatterStatus.CLOSED.value, now
    audit.record(session, actor=actor.audit_name, action="close", entity="matter", entity_id=matter.id,
                 fields=["status", "closed_at"])
    mark_former_client(session, by=actor.audit_name, client_id=matter.client_id)
    survey = schedule_survey(session, by=actor.audit_name, matter=matter, now=now, settings=settings)
    assignee = session.get(Staff, survey.assignee_id) if survey.assignee_id else None
    filing, filing_notices = open_filing(session, by=actor.audit_name, matter=matter, now=now, settings=settings,
                                         closer_id=actor.staff_id)
    filer = session.get(Staff, filing.assignee_id) if filing.assignee_id else None
    return ClosedMatter(number=matter.number, survey_id=survey.id, survey_due=survey.due_at,
                        assignee_user_id=assignee.slack_user_id if assignee else None,
                        filing_due=filing.due_at, filer_user_id=filer.slack_user_id if filer else None,
                        filing_notices=tuple(filing_notices))


def mark_former_client(session: Session, *, by: str, client_id: int) -> int:
    """With no open matter left, the client's conflict-index entries become "former client".

    Conflict checks then report the relationship as it is; every process's index notices the
    role change (party_changes). Returns how many parties changed.
    """
    still_open = session.execute(
        select(func.count()).select_from(Matter)
        .where(Matter.client_id == client_id, Matter.status == MatterStatus.OPEN.value)
    ).scalar_one()
    if still_open:
        return 0
    return _change_role(session, by=by, client_id=client_id, old=PartyRole.CLIENT,
                        new=PartyRole.FORMER_CLIENT)


@dataclass(frozen=True)
class ReopenedMatter:
    """What the reopener is told."""

    number: str
    parties_restored: int
    survey_cancelled: bool
    filing_cancelled: bool = False


def reopen_matter(session: Session, *, actor: Actor, number: str, now: datetime) -> ReopenedMatter:
    """Undo a close (partner or lead lawyer), audited: the matter is open again, the client's
    conflict entries the close made "former client" are current again, and a survey not yet
    recorded is cancelled (closing again schedules a new one), and so is a filing task not yet
    accepted (closing again opens a new one)."""
    matter = session.execute(select(Matter).where(Matter.number == number.strip()).with_for_update()
                             ).scalar_one_or_none()
    if matter is None:
        raise NotFound("matter_close.not_found", number=number.strip())
    if not policy.can_close_matter(actor, lead_lawyer_id=matter.lead_lawyer_id):
        raise PermissionDenied("matter_close.reopen_not_allowed", number=matter.number)
    if matter.status != MatterStatus.CLOSED.value:
        raise Conflict("matter_close.reopen_not_closed", number=matter.number)
    matter.status, matter.closed_at = MatterStatus.OPEN.value, None
    audit.record(session, actor=actor.audit_name, action="reopen", entity="matter", entity_id=matter.id,
                 fields=["status", "closed_at"])
    restored = mark_current_client(session, by=actor.audit_name, client_id=matter.client_id)
    cancelled = cancel_pending_survey(session, by=actor.audit_name, matter_id=matter.id)
    filing = cancel_pending_filing(session, by=actor.audit_name, matter_id=matter.id, now=now)
    return ReopenedMatter(number=matter.number, parties_restored=restored, survey_cancelled=cancelled,
                          filing_cancelled=filing)


def mark_current_client(session: Session, *, by: str, client_id: int) -> int:
    """The inverse of `mark_former_client`: with an open matter, the client's "former client"
    entries in the conflict index are "client" again (audited). Returns how many changed."""
    return _change_role(session, by=by, client_id=client_id, old=PartyRole.FORMER_CLIENT,
                        new=PartyRole.CLIENT)


def _change_role(session: Session, *, by: str, client_id: int, old: PartyRole, new: PartyRole) -> int:
    """Move the client's conflict-index entries from one role to another (audited); how many."""
    parties = session.execute(
        select(Party).where(Party.client_id == client_id, Party.role == old.value)
    ).scalars().all()
    for party in parties:
        party.role = new.value
        audit.record(session, actor=by, action="update", entity="party", entity_id=party.id,
                     fields=["role"])
    return len(parties)
