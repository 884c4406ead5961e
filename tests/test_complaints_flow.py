"""/complaint end to end: the modal, posting to partners, every step with its audit trail."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.ids import ComplaintAction, ComplaintBlock
from storage.models import Complaint, ComplaintEvent
from tests.complaint_support import (submit_step, REVIEW_CHANNEL, answers, audit_actions, click_and_wait, file_complaint,
                                     make_client, make_matter, make_staff)


def _setup(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0PARTNER2", "partner", "Chen Jie", locale="zh-CN")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    client_id = make_client(services, "华夏科技有限公司", team={"U0CS": "client_service", "U0LAWYER": "lead_lawyer"})
    make_matter(services, client_id, "2026-LIT-0001", lead="U0LAWYER")
    return client_id


def _complaint(services):
    with services.session() as session:
        return session.execute(select(Complaint)).scalar_one()


def _click(slack, user, action, complaint_id):
    return click_and_wait(slack, user, action, str(complaint_id))


def test_client_typeahead_lists_matching_clients_only(services, slack, fake_slack):
    client_id = _setup(services)
    make_client(services, "Other Ltd")
    slack.command("U0PARTNER", "/complaint")
    view = slack.opened_view()
    answer = slack.suggest("U0PARTNER", ComplaintAction.CLIENT, "华夏", view_id=view["id"],
                           block_id=ComplaintBlock.CLIENT)
    assert [o["value"] for o in answer.json["options"]] == [str(client_id)]


def test_full_lifecycle_posts_to_review_channel_and_audits_every_step(services, slack, fake_slack, clock):
    client_id = _setup(services)
    received = clock.now - timedelta(hours=1)
    sent = file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=received,
                                                 **{ComplaintBlock.MATTER: "2026-LIT-0001"}))
    assert sent.status == 200 and not sent.json.get("errors")
    card = fake_slack.wait_for("chat.postMessage")[0].params
    assert card["channel"] == REVIEW_CHANNEL
    assert "华夏科技有限公司" in card["text"]
    flat = str(card["blocks"])
    assert "&lt;b&gt;" in flat and "<b>" not in flat  # user text escaped
    assert ComplaintAction.ACKNOWLEDGE in flat
    fake_slack.wait_for("chat.postMessage", 2)
    assert fake_slack.messages_to("U0CS")  # the recorder is told
    c = _complaint(services)
    assert c.thread_ts and c.channel == REVIEW_CHANNEL and c.routing == "channel"
    assert c.matter_id is not None and c.complainant_contact == "+86 138 0000 0000"

    # a step out of order is refused and nothing changes
    _click(slack, "U0PARTNER", ComplaintAction.ASSIGN, c.id)
    refusal = fake_slack.wait_for("response_url")[-1].params["text"]
    assert "acknowledged" in refusal and _complaint(services).status == "received"

    _click(slack, "U0PARTNER", ComplaintAction.ACKNOWLEDGE, c.id)
    fake_slack.wait_for("chat.update")
    fake_slack.wait_for("chat.postMessage", 3)
    thread = [m for m in fake_slack.messages_to(REVIEW_CHANNEL) if m.get("thread_ts") == c.thread_ts]
    assert thread and "<@U0PARTNER>" in thread[-1]["text"]

    _click(slack, "U0PARTNER", ComplaintAction.ASSESS, c.id)
    view = slack.opened_view()
    bad = submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.FINDING: "founded", ComplaintBlock.REASON: " "})
    assert ComplaintBlock.REASON in bad.json["errors"]
    ok = submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.FINDING: "founded",
                                                ComplaintBlock.REASON: "No update was sent"})
    assert ok.json.get("response_action") is None
    assert _complaint(services).reviewed_at is not None

    _click(slack, "U0PARTNER", ComplaintAction.ASSIGN, c.id)
    view = slack.opened_view()
    accused = submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.OWNER: "U0LAWYER"})
    assert "cannot own" in accused.json["errors"][ComplaintBlock.OWNER]
    stranger = submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.OWNER: "U0NOBODY"})
    assert ComplaintBlock.OWNER in stranger.json["errors"]
    submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.OWNER: "U0PARTNER2"})
    assert _complaint(services).status == "assigned"

    # the owner (here a partner) proposes; the "communicated" box is required
    _click(slack, "U0PARTNER2", ComplaintAction.PROPOSE, c.id)
    view = slack.opened_view()
    unticked = submit_step(slack, "U0PARTNER2", view["id"], {ComplaintBlock.SOLUTION: "Weekly calls",
                                                      ComplaintBlock.COMMUNICATED: []})
    assert ComplaintBlock.COMMUNICATED in unticked.json["errors"]
    submit_step(slack, "U0PARTNER2", view["id"], {ComplaintBlock.SOLUTION: "Weekly calls",
                                           ComplaintBlock.COMMUNICATED: ["yes"]})
    assert _complaint(services).answered_at == clock.now

    # client rejects: negotiate, back to a new solution
    _click(slack, "U0PARTNER2", ComplaintAction.REJECT, c.id)
    view = slack.opened_view()
    submit_step(slack, "U0PARTNER2", view["id"], {ComplaintBlock.NOTE: "Wants a fee reduction"})
    assert _complaint(services).status == "rejected"
    _click(slack, "U0PARTNER2", ComplaintAction.PROPOSE, c.id)
    view = slack.opened_view()
    submit_step(slack, "U0PARTNER2", view["id"], {ComplaintBlock.SOLUTION: "Weekly calls and 10% off",
                                           ComplaintBlock.COMMUNICATED: ["yes"]})
    _click(slack, "U0PARTNER2", ComplaintAction.ACCEPT, c.id)
    fake_slack.settle()
    assert _complaint(services).status == "accepted"

    _click(slack, "U0PARTNER", ComplaintAction.CLOSE, c.id)
    view = slack.opened_view()
    no_cause = submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.EVALUATION: "Set update cadence"})
    assert ComplaintBlock.ROOT_CAUSE in no_cause.json["errors"]
    submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.EVALUATION: "Set update cadence",
                                          ComplaintBlock.ROOT_CAUSE: "communication"})
    closed = _complaint(services)
    assert closed.status == "closed" and closed.root_cause == "communication" and closed.closed_at == clock.now

    with services.session() as session:
        steps = [(e.step, e.actor_id) for e in session.execute(
            select(ComplaintEvent).order_by(ComplaintEvent.id)).scalars()]
    assert [s for s, _ in steps] == ["recorded", "acknowledge", "assess", "assign", "propose",
                                     "client_rejects", "propose", "client_accepts", "close"]
    actions = [a for _, a, _ in audit_actions(services, "complaint", c.id)]
    assert actions == ["create", "disclose", "complaint.acknowledge", "complaint.assess", "complaint.assign",
                       "complaint.propose", "complaint.client_rejects", "complaint.propose",
                       "complaint.client_accepts", "complaint.close"]
    for _, _, fields in audit_actions(services, "complaint", c.id):
        assert fields and all("Zhang" not in f for f in fields)

    # re-opening a closed complaint is refused with a clear message
    fake_slack.settle()
    _click(slack, "U0PARTNER", ComplaintAction.ACKNOWLEDGE, c.id)
    text = fake_slack.wait_for("response_url")[-1].params["text"]
    assert "closed" in text and "re-opened" in text
    assert _complaint(services).status == "closed"


def test_only_partners_and_the_owner_act(services, slack, fake_slack, clock):
    client_id = _setup(services)
    file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=clock.now))
    c = _complaint(services)
    _click(slack, "U0CS", ComplaintAction.ACKNOWLEDGE, c.id)
    text = fake_slack.wait_for("response_url")[-1].params["text"]
    assert "can't act" in text and _complaint(services).status == "received"
    _click(slack, "U0LAWYER", ComplaintAction.ACKNOWLEDGE, c.id)
    fake_slack.wait_for("response_url", 2)
    assert _complaint(services).status == "received"


def test_bad_input_is_shown_inline_and_nothing_is_recorded(services, slack, fake_slack, clock):
    client_id = _setup(services)
    missing = file_complaint(slack, "U0CS", answers(None, against=None, received_at=None,
                                                    **{ComplaintBlock.WHAT: ""}))
    errors = missing.json["errors"]
    assert {ComplaintBlock.CLIENT, ComplaintBlock.AGAINST, ComplaintBlock.WHAT,
            ComplaintBlock.RECEIVED_AT} <= set(errors)
    unknown = file_complaint(slack, "U0CS", answers(client_id, against="U0OUTSIDER", received_at=clock.now))
    assert "staff directory" in unknown.json["errors"][ComplaintBlock.AGAINST]
    future = file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER",
                                                   received_at=clock.now + timedelta(hours=2)))
    assert "future" in future.json["errors"][ComplaintBlock.RECEIVED_AT]
    matter = file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=clock.now,
                                                   **{ComplaintBlock.MATTER: "2099-XX-9999"}))
    assert ComplaintBlock.MATTER in matter.json["errors"]
    fake_slack.settle()
    with services.session() as session:
        assert session.execute(select(Complaint)).first() is None
    assert not fake_slack.of("chat.postMessage")


def test_unknown_user_cannot_open_the_modal(services, slack, fake_slack):
    slack.command("U0STRANGER", "/complaint")
    assert "administrator" in fake_slack.wait_for("response_url")[0].params["text"]
    assert not fake_slack.of("views.open")


def test_two_partners_acknowledging_at_once_record_one_step(services, slack, fake_slack, clock):
    import threading

    from bot.flows import complaints as flow
    from bot.flows.directory import find_actor
    from bot.flows.errors import Conflict

    client_id = _setup(services)
    file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=clock.now))
    c = _complaint(services)
    with services.session() as session:
        actors = [find_actor(session, slack_user_id=u, default_locale="en") for u in ("U0PARTNER", "U0PARTNER2")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ack(actor):
        barrier.wait()
        try:
            with services.session() as session:
                flow.acknowledge(session, actor=actor, complaint_id=c.id, now=clock.now)
            outcomes.append("done")
        except Conflict as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=ack, args=(a,)) for a in actors]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sorted(outcomes) == ["complaint.error.at.acknowledged", "done"]
    with services.session() as session:
        steps = session.execute(select(ComplaintEvent.step).where(ComplaintEvent.step == "acknowledge")).all()
    assert len(steps) == 1


def test_without_a_review_channel_the_modal_is_not_opened(services, fake_slack, tmp_path, test_keyring, clock):
    from bot.app import create_app
    from bot.console.driver import SlackDriver
    from tests.conftest import SIGNING_SECRET, make_settings

    make_staff(services, "U0CS", "client_service", "Zhao Min")
    settings = make_settings(db_url=services.settings.resolved_database_url, fake=fake_slack, tmp_path=tmp_path,
                             partner_review_channel=None)
    app, _ = create_app(services=type(services)(settings=settings, engine=services.engine,
                                                session_factory=services.session_factory,
                                                keyring=test_keyring, clock=clock))
    SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack).command("U0CS", "/complaint")
    assert "PARTNER_REVIEW_CHANNEL" in fake_slack.wait_for("response_url")[0].params["text"]
    assert not fake_slack.of("views.open")


def _race(services, c_id, calls):
    """Run each (actor, fn, kwargs) at once in its own session; the outcomes, sorted."""
    import threading

    from bot.flows.errors import Conflict

    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(actor, fn, kwargs):
        with services.session() as session:
            barrier.wait()
            try:
                fn(session, actor=actor, complaint_id=c_id, **kwargs)
                session.flush()
                outcomes.append("done")
            except Conflict as exc:
                session.rollback()
                outcomes.append(exc.key)

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    return sorted(outcomes)


def test_two_partners_assigning_at_once_one_wins(services, slack, fake_slack, clock):
    from bot.flows import complaints as flow
    from bot.flows.directory import find_actor

    client_id = _setup(services)
    file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=clock.now))
    c = _complaint(services)
    with services.session() as session:
        stored = session.get(Complaint, c.id)
        stored.status, stored.acknowledged_at, stored.reviewed_at = "assessed", clock.now, clock.now
    with services.session() as session:
        p1, p2 = (find_actor(session, slack_user_id=u, default_locale="en") for u in ("U0PARTNER", "U0PARTNER2"))
    outcomes = _race(services, c.id, [(p1, flow.assign_owner, {"now": clock.now, "owner_user_id": "U0CS"}),
                                      (p2, flow.assign_owner, {"now": clock.now, "owner_user_id": "U0PARTNER"})])
    assert outcomes == ["complaint.error.at.assigned", "done"]
    with services.session() as session:
        assert len(session.execute(select(ComplaintEvent).where(ComplaintEvent.step == "assign")).all()) == 1

    outcomes = _race(services, c.id, [(p1, flow.propose_solution, {"now": clock.now, "solution": "A",
                                                                   "communicated": True}),
                                      (p2, flow.propose_solution, {"now": clock.now, "solution": "B",
                                                                   "communicated": True})])
    assert outcomes == ["complaint.error.at.proposed", "done"]
    with services.session() as session:
        assert len(session.execute(select(ComplaintEvent).where(ComplaintEvent.step == "propose")).all()) == 1


def test_a_non_partner_owner_gets_the_card_and_takes_their_steps(services, slack, fake_slack, clock):
    client_id = _setup(services)
    file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=clock.now))
    c = _complaint(services)
    _click(slack, "U0PARTNER", ComplaintAction.ACKNOWLEDGE, c.id)
    _click(slack, "U0PARTNER", ComplaintAction.ASSESS, c.id)
    submit_step(slack, "U0PARTNER", slack.opened_view()["id"], {ComplaintBlock.FINDING: "founded",
                                                                ComplaintBlock.REASON: "No update was sent"})
    _click(slack, "U0PARTNER", ComplaintAction.ASSIGN, c.id)
    dms_before = len(fake_slack.messages_to("U0CS"))
    submit_step(slack, "U0PARTNER", slack.opened_view()["id"], {ComplaintBlock.OWNER: "U0CS"})
    fake_slack.settle()
    cards = [m for m in fake_slack.messages_to("U0CS")[dms_before:] if m.get("blocks")]
    assert len(cards) == 1 and ComplaintAction.PROPOSE in str(cards[0]["blocks"])
    assert "direct" not in cards[0]["text"].lower()

    before = len(fake_slack.of("response_url"))
    slack.command("U0CS", "/complaint", "list")
    assert "#1" in fake_slack.wait_for("response_url", before + 1)[-1].params["text"]

    click_and_wait(slack, "U0CS", ComplaintAction.PROPOSE, str(c.id), channel="D0CS")
    submit_step(slack, "U0CS", slack.opened_view()["id"], {ComplaintBlock.SOLUTION: "Weekly calls",
                                                           ComplaintBlock.COMMUNICATED: ["yes"]})
    assert _complaint(services).status == "proposed"
    fake_slack.settle()
    # the owner's card is refreshed with the others
    assert "D0CS" in {u.params["channel"] for u in fake_slack.of("chat.update")}
    click_and_wait(slack, "U0CS", ComplaintAction.ACCEPT, str(c.id), channel="D0CS")
    assert _complaint(services).status == "accepted"
    click_and_wait(slack, "U0CS", ComplaintAction.CLOSE, str(c.id), channel="D0CS")
    assert "can't act" in fake_slack.wait_for("response_url")[-1].params["text"]
    assert _complaint(services).status == "accepted"
