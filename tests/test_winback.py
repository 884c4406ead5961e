"""Win-back: a client marked lost gets a plan (owner, actions, due dates), digest, outcome, key attention."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.flows.winback import bonus_counts
from bot.ids import UpkeepAction, UpkeepBlock, WinbackAction, WinbackBlock, WinbackView
from jobs.tasks.delivery import deliver
from jobs.tasks.upkeep import plan_daily
from storage.ledger import ChannelPacer
from storage.models import Client, UpkeepAlert, WinbackPlan, WinbackStep
from tests.conftest import ALERTS_CHANNEL
from tests.enquiry_support import buttons, click, job_context, local, run_jobs, wait_until
from tests.support import make_staff
from tests.upkeep_support import make_client, staff_id

def _firm(services, clock, kind="churn"):
    make_staff(services, "U0MP", "partner", "Managing Partner", managing_partner=True)
    make_staff(services, "U0LEAD", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Sun Li")
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    client_id = make_client(services, "Acme Trading", team={"U0LEAD": "lead_lawyer", "U0CS": "client_service"})
    clock.set(local(2026, 11, 24, 10, 0))
    with services.session() as session:
        alert = UpkeepAlert(kind=kind, client_id=client_id, basis=date(2026, 8, 1), status="open")
        session.add(alert)
        session.flush()
        return client_id, alert.id


def _mark_lost(slack, fake_slack, user, alert_id, reason):
    slack.click(user, UpkeepAction.CHURN_LOST, str(alert_id), message={"channel": ALERTS_CHANNEL, "ts": "1.0"})
    view = slack.opened_view()
    fake_slack.settle()
    sent = slack.submit(user, view["id"], {UpkeepBlock.REASON: reason})
    fake_slack.settle()
    return sent


def _plans(services):
    with services.session() as session:
        return list(session.execute(select(WinbackPlan)).scalars())


def _plan_dm(fake_slack, user="U0LEAD"):
    found = [m for m in fake_slack.messages_to(user) if "Win-back plan" in m["text"]]
    return found[-1] if found else None


def test_marking_lost_needs_a_reason_and_opens_one_plan_for_the_lead_lawyer(services, slack, fake_slack, clock):
    client_id, alert_id = _firm(services, clock)
    sent = _mark_lost(slack, fake_slack, "U0CS", alert_id, None)
    assert sent.json["errors"] == {UpkeepBlock.REASON: "Choose a reason."}
    run_jobs(job_context(services, fake_slack))
    assert _plans(services) == [] and _plan_dm(fake_slack) is None
    _mark_lost(slack, fake_slack, "U0CS", alert_id, "service")
    ctx = job_context(services, fake_slack)
    run_jobs(ctx)
    run_jobs(ctx)
    [plan] = _plans(services)
    assert plan.owner_id == staff_id(services, "U0LEAD") and plan.reason == "service" and plan.outcome is None
    with services.session() as session:
        steps = {s.kind: s.due_on for s in session.execute(select(WinbackStep)).scalars()}
    assert steps == {"apology_offer": date(2026, 11, 27), "partner_call": date(2026, 12, 1),
                     "event_invite": date(2026, 12, 24)}
    dms = [m for m in fake_slack.messages_to("U0LEAD") if "Win-back plan" in m["text"]]
    assert len(dms) == 1
    body = str(dms[0]["blocks"])
    assert "Apology letter with an offer" in body and "Partner call" in body and "Invitation to an event" in body
    assert set(buttons(dms[0])) == {WinbackAction.DONE, WinbackAction.EDIT, WinbackAction.WON,
                                    WinbackAction.NOT_WON}


def test_a_partner_confirming_a_lost_proposal_opens_a_plan_too(services, slack, fake_slack, clock):
    client_id, alert_id = _firm(services, clock, kind="lost")
    click(slack, "U0MP", UpkeepAction.LOST_CONFIRM, str(alert_id), channel=ALERTS_CHANNEL)
    run_jobs(job_context(services, fake_slack))
    [plan] = _plans(services)
    assert plan.reason == "no_engagement"
    assert "No engagement for a year" in str(_plan_dm(fake_slack)["blocks"])


def test_without_a_lead_lawyer_the_latest_matter_lead_owns_the_plan(services, slack, fake_slack, clock):
    from tests.upkeep_support import make_matter

    client_id, alert_id = _firm(services, clock)
    from storage.models import ClientTeamMember

    with services.session() as session:
        session.execute(ClientTeamMember.__table__.delete().where(ClientTeamMember.role == "lead_lawyer"))
    make_matter(services, client_id, lead="U0OTHER", status="closed")
    _mark_lost(slack, fake_slack, "U0CS", alert_id, "price")
    run_jobs(job_context(services, fake_slack))
    assert _plans(services)[0].owner_id == staff_id(services, "U0OTHER")
    assert _plan_dm(fake_slack, "U0OTHER") is not None


def test_the_owner_edits_the_plan_and_bad_input_is_shown_inline(services, slack, fake_slack, clock):
    client_id, alert_id = _firm(services, clock)
    _mark_lost(slack, fake_slack, "U0CS", alert_id, "service")
    run_jobs(job_context(services, fake_slack))
    plan = _plans(services)[0]
    click(slack, "U0OTHER", WinbackAction.EDIT, str(plan.id), channel="D0OTHER")
    assert "Only the plan's owner" in str([c.params for c in fake_slack.of("response_url")][-1])
    slack.click("U0LEAD", WinbackAction.EDIT, str(plan.id), message={"channel": "D0LEAD", "ts": "1.0"})
    view = slack.opened_view()
    assert view["callback_id"] == WinbackView.EDIT
    with services.session() as session:
        step_ids = {s.kind: s.id for s in session.execute(select(WinbackStep)).scalars()}
    apology = f"{WinbackBlock.DUE_PREFIX}{step_ids['apology_offer']}"
    sent = slack.submit("U0LEAD", view["id"], {WinbackBlock.OWNER: "U0CS"})
    assert sent.json["errors"] == {WinbackBlock.OWNER: "Choose an active lawyer or partner."}
    sent = slack.submit("U0LEAD", view["id"], {WinbackBlock.OWNER: "U0LEAD", apology: None,
                                               **{f"{WinbackBlock.DUE_PREFIX}{sid}": "2026-12-20"
                                                  for kind, sid in step_ids.items() if kind != "apology_offer"}})
    assert sent.json["errors"] == {apology: "Choose a due date."}
    dates = {f"{WinbackBlock.DUE_PREFIX}{sid}": "2026-12-20" for sid in step_ids.values()}
    assert not slack.submit("U0LEAD", view["id"], {**dates, WinbackBlock.OWNER: "U0OTHER",
                                                   apology: "2026-11-25"}).json.get("errors")
    other = staff_id(services, "U0OTHER")
    with services.session() as session:
        assert session.get(WinbackPlan, plan.id).owner_id == other
        assert session.get(WinbackStep, step_ids["apology_offer"]).due_on == date(2026, 11, 25)


def _digest(services, fake_slack, clock, moment, user):
    clock.set(moment)
    ctx = job_context(services, fake_slack)
    before = len(fake_slack.messages_to(user))
    plan_daily(ctx)
    deliver(ctx, pacer=ChannelPacer(interval=0))
    new = fake_slack.messages_to(user)[before:]
    return new[-1] if new else None


def test_due_actions_are_in_the_owners_digest_until_done(services, slack, fake_slack, clock):
    client_id, alert_id = _firm(services, clock)
    _mark_lost(slack, fake_slack, "U0CS", alert_id, "service")
    run_jobs(job_context(services, fake_slack))
    early = _digest(services, fake_slack, clock, local(2026, 11, 26, 8, 5), "U0LEAD")
    assert early is None or "Win-back actions due" not in str(early["blocks"])
    digest = _digest(services, fake_slack, clock, local(2026, 11, 27, 8, 5), "U0LEAD")
    text = str(digest["blocks"])
    assert "Win-back actions due" in text and "Acme Trading" in text and "Apology letter" in text
    with services.session() as session:
        apology = session.execute(select(WinbackStep.id).where(WinbackStep.kind == "apology_offer")).scalar_one()
    click(slack, "U0LEAD", WinbackAction.DONE, str(apology), channel="D0LEAD", blocks=digest["blocks"])
    later = _digest(services, fake_slack, clock, local(2026, 11, 30, 8, 5), "U0LEAD")
    assert later is None or "Apology letter" not in str(later["blocks"])


def test_won_back_flags_the_card_for_a_year_and_counts_for_the_bonus(services, slack, fake_slack, clock):
    client_id, alert_id = _firm(services, clock)
    _mark_lost(slack, fake_slack, "U0CS", alert_id, "price")
    run_jobs(job_context(services, fake_slack))
    plan = _plans(services)[0]
    dm = _plan_dm(fake_slack)
    click(slack, "U0CS", WinbackAction.WON, str(plan.id), channel="D0CS")
    assert _plans(services)[0].outcome is None
    clock.set(local(2026, 12, 10, 15, 0))
    click(slack, "U0LEAD", WinbackAction.WON, str(plan.id), channel="D0LEAD", blocks=dm["blocks"])
    [plan] = _plans(services)
    assert plan.outcome == "won_back" and plan.won_back_by_id == staff_id(services, "U0LEAD")
    assert plan.outcome_at == local(2026, 12, 10, 15, 0)
    lead = staff_id(services, "U0LEAD")
    with services.session() as session:
        client = session.get(Client, client_id)
        assert (client.status, client.tier) == ("active", "potential")
        assert bonus_counts(session) == {lead: 1}
        assert bonus_counts(session, since=local(2027, 1, 1, 0, 0)) == {}
    assert "Won back by <@U0LEAD>" in str([c.params for c in fake_slack.of("chat.update")][-1]["blocks"])
    click(slack, "U0LEAD", WinbackAction.NOT_WON, str(plan.id), channel="D0LEAD")
    assert "already recorded" in str([c.params for c in fake_slack.of("response_url")][-1])

    def card_text() -> str:
        before = len(fake_slack.of("response_url"))
        slack.command("U0LEAD", "/client", "Acme Trading")
        wait_until(lambda: len(fake_slack.of("response_url")) > before)
        fake_slack.settle()
        return str(fake_slack.of("response_url")[-1].params)

    assert "Key attention" in card_text()
    clock.set(local(2027, 12, 9, 10, 0))
    assert "Key attention" in card_text()
    clock.set(local(2027, 12, 12, 10, 0))
    assert "Key attention" not in card_text()


def test_not_won_back_is_recorded_without_a_flag(services, slack, fake_slack, clock):
    client_id, alert_id = _firm(services, clock)
    _mark_lost(slack, fake_slack, "U0CS", alert_id, "need_moved")
    run_jobs(job_context(services, fake_slack))
    plan = _plans(services)[0]
    click(slack, "U0MP", WinbackAction.NOT_WON, str(plan.id), channel="D0MP")
    [plan] = _plans(services)
    assert plan.outcome == "not_won_back" and plan.won_back_by_id is None
    with services.session() as session:
        assert session.get(Client, client_id).status == "lost"
        assert bonus_counts(session) == {}
