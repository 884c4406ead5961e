"""A client's team from the card: who may edit it, validation, audit, and cadence following the team."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from bot.blocks.teams import ROLE_BLOCKS
from bot.flows import teams
from bot.flows.actor import Actor
from bot.flows.cadence import compute_due
from bot.flows.errors import PermissionDenied
from bot.flows.workdays import WorkCalendar
from bot.ids import TeamAction, TeamView
from jobs.tasks.upkeep import rules_from
from storage.models import AuditEvent, ClientTeamMember, Staff
from storage.models.enums import Role, TeamRole
from tests.support import make_staff
from tests.upkeep_support import job_context, make_client, run_jobs, staff_id

LEAD, PARTNER, ASSISTANT, SERVICE = (ROLE_BLOCKS[r] for r in ("lead_lawyer", "partner", "assistant",
                                                               "client_service"))
MANAGER = ROLE_BLOCKS["client_manager"]


def _people(services):
    make_staff(services, "U0PARTNER", "partner", "Pat Partner")
    make_staff(services, "U0LEAD", "lawyer", "Lee Lead")
    make_staff(services, "U0LAW2", "lawyer", "Lou Lawyer")
    make_staff(services, "U0ASST", "assistant", "Ann Assistant")
    make_staff(services, "U0CS", "client_service", "Cas Service")
    make_staff(services, "U0GONE", "lawyer", "Gus Gone")
    with services.session() as session:
        session.execute(select(Staff).where(Staff.slack_user_id == "U0GONE")).scalar_one().active = False


def _team(services, client_id):
    with services.session() as session:
        rows = session.execute(select(Staff.slack_user_id, ClientTeamMember.role)
                               .join(Staff, Staff.id == ClientTeamMember.staff_id)
                               .where(ClientTeamMember.client_id == client_id)).all()
    return sorted((r, u) for u, r in rows)


def _audit(services, action):
    with services.session() as session:
        return session.execute(select(AuditEvent).where(AuditEvent.action == action)
                               .order_by(AuditEvent.seq)).scalars().all()


def _open_team(slack, fake_slack, user, client_id):
    slack.click(user, TeamAction.OPEN, str(client_id))
    return slack.opened_view()


def test_card_has_a_team_button(services, slack, fake_slack):
    _people(services)
    make_client(services, "Acme Trading Ltd", team={"U0LEAD": "lead_lawyer"})
    slack.command("U0LEAD", "/client", "acme")
    blocks = fake_slack.wait_for("response_url")[0].params["blocks"]
    assert TeamAction.OPEN.value in str(blocks)


def test_partner_edits_the_team_prefilled_and_audited(services, slack, fake_slack):
    _people(services)
    c = make_client(services, "Acme Trading Ltd", team={"U0LEAD": "lead_lawyer", "U0LAW2": "lawyer"})
    view = _open_team(slack, fake_slack, "U0PARTNER", c)
    assert view["callback_id"] == TeamView.EDIT
    lead_block = next(b for b in view["blocks"] if b.get("block_id") == LEAD)
    assert lead_block["element"]["initial_option"]["value"] == "U0LEAD"
    # only active staff with fitting roles are offered
    offered = {o["value"] for o in lead_block["element"]["options"]}
    assert offered == {"U0PARTNER", "U0LEAD", "U0LAW2"}
    assistants = next(b for b in view["blocks"] if b.get("block_id") == ASSISTANT)["element"]
    assert assistants["type"] == "multi_static_select"
    assert {o["value"] for o in assistants["options"]} == {"U0ASST"}
    sent = slack.submit("U0PARTNER", view["id"], {PARTNER: "U0PARTNER", LEAD: "U0LAW2",
                                                  ASSISTANT: ["U0ASST"], SERVICE: "U0CS",
                                                  MANAGER: "U0LEAD"})
    assert sent.status == 200 and not sent.json
    fake_slack.wait_for("chat.postMessage")
    assert _team(services, c) == sorted([("partner", "U0PARTNER"), ("lead_lawyer", "U0LAW2"),
                                         ("assistant", "U0ASST"), ("client_service", "U0CS"),
                                         ("client_manager", "U0LEAD"), ("lawyer", "U0LAW2")])
    [row] = _audit(services, "team_change")
    assert row.entity == "client" and row.entity_id == str(c)
    assert row.actor == f"staff:{staff_id(services, 'U0PARTNER')}"
    assert row.fields == sorted(["partner", "lead_lawyer", "assistant", "client_service", "client_manager"])
    dm = fake_slack.messages_to("U0PARTNER")[-1]["text"]
    assert "Acme Trading Ltd" in dm and "Lead lawyer" in dm


def test_the_lead_may_edit_but_other_team_members_and_outsiders_may_not(services, slack, fake_slack):
    _people(services)
    c = make_client(services, "Beta Co", team={"U0LEAD": "lead_lawyer", "U0LAW2": "lawyer",
                                               "U0CS": "client_service"})
    view = _open_team(slack, fake_slack, "U0LEAD", c)
    slack.submit("U0LEAD", view["id"], {LEAD: "U0LEAD", ASSISTANT: ["U0ASST"], SERVICE: "U0CS"})
    fake_slack.wait_for("chat.postMessage")
    assert ("assistant", "U0ASST") in _team(services, c)
    before = _team(services, c)
    for user in ("U0LAW2", "U0CS"):
        mark = fake_slack.mark()
        slack.click(user, TeamAction.OPEN, str(c))
        reply = fake_slack.wait_for_since("response_url", mark).params
        assert "lead lawyer" in reply["text"] and not fake_slack.of("views.open")[1:]
    # a lawyer who can't see the client learns nothing about it
    make_staff(services, "U0OUT", "lawyer")
    mark = fake_slack.mark()
    slack.click("U0OUT", TeamAction.OPEN, str(c))
    assert "Beta" not in fake_slack.wait_for_since("response_url", mark).params["text"]
    # nor may a non-editor save through a forged submission
    actor = Actor(staff_id=staff_id(services, "U0LAW2"), slack_user_id="U0LAW2", name="L", role=Role.LAWYER,
                  locale="en")
    with pytest.raises(PermissionDenied), services.session() as session:
        teams.set_team(session, actor=actor, client_id=c, wanted={"lead_lawyer": ["U0LAW2"]})
    assert _team(services, c) == before


def test_validation_errors_keep_the_form_and_change_nothing(services, slack, fake_slack):
    _people(services)
    c = make_client(services, "Gamma Ltd", team={"U0LEAD": "lead_lawyer"})
    view = _open_team(slack, fake_slack, "U0PARTNER", c)
    cases = [
        ({LEAD: None}, LEAD, "Choose the lead lawyer"),
        ({LEAD: "U0ASST"}, LEAD, "must be a lawyer or partner"),
        ({LEAD: "U0GONE"}, LEAD, "active staff"),
        ({LEAD: "U0LEAD", PARTNER: "U0LAW2"}, PARTNER, "must be a partner"),
        ({LEAD: "U0LEAD", SERVICE: "U0LAW2"}, SERVICE, "client-service"),
        ({LEAD: "U0LEAD", ASSISTANT: ["U0ASST", "U0CS"]}, ASSISTANT, "assistant role"),
        ({LEAD: "U0LEAD", MANAGER: "U0ASST"}, MANAGER, "client manager"),
        ({LEAD: "U0NOBODY"}, LEAD, "active staff"),
    ]
    for answers, block, words in cases:
        sent = slack.submit("U0PARTNER", view["id"], answers)
        assert sent.json["response_action"] == "errors", answers
        assert words in sent.json["errors"][block], (answers, sent.json)
    assert _team(services, c) == [("lead_lawyer", "U0LEAD")]
    assert _audit(services, "team_change") == []
    with services.session() as session:
        assert teams.team_problems(session, wanted={"lead_lawyer": ["U0LEAD", "U0LAW2"]}) == {
            "lead_lawyer": "teams.one_lead"}
        assert teams.team_problems(session, wanted={"lead_lawyer": ["U0LEAD"],
                                                    "client_service": ["U0CS", "U0CS2"]}) == {
            "client_service": "teams.only_one"}


def test_an_unchanged_team_writes_no_audit_row(services, slack, fake_slack):
    _people(services)
    c = make_client(services, "Delta", team={"U0LEAD": "lead_lawyer"})
    view = _open_team(slack, fake_slack, "U0PARTNER", c)
    slack.submit("U0PARTNER", view["id"], {})
    assert "unchanged" in fake_slack.wait_for("chat.postMessage")[0].params["text"]
    assert _audit(services, "team_change") == []


def _cadence_people(plan, sid):
    d = plan.digests.get(sid)
    return {c.client_id: c.rules for c in d.cadence} if d else {}


def test_digest_and_monthly_minimums_follow_the_new_team(services, slack, fake_slack, clock):
    _people(services)
    c = make_client(services, "Quiet Strategic Co", tier="potential", team={"U0LEAD": "lead_lawyer"})
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    run_jobs(job_context(services))
    assert "Quiet Strategic Co" in str(fake_slack.messages_to("U0LEAD")[-1]["blocks"])
    view = _open_team(slack, fake_slack, "U0PARTNER", c)
    slack.submit("U0PARTNER", view["id"], {LEAD: "U0LAW2", MANAGER: "U0CS"})
    fake_slack.settle()
    assert "saved" in fake_slack.messages_to("U0PARTNER")[-1]["text"]
    s = services.settings
    with services.session() as session:
        plan = compute_due(session, today=clock.now.date(), cal=WorkCalendar(tz=s.tz, country=s.holiday_country),
                           rules=rules_from(s))
    assert _cadence_people(plan, staff_id(services, "U0LAW2")) == {c: ("any", "lead_monthly")}
    assert _cadence_people(plan, staff_id(services, "U0CS")) == {c: ("manager_monthly",)}
    assert _cadence_people(plan, staff_id(services, "U0LEAD")) == {}
    # the next morning the new lead gets the digest, the former lead does not
    before = len(fake_slack.messages_to("U0LEAD"))
    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    run_jobs(job_context(services))
    assert "Quiet Strategic Co" in str(fake_slack.messages_to("U0LAW2")[-1]["blocks"])
    assert len(fake_slack.messages_to("U0LEAD")) == before


def test_a_team_stored_with_the_old_manager_name_reads_as_client_manager(services):
    _people(services)
    c = make_client(services, "Legacy Co", team={"U0LEAD": "lead_lawyer"})
    with services.session() as session:
        session.execute(text("INSERT INTO client_team (client_id, staff_id, role) VALUES (:c, :s, 'manager')"),
                        {"c": c, "s": staff_id(services, "U0CS")})
    actor = Actor(staff_id=staff_id(services, "U0PARTNER"), slack_user_id="U0PARTNER", name="P",
                  role=Role.PARTNER, locale="en")
    with services.session() as session:
        form = teams.team_form(session, actor=actor, client_id=c)
        assert form.current["client_manager"] == ["U0CS"]
        teams.set_team(session, actor=actor, client_id=c, wanted={"lead_lawyer": ["U0LEAD"],
                                                                 "client_manager": ["U0LAW2"]})
    assert _team(services, c) == [("client_manager", "U0LAW2"), ("lead_lawyer", "U0LEAD")]
    assert TeamRole.MANAGER is TeamRole.CLIENT_MANAGER


def test_a_lead_who_left_without_a_hand_over_leaves_the_reminders_to_the_partner(services, clock):
    _people(services)
    c = make_client(services, "Orphan Co", tier="potential",
                    team={"U0GONE": "lead_lawyer", "U0PARTNER": "partner"})
    s = services.settings
    with services.session() as session:
        plan = compute_due(session, today=clock.now.date(), cal=WorkCalendar(tz=s.tz, country=s.holiday_country),
                           rules=rules_from(s))
    assert _cadence_people(plan, staff_id(services, "U0PARTNER")) == {c: ("any",)}


def test_more_fitting_staff_than_a_select_holds_gives_a_users_select_still_validated(services, slack, fake_slack):
    _people(services)
    for i in range(101):
        make_staff(services, f"U0A{i:03d}", "assistant")
    c = make_client(services, "Big Firm Client", team={"U0LEAD": "lead_lawyer"})
    view = _open_team(slack, fake_slack, "U0PARTNER", c)
    el = next(b for b in view["blocks"] if b.get("block_id") == ASSISTANT)["element"]
    assert el["type"] == "multi_users_select" and "options" not in el
    sent = slack.submit("U0PARTNER", view["id"], {ASSISTANT: ["U0A007", "U0LAW2"]})
    assert "assistant role" in sent.json["errors"][ASSISTANT]
    sent = slack.submit("U0PARTNER", view["id"], {ASSISTANT: ["U0A007", "U0A100"]})
    assert sent.status == 200 and not sent.json
    fake_slack.wait_for("chat.postMessage")
    assert [u for r, u in _team(services, c) if r == "assistant"] == ["U0A007", "U0A100"]


def test_churn_alerts_name_the_new_team(services, slack, fake_slack, clock):
    from tests.conftest import ALERTS_CHANNEL

    _people(services)
    c = make_client(services, "Silent Ltd", tier="core", team={"U0LEAD": "lead_lawyer"})
    view = _open_team(slack, fake_slack, "U0PARTNER", c)
    slack.submit("U0PARTNER", view["id"], {LEAD: "U0LAW2", SERVICE: "U0CS"})
    fake_slack.settle()
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    run_jobs(job_context(services))
    alert = str(fake_slack.messages_to(ALERTS_CHANNEL)[-1]["blocks"])
    assert "Silent Ltd" in alert and "<@U0LAW2>" in alert and "<@U0CS>" in alert
    assert "<@U0LEAD>" not in alert


def test_migration_renames_the_old_manager_role(services):
    from storage import migrate

    _people(services)
    c = make_client(services, "Old Co", team={"U0LEAD": "lead_lawyer"})
    cs, law2 = staff_id(services, "U0CS"), staff_id(services, "U0LAW2")
    engine = services.engine
    migrate.downgrade(engine, "book_teams@-1")  # this branch only: the others keep their tables
    with engine.begin() as conn:      # as the earlier version stored them (and a duplicate)
        for sid in (cs, law2):
            conn.execute(text("INSERT INTO client_team (client_id, staff_id, role) VALUES (:c, :s, 'manager')"),
                         {"c": c, "s": sid})
        conn.execute(text("INSERT INTO client_team (client_id, staff_id, role) VALUES (:c, :s, 'client_manager')"),
                     {"c": c, "s": law2})
    migrate.upgrade(engine)
    assert _team(services, c) == [("client_manager", "U0CS"), ("client_manager", "U0LAW2"),
                                  ("lead_lawyer", "U0LEAD")]
