"""The partners' decision: roles, required reasons, waiver, decline, races, double submission."""

from __future__ import annotations

import threading

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.ids import IntakeAction, IntakeBlock, IntakeView
from jobs.registry import JobContext
from bot.slack_sender import SlackSender
from jobs.tasks.delivery import deliver
from storage.models import Client, Matter, Party
from tests.intake_helpers import (REVIEW, answers, open_form, requests, review_ref, section_text,
                                  send_for_approval, submit_form)
from tests.support import make_staff

B = IntakeBlock


@pytest.fixture
def people(services):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0PARTNER2", "partner", "Zhao Min", locale="zh-CN")
    make_staff(services, "U0ASSIST", "assistant", "Han Meimei")


def _pending(services, slack, fake_slack, form=None):
    results = submit_form(slack, fake_slack, "U0LAWYER", form or answers())
    send_for_approval(slack, fake_slack, "U0LAWYER", results)
    return review_ref(services)


def _count(services, model):
    with services.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_only_partners_decide(services, slack, fake_slack, people):
    ref = _pending(services, slack, fake_slack)
    for action in (IntakeAction.APPROVE, IntakeAction.APPROVE_WAIVER, IntakeAction.DECLINE):
        before = len(fake_slack.of("response_url"))
        slack.click("U0LAWYER", action, str(ref["id"]), message=ref)
        reply = fake_slack.wait_for("response_url", count=before + 1)[-1].params
        assert reply["response_type"] == "ephemeral" and "Only partners" in reply["text"]
    fake_slack.settle()
    assert not fake_slack.of("views.open") or all(
        c.params["view"]["callback_id"] == IntakeView.FORM for c in fake_slack.of("views.open"))
    assert not fake_slack.of("chat.update")
    assert requests(services)[0].status == "pending" and _count(services, Matter) == 0


def test_waiver_needs_reason_and_reference(services, slack, fake_slack, people):
    ref = _pending(services, slack, fake_slack)
    slack.click("U0PARTNER", IntakeAction.APPROVE_WAIVER, str(ref["id"]), message=ref)
    fake_slack.wait_for("views.open", count=2)
    modal = next(v for v in fake_slack.views.values() if v["callback_id"] == IntakeView.WAIVER)
    sent = slack.submit("U0PARTNER", modal["id"], {B.REASON: "  ", B.WAIVER_REF: ""})
    assert sent.json["response_action"] == "errors"
    assert set(sent.json["errors"]) == {B.REASON, B.WAIVER_REF}
    assert requests(services)[0].status == "pending"
    sent = slack.submit("U0PARTNER", modal["id"], {B.REASON: "Both parties consented in writing",
                                                   B.WAIVER_REF: "WV-2026-007"})
    assert sent.status == 200 and not sent.json.get("errors")
    update = fake_slack.wait_for("chat.update")[0].params
    assert "WV-2026-007" in section_text(update) and "Approved with waiver" in section_text(update)
    fake_slack.settle()
    [req] = requests(services)
    assert (req.status, req.decision, req.waiver_ref, req.decision_reason) == (
        "approved", "approved_waiver", "WV-2026-007", "Both parties consented in writing")


def test_decline_needs_a_reason_and_gives_a_courteous_refusal(services, slack, fake_slack, people):
    ref = _pending(services, slack, fake_slack)
    slack.click("U0PARTNER2", IntakeAction.DECLINE, str(ref["id"]), message=ref)
    fake_slack.wait_for("views.open", count=2)
    modal = next(v for v in fake_slack.views.values() if v["callback_id"] == IntakeView.DECLINE)
    assert slack.submit("U0PARTNER2", modal["id"], {B.REASON: ""}).json["errors"] == {
        B.REASON: "必须填写理由。"}
    slack.submit("U0PARTNER2", modal["id"], {B.REASON: "We act for Globex Corporation"})
    update = fake_slack.wait_for("chat.update")[0].params
    assert "<@U0PARTNER2>" in section_text(update) and "Declined" in section_text(update)
    fake_slack.wait_for("chat.postMessage", count=2)
    dm = fake_slack.messages_to("U0LAWYER")[0]["text"]
    assert "declined" in dm and "We act for Globex Corporation" in dm
    refusal = dm.split("```")[1:4:2]
    assert "unable to accept this engagement" in refusal[0] and "无法承接" in refusal[1]
    assert all("Globex" not in r and "Initech" not in r for r in refusal)
    assert all("Acme Robotics Ltd" in r for r in refusal)
    fake_slack.settle()
    [req] = requests(services)
    assert (req.status, req.decision_reason) == ("declined", "We act for Globex Corporation")
    assert _count(services, Client) == 0 and _count(services, Party) == 0


