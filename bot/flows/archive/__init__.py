"""Records and archive (standard 004): filing, retention and holds, destruction, borrowing.

The use cases return `Notice`s (who is told what, under which ledger key); `bot.blocks.archive`
renders them and records them in the ledger in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.errors import NotFound
from bot.settings import Settings
from storage.models import ArchiveFiling, Matter, Staff
from storage.models.enums import Role


@dataclass(frozen=True)
class Notice:
    """One message to send: a DM (Slack user id) or a channel post, rendered by its kind."""

    key: str
    channel: str
    locale: str
    kind: str
    ref: int
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Person:
    """A staff member as notices need them."""

    id: int
    slack_user_id: str
    locale: str


def person(session: Session, staff_id: int | None, settings: Settings) -> Person | None:
    """An active staff member by id."""
    if staff_id is None:
        return None
    row = session.execute(select(Staff.id, Staff.slack_user_id, Staff.locale)
                          .where(Staff.id == staff_id, Staff.active.is_(True))).first()
    return Person(row.id, row.slack_user_id, row.locale or settings.default_locale) if row else None


def records_officers(session: Session, settings: Settings) -> list[Person]:
    """The records officers: active staff with the admin role."""
    rows = session.execute(select(Staff.id, Staff.slack_user_id, Staff.locale)
                           .where(Staff.role == Role.ADMIN.value, Staff.active.is_(True))
                           .order_by(Staff.id)).all()
    return [Person(r.id, r.slack_user_id, r.locale or settings.default_locale) for r in rows]


def managing_partners(session: Session, settings: Settings) -> list[Person]:
    """The director(s): active managing partners."""
    rows = session.execute(select(Staff.id, Staff.slack_user_id, Staff.locale)
                           .where(Staff.is_managing_partner.is_(True), Staff.active.is_(True))
                           .order_by(Staff.id)).all()
    return [Person(r.id, r.slack_user_id, r.locale or settings.default_locale) for r in rows]


def matter_by_number(session: Session, number: str) -> Matter:
    """The matter with this number, or NotFound."""
    matter = session.execute(select(Matter).where(Matter.number == number.strip())).scalar_one_or_none()
    if matter is None:
        raise NotFound("archive.matter_not_found", number=number.strip())
    return matter


def latest_filing(session: Session, matter_id: int, *, statuses: tuple[str, ...] | None = None
                  ) -> ArchiveFiling | None:
    """The matter's newest filing (of these statuses)."""
    stmt = select(ArchiveFiling).where(ArchiveFiling.matter_id == matter_id)
    if statuses:
        stmt = stmt.where(ArchiveFiling.status.in_(statuses))
    return session.execute(stmt.order_by(ArchiveFiling.id.desc()).limit(1)).scalar_one_or_none()
