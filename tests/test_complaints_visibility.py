"""The visibility rule: the accused sees nothing until a partner has reviewed the complaint."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.flows import complaints as flow
from bot.flows.directory import find_actor
from bot.ids import ComplaintAction, ComplaintBlock
from storage.models import Complaint
from tests.complaint_support import (submit_step, REVIEW_CHANNEL, answers, click_and_wait, file_complaint, make_client,
                                     make_staff)


def _people(services):
    make_staff(services, "U0MP", "partner", "Managing Partner", managing_partner=True, locale="zh-CN")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0PARTNER2", "partner", "Chen Jie")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    return make_client(services, "Acme Ltd", team={"U0CS": "client_service"})


def _list_text(slack, fake_slack, user):
    before = len(fake_slack.of("response_url"))
    slack.command(user, "/complaint", "list")
    return fake_slack.wait_for("response_url", before + 1)[-1].params["text"]


def _complaints(services):
    with services.session() as session:
        return list(session.execute(select(Complaint).order_by(Complaint.id)).scalars())


def test_complaint_against_a_lawyer_goes_to_the_channel_and_is_hidden_from_them(services, slack, fake_slack, clock):
    client_id = _people(services)
    file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=clock.now - timedelta(hours=3)))
    fake_slack.wait_for("chat.postMessage", 2)
    posts = fake_slack.of("chat.postMessage")
    assert {p.params["channel"] for p in posts} == {REVIEW_CHANNEL, "U0CS"}
    assert not fake_slack.messages_to("U0LAWYER")

    listing = _list_text(slack, fake_slack, "U0PARTNER")
    assert "#1 Acme Ltd" in listing and "age 3 h" in listing and "contact the complainant by" in listing
    denied = _list_text(slack, fake_slack, "U0LAWYER")
    assert "Only partners" in denied and "Acme" not in denied

    with services.session() as session:
        lawyer = find_actor(session, slack_user_id="U0LAWYER", default_locale="en")
        assert session.execute(select(Complaint.id).where(Complaint.client_id == client_id,
                                                          flow.policy.complaint_visibility(lawyer))).all() == []


def test_complaint_against_a_partner_goes_only_to_the_managing_partner(services, slack, fake_slack, clock):
    client_id = _people(services)
    file_complaint(slack, "U0CS", answers(client_id, against="U0PARTNER", received_at=clock.now))
    fake_slack.wait_for("chat.postMessage", 2)
    fake_slack.settle()
    channels = [p.params["channel"] for p in fake_slack.of("chat.postMessage")]
    assert REVIEW_CHANNEL not in channels and "U0PARTNER" not in channels
    dm = fake_slack.messages_to("U0MP")
    assert len(dm) == 1 and "被投诉人" in str(dm[0]["blocks"])  # in the managing partner's language
    c = _complaints(services)[0]
    assert c.routing == "direct" and c.channel == "D0MP"

    # the accused partner does not see it in /complaint list, another partner does
    assert "Acme" not in _list_text(slack, fake_slack, "U0PARTNER")
    assert "Acme" in _list_text(slack, fake_slack, "U0PARTNER2")
    # the accused cannot act on it
    click_and_wait(slack, "U0PARTNER", ComplaintAction.ACKNOWLEDGE, str(c.id), channel="D0MP")
    assert "can't act" in fake_slack.wait_for("response_url", 3)[-1].params["text"]

    # once a partner has reviewed it, the accused may see it
    click_and_wait(slack, "U0MP", ComplaintAction.ACKNOWLEDGE, str(c.id), channel="D0MP")
    fake_slack.wait_for("chat.update")
    slack.click("U0MP", ComplaintAction.ASSESS, str(c.id), message={"channel": "D0MP", "ts": "1"})
    view = slack.opened_view()
    submit_step(slack, "U0MP", view["id"], {ComplaintBlock.FINDING: "unfounded", ComplaintBlock.REASON: "Records show calls"})
    fake_slack.settle()
    assert "Acme" in _list_text(slack, fake_slack, "U0PARTNER")
    # thread replies went to the managing partner's DM thread only
    replies = [p.params for p in fake_slack.of("chat.postMessage") if p.params.get("thread_ts")]
    assert replies and {r["channel"] for r in replies} == {"D0MP"}


def test_complaint_against_the_managing_partner_goes_to_the_other_partners(services, slack, fake_slack, clock):
    client_id = _people(services)
    file_complaint(slack, "U0CS", answers(client_id, against="U0MP", received_at=clock.now))
    fake_slack.wait_for("chat.postMessage", 3)
    fake_slack.settle()
    channels = sorted(p.params["channel"] for p in fake_slack.of("chat.postMessage"))
    assert channels == ["U0CS", "U0PARTNER", "U0PARTNER2"]
    assert "Acme" not in _list_text(slack, fake_slack, "U0MP")


def test_channel_member_who_is_not_a_partner_is_routed_directly():
    assert flow.policy.complaint_goes_direct(accused_role="lawyer", accused_is_managing_partner=False,
                                             accused_slack_id="U0LAWYER",
                                             review_channel_members=frozenset({"U0LAWYER", "U0P"}))
    assert not flow.policy.complaint_goes_direct(accused_role="lawyer", accused_is_managing_partner=False,
                                                 accused_slack_id="U0LAWYER",
                                                 review_channel_members=frozenset({"U0P"}))


def test_when_slack_cannot_list_the_channel_members_the_complaint_goes_direct(services, slack, fake_slack, clock):
    client_id = _people(services)
    fake_slack.fail("conversations.members", status=429, retry_after=1)
    file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=clock.now))
    fake_slack.wait_for("chat.postMessage", 2)
    fake_slack.settle()
    channels = [p.params["channel"] for p in fake_slack.of("chat.postMessage")]
    assert REVIEW_CHANNEL not in channels and "U0LAWYER" not in channels
    assert len(fake_slack.messages_to("U0MP")) == 1
    c = _complaints(services)[0]
    assert c.routing == "direct"
    assert not flow.policy.complaint_goes_direct(accused_role="lawyer", accused_is_managing_partner=False,
                                                 accused_slack_id="U0LAWYER", review_channel_members=frozenset())
    assert flow.policy.complaint_goes_direct(accused_role="lawyer", accused_is_managing_partner=False,
                                             accused_slack_id="U0LAWYER", review_channel_members=None)


def test_a_failed_dm_to_one_of_two_reviewers_does_not_repeat_the_other_card(services, slack, fake_slack, clock):
    from tests.complaint_support import job_context, run_jobs

    client_id = _people(services)
    fake_slack.fail("chat.postMessage", error="internal_error")  # the first reviewer's card
    file_complaint(slack, "U0CS", answers(client_id, against="U0MP", received_at=clock.now))
    fake_slack.wait_for("chat.postMessage", 3)
    fake_slack.settle()
    assert len(fake_slack.messages_to("U0PARTNER2")) == 1
    c = _complaints(services)[0]
    assert c.routing == "direct" and c.thread_ts is None  # recorded; its first card is still to come
    clock.advance(minutes=5)
    ctx = job_context(services, fake_slack)
    run_jobs(ctx)
    run_jobs(ctx)
    assert len(fake_slack.messages_to("U0PARTNER")) == 2  # the refused attempt, then the card once
    assert len(fake_slack.messages_to("U0PARTNER2")) == 1
    c = _complaints(services)[0]
    assert c.channel == "D0PARTNER" and c.thread_ts

    # a step refreshes both reviewers' cards and tells the thread once
    click_and_wait(slack, "U0PARTNER2", ComplaintAction.ACKNOWLEDGE, str(c.id), channel="D0PARTNER2")
    fake_slack.settle()
    assert {u.params["channel"] for u in fake_slack.of("chat.update")} == {"D0PARTNER", "D0PARTNER2"}
    replies = [p.params for p in fake_slack.of("chat.postMessage") if p.params.get("thread_ts")]
    assert len(replies) == 1 and replies[0]["channel"] == "D0PARTNER" and replies[0]["thread_ts"] == c.thread_ts
