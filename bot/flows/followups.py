"""Follow-up tasks: create, mark done, snooze (owner or anyone serving the client)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.errors import Conflict, InvalidInput, NotFound
from storage import audit
from storage.models import FollowUp
from storage.models.enums import FollowUpStatus

MAX_TITLE = 500


def create_follow_up(session: Session, *, actor: Actor, client_id: int, title: str, due_on: date,
                     today: date, now: datetime, owner_id: int | None = None,
                     source_note_id: int | None = None) -> FollowUp:
    """A new open follow-up (owned by the actor unless another owner is given)."""
    if not policy.can_record_contact(session, actor, client_id):
        raise NotFound("upkeep.client_not_found")
    return store_follow_up(session, actor=actor, client_id=client_id, title=title, due_on=due_on,
                           today=today, now=now, owner_id=owner_id, source_note_id=source_note_id)


def store_follow_up(session: Session, *, actor: Actor, client_id: int, title: str, due_on: date,
                    today: date, now: datetime, owner_id: int | None = None,
                    source_note_id: int | None = None) -> FollowUp:
    """Validate and insert a follow-up; the caller has checked the actor may serve the client."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput("upkeep.followup_empty", field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput("upkeep.note_too_long", field="title", limit=MAX_TITLE)
    if due_on < today:
        raise InvalidInput("upkeep.due_in_past", field="due")
    follow = FollowUp(client_id=client_id, owner_id=owner_id or actor.staff_id, title=title,
                      due_on=due_on, status=FollowUpStatus.OPEN.value, source_note_id=source_note_id,
                      created_by=actor.staff_id, created_at=now)
    session.add(follow)
    session.flush()
    audit.record(session, actor=actor.audit_name, action="create", entity="follow_up",
                 entity_id=follow.id, fields=["title", "due_on", "owner_id"])
    return follow


def _editable(session: Session, *, actor: Actor, follow_up_id: int) -> FollowUp:
    """The open follow-up if the actor owns it or serves its client."""
    follow = session.get(FollowUp, follow_up_id, with_for_update=True)
    if follow is None or (follow.owner_id != actor.staff_id
                          and not policy.can_view_client(session, actor, follow.client_id)):
        raise NotFound()
    if follow.status != FollowUpStatus.OPEN.value:
        raise Conflict("upkeep.followup_closed")
    return follow


def complete(session: Session, *, actor: Actor, follow_up_id: int, now: datetime) -> FollowUp:
    """Mark a follow-up done (Conflict when it already is)."""
    follow = _editable(session, actor=actor, follow_up_id=follow_up_id)
    follow.status, follow.done_at = FollowUpStatus.DONE.value, now
    audit.record(session, actor=actor.audit_name, action="complete", entity="follow_up",
                 entity_id=follow.id, fields=["status", "done_at"])
    return follow


def snooze(session: Session, *, actor: Actor, follow_up_id: int, until: date) -> FollowUp:
    """Hide a follow-up from digests until a day."""
    follow = _editable(session, actor=actor, follow_up_id=follow_up_id)
    follow.snoozed_until = until
    audit.record(session, actor=actor.audit_name, action="snooze", entity="follow_up",
                 entity_id=follow.id, fields=["snoozed_until"])
    return follow