def test_two_partners_racing_one_decision_wins(services, slack, fake_slack, people):
    ref = _pending(services, slack, fake_slack)
    barrier = threading.Barrier(2)

    def click(user):
        barrier.wait()
        slack.click(user, IntakeAction.APPROVE, str(ref["id"]), message=ref)

    threads = [threading.Thread(target=click, args=(u,)) for u in ("U0PARTNER", "U0PARTNER2")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    told = fake_slack.wait_for("response_url")[0].params
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    assert len(fake_slack.of("chat.update")) == 1 and len(fake_slack.of("response_url")) == 1
    [req] = requests(services)
    with services.session() as session:
        from storage.models import Staff
        winner = session.get(Staff, req.decided_by_id).slack_user_id
    assert f"<@{winner}>" in told["text"] and told["response_type"] == "ephemeral"
    assert _count(services, Matter) == 1 and _count(services, Client) == 1


def test_a_click_after_the_decision_is_told_who_decided(services, slack, fake_slack, people):
    ref = _pending(services, slack, fake_slack)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    slack.click("U0PARTNER2", IntakeAction.DECLINE, str(ref["id"]), message=ref)
    modal_call = fake_slack.wait_for("views.open", count=2)[-1]
    modal_id = next(k for k, v in fake_slack.views.items() if v["callback_id"] == IntakeView.DECLINE)
    assert modal_call
    slack.submit("U0PARTNER2", modal_id, {B.REASON: "conflict"})
    told = fake_slack.wait_for("chat.postEphemeral")[0].params
    assert told["channel"] == REVIEW and told["user"] == "U0PARTNER2" and "<@U0PARTNER>" in told["text"]
    fake_slack.settle()
    assert len(fake_slack.of("chat.update")) == 1 and requests(services)[0].decision == "approved"


def test_double_submission_creates_one_request_and_one_post(services, slack, fake_slack, people):
    view = open_form(slack, "U0LAWYER")
    first = slack.submit("U0LAWYER", view["id"], answers())
    second = slack.submit("U0LAWYER", view["id"], answers(), retry_num=1)
    assert first.json["response_action"] == "update" and second.status == 200
    fake_slack.wait_for("views.update")
    fake_slack.settle()
    assert len(requests(services)) == 1
    results = fake_slack.views[view["id"]]
    for _ in range(2):
        slack.submit("U0LAWYER", results["id"], {B.NOTE: "once"})
    fake_slack.wait_for("chat.postMessage")
    fake_slack.settle()
    assert len(fake_slack.messages_to(REVIEW)) == 1
    [req] = requests(services)
    assert req.status == "pending"


def test_closing_the_results_cancels_the_request(services, slack, fake_slack, people):
    results = submit_form(slack, fake_slack, "U0LAWYER", answers())
    slack.close("U0LAWYER", results["id"])
    fake_slack.settle()
    assert requests(services)[0].status == "cancelled"
    assert not fake_slack.messages_to(REVIEW)


def test_a_party_recorded_by_one_approval_is_hit_by_the_next_check(services, slack, fake_slack, people):
    ref = _pending(services, slack, fake_slack)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    # Globex now comes in as a client, against Acme: both are hits.
    results = submit_form(slack, fake_slack, "U0LAWYER", answers(**{
        B.NAME: "Globex Corporation", B.OPPOSING: "Acme Robotics Ltd"}))
    text = section_text(results)
    assert "opposing party · matter 2026-LIT-0001" in text
    assert "current client · matter 2026-LIT-0001" in text
    assert "no hits" not in text


def test_same_id_number_links_the_existing_client(services, slack, fake_slack, people):
    form = answers(**{B.ID_NUMBER: "91330100716105852F", B.CONSENT: ["yes"]})
    ref = _pending(services, slack, fake_slack, form)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    form2 = answers(**{B.NAME: "Totally Different Name Co", B.ID_NUMBER: "91330100 716105852f",
                       B.CONSENT: ["yes"], B.AREA: "nl_ip", B.OPPOSING: ""})
    results = submit_form(slack, fake_slack, "U0LAWYER", form2)
    assert "same ID number" in section_text(results)
    send_for_approval(slack, fake_slack, "U0LAWYER", results)
    ref2 = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref2["id"]), message=ref2)
    fake_slack.wait_for("chat.update", count=2)
    fake_slack.settle()
    assert _count(services, Client) == 1
    with services.session() as session:
        numbers = sorted(m.number for m in session.execute(select(Matter)).scalars())
    assert numbers == ["2026-IPR-0001", "2026-LIT-0001"]
    assert "existing client" in fake_slack.messages_to("U0LAWYER")[-1]["text"]


