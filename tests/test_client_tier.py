"""Tier changes by a partner with a reason, and a lost client who comes back through intake."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from bot.flows.cadence import compute_due
from bot.flows.workdays import WorkCalendar
from bot.ids import ClientEditAction as CE
from bot.ids import ClientEditBlock as B
from bot.ids import ClientEditView as V
from bot.ids import IntakeAction, IntakeBlock
from jobs.tasks.upkeep import rules_from
from storage.models import ClientTeamMember, AuditEvent, Client
from tests.intake_helpers import answers, review_ref, send_for_approval, submit_form
from tests.support import make_staff
from tests.upkeep_support import make_client, staff_id

USCC = "91330100716105852F"


def _plan(services, today=date(2026, 11, 23)):
    s = services.settings
    with services.session() as session:
        return compute_due(session, today=today, cal=WorkCalendar(tz=s.tz, country=s.holiday_country),
                           rules=rules_from(s))


def _open(slack, fake_slack, user, client_id):
    before = len(fake_slack.of("views.update"))
    slack.click(user, CE.TIER, str(client_id))
    fake_slack.wait_for("views.update", count=before + 1)
    return fake_slack.views[fake_slack.of("views.update")[-1].answer["view"]["id"]]


@pytest.fixture
def acme(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LEAD", "lawyer", "Li Lei")
    return make_client(services, "Acme Trading Ltd", tier="potential", team={"U0LEAD": "lead_lawyer"})


def test_only_a_partner_changes_the_tier_and_gives_a_reason(services, slack, fake_slack, acme, clock):
    refused = _open(slack, fake_slack, "U0LEAD", acme)
    assert refused["callback_id"] == V.NOTICE and "Only partners" in json.dumps(refused)
    view = _open(slack, fake_slack, "U0PARTNER", acme)
    assert view["callback_id"] == V.TIER
    sent = slack.submit("U0PARTNER", view["id"], {B.TIER: "strategic", B.REASON: "  "})
    assert sent.json["response_action"] == "errors" and set(sent.json["errors"]) == {B.REASON}
    # a forged submission by the lead is refused
    sent = slack.submit("U0LEAD", view["id"], {B.TIER: "strategic", B.REASON: "says so"})
    assert sent.json["response_action"] == "update" and "Only partners" in json.dumps(sent.json)
    sent = slack.submit("U0PARTNER", view["id"], {B.TIER: "strategic", B.REASON: "Annual fees over 1M CNY"})
    assert "response_action" not in sent.json
    assert "Strategic client" in fake_slack.wait_for("chat.postMessage")[0].params["text"]
    with services.session() as session:
        c = session.get(Client, acme)
        assert (c.tier, c.tier_reason, c.tier_changed_at) == ("strategic", "Annual fees over 1M CNY", clock.now)
        assert "Annual" not in str(session.execute(text("SELECT tier_reason FROM clients")).one())
        events = [e for e in session.execute(select(AuditEvent)).scalars() if e.action == "change_tier"]
    assert [e.fields for e in events] == [["tier", "tier_changed_at", "tier_reason"]]
    assert events[0].actor == f"staff:{staff_id(services, 'U0PARTNER')}"
    # cadence follows the new tier
    items = {c.client_id: c for c in _plan(services).digests[staff_id(services, "U0LEAD")].cadence}
    assert items[acme].tier == "strategic" and "face_to_face" in items[acme].rules


def test_a_partner_bringing_a_lost_client_back_makes_it_active(services, slack, fake_slack, acme):
    with services.session() as session:
        c = session.get(Client, acme)
        c.tier, c.status, c.lost_reason = "lost", "lost", "price"
    view = _open(slack, fake_slack, "U0PARTNER", acme)
    slack.submit("U0PARTNER", view["id"], {B.TIER: "core", B.REASON: "won back after the fee review"})
    fake_slack.settle()  # the listener goes on after the ack
    with services.session() as session:
        c = session.get(Client, acme)
        assert (c.tier, c.status, c.lost_reason, c.lost_at) == ("core", "active", None, None)


@pytest.fixture
def people(services):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")


def _approve(services, slack, fake_slack, form, n, requester="U0LAWYER"):
    results = submit_form(slack, fake_slack, requester, form)
    send_for_approval(slack, fake_slack, requester, results)
    ref = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update", count=n)
    fake_slack.settle()


def test_a_lost_client_who_comes_back_through_intake_is_no_longer_lost(services, slack, fake_slack, people):
    form = answers(**{IntakeBlock.ID_NUMBER: USCC, IntakeBlock.CONSENT: ["yes"]})
    _approve(services, slack, fake_slack, form, 1)
    with services.session() as session:
        c = session.execute(select(Client)).scalar_one()
        cid = c.id
        c.tier, c.status, c.lost_reason = "lost", "lost", "service"
        c.lost_at = c.created_at = datetime(2024, 1, 1, tzinfo=UTC)
    lead = staff_id(services, "U0LAWYER")
    plan = _plan(services)
    assert cid not in {x.client_id for x in plan.churn}
    assert cid not in {x.client_id for d in plan.digests.values() for x in d.cadence}
    _approve(services, slack, fake_slack, answers(**{IntakeBlock.NAME: "Acme Robotics (HK) Ltd",
                                                      IntakeBlock.ID_NUMBER: USCC,
                                                      IntakeBlock.CONSENT: ["yes"],
                                                      IntakeBlock.AREA: "nl_ip", IntakeBlock.OPPOSING: ""}), 2)
    with services.session() as session:
        c = session.get(Client, cid)
        assert (c.tier, c.status, c.lost_reason, c.lost_at) == ("potential", "active", None, None)
        assert session.execute(select(Client)).scalars().all() == [c]
        [link] = [e for e in session.execute(select(AuditEvent)).scalars() if e.action == "link"]
    assert set(link.fields) == {"status", "tier", "lost_at", "lost_reason"}
    plan = _plan(services)
    assert cid in {x.client_id for x in plan.digests[lead].cadence}
    assert cid not in {x.client_id for x in plan.churn}  # the new matter is engagement: quiet starts again
    with services.session() as session:  # one lead lawyer on the client, whoever leads the new matter
        leads = session.execute(select(ClientTeamMember.staff_id).where(
            ClientTeamMember.client_id == cid, ClientTeamMember.role == "lead_lawyer")).scalars().all()
    assert len(leads) == 1


def test_a_returning_client_keeps_one_lead_when_another_lawyer_takes_the_new_matter(services, slack, fake_slack,
                                                                                  people):
    make_staff(services, "U0OTHER", "lawyer", "Zhou Qi")
    form = answers(**{IntakeBlock.ID_NUMBER: USCC, IntakeBlock.CONSENT: ["yes"]})
    _approve(services, slack, fake_slack, form, 1)
    _approve(services, slack, fake_slack, answers(**{IntakeBlock.ID_NUMBER: USCC, IntakeBlock.CONSENT: ["yes"],
                                                      IntakeBlock.AREA: "nl_ip", IntakeBlock.OPPOSING: ""}),
             2, requester="U0OTHER")
    with services.session() as session:
        [cid] = session.execute(select(Client.id)).scalars().all()
        team = set(session.execute(select(ClientTeamMember.staff_id, ClientTeamMember.role)
                                   .where(ClientTeamMember.client_id == cid)).all())
    assert team == {(staff_id(services, "U0LAWYER"), "lead_lawyer"), (staff_id(services, "U0OTHER"), "lawyer")}


def test_intake_links_a_referrer_who_is_a_colleague(services, slack, fake_slack, people):
    _approve(services, slack, fake_slack, answers(**{IntakeBlock.SOURCE: "referral",
                                                      IntakeBlock.REFERRER: "Wang Fang"}), 1)
    with services.session() as session:
        c = session.execute(select(Client)).scalar_one()
        assert (c.referrer, c.referrer_client_id) == ("Wang Fang", None)
        partner = c.referrer_staff_id
        [create] = [e for e in session.execute(select(AuditEvent)).scalars()
                    if e.action == "create" and e.entity == "client"]
    assert partner == staff_id(services, "U0PARTNER") and "referrer_staff_id" in create.fields
