"""Hand-over when a lawyer leaves: their clients and open matters go to others in one step, then they are deactivated.

A plan names a new person for each item (a client the leaver is on the team of, an open
matter the leaver leads), or one person for all. Nothing is applied unless every item has
someone, so no client or matter is left without a lead. The leaver's roles on each client
move to that item's new person (a role the new person can't hold, e.g. partner for a lawyer,
is dropped), matters' leads and the leaver's matter-team places move, and the leaver's open
follow-ups go to the new person of their client (else the client's lead). Audited per client,
matter and follow-up, plus one summary row; names and texts are never written to the audit.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.flows.errors import Conflict, InvalidInput, NotFound
from bot.flows.tabular import Table
from bot.flows.teams import FITTING, Candidate
from storage import audit
from storage.models import Client, ClientTeamMember, FollowUp, Matter, MatterTeamMember, Staff
from storage.models.enums import (LEGACY_MANAGER_ROLE, FollowUpStatus, MatterStatus, Role,
                                  TeamRole)

CLIENT, MATTER = "client", "matter"
TARGET_ROLES = (Role.LAWYER.value, Role.PARTNER.value)
MENTION = re.compile(r"^<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>$")
PLAN_COLUMNS = ("type", "ref", "to")
PLAN_ALIASES = {"type": ("item", "类型", "项目"), "ref": ("id", "number", "编号", "客户编号", "案号"),
                "to": ("new lead", "to user", "接手人", "新负责人", "新主办律师")}
KIND_WORDS = {"client": CLIENT, "客户": CLIENT, "matter": MATTER, "案件": MATTER}


@dataclass(frozen=True)
class Item:
    """A client or open matter to hand over, with a suggested new person (Slack id) if there is one."""

    kind: str
    id: int
    label: str
    client_id: int
    ref: str = ""
    roles: tuple[str, ...] = ()
    suggested: str | None = None

    @property
    def key(self) -> str:
        """A short key ('c12', 'm4') for forms and plans."""
        return f"{self.kind[0]}{self.id}"


@dataclass
class Plan:
    """Who leaves, what they hold, and who may take it over."""

    staff_id: int
    slack_user_id: str
    name: str
    active: bool
    items: list[Item] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def leads(self) -> bool:
        """Whether the leaver leads any client or open matter (then a plan is required)."""
        return any(i.kind == MATTER or TeamRole.LEAD_LAWYER.value in i.roles for i in self.items)


@dataclass
class Result:
    """What a hand-over did."""

    clients: int = 0
    matters: int = 0
    follow_ups: int = 0
    dropped_roles: int = 0
    by_target: Counter[str] = field(default_factory=Counter)


def slack_id_of(text: str) -> str:
    """A Slack user id from 'U123' or a mention '<@U123|name>'."""
    text = text.strip()
    found = MENTION.match(text)
    return found.group(1) if found else text


def leads_of(session: Session, *, staff_id: int) -> tuple[int, int]:
    """How many clients and open matters this person leads."""
    clients = session.execute(select(func.count()).select_from(ClientTeamMember).where(
        ClientTeamMember.staff_id == staff_id,
        ClientTeamMember.role == TeamRole.LEAD_LAWYER.value)).scalar_one()
    matters = session.execute(select(func.count()).select_from(Matter).where(
        Matter.lead_lawyer_id == staff_id, Matter.status == MatterStatus.OPEN.value)).scalar_one()
    return clients, matters


def _leaver(session: Session, slack_user_id: str, *, lock: bool) -> Staff:
    """The staff row of the person leaving (locked for a hand-over)."""
    stmt = select(Staff).where(Staff.slack_user_id == slack_id_of(slack_user_id))
    staff = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if staff is None:
        raise NotFound("handover.no_such_staff", user=slack_id_of(slack_user_id))
    return staff


def handover_plan(session: Session, *, slack_user_id: str, lock: bool = False) -> Plan:
    """The leaver's clients (by name) and open matters (by number), each with a suggestion."""
    leaver = _leaver(session, slack_user_id, lock=lock)
    plan = Plan(staff_id=leaver.id, slack_user_id=leaver.slack_user_id, name=leaver.display_name,
                active=leaver.active)
    fit = {uid: (sid, role) for sid, uid, role in session.execute(
        select(Staff.id, Staff.slack_user_id, Staff.role).where(
            Staff.active.is_(True), Staff.role.in_(TARGET_ROLES), Staff.id != leaver.id))}
    by_id = {sid: uid for uid, (sid, _) in fit.items()}
    plan.candidates = [Candidate(uid, name) for uid, name in session.execute(
        select(Staff.slack_user_id, Staff.display_name).where(Staff.slack_user_id.in_(list(fit)))
        .order_by(Staff.display_name, Staff.id))]
    roles: dict[int, list[str]] = defaultdict(list)
    for cid, role in session.execute(select(ClientTeamMember.client_id, ClientTeamMember.role)
                                     .where(ClientTeamMember.staff_id == leaver.id)):
        roles[cid].append(TeamRole.CLIENT_MANAGER.value if role == LEGACY_MANAGER_ROLE else role)
    matters = session.execute(
        select(Matter.id, Matter.number, Matter.client_id).where(
            Matter.lead_lawyer_id == leaver.id, Matter.status == MatterStatus.OPEN.value)
        .order_by(Matter.number)).all()
    client_ids = sorted(set(roles) | {m.client_id for m in matters})
    names: dict[int, str] = {}
    others: dict[int, dict[str, int]] = defaultdict(dict)   # client -> role -> another member
    for i in range(0, len(client_ids), 2000):
        chunk = client_ids[i:i + 2000]
        names.update(session.execute(select(Client.id, Client.name).where(Client.id.in_(chunk))).all())
        for cid, sid, role in session.execute(
                select(ClientTeamMember.client_id, ClientTeamMember.staff_id, ClientTeamMember.role)
                .where(ClientTeamMember.client_id.in_(chunk), ClientTeamMember.staff_id != leaver.id)
                .order_by(ClientTeamMember.id)):
            if sid in by_id:
                others[cid].setdefault(role, sid)

    def suggestion(cid: int) -> str | None:
        """Another lead, else the client's partner or team lawyer, if they may take it over."""
        for role in (TeamRole.LEAD_LAWYER.value, TeamRole.PARTNER.value, TeamRole.LAWYER.value):
            if role in others.get(cid, {}):
                return by_id[others[cid][role]]
        return None

    clients = sorted(roles, key=lambda cid: (names.get(cid, ""), cid))
    plan.items = [Item(kind=CLIENT, id=cid, label=names.get(cid, "?"), client_id=cid, ref=str(cid),
                       roles=tuple(dict.fromkeys(roles[cid])), suggested=suggestion(cid))
                  for cid in clients]
    plan.items += [Item(kind=MATTER, id=m.id, label=f"{m.number} · {names.get(m.client_id, '?')}",
                        client_id=m.client_id, ref=m.number, roles=(TeamRole.LEAD_LAWYER.value,),
                        suggested=suggestion(m.client_id)) for m in matters]
    return plan


