"""Who may see or change what, by role. Every flow asks here."""

from __future__ import annotations

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, false, literal, or_, select, true, union
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
    return served_by(acting_staff_ids(actor))


def served_by(ids: Select[tuple[int]]) -> ColumnElement[bool]:
    """A condition on Client.id true for the clients these staff serve (client or matter team, lead)."""
    # one IN over the union (each part an index range scan), not three ORed INs: the database
    # then builds the set once, which keeps a partner's 20,000-client book fast on 100,000 clients
    return Client.id.in_(served_ids(ids))


def served_ids(ids: Select[tuple[int]]) -> CompoundSelect:
    """The ids of the clients these staff serve (client or matter team, lead lawyer of a matter)."""
    team = select(ClientTeamMember.client_id).where(ClientTeamMember.staff_id.in_(ids))
    matter_team = (
        select(Matter.client_id)
        .join(MatterTeamMember, MatterTeamMember.matter_id == Matter.id)
        .where(MatterTeamMember.staff_id.in_(ids))
    )
    lead = select(Matter.client_id).where(Matter.lead_lawyer_id.in_(ids))
    return union(team, matter_team, lead)


def my_clients(actor: Actor) -> ColumnElement[bool]:
    """A condition on Client.id true for the clients the actor serves (partners too: their own book)."""
    if actor.role not in CLIENT_ROLES:
        return false()
    return served_by(acting_staff_ids(actor))


def my_client_ids(actor: Actor) -> Select[tuple[int]] | CompoundSelect:
    """The ids of the clients the actor serves (empty for roles that serve none)."""
    if actor.role not in CLIENT_ROLES:
        return select(Client.id).where(false())
    return served_ids(acting_staff_ids(actor))


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


def can_decide_own_intake(*, other_active_partners: int) -> bool:
    """The requester never decides their own request, unless no other active partner can.

    A firm with a single partner still takes clients: that partner's own requests are then
    decided by them and recorded (and shown) as self-approved.
    """
    return other_active_partners == 0


def can_check_conflicts(actor: Actor) -> bool:
    """Partners, lawyers and assistants may run conflict checks."""
    return actor.role in (Role.PARTNER, Role.LAWYER, Role.ASSISTANT)


def can_see_staff_interests(actor: Actor) -> bool:
    """Only partners see conflict hits on the interests staff declared."""
    return actor.role == Role.PARTNER


def can_manage_staff(actor: Actor) -> bool:
    """Admins and partners manage the staff directory."""
    return actor.role in (Role.ADMIN, Role.PARTNER)


def can_edit_team(actor: Actor, *, is_lead: bool) -> bool:
    """Partners and the client's lead lawyer change a client's team."""
    return actor.role == Role.PARTNER or (is_lead and actor.role in (Role.LAWYER, Role.PARTNER))


def can_hand_over(actor: Actor) -> bool:
    """Partners hand a leaving lawyer's clients and matters over."""
    return actor.role == Role.PARTNER


def can_record_contact(session: Session, actor: Actor, client_id: int) -> bool:
    """Whoever may see a client may record a contact with it."""
    return can_view_client(session, actor, client_id)


def can_file_intake(actor: Actor) -> bool:
    """Those who may see conflict results (partners, lawyers, assistants) file intake requests."""
    return can_check_conflicts(actor)

# --- complaints and surveys (issue 5) ---------------------------------------------------------
#
# A complaint is not shown to the staff member it is about until a partner has reviewed it
# (decided founded / unfounded). The partner review channel is, by the firm's rule, the
# partners' room: every partner (and anyone else Slack reports as a member) can read it. So a
# complaint against a partner, the managing partner, or any member of that channel is NOT
# posted there: it goes by DM to the managing partner only; a complaint against the managing
# partner goes by DM to every other active partner. Clock notices and escalations follow the
# same route. The accused never acts on their own complaint and is never its owner.

COMPLAINT_RECORDERS = (Role.PARTNER, Role.LAWYER, Role.ASSISTANT, Role.CLIENT_SERVICE)
OWNER_STEPS = frozenset({"propose", "client_accepts", "client_rejects", "extend"})


def can_record_complaint(actor: Actor) -> bool:
    """Anyone who serves clients may record a complaint they received."""
    return actor.role in COMPLAINT_RECORDERS


def complaint_client_scope(actor: Actor) -> ColumnElement[bool]:
    """A condition on Client.id true for the clients the actor may name in a complaint.

    Recording complaints and feedback is client service's job, and a complaint may reach anyone
    who serves clients: they pick any client by name. Only names are offered and a complaint's
    recording reads nothing else of the client; its details stay behind `client_visibility`.
    """
    return true() if can_record_complaint(actor) else false()


def can_name_client_in_complaint(session: Session, actor: Actor, client_id: int) -> bool:
    """Whether the actor may record a complaint about this (existing) client."""
    found = session.execute(
        select(Client.id).where(Client.id == client_id, complaint_client_scope(actor))
    ).first()
    return found is not None


