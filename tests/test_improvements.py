"""The service-improvement list: automatic items, partners' items, the list, told-the-client, the quarterly summary."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, select

from bot.flows import churn, client_edit, complaints
from bot.flows.directory import find_actor
from bot.ids import ImprovementAction, ImprovementBlock, SurveyAction, SurveyBlock
from jobs.tasks.improvements import summarize_quarter
from storage.models import Complaint, Notification, ServiceImprovement, ServiceReview, Survey, UpkeepAlert
from tests.complaint_support import (REVIEW_CHANNEL, audit_actions, click_and_wait, job_context, make_client,
                                     make_matter, make_staff, run_jobs)

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)   # Monday 10:00 in Shanghai


def _setup(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Sun Yu")
    client_id = make_client(services, "Acme Ltd", team={"U0PARTNER": "partner", "U0LAWYER": "lead_lawyer"})
    make_matter(services, client_id, "2026-LIT-0001", lead="U0LAWYER")
    return client_id


def _reply(slack, fake_slack, user, text):
    before = len(fake_slack.of("response_url"))
    slack.command(user, "/lawcrm", text)
    return fake_slack.wait_for("response_url", before + 1)[-1].params


def _items(services):
    with services.session() as session:
        return list(session.execute(select(ServiceImprovement).order_by(ServiceImprovement.id)).scalars())


def _actor(services, uid):
    with services.session() as session:
        return find_actor(session, slack_user_id=uid, default_locale="en")


def test_partners_add_items_by_command_and_everyone_sees_their_open_ones(services, slack, fake_slack, clock):
    clock.set(NOW)
    _setup(services)
    said = _reply(slack, fake_slack, "U0PARTNER", "improve add <@U0LAWYER|li> 2026-12-31 Send fee letters on time")
    assert "Improvement #1 added (due 2026-12-31)" in said["text"]
    assert "#2 added (due 2026-12-23)" in _reply(slack, fake_slack, "U0PARTNER", "improve add Weekly status calls")["text"]
    # refused: not a partner, a past date, no action, an unknown owner — nothing written
    assert "Only partners" in _reply(slack, fake_slack, "U0LAWYER", "improve add do better")["text"]
    assert "in the past" in _reply(slack, fake_slack, "U0PARTNER", "improve add 2026-01-01 late")["text"]
    assert "Say what is to be done" in _reply(slack, fake_slack, "U0PARTNER", "improve add 2026-12-31")["text"]
    assert "not an active staff" in _reply(slack, fake_slack, "U0PARTNER", "improve add <@U0NOBODY> x")["text"]
    items = _items(services)
    assert [(i.cause, i.action, i.due_on, i.status) for i in items] == [
        ("partner", "Send fee letters on time", date(2026, 12, 31), "open"),
        ("partner", "Weekly status calls", date(2026, 12, 23), "open")]
    assert [a for _, a, _ in audit_actions(services, "service_improvement", items[0].id)] == ["create"]

    partner_list = _reply(slack, fake_slack, "U0PARTNER", "improve list")
    assert "2 open" in partner_list["text"] and "Send fee letters" in str(partner_list["blocks"])
    own = _reply(slack, fake_slack, "U0LAWYER", "improve list")
    assert "1 open" in own["text"] and "Weekly status" not in str(own["blocks"])
    assert "No open" in _reply(slack, fake_slack, "U0OTHER", "improve list")["text"]

    click_and_wait(slack, "U0OTHER", ImprovementAction.DONE, str(items[0].id), channel="D0OTHER")
    assert "owner or a partner" in fake_slack.of("response_url")[-1].params["text"]
    click_and_wait(slack, "U0LAWYER", ImprovementAction.DONE, str(items[0].id), channel="D0LAWYER")
    assert "#1 is done" in fake_slack.of("response_url")[-1].params["text"]
    assert "already done" in _reply(slack, fake_slack, "U0PARTNER", f"improve done {items[0].id}")["text"]
    assert "#2 is done" in _reply(slack, fake_slack, "U0PARTNER", "improve done #2")["text"]
    assert [(i.status, i.done_at) for i in _items(services)] == [("done", NOW), ("done", NOW)]
    assert "/lawcrm improve list" in _reply(slack, fake_slack, "U0PARTNER", "improve what")["text"]


def test_the_add_form_validates_on_the_fields(services, slack, fake_slack, clock):
    clock.set(NOW)
    _setup(services)
    slack.command("U0PARTNER", "/lawcrm", "improve add")
    view = slack.opened_view()
    bad = slack.submit("U0PARTNER", view["id"], {ImprovementBlock.ACTION: " ", ImprovementBlock.DUE: "2026-12-01"})
    assert "Say what" in bad.json["errors"][ImprovementBlock.ACTION]
    past = slack.submit("U0PARTNER", view["id"], {ImprovementBlock.ACTION: "Train juniors",
                                                  ImprovementBlock.DUE: "2026-11-01"})
    assert "in the past" in past.json["errors"][ImprovementBlock.DUE]
    assert _items(services) == []
    ok = slack.submit("U0PARTNER", view["id"], {ImprovementBlock.ACTION: "Train juniors",
                                                ImprovementBlock.DUE: "2026-12-01",
                                                ImprovementBlock.OWNER: "U0LAWYER"})
    assert not (ok.json or {}).get("errors")
    fake_slack.settle()
    [item] = _items(services)
    assert (item.action, item.due_on, item.cause) == ("Train juniors", date(2026, 12, 1), "partner")


def test_lost_clients_and_closed_complaints_add_one_item_each(services, clock):
    clock.set(NOW)
    client_id = _setup(services)
    partner = _actor(services, "U0PARTNER")
    with services.session() as session:
        alert = UpkeepAlert(kind="churn", client_id=client_id, basis=date(2026, 8, 1), status="open")
        session.add(alert)
        session.flush()
        churn.mark_lost(session, actor=partner, alert_id=alert.id, reason="price", now=NOW)
    with services.session() as session:  # the tier form marking it lost again adds no second item
        client_edit.change_tier(session, actor=partner, client_id=client_id, tier="core", reason="back", now=NOW)
    with services.session() as session:
        client_edit.change_tier(session, actor=partner, client_id=client_id, tier="lost", reason="gone", now=NOW)
    items = _items(services)
    assert [(i.cause, i.detail, i.client_id, i.due_on) for i in items] == [
        ("lost", "price", client_id, date(2026, 12, 23))]
    with services.session() as session:
        owner_sid = session.execute(select(ServiceImprovement.owner_id)).scalar_one()
    assert owner_sid == partner.staff_id
    assert [a for a_, a, _ in audit_actions(services, "service_improvement", items[0].id)] == ["create"]

    with services.session() as session:
        c = Complaint(client_id=client_id, against_staff_id=_actor(services, "U0LAWYER").staff_id,
                      recorded_by_id=partner.staff_id, owner_id=partner.staff_id,
                      received_at=NOW, status="accepted", complainant_name="x", complainant_contact="y",
                      received_via="phone", description="late",
                      request="sorry")
        session.add(c)
        session.flush()
        cid = c.id
    with services.session() as session:
        complaints.close_complaint(session, actor=partner, complaint_id=cid, now=NOW, evaluation="fixed",
                                   root_cause="timeliness")
    assert [(i.cause, i.detail, i.source_id) for i in _items(services)][1:] == [("complaint", "timeliness", cid)]


def _low_score_review(services, slack, fake_slack):
    """Close the matter and record a low survey score; the review's id."""
    _reply(slack, fake_slack, "U0LAWYER", "matter close 2026-LIT-0001")
    with services.session() as session:
        survey_id = session.execute(select(Survey.id)).scalar_one()
    click_and_wait(slack, "U0LAWYER", SurveyAction.OPEN, str(survey_id), channel="D0LAWYER")
    view = slack.opened_view()
    slack.submit("U0LAWYER", view["id"], {SurveyBlock.ABILITY: "5", SurveyBlock.COMMUNICATION: "2",
                                          SurveyBlock.ATTITUDE: "3", SurveyBlock.RESULT: "5",
                                          SurveyBlock.COMMENT: "slow"})
    fake_slack.settle()
    with services.session() as session:
        return session.execute(select(ServiceReview.id)).scalar_one()


