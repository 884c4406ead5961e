"""Foundation, access: who sees which clients; the staff directory from the command line."""

from __future__ import annotations

import base64

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import build_cli
from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.directory import find_actor
from bot.flows.errors import PermissionDenied
from storage.models import (
    AuditEvent, Client, ClientTeamMember, Matter, MatterTeamMember, Staff, StaffAssistant,
)
from tests.support import make_staff


def _actor(services, slack_id: str) -> Actor:
    with services.session() as session:
        return find_actor(session, slack_user_id=slack_id, default_locale="en")


@pytest.fixture
def firm(services):
    """Staff and clients linked every way the policy knows."""
    for sid, role in [("U0PARTNER", "partner"), ("U0LAW1", "lawyer"), ("U0LAW2", "lawyer"),
                      ("U0ASSIST", "assistant"), ("U0ASSIST2", "assistant"), ("U0CS", "client_service"),
                      ("U0ADMIN", "admin")]:
        make_staff(services, sid, role)
    with services.session() as session:
        ids = {s.slack_user_id: s.id for s in session.execute(select(Staff)).scalars()}
        clients = {}
        for name in ("team", "matter_team", "lead", "other", "law2", "cs"):
            c = Client(kind="enterprise", name=name)
            session.add(c)
            session.flush()
            clients[name] = c.id
        session.add(ClientTeamMember(client_id=clients["team"], staff_id=ids["U0LAW1"], role="lawyer"))
        m1 = Matter(number="M-1", client_id=clients["matter_team"], practice_area="ip")
        m2 = Matter(number="M-2", client_id=clients["lead"], practice_area="tax", lead_lawyer_id=ids["U0LAW1"])
        m3 = Matter(number="M-3", client_id=clients["law2"], practice_area="tax", lead_lawyer_id=ids["U0LAW2"])
        session.add_all([m1, m2, m3])
        session.flush()
        session.add(MatterTeamMember(matter_id=m1.id, staff_id=ids["U0LAW1"], role="lawyer"))
        session.add(ClientTeamMember(client_id=clients["cs"], staff_id=ids["U0CS"], role="client_service"))
        session.add(StaffAssistant(assistant_id=ids["U0ASSIST"], lawyer_id=ids["U0LAW1"]))
    return clients


def _visible(services, actor: Actor) -> set[int]:
    with services.session() as session:
        return set(session.execute(select(Client.id).where(policy.client_visibility(actor))).scalars())


def test_partner_sees_every_client(services, firm):
    assert _visible(services, _actor(services, "U0PARTNER")) == set(firm.values())


def test_lawyer_sees_the_clients_they_serve(services, firm):
    law1 = _actor(services, "U0LAW1")
    assert _visible(services, law1) == {firm["team"], firm["matter_team"], firm["lead"]}
    assert _visible(services, _actor(services, "U0LAW2")) == {firm["law2"]}
    with services.session() as session:
        assert policy.can_view_client(session, law1, firm["lead"])
        assert not policy.can_view_client(session, law1, firm["other"])
        with pytest.raises(PermissionDenied) as caught:
            policy.require_view_client(session, law1, firm["law2"])
        assert caught.value.key == "error.client_not_visible"
        assert policy.can_record_contact(session, law1, firm["team"])
        assert not policy.can_record_contact(session, law1, firm["other"])


def test_assistant_sees_the_clients_of_the_lawyers_they_assist(services, firm):
    assert _visible(services, _actor(services, "U0ASSIST")) == {firm["team"], firm["matter_team"], firm["lead"]}
    assert _visible(services, _actor(services, "U0ASSIST2")) == set()


def test_client_service_sees_their_own_clients(services, firm):
    assert _visible(services, _actor(services, "U0CS")) == {firm["cs"]}


def test_admin_sees_no_client_data(services, firm):
    admin = _actor(services, "U0ADMIN")
    assert _visible(services, admin) == set()
    with services.session() as session:
        for cid in firm.values():
            assert not policy.can_view_client(session, admin, cid)


def test_role_rules(services, firm):
    roles = {sid: _actor(services, sid) for sid in ("U0PARTNER", "U0LAW1", "U0ASSIST", "U0CS", "U0ADMIN")}
    assert [sid for sid, a in roles.items() if policy.can_decide_intake(a)] == ["U0PARTNER"]
    assert [sid for sid, a in roles.items() if policy.can_check_conflicts(a)] == ["U0PARTNER", "U0LAW1", "U0ASSIST"]
    assert [sid for sid, a in roles.items() if policy.can_manage_staff(a)] == ["U0PARTNER", "U0ADMIN"]
    with pytest.raises(PermissionDenied):
        policy.require_role(roles["U0LAW1"], policy.Role.PARTNER)
    policy.require_role(roles["U0PARTNER"], policy.Role.PARTNER)


