"""The staff directory: look up, add, change and list staff."""

from __future__ import annotations

import re

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.errors import InvalidInput, NotFound
from bot.flows.text_rules import text_problem
from storage import audit
from storage.models import Staff, StaffAssistant
from storage.models.enums import Role

SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9_]{2,}$")


def find_actor(session: Session | Connection, *, slack_user_id: str,
               default_locale: str) -> Actor | None:
    """The active staff member with this Slack id, as an Actor, or None.

    Runs before every ack: only the columns an Actor holds are read (no ORM entity).
    """
    row = session.execute(
        select(Staff.id, Staff.display_name, Staff.role, Staff.locale, Staff.is_managing_partner)
        .where(Staff.slack_user_id == slack_user_id, Staff.active.is_(True))
    ).one_or_none()
    if row is None:
        return None
    return Actor(staff_id=row.id, slack_user_id=slack_user_id, name=row.display_name,
                 role=Role(row.role), locale=row.locale or default_locale,
                 is_managing_partner=row.is_managing_partner)


def upsert_staff(session: Session, *, by: str, slack_user_id: str, name: str, role: str,
                 locale: str | None = None, managing_partner: bool = False) -> Staff:
    """Add a staff member or change their name, role or locale."""
    if not SLACK_USER_ID.match(slack_user_id):
        raise InvalidInput("error.bad_user_id", user=slack_user_id)
    try:
        role_value = Role(role)
    except ValueError:
        raise InvalidInput("error.bad_role", role=role) from None
    if locale not in (None, "en", "zh-CN"):
        raise InvalidInput("error.bad_locale", locale=locale)
    if problem := text_problem(name, name=True):
        raise InvalidInput(problem)
    staff = session.execute(select(Staff).where(Staff.slack_user_id == slack_user_id)).scalar_one_or_none()
    action = "update" if staff else "create"
    if staff is None:
        staff = Staff(slack_user_id=slack_user_id, display_name=name, role=role_value.value)
        session.add(staff)
    staff.display_name, staff.role, staff.active = name, role_value.value, True
    staff.locale = locale or staff.locale
    staff.is_managing_partner = managing_partner
    session.flush()
    audit.record(session, actor=by, action=action, entity="staff", entity_id=staff.id,
                 fields=["display_name", "role", "locale", "is_managing_partner", "active"])
    return staff


def deactivate_staff(session: Session, *, by: str, slack_user_id: str) -> None:
    """Remove access (the row stays for history); refused while they lead clients or open matters."""
    from bot.flows.handover import require_no_leads

    staff = session.execute(select(Staff).where(Staff.slack_user_id == slack_user_id)
                            .with_for_update()).scalar_one_or_none()
    if staff is None:
        raise NotFound()
    require_no_leads(session, staff_id=staff.id)
    staff.active = False
    audit.record(session, actor=by, action="deactivate", entity="staff", entity_id=staff.id,
                 fields=["active"])


def assign_assistant(session: Session, *, by: str, assistant_slack_id: str, lawyer_slack_id: str) -> None:
    """Record that an assistant assists a lawyer."""
    people = {
        s.slack_user_id: s
        for s in session.execute(
            select(Staff).where(Staff.slack_user_id.in_([assistant_slack_id, lawyer_slack_id]))
        ).scalars()
    }
    if assistant_slack_id not in people or lawyer_slack_id not in people:
        raise NotFound()
    a, lw = people[assistant_slack_id], people[lawyer_slack_id]
    if a.role != Role.ASSISTANT.value:
        raise InvalidInput("error.not_an_assistant", user=assistant_slack_id)
    if lw.role not in (Role.LAWYER.value, Role.PARTNER.value):
        raise InvalidInput("error.not_a_lawyer", user=lawyer_slack_id)
    exists = session.execute(
        select(StaffAssistant).where(StaffAssistant.assistant_id == a.id, StaffAssistant.lawyer_id == lw.id)
    ).scalar_one_or_none()
    if exists is None:
        session.add(StaffAssistant(assistant_id=a.id, lawyer_id=lw.id))
        session.flush()
        audit.record(session, actor=by, action="assign_assistant", entity="staff", entity_id=a.id,
                     fields=["assists"])


def list_staff(session: Session) -> list[Staff]:
    """Everyone in the directory, by name."""
    return list(session.execute(select(Staff).order_by(Staff.display_name)).scalars())
