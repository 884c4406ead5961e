"""A client's team (partner, lead lawyer, assistants, client service, client manager): read and change it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.errors import InvalidInput, NotFound, PermissionDenied
from storage import audit
from storage.models import Client, ClientTeamMember, Staff
from storage.models.enums import LEGACY_MANAGER_ROLE, Role, TeamRole

# the roles the Team form edits, in form order; the others on a team (e.g. "lawyer") are kept
EDITED_ROLES = (TeamRole.PARTNER.value, TeamRole.LEAD_LAWYER.value, TeamRole.ASSISTANT.value,
                TeamRole.CLIENT_SERVICE.value, TeamRole.CLIENT_MANAGER.value)
MULTI_ROLES = frozenset({TeamRole.ASSISTANT.value})
REQUIRED_ROLES = frozenset({TeamRole.LEAD_LAWYER.value})
MAX_MEMBERS = 10
# which staff roles may hold each team role
FITTING: dict[str, tuple[str, ...]] = {
    TeamRole.PARTNER.value: (Role.PARTNER.value,),
    TeamRole.LEAD_LAWYER.value: (Role.LAWYER.value, Role.PARTNER.value),
    TeamRole.ASSISTANT.value: (Role.ASSISTANT.value,),
    TeamRole.CLIENT_SERVICE.value: (Role.CLIENT_SERVICE.value,),
    TeamRole.CLIENT_MANAGER.value: (Role.PARTNER.value, Role.LAWYER.value, Role.CLIENT_SERVICE.value),
}


@dataclass(frozen=True)
class Candidate:
    """An active staff member who may hold a team role."""

    slack_user_id: str
    name: str


@dataclass
class TeamForm:
    """What the Team form shows: the client, its current team and who may be chosen per role."""

    client_id: int
    client_name: str
    current: dict[str, list[str]] = field(default_factory=dict)   # role -> Slack user ids
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)


def is_lead(session: Session, actor: Actor, client_id: int) -> bool:
    """Whether the actor is the client's lead lawyer."""
    return session.execute(select(ClientTeamMember.id).where(
        ClientTeamMember.client_id == client_id, ClientTeamMember.staff_id == actor.staff_id,
        ClientTeamMember.role == TeamRole.LEAD_LAWYER.value)).first() is not None


def require_team_editor(session: Session, actor: Actor, client_id: int) -> None:
    """Partners and the client's lead lawyer edit its team; NotFound for a client the actor can't see."""
    if not policy.can_view_client(session, actor, client_id):
        raise NotFound("upkeep.client_not_found")
    if not policy.can_edit_team(actor, is_lead=is_lead(session, actor, client_id)):
        raise PermissionDenied("teams.not_allowed")


def candidates(session: Session) -> dict[str, list[Candidate]]:
    """Active staff fitting each edited role, by name."""
    rows = session.execute(select(Staff.slack_user_id, Staff.display_name, Staff.role)
                           .where(Staff.active.is_(True)).order_by(Staff.display_name, Staff.id)).all()
    return {role: [Candidate(uid, name) for uid, name, staff_role in rows if staff_role in fits]
            for role, fits in FITTING.items()}


def team_form(session: Session, *, actor: Actor, client_id: int) -> TeamForm:
    """The Team form's data, for a partner or the client's lead lawyer."""
    require_team_editor(session, actor, client_id)
    name = session.execute(select(Client.name).where(Client.id == client_id)).scalar_one()
    form = TeamForm(client_id=client_id, client_name=name, candidates=candidates(session))
    for uid, role in session.execute(
            select(Staff.slack_user_id, ClientTeamMember.role)
            .join(Staff, Staff.id == ClientTeamMember.staff_id)
            .where(ClientTeamMember.client_id == client_id, Staff.active.is_(True))
            .order_by(ClientTeamMember.id)):
        role = TeamRole.CLIENT_MANAGER.value if role == LEGACY_MANAGER_ROLE else role
        form.current.setdefault(role, []).append(uid)
    return form


