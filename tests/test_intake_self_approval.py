"""The requester never decides their own intake request; a firm's only partner does, flagged as such."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.flows import intake
from bot.flows.directory import deactivate_staff, find_actor
from bot.flows.errors import PermissionDenied
from bot.ids import IntakeAction, IntakeBlock, IntakeView
from storage.models import AuditEvent, Matter
from tests.intake_helpers import REVIEW, answers, requests, review_ref, section_text, send_for_approval, submit_form
from tests.support import make_staff

B = IntakeBlock
OWN = "You filed this request"


def _pending_by(services, slack, fake_slack, user):
    results = submit_form(slack, fake_slack, user, answers())
    send_for_approval(slack, fake_slack, user, results)
    return review_ref(services)


def _matters(services):
    with services.session() as session:
        return session.execute(select(func.count()).select_from(Matter)).scalar_one()


def _reply(slack, fake_slack, user, action, ref, **kwargs):
    before = len(fake_slack.of("response_url"))
    slack.click(user, action, str(ref["id"]), message=ref, **kwargs)
    return fake_slack.wait_for("response_url", count=before + 1)[-1].params


def _decide_audit(services, request_id):
    with services.session() as session:
        return session.execute(select(AuditEvent.actor, AuditEvent.fields).where(
            AuditEvent.entity == "intake_request", AuditEvent.entity_id == str(request_id),
            AuditEvent.action == "decide")).one()


@pytest.fixture
def two_partners(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0PARTNER2", "partner", "Zhao Min", locale="zh-CN")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")


@pytest.mark.parametrize("action", [IntakeAction.APPROVE, IntakeAction.APPROVE_WAIVER, IntakeAction.DECLINE])
def test_a_partner_cannot_decide_their_own_request(services, slack, fake_slack, two_partners, action):
    ref = _pending_by(services, slack, fake_slack, "U0PARTNER")
    opened = len(fake_slack.of("views.open"))
    reply = _reply(slack, fake_slack, "U0PARTNER", action, ref)
    assert reply["response_type"] == "ephemeral" and OWN in reply["text"]
    fake_slack.settle()
    assert len(fake_slack.of("views.open")) == opened  # no reason modal
    assert not fake_slack.of("chat.update")
    [req] = requests(services)
    assert (req.status, req.decided_by_id) == ("pending", None) and _matters(services) == 0


def test_the_requester_cannot_steer_the_review_either(services, slack, fake_slack, two_partners):
    ref = _pending_by(services, slack, fake_slack, "U0PARTNER")
    reply = _reply(slack, fake_slack, "U0PARTNER", IntakeAction.SET_LEAD, ref,
                   block_id=f"{B.CHOICES}:{ref['id']}", action_fields={"selected_user": "U0LAWYER"})
    assert OWN in reply["text"]
    assert requests(services)[0].lead_lawyer_id is None


def test_the_requesters_decision_is_refused_by_the_flow_too(services, slack, fake_slack, two_partners, clock):
    ref = _pending_by(services, slack, fake_slack, "U0PARTNER")
    with services.session() as session:
        actor = find_actor(session, slack_user_id="U0PARTNER", default_locale="en")
        for decision, reason, waiver in (("approved", None, None), ("approved_waiver", "r", "W-1"),
                                         ("declined", "r", None)):
            with pytest.raises(PermissionDenied) as refused:
                intake.decide(session, actor=actor, request_id=ref["id"], decision=decision, reason=reason,
                              waiver_ref=waiver, pattern=services.settings.matter_number_pattern,
                              tz=services.settings.tz, now=clock.now)
            assert refused.value.key == "intake.error.own_request"


def test_a_modal_opened_while_sole_partner_cannot_decide_once_another_partner_joined(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    ref = _pending_by(services, slack, fake_slack, "U0PARTNER")
    slack.click("U0PARTNER", IntakeAction.DECLINE, str(ref["id"]), message=ref)
    fake_slack.wait_for("views.open", count=2)
    modal = next(v for v in fake_slack.views.values() if v["callback_id"] == IntakeView.DECLINE)
    make_staff(services, "U0PARTNER2", "partner", "Zhao Min")
    posts = len(fake_slack.of("chat.postMessage"))
    slack.submit("U0PARTNER", modal["id"], {B.REASON: "mine"})
    fake_slack.wait_for("chat.postMessage", count=posts + 1)  # the refusal, by DM
    fake_slack.settle()
    assert OWN in fake_slack.messages_to("U0PARTNER")[-1]["text"]
    [req] = requests(services)
    assert (req.status, req.self_decided) == ("pending", False) and not fake_slack.of("chat.update")


def test_another_partner_decides_a_partners_request_unflagged(services, slack, fake_slack, two_partners):
    ref = _pending_by(services, slack, fake_slack, "U0PARTNER")
    slack.click("U0PARTNER2", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    update = fake_slack.wait_for("chat.update")[0].params
    fake_slack.settle()
    [req] = requests(services)
    assert (req.status, req.self_decided) == ("approved", False)
    assert "Self-approved" not in section_text(update) and "自行" not in section_text(update)
    assert "self_decided" not in _decide_audit(services, req.id).fields


@pytest.mark.parametrize("second_partner", ["none", "inactive"])
def test_the_only_partner_approves_their_own_request_flagged(services, slack, fake_slack, second_partner):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    if second_partner == "inactive":
        make_staff(services, "U0PARTNER2", "partner", "Zhao Min")
        with services.session() as session:
            deactivate_staff(session, by="test", slack_user_id="U0PARTNER2")
    ref = _pending_by(services, slack, fake_slack, "U0PARTNER")
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    update = fake_slack.wait_for("chat.update")[0].params
    fake_slack.settle()
    [req] = requests(services)
    assert (req.status, req.decision, req.self_decided) == ("approved", "approved", True)
    assert "Self-approved" in section_text(update) and "<@U0PARTNER>" in section_text(update)
    assert "Self-approved" in update["text"]
    assert _matters(services) == 1
    actor, fields = _decide_audit(services, req.id)
    assert "self_decided" in fields and actor.startswith("staff:")


def test_the_only_partner_declines_their_own_request_flagged(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    ref = _pending_by(services, slack, fake_slack, "U0PARTNER")
    slack.click("U0PARTNER", IntakeAction.DECLINE, str(ref["id"]), message=ref)
    fake_slack.wait_for("views.open", count=2)
    modal = next(v for v in fake_slack.views.values() if v["callback_id"] == IntakeView.DECLINE)
    slack.submit("U0PARTNER", modal["id"], {B.REASON: "Conflict with an existing client"})
    update = fake_slack.wait_for("chat.update")[0].params
    fake_slack.settle()
    [req] = requests(services)
    assert (req.status, req.self_decided) == ("declined", True)
    assert "Self-declined" in section_text(update)