def test_a_review_opened_before_the_list_existed_gets_its_item_when_told(services, slack, fake_slack, clock):
    clock.set(NOW)
    _setup(services)
    review_id = _low_score_review(services, slack, fake_slack)
    with services.session() as session:
        session.execute(delete(ServiceImprovement))
    click_and_wait(slack, "U0PARTNER", ImprovementAction.TOLD_CLIENT, str(review_id))
    [item] = _items(services)
    assert (item.cause, item.source_id, item.told_client_at) == ("survey", review_id, NOW)


def test_a_low_score_item_is_told_back_to_the_client_from_the_review(services, slack, fake_slack, clock):
    clock.set(NOW)
    _setup(services)
    _reply(slack, fake_slack, "U0LAWYER", "matter close 2026-LIT-0001")
    with services.session() as session:
        survey_id = session.execute(select(Survey.id)).scalar_one()
    click_and_wait(slack, "U0LAWYER", SurveyAction.OPEN, str(survey_id), channel="D0LAWYER")
    view = slack.opened_view()
    slack.submit("U0LAWYER", view["id"], {SurveyBlock.ABILITY: "5", SurveyBlock.COMMUNICATION: "2",
                                          SurveyBlock.ATTITUDE: "3", SurveyBlock.RESULT: "5",
                                          SurveyBlock.COMMENT: "slow"})
    fake_slack.settle()
    with services.session() as session:
        review_id = session.execute(select(ServiceReview.id)).scalar_one()
    [item] = _items(services)
    assert (item.cause, item.source_id, item.detail, item.action) == ("survey", review_id,
                                                                      "communication,attitude", None)
    run_jobs(job_context(services, fake_slack))
    [posted] = fake_slack.messages_to(REVIEW_CHANNEL)
    assert ImprovementAction.TOLD_CLIENT in str(posted["blocks"])
    listed = _reply(slack, fake_slack, "U0PARTNER", "improve list")
    assert "Improve what the client scored low (timeliness of communication" in str(listed["blocks"])

    click_and_wait(slack, "U0OTHER", ImprovementAction.TOLD_CLIENT, str(review_id))
    assert "owner or a partner" in fake_slack.of("response_url")[-1].params["text"]
    clock.advance(days=2)
    message = {"channel": REVIEW_CHANNEL, "ts": "1.0", "text": posted["text"], "blocks": posted["blocks"]}
    slack.click("U0LAWYER", ImprovementAction.TOLD_CLIENT, str(review_id), message=message)
    update = fake_slack.wait_for("chat.update")[-1].params
    assert "told the client" in str(update["blocks"]) and ImprovementAction.TOLD_CLIENT not in str(update["blocks"])
    assert SurveyAction.REVIEWED in str(update["blocks"])
    [item] = _items(services)
    assert item.told_client_at == clock.now and item.status == "open"
    click_and_wait(slack, "U0PARTNER", ImprovementAction.TOLD_CLIENT, str(review_id))
    assert "already told" in fake_slack.of("response_url")[-1].params["text"]
    assert [a for _, a, _ in audit_actions(services, "service_improvement", item.id)] == ["create", "told_client"]


