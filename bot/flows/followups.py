"""Follow-up tasks: create, mark done, snooze (owner or anyone serving the client)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.errors import Conflict, InvalidInput, NotFound
from bot.ids import UpkeepBlock as B
from storage import audit
from storage.models import Client, FollowUp
from storage.models.enums import FollowUpStatus

MAX_TITLE = 500


def follow_up_problems(*, title: str | None, due_on: date | None,
                       today: date) -> dict[str, InvalidInput]:
    """What is wrong with a follow-up, by block id of the follow-up form (empty when none).

    Shared by the form (modal field errors) and `store_follow_up` (raises the first).
    """
    problems: dict[str, InvalidInput] = {}
    title = (title or "").strip()
    if not title:
        problems[B.TITLE] = InvalidInput("upkeep.followup_empty", field=B.TITLE)
    elif len(title) > MAX_TITLE:
        problems[B.TITLE] = InvalidInput("upkeep.note_too_long", field=B.TITLE, limit=MAX_TITLE)
    if due_on is None:
        problems[B.DUE] = InvalidInput("upkeep.need_due", field=B.DUE)
    elif due_on < today:
        problems[B.DUE] = InvalidInput("upkeep.due_in_past", field=B.DUE)
    return problems


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
    problems = follow_up_problems(title=title, due_on=due_on, today=today)
    if problems:
        raise next(iter(problems.values()))
    title = title.strip()
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
    """Postpone a follow-up: it is due on `until` (digests, the card and lists read `due_on`)."""
    follow = _editable(session, actor=actor, follow_up_id=follow_up_id)
    if until > follow.due_on:
        follow.due_on = until
        audit.record(session, actor=actor.audit_name, action="snooze", entity="follow_up",
                     entity_id=follow.id, fields=["due_on"])
    return follow


def client_name_of(session: Session, *, follow: FollowUp) -> str:
    """The name of the follow-up's client (a plain column, for confirmations)."""
    return session.execute(select(Client.name).where(Client.id == follow.client_id)).scalar_one()
