"""Retention of a filed matter, the effective judgment date, and legal holds (which stop the clock).

Litigation: `archive_retention_litigation_years` from the effective judgment date; non-litigation:
`…_non_litigation_years` from completion (the close); retainer: `…_retainer_years` from its
termination (the close); clients of a tier in `archive_permanent_tiers`: permanent. The days a
file spent on hold are added to its retention.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.archive import latest_filing, matter_by_number
from bot.flows.archive.filing import is_litigation
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.settings import Settings
from storage import audit
from storage.models import ArchiveFiling, Client, Matter
from storage.models.enums import Role


@dataclass(frozen=True)
class Retention:
    """How long a file is kept: `until` the last day kept (None when permanent or not yet known)."""

    category: str
    permanent: bool
    basis: date | None
    until: date | None
    on_hold: bool
    held_days: int


def category_of(practice_area: str) -> str:
    """litigation / retainer / non_litigation."""
    if is_litigation(practice_area):
        return "litigation"
    return "retainer" if practice_area == "retainer" else "non_litigation"


def _add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_of(*, filing: ArchiveFiling | None, matter: Matter, tier: str | None,
                 settings: Settings) -> Retention:
    """The retention of one matter's file under these settings.

    Without a filing (a closed matter not filed yet) a litigation file counts from the close,
    which comes after the judgment: never shorter than the real retention.
    """
    category = category_of(matter.practice_area)
    permanent = tier in settings.archive_permanent_tiers
    if category == "litigation" and filing is not None:
        basis, years = filing.judgment_date, settings.archive_retention_litigation_years
    elif category == "litigation":
        basis = matter.closed_at.astimezone(settings.tz).date() if matter.closed_at else None
        years = settings.archive_retention_litigation_years
    else:
        basis = matter.closed_at.astimezone(settings.tz).date() if matter.closed_at else None
        years = (settings.archive_retention_retainer_years if category == "retainer"
                 else settings.archive_retention_non_litigation_years)
    held_days = filing.held_days if filing is not None else 0
    until = None
    if basis is not None and not permanent:
        until = _add_years(basis, years) + timedelta(days=held_days)
    return Retention(category=category, permanent=permanent, basis=basis, until=until,
                     on_hold=filing is not None and filing.hold_since is not None, held_days=held_days)


def retention_for(session: Session, filing: ArchiveFiling, settings: Settings) -> Retention:
    """The retention of a filing, reading its matter and client."""
    matter = session.get(Matter, filing.matter_id)
    assert matter is not None
    tier = session.execute(select(Client.tier).where(Client.id == matter.client_id)).scalar_one_or_none()
    return retention_of(filing=filing, matter=matter, tier=tier, settings=settings)


def why_not_destroyable(session: Session, filing: ArchiveFiling | None, *, today: date,
                        settings: Settings) -> tuple[str, dict[str, str]] | None:
    """Why a file may not be destroyed (message key, params), or None when it may."""
    if filing is None or filing.status != "accepted":
        return "archive.destroy.not_filed", {}
    if filing.destroyed_at is not None:
        return "archive.destroy.already_destroyed", {}
    if filing.hold_since is not None:
        return "archive.destroy.on_hold", {}
    retention = retention_for(session, filing, settings)
    if retention.permanent:
        return "archive.destroy.permanent", {}
    if retention.until is None:
        return "archive.destroy.no_basis", {}
    if today <= retention.until:
        return "archive.destroy.in_retention", {"until": retention.until.isoformat()}
    return None


def _accepted_filing(session: Session, number: str) -> tuple[Matter, ArchiveFiling]:
    """A matter and its newest accepted filing (row-locked)."""
    matter = matter_by_number(session, number)
    filing = latest_filing(session, matter.id, statuses=("accepted",))
    if filing is None:
        raise NotFound("archive.not_filed", number=matter.number)
    locked = session.execute(select(ArchiveFiling).where(ArchiveFiling.id == filing.id).with_for_update()
                             ).scalar_one()
    return matter, locked


def set_hold(session: Session, *, actor: Actor, number: str, reason: str, now: datetime) -> str:
    """A partner puts a filed matter on legal hold, with a reason (audited); the matter number."""
    if actor.role != Role.PARTNER:
        raise PermissionDenied("archive.partner_only")
    if not reason.strip():
        raise InvalidInput("archive.hold.reason_required")
    matter, filing = _accepted_filing(session, number)
    if filing.destroyed_at is not None:
        raise Conflict("archive.destroy.already_destroyed")
    if filing.hold_since is not None:
        raise Conflict("archive.hold.already", number=matter.number)
    filing.hold_since, filing.hold_by_id, filing.hold_reason = now, actor.staff_id, reason.strip()
    filing.hold_lift_reason = None
    audit.record(session, actor=actor.audit_name, action="hold", entity="archive_filing", entity_id=filing.id,
                 fields=["hold_since", "hold_reason"])
    return matter.number


def lift_hold(session: Session, *, actor: Actor, number: str, reason: str, now: datetime) -> tuple[str, int]:
    """A partner lifts a legal hold, with a reason (audited): the held days extend retention."""
    if actor.role != Role.PARTNER:
        raise PermissionDenied("archive.partner_only")
    if not reason.strip():
        raise InvalidInput("archive.hold.reason_required")
    matter, filing = _accepted_filing(session, number)
    if filing.hold_since is None:
        raise Conflict("archive.hold.not_held", number=matter.number)
    held = max(0, -(-(now - filing.hold_since) // timedelta(days=1)))  # whole days, rounded up
    filing.held_days += held
    filing.hold_since, filing.hold_lift_reason = None, reason.strip()
    audit.record(session, actor=actor.audit_name, action="lift_hold", entity="archive_filing",
                 entity_id=filing.id, fields=["hold_since", "held_days", "hold_lift_reason"])
    return matter.number, held


def record_judgment(session: Session, *, actor: Actor, number: str, on: date | None, now: datetime,
                    settings: Settings) -> Retention:
    """Record a litigation matter's effective judgment date on its filing (audited)."""
    matter = matter_by_number(session, number)
    if not (actor.role in (Role.PARTNER, Role.ADMIN) or actor.staff_id == matter.lead_lawyer_id):
        raise PermissionDenied("archive.judgment.not_allowed", number=matter.number)
    if on is None:
        raise InvalidInput("archive.judgment.usage")
    if on > now.astimezone(settings.tz).date():
        raise InvalidInput("archive.error.future_date")
    if not is_litigation(matter.practice_area):
        raise InvalidInput("archive.judgment.not_litigation", number=matter.number)
    filing = latest_filing(session, matter.id, statuses=("open", "returned", "submitted", "accepted"))
    if filing is None:
        raise NotFound("archive.filing.none", number=matter.number)
    filing.judgment_date = on
    audit.record(session, actor=actor.audit_name, action="update", entity="archive_filing",
                 entity_id=filing.id, fields=["judgment_date"])
    return retention_for(session, filing, settings)


@dataclass(frozen=True)
class FileStatus:
    """A matter's file as `/archive status` shows it."""

    number: str
    status: str
    archive_number: str | None
    location: str | None
    retention: Retention | None


def file_status(session: Session, *, actor: Actor, number: str, settings: Settings) -> FileStatus:
    """Where a matter's file stands and how long it is kept (staff other than client service)."""
    if actor.role == Role.CLIENT_SERVICE:
        raise PermissionDenied()
    matter = matter_by_number(session, number)
    filing = latest_filing(session, matter.id)
    if filing is None:
        return FileStatus(matter.number, "none", None, None, None)
    retention = retention_for(session, filing, settings) if filing.status == "accepted" else None
    status = "destroyed" if filing.destroyed_at else filing.status
    return FileStatus(matter.number, status, filing.archive_number, filing.location, retention)