def resolve(plan: Plan, *, all_to: str | None, targets: Mapping[str, str]) -> dict[str, str]:
    """Each item's new person (Slack id): its own choice, else the one for all.

    Refuses a plan naming unknown items, leaving an item without anyone, or naming someone
    who can't take a client over (not an active lawyer or partner, or the leaver).
    """
    keys = {i.key for i in plan.items}
    unknown = sorted(k for k in targets if k not in keys)
    if unknown:
        raise InvalidInput("handover.unknown_items", items=", ".join(unknown[:10]))
    chosen = {i.key: slack_id_of(targets.get(i.key) or all_to or "") for i in plan.items}
    missing = [i for i in plan.items if not chosen[i.key]]
    if missing:
        raise InvalidInput("handover.unassigned", count=len(missing),
                           items=", ".join(i.label for i in missing[:5]))
    allowed = {c.slack_user_id for c in plan.candidates}
    bad = sorted({uid for uid in chosen.values() if uid not in allowed})
    if bad:
        raise InvalidInput("handover.bad_target", user=bad[0])
    return chosen


def apply_handover(session: Session, *, by: str, slack_user_id: str, all_to: str | None = None,
                   targets: Mapping[str, str] | None = None, deactivate: bool = True) -> Result:
    """Hand every item over as planned and deactivate the leaver, in one transaction."""
    plan = handover_plan(session, slack_user_id=slack_user_id, lock=True)
    chosen = resolve(plan, all_to=all_to, targets=targets or {})
    staff = {uid: (sid, role) for sid, uid, role in session.execute(
        select(Staff.id, Staff.slack_user_id, Staff.role).where(Staff.slack_user_id.in_(set(chosen.values()))))}
    result = Result()
    leaver = plan.staff_id
    client_target: dict[int, int] = {}
    for item in plan.items:
        sid, staff_role = staff[chosen[item.key]]
        result.by_target[chosen[item.key]] += 1
        if item.kind == CLIENT:
            client_target[item.id] = sid
            result.dropped_roles += _move_client_roles(session, by=by, item=item, leaver=leaver,
                                                       to=sid, to_role=staff_role)
            result.clients += 1
        else:
            session.execute(update(Matter).where(Matter.id == item.id).values(lead_lawyer_id=sid))
            _move_matter_team(session, matter_id=item.id, leaver=leaver, to=sid)
            audit.record(session, actor=by, action="handover", entity="matter", entity_id=item.id,
                         fields=["lead_lawyer_id"])
            result.matters += 1
            client_target.setdefault(item.client_id, sid)
    result.follow_ups = _move_follow_ups(session, by=by, leaver=leaver, client_target=client_target)
    if deactivate and plan.active:
        session.execute(update(Staff).where(Staff.id == leaver).values(active=False))
        audit.record(session, actor=by, action="deactivate", entity="staff", entity_id=leaver,
                     fields=["active"])
    moved = [name for name, n in (("clients", result.clients), ("matters", result.matters),
                                  ("follow_ups", result.follow_ups)) if n]
    audit.record(session, actor=by, action="handover", entity="staff", entity_id=leaver, fields=moved)
    return result