def test_deactivated_staff_is_an_unknown_user(services, firm):
    from bot.flows.directory import deactivate_staff
    from bot.flows.errors import Conflict
    from bot.flows.handover import apply_handover

    with pytest.raises(Conflict), services.session() as session:   # a lead lawyer needs a hand-over
        deactivate_staff(session, by="test", slack_user_id="U0LAW1")
    assert _actor(services, "U0LAW1") is not None
    with services.session() as session:
        apply_handover(session, by="test", slack_user_id="U0LAW1", all_to="U0PARTNER")
    assert _actor(services, "U0LAW1") is None


# -- the staff CLI ------------------------------------------------------------------------------------

@pytest.fixture
def cli(db_url, tmp_path, test_keyring):
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path),
           "ENCRYPTION_KEYS": test_keyring.fernet_keys[0],
           "BLIND_INDEX_KEY": base64.urlsafe_b64encode(test_keyring.index_key).decode()}
    runner = CliRunner()
    return lambda *args: runner.invoke(build_cli(), list(args), env=env)


def test_staff_cli_add_list_assist_remove_is_audited(services, cli):
    r = cli("staff", "add", "U0PARTNER", "王芳", "--role", "partner", "--locale", "zh-CN", "--managing-partner")
    assert r.exit_code == 0, r.output
    assert cli("staff", "add", "U0LAW1", "Li Lei", "--role", "lawyer").exit_code == 0
    assert cli("staff", "add", "U0ASSIST", "Xiao Zhang", "--role", "assistant").exit_code == 0
    r = cli("staff", "assist", "U0ASSIST", "U0LAW1")
    assert r.exit_code == 0 and "U0ASSIST assists U0LAW1" in r.stdout
    assert cli("staff", "assist", "U0ASSIST", "U0LAW1").exit_code == 0  # idempotent
    r = cli("staff", "list")
    lines = r.stdout.strip().splitlines()
    assert "U0PARTNER\tpartner\tzh-CN\t王芳 managing-partner" in lines
    assert "U0LAW1\tlawyer\t-\tLi Lei" in lines
    assert cli("staff", "remove", "U0LAW1").exit_code == 0
    assert "U0LAW1\tlawyer\t-\tLi Lei (inactive)" in cli("staff", "list").stdout
    assert _actor(services, "U0LAW1") is None
    with services.session() as session:
        events = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        assists = session.execute(select(StaffAssistant)).scalars().all()
        from storage import audit

        assert audit.verify(session).ok
    assert [(e.actor, e.action) for e in events] == [
        ("system:cli", "create"), ("system:cli", "create"), ("system:cli", "create"),
        ("system:cli", "assign_assistant"), ("system:cli", "deactivate")]
    assert len(assists) == 1
    # the re-added member is active again, with a new role
    assert cli("staff", "add", "U0LAW1", "Li Lei", "--role", "partner").exit_code == 0
    assert _actor(services, "U0LAW1").role == "partner"


@pytest.mark.parametrize("args,message", [
    (("staff", "add", "bob", "Bob", "--role", "lawyer"), "is not a Slack user id"),
    (("staff", "remove", "U0NOBODY"), "couldn't find that"),
    (("staff", "assist", "U0NOBODY", "U0LAW1"), "couldn't find that"),
    (("staff", "assist", "U0LAW1", "U0PARTNER"), "does not have the assistant role"),
    (("staff", "assist", "U0ASSIST", "U0ASSIST"), "is not a lawyer or partner"),
    (("staff", "add", "U0NEW", "Bob\x00", "--role", "lawyer"), "control character"),
    (("staff", "add", "U0NEW", "Bob \u202eBoB", "--role", "lawyer"), "text-direction"),
])
def test_staff_cli_refuses_bad_input_clearly(services, cli, args, message):
    make_staff(services, "U0PARTNER", "partner")
    make_staff(services, "U0LAW1", "lawyer")
    make_staff(services, "U0ASSIST", "assistant")
    r = cli(*args)
    assert r.exit_code == 1
    assert message in r.stderr and "Traceback" not in r.output
    with services.session() as session:
        assert session.execute(select(StaffAssistant)).first() is None
        assert len(session.execute(select(Staff)).all()) == 3


def test_staff_cli_rejects_unknown_role(cli):
    r = cli("staff", "add", "U0X", "X", "--role", "boss")
    assert r.exit_code == 2 and "boss" in r.stderr