def test_partner_changes_the_lead_lawyer_before_approving(services, slack, fake_slack, people):
    make_staff(services, "U0LAWYER2", "lawyer", "Chen Jie")
    ref = _pending(services, slack, fake_slack)
    payload = slack._base("U0PARTNER", "block_actions")
    payload.update({"actions": [{"action_id": IntakeAction.SET_LEAD, "type": "users_select",
                                 "block_id": f"{B.CHOICES}:{ref['id']}", "selected_user": "U0LAWYER2",
                                 "action_ts": "1.0"}],
                    "container": {"type": "message", "message_ts": ref["ts"], "channel_id": REVIEW},
                    "channel": {"id": REVIEW, "name": "review"},
                    "message": {"type": "message", "ts": ref["ts"], "text": "", "blocks": []},
                    "response_url": fake_slack.response_url()})
    slack.interactive(payload)
    assert "<@U0LAWYER2>" in fake_slack.wait_for("response_url")[0].params["text"]
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    with services.session() as session:
        from storage.models import Staff
        matter = session.execute(select(Matter)).scalar_one()
        assert session.get(Staff, matter.lead_lawyer_id).slack_user_id == "U0LAWYER2"


def test_partner_links_an_existing_client_from_the_hits(services, slack, fake_slack, people):
    ref = _pending(services, slack, fake_slack)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    ref2 = _pending(services, slack, fake_slack, answers(**{B.AREA: "retainer", B.OPPOSING: ""}))
    post = fake_slack.messages_to(REVIEW)[-1]
    selects = [e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e.get("action_id") == IntakeAction.LINK_CLIENT]
    assert [o["text"]["text"] for o in selects[0]["options"]] == ["New client record", "Acme Robotics Ltd"]
    with services.session() as session:
        existing = session.execute(select(Client)).scalar_one()
    # A lawyer can't choose; a partner can.
    slack.click("U0LAWYER", IntakeAction.LINK_CLIENT, block_id=f"{B.CHOICES}:{ref2['id']}",
                selected=str(existing.id), message=ref2)
    assert "Only partners" in fake_slack.wait_for("response_url")[0].params["text"]
    slack.click("U0PARTNER", IntakeAction.LINK_CLIENT, block_id=f"{B.CHOICES}:{ref2['id']}",
                selected=str(existing.id), message=ref2)
    assert "existing client" in fake_slack.wait_for("response_url", count=2)[-1].params["text"]
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref2["id"]), message=ref2)
    fake_slack.wait_for("chat.update", count=2)
    fake_slack.settle()
    assert _count(services, Client) == 1
    with services.session() as session:
        matters = session.execute(select(Matter).order_by(Matter.id)).scalars().all()
    assert [(m.number, m.client_id) for m in matters] == [("2026-LIT-0001", existing.id),
                                                          ("2026-RET-0001", existing.id)]


def test_closing_while_checking_leaves_nothing_behind(services, slack, fake_slack, people):
    view = open_form(slack, "U0LAWYER")
    fake_slack.fail("views.update", error="not_found")
    sent = slack.submit("U0LAWYER", view["id"], answers())
    fake_slack.wait_for("views.update")
    # Slack now shows the 'checking…' view the submission was answered with; the user closes it.
    fake_slack.views[view["id"]] = {**sent.json["view"], "id": view["id"]}
    slack.close("U0LAWYER", view["id"])
    fake_slack.settle()
    assert requests(services)[0].status == "cancelled"
    assert not fake_slack.of("chat.postMessage")


def test_decision_announcements_survive_a_rate_limit_and_are_sent_once(services, slack, fake_slack,
                                                                      people, clock):
    ref = _pending(services, slack, fake_slack)
    fake_slack.fail("chat.postMessage", status=429, retry_after=30)  # the requester's DM
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    assert requests(services)[0].status == "approved" and _count(services, Matter) == 1
    def delivered():
        return [c.params for c in fake_slack.of("chat.postMessage")
                if c.params.get("channel") == "U0LAWYER" and c.answer.get("ok")]

    assert len(fake_slack.messages_to("U0LAWYER")) == 1 and delivered() == []  # 429: kept in the ledger

    ctx = JobContext(services=services, sender=SlackSender(WebClient(token="xoxb-test", base_url=fake_slack.url)))
    deliver(ctx)
    assert delivered() == []  # not before Retry-After
    clock.advance(seconds=31)
    deliver(ctx)
    deliver(ctx)
    assert len(delivered()) == 1 and "approved" in delivered()[0]["text"]
    assert len(fake_slack.of("chat.update")) == 1