def complaint_goes_direct(*, accused_role: str, accused_is_managing_partner: bool,
                          accused_slack_id: str, review_channel_members: frozenset[str] | None) -> bool:
    """True when the accused could read the review channel, so the complaint must go by DM.

    `review_channel_members` is None when Slack could not say who is in the channel: then the
    accused might be, and the complaint goes by DM.
    """
    return (accused_role == Role.PARTNER or accused_is_managing_partner
            or review_channel_members is None or accused_slack_id in review_channel_members)


def complaint_direct_reviewers(*, accused_staff_id: int, managing_partner_ids: list[int],
                               partner_ids: list[int]) -> list[int]:
    """Who receives a directly routed complaint: the managing partner, or the other partners."""
    mps = [p for p in managing_partner_ids if p != accused_staff_id]
    if mps:
        return mps[:1]
    return [p for p in partner_ids if p != accused_staff_id]


def complaint_visibility(actor: Actor) -> ColumnElement[bool]:
    """A condition on Complaint true for the complaints this actor may see in lists and cards.

    Partners see every complaint except one against themselves that no partner has reviewed
    yet; an assigned owner sees the complaints they own; nobody else sees any.
    """
    from storage.models import Complaint

    if actor.role == Role.PARTNER:
        return or_(Complaint.against_staff_id != actor.staff_id, Complaint.reviewed_at.is_not(None))
    return and_(Complaint.owner_id == actor.staff_id, Complaint.reviewed_at.is_not(None))


def can_act_on_complaint(actor: Actor, *, step: str, against_staff_id: int,
                         owner_id: int | None) -> bool:
    """Partners take every step; the assigned owner the solution, client-answer and extension steps.

    Nobody acts on a complaint about themselves.
    """
    if actor.staff_id == against_staff_id:
        return False
    if actor.role == Role.PARTNER:
        return True
    return step in OWNER_STEPS and owner_id is not None and owner_id == actor.staff_id


def can_see_csat(actor: Actor) -> bool:
    """Satisfaction statistics are for partners."""
    return actor.role == Role.PARTNER


def can_close_service_review(actor: Actor) -> bool:
    """Partners review and close service-review items."""
    return actor.role == Role.PARTNER


def can_close_matter(actor: Actor, *, lead_lawyer_id: int | None) -> bool:
    """A partner or the matter's lead lawyer closes a matter."""
    return actor.role == Role.PARTNER or (lead_lawyer_id is not None and actor.staff_id == lead_lawyer_id)


def can_record_survey(actor: Actor, *, assignee_id: int | None) -> bool:
    """The assigned lawyer / client-service member, or a partner, records survey answers."""
    return actor.role == Role.PARTNER or (assignee_id is not None and actor.staff_id == assignee_id)


# --- the client book: who edits a client (issue 10) ---------------------------------------------

def client_team_condition(actor: Actor) -> ColumnElement[bool]:
    """A condition on Client.id true for the clients whose team the actor is on.

    The team: the client team, a matter team or a matter's lead lawyer, counting an assistant
    for the lawyers they assist (as visibility does).
    """
    if actor.role not in CLIENT_ROLES:
        return false()
    ids = acting_staff_ids(actor)
    team = select(ClientTeamMember.client_id).where(ClientTeamMember.staff_id.in_(ids))
    matter_team = (select(Matter.client_id).join(MatterTeamMember, MatterTeamMember.matter_id == Matter.id)
                   .where(MatterTeamMember.staff_id.in_(ids)))
    lead = select(Matter.client_id).where(Matter.lead_lawyer_id.in_(ids))
    return or_(Client.id.in_(team), Client.id.in_(matter_team), Client.id.in_(lead))


def can_edit_client(session: Session, actor: Actor, client_id: int) -> bool:
    """Partners and the client's team edit a client's details, dates and hearings."""
    allowed = true() if actor.role == Role.PARTNER else client_team_condition(actor)
    found = session.execute(select(Client.id).where(Client.id == client_id, allowed)).first()
    return found is not None


def can_change_tier(actor: Actor) -> bool:
    """Only partners change a client's tier."""
    return actor.role == Role.PARTNER


# --- fees on matters (issue "Value, tiers and the partners' reports") ---------------------------

def can_see_fees(session: Session, actor: Actor, client_id: int) -> bool:
    """Fees are confidential: partners and the client's team see and record them."""
    return can_edit_client(session, actor, client_id)


def can_set_fee_terms(actor: Actor) -> bool:
    """Only partners set a matter's fee arrangement, agreed amount and complexity."""
    return actor.role == Role.PARTNER


def can_see_quarter_report(actor: Actor) -> bool:
    """The quarterly report (KPIs, revenue, bonuses) is for partners."""
    return actor.role == Role.PARTNER
