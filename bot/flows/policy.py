"""Who may see or change what (DOMAIN.md, "Roles"). Every flow asks here."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, literal, or_, select, true, union
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.errors import PermissionDenied
from storage.models import Client, ClientTeamMember, Matter, MatterTeamMember, StaffAssistant
from storage.models.enums import Role

CLIENT_ROLES = (Role.PARTNER, Role.LAWYER, Role.ASSISTANT, Role.CLIENT_SERVICE)


def require_role(actor: Actor, *roles: Role) -> None:
    """Raise PermissionDenied unless the actor has one of the roles."""
    if actor.role not in roles:
        raise PermissionDenied()


def acting_staff_ids(actor: Actor) -> Select[tuple[int]]:
    """The actor, plus the lawyers an assistant assists."""
    me = select(literal(actor.staff_id).label("staff_id"))
    if actor.role == Role.ASSISTANT:
        assisted = select(StaffAssistant.lawyer_id.label("staff_id")).where(
            StaffAssistant.assistant_id == actor.staff_id
        )
        return union(me, assisted).subquery().select()  # type: ignore[return-value]
    return me


def client_visibility(actor: Actor) -> ColumnElement[bool]:
    """A condition on Client.id true for the clients this actor may see."""
    if actor.role == Role.PARTNER:
        return true()
    if actor.role not in CLIENT_ROLES:
        return false()
    ids = acting_staff_ids(actor)
    team = select(ClientTeamMember.client_id).where(ClientTeamMember.staff_id.in_(ids))
    matter_team = (
        select(Matter.client_id)
        .join(MatterTeamMember, MatterTeamMember.matter_id == Matter.id)
        .where(MatterTeamMember.staff_id.in_(ids))
    )
    lead = select(Matter.client_id).where(Matter.lead_lawyer_id.in_(ids))
    return or_(Client.id.in_(team), Client.id.in_(matter_team), Client.id.in_(lead))


def can_view_client(session: Session, actor: Actor, client_id: int) -> bool:
    """Whether the actor may see this client."""
    found = session.execute(
        select(Client.id).where(Client.id == client_id, client_visibility(actor))
    ).first()
    return found is not None


def require_view_client(session: Session, actor: Actor, client_id: int) -> None:
    """Raise PermissionDenied unless the actor may see this client."""
    if not can_view_client(session, actor, client_id):
        raise PermissionDenied("error.client_not_visible")


def can_decide_intake(actor: Actor) -> bool:
    """Only partners approve or decline intake and conflict results."""
    return actor.role == Role.PARTNER


def can_check_conflicts(actor: Actor) -> bool:
    """Partners, lawyers and assistants may run conflict checks."""
    return actor.role in (Role.PARTNER, Role.LAWYER, Role.ASSISTANT)


def can_manage_staff(actor: Actor) -> bool:
    """Admins and partners manage the staff directory."""
    return actor.role in (Role.ADMIN, Role.PARTNER)


def can_record_contact(session: Session, actor: Actor, client_id: int) -> bool:
    """Whoever may see a client may record a contact with it."""
    return can_view_client(session, actor, client_id)


def can_file_intake(actor: Actor) -> bool:
    """Those who may see conflict results (partners, lawyers, assistants) file intake requests."""
    return can_check_conflicts(actor)
