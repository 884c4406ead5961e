"""Staff interests: relatives, directorships and shareholdings staff declare for conflict checks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.errors import InvalidInput, NotFound
from storage import audit
from storage.models import Staff, StaffInterest

KINDS = ("relative", "directorship", "shareholding", "other")
MAX_NAME = 300


def declare_interest(session: Session, *, by: str, staff_id: int, kind: str, name: str) -> StaffInterest:
    """Record a name a staff member is connected to (searched by every later conflict check)."""
    name = " ".join((name or "").split())
    if kind not in KINDS:
        raise InvalidInput("conflict.interest.bad_kind", kinds=", ".join(KINDS))
    if not name:
        raise InvalidInput("conflict.interest.no_name")
    if len(name) > MAX_NAME:
        raise InvalidInput("conflict.interest.name_too_long", max=MAX_NAME)
    if session.get(Staff, staff_id) is None:
        raise NotFound()
    interest = StaffInterest(staff_id=staff_id, kind=kind, name=name)
    session.add(interest)
    session.flush()
    audit.record(session, actor=by, action="create", entity="staff_interest", entity_id=interest.id,
                 fields=["kind", "name"])
    return interest


def list_interests(session: Session, *, by: str, staff_id: int) -> list[StaffInterest]:
    """A staff member's declared interests, oldest first (the read is audited)."""
    rows = list(session.execute(select(StaffInterest).where(StaffInterest.staff_id == staff_id)
                                .order_by(StaffInterest.id)).scalars())
    audit.record(session, actor=by, action="read", entity="staff_interest", entity_id=f"staff:{staff_id}",
                 fields=["kind", "name"])
    return rows


def remove_interest(session: Session, *, by: str, staff_id: int, interest_id: int) -> None:
    """Withdraw one of a staff member's own declared interests."""
    interest = session.get(StaffInterest, interest_id)
    if interest is None or interest.staff_id != staff_id:
        raise NotFound()
    session.delete(interest)
    audit.record(session, actor=by, action="delete", entity="staff_interest", entity_id=interest_id)