def _add(services, *, cause, created, due, done=None, source=None):
    with services.session() as session:
        session.add(ServiceImprovement(cause=cause, source_id=source, action="x", due_on=due,
                                       status="done" if done else "open", done_at=done, created_by="test",
                                       created_at=created))


def _summaries(services):
    with services.session() as session:
        return [(n.key, n.channel) for n in session.execute(
            select(Notification).where(Notification.kind == "improvements.summary")).scalars()]


def test_the_quarterly_summary_goes_to_partners_once_and_a_missed_run_catches_up(services, fake_slack, clock):
    q3, q4 = datetime(2026, 8, 10, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)
    _add(services, cause="complaint", created=q3, due=date(2026, 9, 1), source=1)           # before Q4
    _add(services, cause="complaint", created=q4, due=date(2026, 12, 1), source=2)          # overdue
    _add(services, cause="lost", created=q4, due=date(2027, 2, 1), source=3)                # open, not due
    _add(services, cause="partner", created=q4, due=date(2026, 12, 1),
         done=datetime(2026, 12, 20, tzinfo=UTC))
    _add(services, cause="survey", created=datetime(2026, 12, 31, 17, tzinfo=UTC), due=date(2027, 3, 1),
         source=4)                                                                           # Jan 1 in Shanghai
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))     # 07:30 on Jan 1 in Shanghai: before the digest
    assert summarize_quarter(ctx).skipped == "before_digest_time"
    clock.set(datetime(2027, 1, 12, 3, 0, tzinfo=UTC))        # the first days were missed: caught up
    first = summarize_quarter(ctx)
    assert first.quarter == "2026-Q4" and first.sent
    assert summarize_quarter(ctx).skipped == "already_done"
    run_jobs(ctx)
    assert _summaries(services) == [("improvements:summary:2026-Q4", REVIEW_CHANNEL)]
    [posted] = fake_slack.messages_to(REVIEW_CHANNEL)
    body = str(posted["blocks"])
    assert "New: 3 · done: 1 · overdue: 2 · still open: 3" in body
    assert "complaint 1, lost client 1, partner 1" in body
    clock.set(datetime(2027, 3, 30, 3, 0, tzinfo=UTC))
    assert summarize_quarter(ctx).skipped == "already_done"
    clock.set(datetime(2027, 4, 1, 3, 0, tzinfo=UTC))
    assert summarize_quarter(ctx).quarter == "2027-Q1"
    assert len(_summaries(services)) == 2


def test_without_a_review_channel_the_summary_waits(services, fake_slack, clock, db_url, tmp_path, test_keyring):
    from bot.services import Services
    from tests.conftest import make_settings

    quiet = make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path, partner_review_channel=None)
    other = Services(settings=quiet, engine=services.engine, session_factory=services.session_factory,
                     keyring=test_keyring, clock=clock)
    clock.set(datetime(2027, 1, 4, 3, 0, tzinfo=UTC))
    assert summarize_quarter(job_context(other, fake_slack)).skipped == "no_channel"
    assert summarize_quarter(job_context(services, fake_slack)).sent
    assert _summaries(services) == [("improvements:summary:2026-Q4", REVIEW_CHANNEL)]
