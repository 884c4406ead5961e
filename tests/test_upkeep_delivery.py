"""Morning digests, churn alerts and lost proposals through the ledger: exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from bot.services import Services
from storage.ledger import ChannelPacer
from jobs.tasks.delivery import deliver
from jobs.tasks.upkeep import plan_daily
from storage.db import make_engine, make_session_factory
from storage.models import Client, FollowUp, Notification
from tests.conftest import ALERTS_CHANNEL, REVIEW_CHANNEL
from tests.support import make_staff
from tests.upkeep_support import (add_follow_up, add_note, job_context, make_client, run_jobs,
                                  staff_id)


def _seed_lawyer(services, uid="U0LEAD", *, due=date(2026, 11, 20)):
    make_staff(services, uid, "lawyer")
    c = make_client(services, f"Client of {uid}", tier="core", team={uid: "lead_lawyer"})
    add_note(services, c, uid, datetime(2026, 11, 20, tzinfo=UTC), channel="call")
    return c, add_follow_up(services, c, uid, due, title="send <draft>")


def _digests(fake_slack, uid):
    return [m for m in fake_slack.messages_to(uid)]


def _ledger_keys(services):
    with services.session() as session:
        return sorted(session.execute(select(Notification.key)).scalars())


def _buttons(blocks):
    return [el for b in blocks if b["type"] == "actions" for el in b["elements"]]


def test_digest_once_per_person_per_day_across_reruns_and_restarts(services, fake_slack, clock):
    _, fid = _seed_lawyer(services)
    report, sent = run_jobs(job_context(services))
    assert report.digests == 1 and sent.sent == 1
    [dm] = _digests(fake_slack, "U0LEAD")
    assert "send &lt;draft&gt;" in str(dm["blocks"]) and "overdue since 2026-11-20" in str(dm["blocks"])
    assert {b["action_id"] for b in _buttons(dm["blocks"])} >= {A.LOG_CONTACT, A.FOLLOWUP_SNOOZE,
                                                                A.FOLLOWUP_DONE}
    clock.advance(hours=3)
    again, sent_again = run_jobs(job_context(services))      # a rerun and a "restarted" process
    assert again.skipped == "already_done" and sent_again.sent == 0
    assert len(_digests(fake_slack, "U0LEAD")) == 1
    assert _ledger_keys(services) == [f"digest:{staff_id(services, 'U0LEAD')}:2026-11-23"]


def test_digest_buttons_mark_done_and_snooze_update_the_task_and_the_message(services, slack,
                                                                             fake_slack):
    c, fid = _seed_lawyer(services)
    fid2 = add_follow_up(services, c, "U0LEAD", date(2026, 11, 23), title="call back")
    run_jobs(job_context(services))
    [dm] = _digests(fake_slack, "U0LEAD")
    message = {"channel": "D0LEAD", "ts": "1700000001.000100", "blocks": dm["blocks"]}
    slack.click("U0LEAD", A.FOLLOWUP_DONE, str(fid), message=message)
    update = fake_slack.wait_for("chat.update")[0].params
    item = next(b for b in update["blocks"] if b.get("type") == "context" and "Done" in str(b))
    assert "<@U0LEAD>" in str(item)
    assert f"{B.ITEM_PREFIX}fu-{fid}" not in {b.get("block_id") for b in update["blocks"]}
    assert f"{B.ITEM_PREFIX}fu-{fid2}" in {b.get("block_id") for b in update["blocks"]}
    slack.click("U0LEAD", A.FOLLOWUP_SNOOZE, str(fid2), message=message)
    fake_slack.wait_for("chat.update", 2)
    with services.session() as session:
        done, snoozed = session.get(FollowUp, fid), session.get(FollowUp, fid2)
        assert done.status == "done" and done.done_at is not None
        assert snoozed.due_on == date(2026, 11, 24)
    # pressing done again (another copy of the message) says it is already closed
    slack.click("U0LEAD", A.FOLLOWUP_DONE, str(fid), message=message)
    assert "already closed" in fake_slack.wait_for("response_url")[0].params["text"]
    # someone who does not serve the client cannot close it
    make_staff(services, "U0OTHER", "lawyer")
    slack.click("U0OTHER", A.FOLLOWUP_SNOOZE, str(fid2), message=message)
    fake_slack.wait_for("response_url", 2)
    with services.session() as session:
        assert session.get(FollowUp, fid2).due_on == date(2026, 11, 24)


def test_timezone_edge_digest_at_0800_shanghai_is_midnight_utc(services, fake_slack, clock):
    _seed_lawyer(services)
    clock.set(datetime(2026, 11, 23, 23, 59, 30, tzinfo=UTC))      # 07:59:30 Tuesday in Shanghai
    report, _ = run_jobs(job_context(services))
    assert report.skipped == "before_digest_time" and _ledger_keys(services) == []
    clock.set(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))            # 08:00 Tuesday in Shanghai
    report, sent = run_jobs(job_context(services))
    assert report.digests == 1 and sent.sent == 1
    assert _ledger_keys(services) == [f"digest:{staff_id(services, 'U0LEAD')}:2026-11-24"]


def test_missed_morning_is_caught_up_once_for_the_latest_day_only(services, fake_slack, clock):
    _seed_lawyer(services)
    # nothing ran on Monday; the process comes back Tuesday before 08:00, then after
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))           # Tue 06:00 local
    assert run_jobs(job_context(services))[0].skipped == "before_digest_time"
    clock.set(datetime(2026, 11, 24, 3, 0, tzinfo=UTC))            # Tue 11:00 local
    report, sent = run_jobs(job_context(services))
    assert report.digests == 1 and sent.sent == 1
    clock.advance(minutes=1)
    assert run_jobs(job_context(services))[1].sent == 0
    assert _ledger_keys(services) == [f"digest:{staff_id(services, 'U0LEAD')}:2026-11-24"]
    assert len(_digests(fake_slack, "U0LEAD")) == 1


def test_no_digest_on_a_holiday_and_the_next_working_day_has_it_overdue(services, fake_slack, clock):
    _seed_lawyer(services, due=date(2027, 1, 1))
    clock.set(datetime(2027, 1, 1, 2, 0, tzinfo=UTC))              # New Year's Day, 10:00 local
    assert run_jobs(job_context(services))[0].skipped == "not_a_working_day"
    clock.set(datetime(2027, 1, 2, 2, 0, tzinfo=UTC))              # Saturday
    assert run_jobs(job_context(services))[0].skipped == "not_a_working_day"
    clock.set(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))              # Monday
    report, sent = run_jobs(job_context(services))
    assert report.digests == 1 and sent.sent == 1
    [dm] = _digests(fake_slack, "U0LEAD")
    assert "overdue since 2027-01-01" in str(dm["blocks"])


def test_a_429_is_retried_after_retry_after_and_sent_once(services, fake_slack, clock):
    _seed_lawyer(services)
    fake_slack.fail("chat.postMessage", status=429, retry_after=30)
    report, sent = run_jobs(job_context(services))
    assert report.digests == 1 and sent.rate_limited == 1 and sent.sent == 0
    assert deliver(job_context(services), pacer=ChannelPacer(interval=0)).sent == 0   # not due yet
    clock.advance(seconds=31)
    assert deliver(job_context(services), pacer=ChannelPacer(interval=0)).sent == 1
    assert deliver(job_context(services), pacer=ChannelPacer(interval=0)).sent == 0
    calls = fake_slack.of("chat.postMessage")
    assert len(calls) == 2 and all(c.params["channel"] == "U0LEAD" for c in calls)
    with services.session() as session:
        row = session.execute(select(Notification)).scalar_one()
        assert (row.status, row.attempts) == ("sent", 1)


def test_two_job_processes_racing_send_one_digest_each(services, fake_slack, test_keyring, clock):
    people = [f"U0LAW{i}" for i in range(6)]
    for uid in people:
        _seed_lawyer(services, uid)
    engines = [make_engine(services.settings.resolved_database_url, keyring=test_keyring, pool_size=3)
               for _ in range(2)]
    contexts = [job_context(Services(settings=services.settings, engine=e,
                                     session_factory=make_session_factory(e),
                                     keyring=test_keyring, clock=clock)) for e in engines]
    barrier = threading.Barrier(2)
    results: list[object] = []

    def process(ctx):
        barrier.wait()
        for _ in range(3):                                          # a few ticks each
            results.append(run_jobs(ctx))

    threads = [threading.Thread(target=process, args=(ctx,)) for ctx in contexts]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    for e in engines:
        e.dispose()
    assert len(results) == 6
    assert sum(r[0].digests for r in results) == len(people)
    assert sum(r[1].sent for r in results) == len(people)
    for uid in people:
        assert len(_digests(fake_slack, uid)) == 1, uid
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(Notification)).scalar_one() == 6


def _quiet_client(services, name="Quiet Co", *, days=95, clock=None):
    c = make_client(services, name, tier="core",
                    team={"U0LEAD": "lead_lawyer", "U0PARTNER": "partner"})
    add_note(services, c, "U0LEAD", clock.now - timedelta(days=days))
    return c


def test_churn_alert_names_the_team_and_comes_once_per_quiet_period(services, slack, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    c = _quiet_client(services, clock=clock)
    report, _ = run_jobs(job_context(services))
    assert report.churn_alerts == 1
    [alert] = fake_slack.messages_to(ALERTS_CHANNEL)
    text = str(alert["blocks"])
    assert "Quiet Co" in text and "<@U0LEAD>" in text and "<@U0PARTNER>" in text
    buttons = {b["action_id"]: b["value"] for b in _buttons(alert["blocks"])}
    assert set(buttons) == {A.LOG_CONTACT, A.CHURN_SNOOZE, A.CHURN_LOST}
    # next working day: same quiet period, no second alert
    clock.advance(days=1)
    assert run_jobs(job_context(services))[0].churn_alerts == 0
    assert len(fake_slack.messages_to(ALERTS_CHANNEL)) == 1
    # snooze 14 days: the message shows it, the client is quiet again after the snooze
    message = {"channel": ALERTS_CHANNEL, "ts": "1700000001.000100", "blocks": alert["blocks"]}
    slack.click("U0LEAD", A.CHURN_SNOOZE, buttons[A.CHURN_SNOOZE], message=message)
    update = fake_slack.wait_for("chat.update")[0].params
    assert "Snoozed 14 days by <@U0LEAD>" in str(update["blocks"])
    assert A.CHURN_SNOOZE not in str(update["blocks"])
    with services.session() as session:
        assert session.get(Client, c).churn_snoozed_until == date(2026, 12, 8)
    slack.click("U0PARTNER", A.CHURN_SNOOZE, buttons[A.CHURN_SNOOZE], message=message)
    assert "already handled" in fake_slack.wait_for("response_url")[0].params["text"]
    clock.set(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    assert run_jobs(job_context(services))[0].churn_alerts == 0
    clock.set(datetime(2026, 12, 8, 2, 0, tzinfo=UTC))
    assert run_jobs(job_context(services))[0].churn_alerts == 1
    assert len(fake_slack.messages_to(ALERTS_CHANNEL)) == 2


def test_mark_lost_needs_a_reason_and_stops_alerts(services, slack, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    c = _quiet_client(services, clock=clock)
    run_jobs(job_context(services))
    [alert] = fake_slack.messages_to(ALERTS_CHANNEL)
    lost = next(b for b in _buttons(alert["blocks"]) if b["action_id"] == A.CHURN_LOST)
    message = {"channel": ALERTS_CHANNEL, "ts": "1700000001.000100", "blocks": alert["blocks"]}
    slack.click("U0LEAD", A.CHURN_LOST, lost["value"], message=message)
    view = slack.opened_view()
    refused = slack.submit("U0LEAD", view["id"], {B.REASON: None}).json
    assert refused["response_action"] == "errors" and B.REASON in refused["errors"]
    with services.session() as session:
        assert session.get(Client, c).tier == "core"
    slack.submit("U0LEAD", view["id"], {B.REASON: "price"})
    update = fake_slack.wait_for("chat.update")[0].params
    assert "Marked lost by <@U0LEAD> (reason: Price)" in str(update["blocks"])
    with services.session() as session:
        client = session.get(Client, c)
        assert (client.tier, client.status, client.lost_reason) == ("lost", "lost", "price")
    clock.advance(days=30)
    assert run_jobs(job_context(services))[0].churn_alerts == 0


def test_logging_a_contact_from_the_alert_resolves_it(services, slack, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    c = _quiet_client(services, clock=clock)
    run_jobs(job_context(services))
    [alert] = fake_slack.messages_to(ALERTS_CHANNEL)
    message = {"channel": ALERTS_CHANNEL, "ts": "1700000001.000100", "blocks": alert["blocks"]}
    slack.click("U0LEAD", A.LOG_CONTACT, str(c), message=message)
    fake_slack.wait_for("views.update")          # opened blank at once, then filled in
    view = slack.opened_view()
    slack.submit("U0LEAD", view["id"], {B.TEXT: "caught up over lunch", B.CHANNEL: "meeting"})
    update = fake_slack.wait_for("chat.update")[0].params
    assert "Contact logged by <@U0LEAD>" in str(update["blocks"])


def test_lost_proposal_is_confirmed_by_a_partner_only(services, slack, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    c = _quiet_client(services, "Dormant Ltd", days=400, clock=clock)
    report, _ = run_jobs(job_context(services))
    assert (report.churn_alerts, report.lost_proposals) == (1, 1)
    [proposal] = fake_slack.messages_to(REVIEW_CHANNEL)
    assert "Dormant Ltd" in str(proposal["blocks"])
    confirm = next(b for b in _buttons(proposal["blocks"]) if b["action_id"] == A.LOST_CONFIRM)
    message = {"channel": REVIEW_CHANNEL, "ts": "1700000002.000100", "blocks": proposal["blocks"]}
    slack.click("U0LEAD", A.LOST_CONFIRM, confirm["value"], message=message)
    assert "role does not allow" in fake_slack.wait_for("response_url")[0].params["text"]
    with services.session() as session:
        assert session.get(Client, c).tier == "core"
    slack.click("U0PARTNER", A.LOST_CONFIRM, confirm["value"], message=message)
    update = fake_slack.wait_for("chat.update")[0].params
    assert "Tier set to lost by <@U0PARTNER>" in str(update["blocks"])
    with services.session() as session:
        assert (session.get(Client, c).tier, session.get(Client, c).lost_reason) == ("lost", "no_engagement")
    clock.advance(days=1)
    report, _ = run_jobs(job_context(services))
    assert (report.churn_alerts, report.lost_proposals) == (0, 0)


def test_alerts_are_grouped_and_paced_per_channel(services, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    for i in range(25):
        _quiet_client(services, f"Quiet {i}", clock=clock)
    report = plan_daily(job_context(services))
    assert (report.churn_alerts, report.messages) == (25, 2)
    sleeps: list[float] = []
    deliver(job_context(services), pacer=ChannelPacer(interval=1.0, sleep=sleeps.append))
    alerts = fake_slack.messages_to(ALERTS_CHANNEL)
    assert len(alerts) == 2
    assert sum(str(a["blocks"]).count(A.CHURN_SNOOZE) for a in alerts) == 25
    assert all(len(a["blocks"]) <= 50 for a in alerts)
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 1.0       # the second alert message waited


def test_a_large_backlog_of_quiet_clients_is_alerted_over_several_days(services, fake_slack, clock,
                                                                        monkeypatch):
    import jobs.tasks.upkeep as planner

    monkeypatch.setattr(planner, "MAX_ALERTS_PER_DAY", 3)
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    ids = [_quiet_client(services, f"Quiet {i}", days=95 + i, clock=clock) for i in range(5)]
    assert run_jobs(job_context(services))[0].churn_alerts == 3
    first = str(fake_slack.messages_to(ALERTS_CHANNEL)[0]["blocks"])
    assert "Quiet 4" in first and "Quiet 0" not in first          # the longest quiet first
    clock.advance(days=1)
    assert run_jobs(job_context(services))[0].churn_alerts == 2
    clock.advance(days=1)
    assert run_jobs(job_context(services))[0].churn_alerts == 0
    assert len(ids) == 5


def test_digest_is_in_the_recipients_language(services, fake_slack):
    make_staff(services, "U0ZH", "lawyer", "王律师", locale="zh-CN")
    c = make_client(services, "华为技术有限公司", tier="potential", team={"U0ZH": "lead_lawyer"})
    add_follow_up(services, c, "U0ZH", date(2026, 11, 23), title="发送合同")
    run_jobs(job_context(services))
    [dm] = fake_slack.messages_to("U0ZH")
    body = str(dm["blocks"])
    assert "今日提醒" in body and "今天到期" in body and "应每周联系" in body and "华为技术有限公司" in body


def test_cadence_snooze_button_hides_the_client_for_a_week(services, slack, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    c = make_client(services, "Weekly Co", tier="potential", team={"U0LEAD": "lead_lawyer"})
    run_jobs(job_context(services))
    [dm] = _digests(fake_slack, "U0LEAD")
    snooze = next(b for b in _buttons(dm["blocks"]) if b["action_id"] == A.CADENCE_SNOOZE)
    assert snooze["value"] == str(c)
    slack.click("U0LEAD", A.CADENCE_SNOOZE, snooze["value"],
                message={"channel": "D0LEAD", "ts": "1700000001.000100", "blocks": dm["blocks"]})
    update = fake_slack.wait_for("chat.update")[0].params
    assert "Snoozed until 2026-11-30" in str(update["blocks"])
    clock.advance(days=1)
    assert run_jobs(job_context(services))[0].digests == 0
    clock.set(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    assert run_jobs(job_context(services))[0].digests == 1


def test_a_partner_can_keep_a_client_proposed_as_lost(services, slack, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    c = _quiet_client(services, "Sleepy Ltd", days=400, clock=clock)
    run_jobs(job_context(services))
    [proposal] = fake_slack.messages_to(REVIEW_CHANNEL)
    keep = next(b for b in _buttons(proposal["blocks"]) if b["action_id"] == A.LOST_KEEP)
    slack.click("U0PARTNER", A.LOST_KEEP, keep["value"],
                message={"channel": REVIEW_CHANNEL, "ts": "1700000002.000100",
                         "blocks": proposal["blocks"]})
    assert "Kept by <@U0PARTNER>" in str(fake_slack.wait_for("chat.update")[0].params["blocks"])
    with services.session() as session:
        assert session.get(Client, c).tier == "core"
    clock.advance(days=1)
    assert run_jobs(job_context(services))[0].lost_proposals == 0


def test_a_back_dated_note_keeps_the_churn_alert_open(services, slack, fake_slack, clock):
    from storage.models import UpkeepAlert

    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    c = _quiet_client(services, clock=clock)                   # last contact 95 days ago
    run_jobs(job_context(services))
    [alert] = fake_slack.messages_to(ALERTS_CHANNEL)
    message = {"channel": ALERTS_CHANNEL, "ts": "1700000001.000100", "blocks": alert["blocks"]}
    slack.click("U0LEAD", A.LOG_CONTACT, str(c), message=message)
    fake_slack.wait_for("views.update")
    view = slack.opened_view()
    old_day = (clock.now - timedelta(days=120)).date().isoformat()   # before the quiet period
    slack.submit("U0LEAD", view["id"], {B.TEXT: "found an old call in my diary",
                                         B.CHANNEL: "call", B.DATE: old_day})
    update = fake_slack.wait_for("chat.update")[0].params
    assert "Contact logged" not in str(update["blocks"]) and A.CHURN_SNOOZE in str(update["blocks"])
    with services.session() as session:
        assert session.execute(select(UpkeepAlert.status)).scalar_one() == "open"
    # a contact after the alert's basis, recorded by the one-liner, resolves it (in the flow)
    slack.command("U0LEAD", "/note", "Quiet Co: call, all good")
    fake_slack.wait_for("response_url")
    with services.session() as session:
        assert session.execute(select(UpkeepAlert.status)).scalar_one() == "contacted"


def test_record_alerts_creates_each_quiet_period_once_and_returns_only_new_ones(services, clock):
    from bot.flows.cadence import Quiet
    from bot.flows.churn import record_alerts

    ids = [make_client(services, f"Q{i}") for i in range(4)]
    basis = date(2026, 8, 1)
    quiet = [Quiet(client_id=cid, basis=basis, last_contact=None) for cid in ids]
    with services.session() as session:
        first = record_alerts(session, kind="churn", quiet=quiet[:2], now=clock.now)
    assert [q.client_id for _, q in first] == ids[:2]
    with services.session() as session:             # the first two exist: the limit is for new ones
        second = record_alerts(session, kind="churn", quiet=quiet + quiet[:1], now=clock.now, limit=1)
        lost = record_alerts(session, kind="lost", quiet=quiet[:1], now=clock.now)
    assert [q.client_id for _, q in second] == [ids[2]]
    assert [q.client_id for _, q in lost] == [ids[0]]           # another kind is its own alert
    assert len({aid for aid, _ in first + second + lost}) == 4