def _move_client_roles(session: Session, *, by: str, item: Item, leaver: int, to: int,
                       to_role: str) -> int:
    """The leaver's roles on a client go to `to` where they fit; returns how many were dropped."""
    have = {role for (role,) in session.execute(select(ClientTeamMember.role).where(
        ClientTeamMember.client_id == item.id, ClientTeamMember.staff_id == to))}
    session.execute(delete(ClientTeamMember).where(ClientTeamMember.client_id == item.id,
                                                   ClientTeamMember.staff_id == leaver))
    dropped = 0
    for role in item.roles:
        if role in FITTING and to_role not in FITTING[role]:
            dropped += 1
            continue
        if role not in have:
            session.add(ClientTeamMember(client_id=item.id, staff_id=to, role=role))
    if TeamRole.LEAD_LAWYER.value in item.roles:   # one lead: the new one replaces any other
        session.flush()
        session.execute(delete(ClientTeamMember).where(
            ClientTeamMember.client_id == item.id, ClientTeamMember.role == TeamRole.LEAD_LAWYER.value,
            ClientTeamMember.staff_id != to))
    session.flush()
    audit.record(session, actor=by, action="handover", entity="client", entity_id=item.id,
                 fields=list(item.roles))
    return dropped


def _move_matter_team(session: Session, *, matter_id: int, leaver: int, to: int) -> None:
    """The leaver's places on a matter team go to the new lead."""
    rows = session.execute(select(MatterTeamMember).where(MatterTeamMember.matter_id == matter_id)).scalars().all()
    taken = {m.role for m in rows if m.staff_id == to}
    for m in rows:
        if m.staff_id == leaver:
            if m.role in taken:
                session.delete(m)
            else:
                m.staff_id = to
                taken.add(m.role)
    session.flush()


def _move_follow_ups(session: Session, *, by: str, leaver: int, client_target: dict[int, int]) -> int:
    """Open follow-ups of the leaver go to their client's new person, else to the client's active lead."""
    rows = session.execute(select(FollowUp.id, FollowUp.client_id).where(
        FollowUp.owner_id == leaver, FollowUp.status == FollowUpStatus.OPEN.value)).all()
    others = {cid for _, cid in rows if cid not in client_target}
    leads: dict[int, int] = {}
    if others:
        for cid, sid in session.execute(
                select(ClientTeamMember.client_id, ClientTeamMember.staff_id)
                .join(Staff, Staff.id == ClientTeamMember.staff_id)
                .where(ClientTeamMember.client_id.in_(sorted(others)), Staff.active.is_(True),
                       ClientTeamMember.role == TeamRole.LEAD_LAWYER.value, Staff.id != leaver)
                .order_by(ClientTeamMember.id)):
            leads.setdefault(cid, sid)
    moved = 0
    for fid, cid in rows:
        to = client_target.get(cid) or leads.get(cid)
        if to is None:
            continue
        session.execute(update(FollowUp).where(FollowUp.id == fid).values(owner_id=to))
        audit.record(session, actor=by, action="handover", entity="follow_up", entity_id=fid,
                     fields=["owner_id"])
        moved += 1
    return moved


def plan_csv(plan: Plan) -> str:
    """The plan as CSV to fill in ('to' prefilled with the suggestion), for `--plan`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["type", "ref", "name", "roles", "to"])
    for item in plan.items:
        writer.writerow([item.kind, item.ref, item.label, " ".join(item.roles), item.suggested or ""])
    return out.getvalue()


def read_plan(*, path: Path, plan: Plan) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """Targets by item key from a filled-in plan file, and refused lines (line, reason key).

    A row with no one in `to` is left to the plan's person for all (`--to`), if any.
    """
    numbers = {item.ref: item.key for item in plan.items if item.kind == MATTER}
    clients = {item.ref: item.key for item in plan.items if item.kind == CLIENT}
    targets: dict[str, str] = {}
    refused: list[tuple[int, str]] = []
    with Table(path, wanted=PLAN_COLUMNS, required=PLAN_COLUMNS, extra_aliases=PLAN_ALIASES) as table:
        for row in table:
            kind = KIND_WORDS.get(row.values.get("type", "").strip().casefold())
            ref = row.values.get("ref", "").strip()
            to = slack_id_of(row.values.get("to", ""))
            key = (clients if kind == CLIENT else numbers).get(ref) if kind else None
            if key is None:
                refused.append((row.line, "handover.line_unknown_item"))
            elif not to:
                continue
            elif key in targets and targets[key] != to:
                refused.append((row.line, "handover.line_twice"))
            else:
                targets[key] = to
    return targets, refused


def require_no_leads(session: Session, *, staff_id: int) -> None:
    """Refuse to deactivate someone who still leads clients or open matters (a hand-over is needed)."""
    clients, matters = leads_of(session, staff_id=staff_id)
    if clients or matters:
        raise Conflict("handover.plan_needed", clients=clients, matters=matters)
