"""'Client accepts' asks first; a partner can take back the last step (accept, reject, close)."""

from __future__ import annotations

from sqlalchemy import select

from bot.ids import ComplaintAction, ComplaintBlock
from storage.models import Complaint, ComplaintEvent
from tests.complaint_support import (REVIEW_CHANNEL, answers, audit_actions, click_and_wait, file_complaint,
                                     make_client, make_staff, submit_step)


def _setup(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0CS", "client_service", "Zhao Min", locale="zh-CN")
    return make_client(services, "华夏科技有限公司", team={"U0CS": "client_service", "U0LAWYER": "lead_lawyer"})


def _complaint(services):
    with services.session() as session:
        return session.execute(select(Complaint)).scalar_one()


def _proposed(services, slack, fake_slack, clock):
    """A complaint owned by client service (U0CS), a solution proposed."""
    client_id = _setup(services)
    file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=clock.now))
    c = _complaint(services)
    click_and_wait(slack, "U0PARTNER", ComplaintAction.ACKNOWLEDGE, str(c.id))
    click_and_wait(slack, "U0PARTNER", ComplaintAction.ASSESS, str(c.id))
    submit_step(slack, "U0PARTNER", slack.opened_view()["id"], {ComplaintBlock.FINDING: "founded",
                                                                ComplaintBlock.REASON: "No update was sent"})
    click_and_wait(slack, "U0PARTNER", ComplaintAction.ASSIGN, str(c.id))
    submit_step(slack, "U0PARTNER", slack.opened_view()["id"], {ComplaintBlock.OWNER: "U0CS"})
    click_and_wait(slack, "U0CS", ComplaintAction.PROPOSE, str(c.id), channel="D0CS")
    submit_step(slack, "U0CS", slack.opened_view()["id"], {ComplaintBlock.SOLUTION: "Weekly calls",
                                                           ComplaintBlock.COMMUNICATED: ["yes"]})
    fake_slack.settle()
    assert _complaint(services).status == "proposed"
    return c.id


def _buttons(fake_slack):
    """The step buttons of the review channel's card as it is now."""
    updates = [u.params for u in fake_slack.of("chat.update") if u.params.get("channel") == REVIEW_CHANNEL]
    blocks = updates[-1]["blocks"]
    return {el["action_id"]: el for b in blocks if b["type"] == "actions" for el in b["elements"]}


def test_client_accepts_asks_for_confirmation_and_a_partner_can_take_it_back(services, slack, fake_slack, clock):
    cid = _proposed(services, slack, fake_slack, clock)
    accept = _buttons(fake_slack)[ComplaintAction.ACCEPT]
    dialog = accept["confirm"]
    assert {"title", "text", "confirm", "deny"} <= set(dialog) and f"#{cid}" in dialog["text"]["text"]
    assert ComplaintAction.REOPEN not in _buttons(fake_slack)        # nothing to take back yet

    click_and_wait(slack, "U0CS", ComplaintAction.ACCEPT, str(cid), channel="D0CS")
    assert _complaint(services).status == "accepted"
    undo = _buttons(fake_slack)[ComplaintAction.REOPEN]
    assert undo["confirm"]["style"] == "danger"

    # the owner accepted, but only a partner takes it back
    click_and_wait(slack, "U0CS", ComplaintAction.REOPEN, str(cid), channel="D0CS")
    assert _complaint(services).status == "accepted"
    click_and_wait(slack, "U0LAWYER", ComplaintAction.REOPEN, str(cid))      # the accused: never
    assert _complaint(services).status == "accepted"

    click_and_wait(slack, "U0PARTNER", ComplaintAction.REOPEN, str(cid))
    fake_slack.settle()
    assert _complaint(services).status == "proposed"
    assert ComplaintAction.ACCEPT in _buttons(fake_slack)
    thread = [m["text"] for m in fake_slack.messages_to(REVIEW_CHANNEL) if m.get("thread_ts")]
    assert "took back the last step" in thread[-1] and "<@U0PARTNER>" in thread[-1]
    with services.session() as session:
        last = session.execute(select(ComplaintEvent).order_by(ComplaintEvent.id.desc()).limit(1)).scalar_one()
        assert (last.step, last.note) == ("reopen", "client_accepts")
    assert [a for _, a, _ in audit_actions(services, "complaint", cid)][-2:] == [
        "complaint.client_accepts", "complaint.reopen"]

    # once only: the undo itself is not undone
    click_and_wait(slack, "U0PARTNER", ComplaintAction.REOPEN, str(cid))
    assert "no step to take back" in fake_slack.of("response_url")[-1].params["text"]
    assert _complaint(services).status == "proposed"


def test_a_partner_can_reopen_a_closed_complaint(services, slack, fake_slack, clock):
    cid = _proposed(services, slack, fake_slack, clock)
    click_and_wait(slack, "U0CS", ComplaintAction.ACCEPT, str(cid), channel="D0CS")
    click_and_wait(slack, "U0PARTNER", ComplaintAction.CLOSE, str(cid))
    submit_step(slack, "U0PARTNER", slack.opened_view()["id"], {ComplaintBlock.EVALUATION: "Set update cadence",
                                                                ComplaintBlock.ROOT_CAUSE: "communication"})
    fake_slack.settle()
    assert _complaint(services).status == "closed"
    assert set(_buttons(fake_slack)) == {ComplaintAction.REOPEN}

    click_and_wait(slack, "U0PARTNER", ComplaintAction.REOPEN, str(cid))
    fake_slack.settle()
    reopened = _complaint(services)
    assert reopened.status == "accepted"
    assert (reopened.evaluation, reopened.root_cause, reopened.closed_at) == (None, None, None)
    assert ComplaintAction.CLOSE in _buttons(fake_slack)
    audit = audit_actions(services, "complaint", cid)
    assert audit[-1][1] == "complaint.reopen" and set(audit[-1][2]) == {"status", "evaluation", "root_cause",
                                                                       "closed_at"}
