"""Drafts of intake modals closed half way: one per staff member, stored encrypted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.intake_form import text_errors, without_unconsented_id
from storage import audit
from storage.db import is_postgres
from storage.models import IntakeDraft


@dataclass(frozen=True)
class Draft:
    """A saved draft's values (by form field) and when it was saved."""

    values: dict[str, Any]
    saved_at: datetime


def _filled(values: dict[str, Any]) -> dict[str, Any]:
    """Only the fields that hold something."""
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def keepable(values: dict[str, Any]) -> dict[str, Any]:
    """What of a closed form may be kept: no personal ID number without the client's consent,
    no text holding characters no field may hold."""
    values = without_unconsented_id(values)
    refused = text_errors(values)
    return _filled({k: v for k, v in values.items() if k not in refused})


def save_draft(session: Session, *, actor: Actor, values: dict[str, Any], now: datetime) -> bool:
    """Keep the values of a closed form (replacing the actor's previous draft); False if empty."""
    data = keepable(values)
    if not data:
        return False
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(IntakeDraft).values(staff_id=actor.staff_id, data=data, saved_at=now)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[IntakeDraft.staff_id],
        set_={"data": stmt.excluded.data, "saved_at": stmt.excluded.saved_at},
    ))
    audit.record(session, actor=actor.audit_name, action="save_draft", entity="intake_draft",
                 entity_id=actor.staff_id, fields=sorted(data))
    return True


def resume_draft(session: Session, *, actor: Actor) -> Draft | None:
    """The actor's draft, if any (reading it is audited)."""
    row = session.execute(
        select(IntakeDraft).where(IntakeDraft.staff_id == actor.staff_id)
    ).scalar_one_or_none()
    if row is None:
        return None
    audit.record(session, actor=actor.audit_name, action="resume_draft", entity="intake_draft",
                 entity_id=actor.staff_id, fields=sorted(row.data))
    return Draft(values=dict(row.data), saved_at=row.saved_at)


def discard_draft(session: Session, *, actor: Actor) -> bool:
    """Drop the actor's draft (after a submission, or 'start fresh')."""
    res = session.execute(delete(IntakeDraft).where(IntakeDraft.staff_id == actor.staff_id))
    if res.rowcount:
        audit.record(session, actor=actor.audit_name, action="discard_draft", entity="intake_draft",
                     entity_id=actor.staff_id)
    return bool(res.rowcount)