def client_name(session: Session, *, client_id: int) -> str:
    """A client's name (for messages to someone already allowed to see it)."""
    return session.execute(select(Client.name).where(Client.id == client_id)).scalar_one_or_none() or ""


def locales_of(session: Session, *, slack_user_ids: Sequence[str]) -> dict[str, str | None]:
    """Staff members' chosen languages by Slack id."""
    return dict(session.execute(select(Staff.slack_user_id, Staff.locale)
                                .where(Staff.slack_user_id.in_(list(slack_user_ids)))).all())


def team_problems(session: Session, *, wanted: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Message keys by role for a wanted team that can't be saved (empty when it can)."""
    problems: dict[str, str] = {}
    people = {uid: (sid, role) for sid, uid, role in session.execute(
        select(Staff.id, Staff.slack_user_id, Staff.role).where(
            Staff.slack_user_id.in_(sorted({u for us in wanted.values() for u in us})),
            Staff.active.is_(True)))}
    for role in EDITED_ROLES:
        chosen = [u for u in wanted.get(role, ()) if u]
        if role in REQUIRED_ROLES and len(chosen) != 1:
            problems[role] = "teams.one_lead" if chosen else "teams.lead_required"
        elif role not in MULTI_ROLES and len(chosen) > 1:
            problems[role] = "teams.only_one"
        elif len(chosen) > MAX_MEMBERS:
            problems[role] = "teams.too_many"
        elif any(u not in people for u in chosen):
            problems[role] = "teams.not_staff"
        elif any(people[u][1] not in FITTING[role] for u in chosen):
            problems[role] = f"teams.unfit.{role}"
    return problems


def set_team(session: Session, *, actor: Actor, client_id: int,
             wanted: Mapping[str, Sequence[str]]) -> list[str]:
    """Replace the edited roles of a client's team; returns the roles that changed (audited)."""
    session.execute(select(Client.id).where(Client.id == client_id).with_for_update()).first()
    require_team_editor(session, actor, client_id)
    problems = team_problems(session, wanted=wanted)
    if problems:
        role, key = next(iter(problems.items()))
        raise InvalidInput(key, field=role)
    ids = dict(session.execute(select(Staff.slack_user_id, Staff.id).where(
        Staff.slack_user_id.in_(sorted({u for us in wanted.values() for u in us if u})))).all())
    return replace_roles(session, by=actor.audit_name, client_id=client_id,
                         wanted={role: [ids[u] for u in dict.fromkeys(wanted.get(role, ())) if u]
                                 for role in EDITED_ROLES})


def _stored(role: str) -> tuple[str, ...]:
    """The stored spellings of a team role (the client manager's earlier name too)."""
    return (role, LEGACY_MANAGER_ROLE) if role == TeamRole.CLIENT_MANAGER.value else (role,)


def replace_roles(session: Session, *, by: str, client_id: int,
                  wanted: Mapping[str, Sequence[int]], action: str = "team_change") -> list[str]:
    """Make the given roles hold exactly these staff ids; audit which roles changed (no client data)."""
    have: dict[str, set[int]] = {}
    for sid, role in session.execute(select(ClientTeamMember.staff_id, ClientTeamMember.role)
                                     .where(ClientTeamMember.client_id == client_id)):
        have.setdefault(TeamRole.CLIENT_MANAGER.value if role == LEGACY_MANAGER_ROLE else role,
                        set()).add(sid)
    changed = [role for role, ids in wanted.items() if set(ids) != have.get(role, set())]
    for role in changed:
        session.execute(delete(ClientTeamMember).where(ClientTeamMember.client_id == client_id,
                                                       ClientTeamMember.role.in_(_stored(role))))
        for sid in dict.fromkeys(wanted[role]):
            session.add(ClientTeamMember(client_id=client_id, staff_id=sid, role=role))
    session.flush()
    if changed:
        audit.record(session, actor=by, action=action, entity="client", entity_id=client_id,
                     fields=changed)
    return changed
