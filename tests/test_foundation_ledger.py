"""Foundation, the notification ledger: once by key, leases, 429s, failures, pacing."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import make_web_client
from storage import ledger
from storage.ledger import ChannelPacer, claim_due, dispatch_due
from jobs.registry import JobContext, discover_jobs
from bot.slack_sender import SlackSender
from jobs.tasks.delivery import deliver, purge_receipts
from storage.models import Notification, SlackReceipt


class FakeTime:
    """A monotonic clock that only moves when the pacer sleeps."""

    def __init__(self) -> None:
        self.now, self.slept = 100.0, []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _ctx(services) -> JobContext:
    return JobContext(services=services, sender=SlackSender(make_web_client(services)), owner="worker-a")


def _enqueue(services, key: str, channel: str = "C0REVIEW", text: str | None = None, **kw) -> bool:
    with services.session() as session:
        return ledger.enqueue(session, key=key, kind="test", channel=channel,
                              payload={"text": text or key, "blocks": []}, due_at=kw.get("due_at") or services.now())


def _row(services, key: str) -> Notification:
    with services.session() as session:
        return session.execute(select(Notification).where(Notification.key == key)).scalar_one()


def test_enqueue_twice_with_the_same_key_makes_one_row(services):
    assert _enqueue(services, "digest:1:2026-11-23") is True
    assert _enqueue(services, "digest:1:2026-11-23", text="again") is False
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(Notification)).scalar_one() == 1
        assert ledger.exists(session, "digest:1:2026-11-23")
        assert not ledger.exists(session, "digest:2:2026-11-23")
    assert _row(services, "digest:1:2026-11-23").payload["text"] == "digest:1:2026-11-23"


def test_deliver_sends_to_slack_and_records_it(services, fake_slack):
    _enqueue(services, "n:1", channel="C0REVIEW", text="审批提醒 <b>")
    _enqueue(services, "n:2", channel="U0LAWYER1", text="digest")
    _enqueue(services, "n:later", due_at=services.now() + timedelta(hours=1))
    report = deliver(_ctx(services), pacer=ChannelPacer(sleep=lambda s: None))
    assert (report.sent, report.failed) == (2, 0)
    assert [m["text"] for m in fake_slack.messages_to("C0REVIEW")] == ["审批提醒 <b>"]
    assert [m["text"] for m in fake_slack.messages_to("U0LAWYER1")] == ["digest"]
    row = _row(services, "n:1")
    assert (row.status, row.slack_channel, row.attempts, row.lease_owner) == ("sent", "C0REVIEW", 1, None)
    assert row.slack_ts and row.sent_at == services.now()
    assert _row(services, "n:later").status == "pending"
    # a rerun sends nothing twice
    assert deliver(_ctx(services)).sent == 0
    assert len(fake_slack.of("chat.postMessage")) == 2


def test_rate_limited_notice_is_rescheduled_after_retry_after(services, fake_slack, clock):
    _enqueue(services, "n:429")
    fake_slack.fail("chat.postMessage", status=429, retry_after=7)
    fake = FakeTime()
    report = deliver(_ctx(services), pacer=ChannelPacer(sleep=fake.sleep, monotonic=fake.monotonic))
    assert (report.sent, report.rate_limited) == (0, 1)
    assert fake.slept == []  # nobody waited out the Retry-After
    row = _row(services, "n:429")
    assert (row.status, row.due_at, row.last_error, row.attempts) == (
        "pending", clock.now + timedelta(seconds=7), "ratelimited", 0)
    clock.advance(seconds=6)
    assert deliver(_ctx(services)).sent == 0
    clock.advance(seconds=1)
    assert deliver(_ctx(services)).sent == 1
    assert deliver(_ctx(services)).sent == 0
    assert len(fake_slack.of("chat.postMessage")) == 2  # the refused one and the one sent
    assert _row(services, "n:429").status == "sent"


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
def test_permanent_error_marks_the_notice_failed(services, fake_slack, clock, error):
    _enqueue(services, "n:gone")
    fake_slack.fail("chat.postMessage", error=error)
    report = deliver(_ctx(services))
    assert (report.failed, report.errors) == (1, [error])
    row = _row(services, "n:gone")
    assert (row.status, row.last_error) == ("failed", error)
    clock.advance(days=1)
    assert deliver(_ctx(services)).sent == 0
    assert len(fake_slack.of("chat.postMessage")) == 1


def test_transient_error_retries_with_backoff(services, fake_slack, clock):
    _enqueue(services, "n:flaky")
    fake_slack.fail("chat.postMessage", error="internal_error")
    assert deliver(_ctx(services)).retried == 1
    row = _row(services, "n:flaky")
    assert row.status == "pending" and row.due_at == clock.now + timedelta(seconds=30)
    clock.advance(seconds=30)
    assert deliver(_ctx(services)).sent == 1


def test_external_channel_is_refused_for_good(services, fake_slack):
    _enqueue(services, "n:ext", channel="C0SHARED")
    ctx = JobContext(services=services, owner="w",
                     sender=SlackSender(make_web_client(services), external_channels=frozenset({"C0SHARED"})))
    assert deliver(ctx).failed == 1
    assert _row(services, "n:ext").last_error == "external_channel_refused"
    assert fake_slack.of("chat.postMessage") == []


def test_expired_lease_is_reclaimed_and_the_stale_owner_cannot_overwrite(services, fake_slack, clock):
    _enqueue(services, "n:lease")
    with services.session() as session:
        assert [r.key for r in claim_due(session, owner="crashed", now=clock.now)] == ["n:lease"]
    with services.session() as session:  # leased: nobody else takes it
        assert claim_due(session, owner="other", now=clock.now + timedelta(minutes=1)) == []
    clock.advance(minutes=2, seconds=1)
    report = dispatch_due(session_factory=services.session_factory, sender=_ctx(services).sender,
                          owner="rescuer", now=services.now, pacer=ChannelPacer(sleep=lambda s: None))
    assert report.sent == 1
    row = _row(services, "n:lease")
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(fake_slack.of("chat.postMessage")) == 1


def test_two_workers_claim_disjoint_rows_and_send_each_once(services, fake_slack):
    total = 60
    for i in range(total):
        _enqueue(services, f"n:{i}", channel=f"C0CH{i % 6}", text=f"notice {i}")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    claimed: dict[str, list[str]] = {"w1": [], "w2": []}

    class Recording:
        def __init__(self, name: str, inner: SlackSender) -> None:
            self.name, self.inner = name, inner

        def send(self, *, channel, payload, key):
            claimed[self.name].append(payload["text"])
            return self.inner.send(channel=channel, payload=payload, key=key)

    def worker(name: str) -> None:
        try:
            sender = Recording(name, SlackSender(make_web_client(services)))
            barrier.wait()
            while dispatch_due(session_factory=services.session_factory, sender=sender, owner=name,
                               now=services.now, pacer=ChannelPacer(sleep=lambda s: None), limit=7).sent:
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in claimed]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert not set(claimed["w1"]) & set(claimed["w2"])
    sent = Counter(c.params["text"] for c in fake_slack.of("chat.postMessage"))
    assert len(sent) == total and set(sent.values()) == {1}
    with services.session() as session:
        statuses = Counter(session.execute(select(Notification.status)).scalars())
    assert statuses == {"sent": total}


def test_pacer_keeps_one_message_per_second_per_channel(services, fake_slack):
    for i in range(4):
        _enqueue(services, f"a:{i}", channel="C0BUSY", text=f"a{i}")
    _enqueue(services, "b:0", channel="C0QUIET", text="b0")
    fake = FakeTime()
    sent_at: list[tuple[str, float]] = []

    class Timed:
        def send(self, *, channel, payload, key):
            sent_at.append((channel, fake.now))
            return channel, f"{fake.now:.6f}"

    ctx = JobContext(services=services, sender=Timed(), owner="w")
    assert deliver(ctx, pacer=ChannelPacer(sleep=fake.sleep, monotonic=fake.monotonic)).sent == 5
    busy = [at for ch, at in sent_at if ch == "C0BUSY"]
    assert len(busy) == 4
    assert all(b - a >= 1.0 for a, b in zip(busy, busy[1:]))
    quiet = [at for ch, at in sent_at if ch == "C0QUIET"]
    assert quiet and quiet[0] < busy[-1]  # another channel does not wait behind the busy one
    assert sum(fake.slept) == pytest.approx(3.0)


def test_pacer_does_not_wait_when_the_channel_was_quiet():
    fake = FakeTime()
    pacer = ChannelPacer(sleep=fake.sleep, monotonic=fake.monotonic)
    pacer.wait("C1")
    fake.now += 5
    pacer.wait("C1")
    pacer.wait("C2")
    assert fake.slept == []


def test_cancel_pending_notices_by_prefix(services, fake_slack):
    _enqueue(services, "complaint:7:remind")
    _enqueue(services, "complaint:7:escalate")
    _enqueue(services, "complaint:8:remind")
    with services.session() as session:
        assert ledger.cancel(session, key_prefix="complaint:7:") == 2
    assert deliver(_ctx(services)).sent == 1
    assert [m["text"] for m in fake_slack.messages_to("C0REVIEW")] == ["complaint:8:remind"]
    assert _row(services, "complaint:7:remind").status == "cancelled"


def test_purge_receipts_forgets_old_deliveries(services, clock):
    with services.session() as session:
        session.add(SlackReceipt(key="e:old", received_at=clock.now - timedelta(days=2)))
        session.add(SlackReceipt(key="e:new", received_at=clock.now - timedelta(hours=1)))
    assert purge_receipts(_ctx(services)) == 1
    with services.session() as session:
        assert session.execute(select(SlackReceipt.key)).scalars().all() == ["e:new"]


def test_jobs_are_discovered(services):
    names = {j.name for j in discover_jobs(services)}
    assert {"deliver", "purge-receipts"} <= names


def test_long_pacing_gives_notices_back_before_the_lease_runs_out(services, fake_slack):
    total = 75  # one channel: 75 s of pacing, longer than half the lease
    for i in range(total):
        _enqueue(services, f"busy:{i:03d}", channel="C0BUSY", text=f"m{i}")
    fake = FakeTime()
    report = deliver(_ctx(services), pacer=ChannelPacer(sleep=fake.sleep, monotonic=fake.monotonic))
    assert report.sent == total and report.released > 0
    texts = [m["text"] for m in fake_slack.messages_to("C0BUSY")]
    assert texts == [f"m{i}" for i in range(total)]  # each once, in order
    with services.session() as session:
        rows = session.execute(select(Notification)).scalars().all()
    assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}


def test_interleave_keeps_order_within_each_channel():
    from storage.ledger import interleave_channels

    items = [(1, "A", None, 1), (2, "A", None, 1), (3, "B", None, 1), (4, "A", None, 1), (5, "C", None, 1)]
    assert [i[0] for i in interleave_channels(items)] == [1, 3, 5, 2, 4]


def test_an_unexpected_sender_error_does_not_stop_the_batch(services, fake_slack, clock):
    _enqueue(services, "n:bad", text="bad")
    _enqueue(services, "n:good", text="good")

    class Picky:
        def __init__(self, inner):
            self.inner = inner

        def send(self, *, channel, payload, key):
            if payload["text"] == "bad":
                raise KeyError("blocks")
            return self.inner.send(channel=channel, payload=payload, key=key)

        def find_sent(self, **kw):
            return self.inner.find_sent(**kw)

    ctx = JobContext(services=services, sender=Picky(SlackSender(make_web_client(services))), owner="w")
    report = deliver(ctx, pacer=ChannelPacer(sleep=lambda s: None))
    assert (report.sent, report.retried) == (1, 1)
    row = _row(services, "n:bad")
    assert (row.status, row.last_error, row.lease_owner) == ("pending", "KeyError", None)
    for _ in range(ledger.MAX_ATTEMPTS):
        clock.advance(hours=1)
        deliver(ctx)
    assert _row(services, "n:bad").status == "failed"
    assert [m["text"] for m in fake_slack.messages_to("C0REVIEW")] == ["good"]


def test_a_notice_whose_sender_keeps_dying_is_given_up(services, clock):
    _enqueue(services, "n:doomed")
    for _ in range(ledger.MAX_ATTEMPTS):
        with services.session() as session:
            assert len(claim_due(session, owner="dies", now=clock.now)) == 1
        clock.advance(minutes=3)
    with services.session() as session:
        assert claim_due(session, owner="next", now=clock.now) == []
    row = _row(services, "n:doomed")
    assert (row.status, row.last_error, row.attempts) == ("failed", "lease_expired", ledger.MAX_ATTEMPTS)


def test_run_once_plans_before_delivering_and_survives_a_failing_job(services, fake_slack, caplog):
    from jobs.registry import PeriodicJob
    from jobs.scheduler import build_scheduler, run_once

    def plan(ctx):
        with ctx.services.session() as session:
            return ledger.enqueue(session, key="plan:1", kind="test", channel="C0ALERTS",
                                  payload={"text": "planned"}, due_at=ctx.now())

    def broken(ctx):
        detail = "客户张三 " + ctx.owner
        raise RuntimeError(detail)

    jobs_ = [PeriodicJob("deliver", lambda ctx: deliver(ctx, pacer=ChannelPacer(sleep=lambda s: None)), 60),
             PeriodicJob("broken", broken, 60), PeriodicJob("plan", plan, 60)]
    with caplog.at_level(logging.INFO, logger="jobs.scheduler"):
        run_once(_ctx(services), jobs_)
    assert [m["text"] for m in fake_slack.messages_to("C0ALERTS")] == ["planned"]
    failed = [r for r in caplog.records if r.getMessage() == "job failed"]
    assert [r.job for r in failed] == ["broken"]
    assert "RuntimeError" in failed[0].stack and "张三" not in failed[0].stack
    assert failed[0].exc_info is None
    scheduler = build_scheduler(_ctx(services), jobs_)
    assert sorted(j.id for j in scheduler.get_jobs()) == ["broken", "deliver", "plan"]
    assert {j.trigger.interval.total_seconds() for j in scheduler.get_jobs()} == {60}


def test_one_process_delivers_at_a_time_so_pacing_holds_across_processes(services, fake_slack):
    from storage.db import process_lock

    _enqueue(services, "pace-1")
    with process_lock(services.engine, "lawcrm:deliver") as held:
        assert held
        busy = deliver(_ctx(services))
        if services.engine.dialect.name == "postgresql":
            assert busy.sent == 0 and fake_slack.of("chat.postMessage") == []  # another process delivers
        else:
            assert busy.sent == 1  # SQLite is the single-process mode: no cross-process lock
    deliver(_ctx(services))
    assert len(fake_slack.messages_to("C0REVIEW")) == 1


def test_a_refused_bot_token_keeps_every_notice_for_later(services, fake_slack):
    for n in range(3):
        _enqueue(services, f"tok-{n}", channel=f"C0CHAN{n}")
    fake_slack.fail("chat.postMessage", error="invalid_auth", times=1)
    report = deliver(_ctx(services))
    assert report.sent == 0 and report.failed == 0 and report.released == 3
    assert {_row(services, f"tok-{n}").status for n in range(3)} == {"pending"}
    assert {_row(services, f"tok-{n}").attempts for n in range(3)} == {0}
    assert deliver(_ctx(services)).sent == 3  # the token works again: all go out, once


# -- a post whose outcome was lost is found again, not sent twice -----------------------------------

_DIES_AFTER_POSTING = """
import base64, os, signal, sys
from datetime import datetime

from slack_sdk import WebClient

from storage.ledger import ChannelPacer, dispatch_due
from bot.slack_sender import SlackSender
from storage.crypto import Keyring
from storage.db import make_engine, make_session_factory


class DiesAfterPosting(SlackSender):
    def send(self, **kw):
        answer = super().send(**kw)
        os.kill(os.getpid(), signal.SIGKILL)  # kill -9: Slack posted it, the ledger never hears
        return answer


keyring = Keyring(fernet_keys=(os.environ["T_FERNET"],),
                  index_key=base64.urlsafe_b64decode(os.environ["T_INDEX"]))
engine = make_engine(os.environ["T_DB"], keyring=keyring)
now = datetime.fromisoformat(os.environ["T_NOW"])
dispatch_due(session_factory=make_session_factory(engine),
             sender=DiesAfterPosting(WebClient(token="xoxb-t", base_url=os.environ["T_SLACK"])),
             owner="doomed", now=lambda: now, pacer=ChannelPacer(sleep=lambda s: None))
sys.exit(3)  # never reached
"""


def _run_and_kill_after_post(services, fake_slack, clock, test_keyring) -> None:
    """A real `lawcrm jobs`-like process that is SIGKILLed right after chat.postMessage returned."""
    import base64
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "T_DB": services.settings.resolved_database_url,
           "T_SLACK": fake_slack.url, "T_NOW": clock.now.isoformat(),
           "T_FERNET": test_keyring.fernet_keys[0],
           "T_INDEX": base64.urlsafe_b64encode(test_keyring.index_key).decode()}
    child = subprocess.run([sys.executable, "-c", _DIES_AFTER_POSTING], env=env, cwd=root,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]


@pytest.mark.parametrize("where", ["channel", "dm", "thread"])
def test_a_sender_killed_between_post_and_commit_posts_once(services, fake_slack, clock, test_keyring,
                                                            where):
    fake_slack.clock = lambda: clock.now.timestamp()
    channel = {"channel": "C0REVIEW", "dm": "U0LAWYER1", "thread": "C0REVIEW"}[where]
    payload = {"text": "审批提醒", "blocks": []}
    if where == "thread":
        parent = make_web_client(services).chat_postMessage(channel="C0REVIEW", text="the thread")
        payload["thread_ts"] = parent["ts"]
    clock.advance(seconds=5)
    with services.session() as session:
        ledger.enqueue(session, key="crash:1", kind="test", channel=channel, payload=payload,
                       due_at=clock.now)
    posts_before = len(fake_slack.of("chat.postMessage"))

    _run_and_kill_after_post(services, fake_slack, clock, test_keyring)
    posted = fake_slack.of("chat.postMessage")[posts_before:]
    assert len(posted) == 1
    assert posted[0].params["metadata"] == {"event_type": "lawcrm_notice",
                                            "event_payload": {"key": "crash:1"}}
    row = _row(services, "crash:1")
    assert (row.status, row.lease_owner, row.slack_ts) == ("sending", "doomed", None)

    clock.advance(seconds=30)
    assert deliver(_ctx(services)).sent == 0  # still leased to the dead process
    clock.advance(minutes=2)
    report = deliver(_ctx(services), pacer=ChannelPacer(sleep=lambda s: None))
    assert (report.sent, report.recovered) == (1, 1)
    assert len(fake_slack.of("chat.postMessage")) == posts_before + 1  # exactly one post
    row = _row(services, "crash:1")
    assert (row.status, row.slack_channel, row.slack_ts, row.lease_owner) == (
        "sent", posted[0].answer["channel"], posted[0].answer["ts"], None)
    lookups = fake_slack.of("conversations.replies" if where == "thread" else "conversations.history")
    assert lookups and all(c.params["include_all_metadata"] in ("1", "true", True) for c in lookups)
    clock.advance(hours=1)
    assert deliver(_ctx(services)).sent == 0


def test_a_post_whose_answer_was_lost_is_not_sent_again(services, fake_slack, clock):
    fake_slack.clock = lambda: clock.now.timestamp()
    _enqueue(services, "lost:1", text="lost answer")
    fake_slack.fail("chat.postMessage", status=500, error="internal_error", applied=True)
    assert deliver(_ctx(services)).retried == 1  # Slack posted it, but we only saw a 500
    assert _row(services, "lost:1").unsure_since == clock.now
    clock.advance(minutes=1)
    report = deliver(_ctx(services))
    assert (report.sent, report.recovered) == (1, 1)
    assert len(fake_slack.of("chat.postMessage")) == 1
    assert [m["text"] for m in fake_slack.messages["C0REVIEW"]] == ["lost answer"]
    assert _row(services, "lost:1").slack_ts == fake_slack.messages["C0REVIEW"][0]["ts"]


def test_an_unsure_attempt_that_did_not_post_is_sent_once(services, fake_slack, clock):
    fake_slack.clock = lambda: clock.now.timestamp()
    _enqueue(services, "lost:2", text="never arrived")
    fake_slack.fail("chat.postMessage", status=500, error="internal_error")  # not posted
    assert deliver(_ctx(services)).retried == 1
    clock.advance(minutes=1)
    report = deliver(_ctx(services))
    assert (report.sent, report.recovered) == (1, 0)
    assert [m["text"] for m in fake_slack.messages["C0REVIEW"]] == ["never arrived"]
    assert fake_slack.of("conversations.history")  # it looked first


def test_only_our_own_tagged_message_counts_as_sent(services, fake_slack, clock):
    fake_slack.clock = lambda: clock.now.timestamp()
    _enqueue(services, "spoof:1", text="real notice")
    with services.session() as session:
        claim_due(session, owner="crashed", now=clock.now)
    fake_slack.messages["C0REVIEW"] = [{  # another app's message claiming to be this notice
        "type": "message", "ts": f"{clock.now.timestamp() + 1:.6f}", "text": "spoof", "bot_id": "B0OTHER",
        "metadata": {"event_type": "lawcrm_notice", "event_payload": {"key": "spoof:1"}}}]
    clock.advance(minutes=3)
    assert deliver(_ctx(services)).recovered == 0
    assert [m["text"] for m in fake_slack.messages_to("C0REVIEW")] == ["real notice"]


def test_without_history_scope_an_unsure_notice_is_sent_again_not_lost(services, fake_slack, clock, caplog):
    fake_slack.clock = lambda: clock.now.timestamp()
    _enqueue(services, "scope:1", text="needs sending")
    with services.session() as session:
        claim_due(session, owner="crashed", now=clock.now)
    clock.advance(minutes=3)
    fake_slack.fail("conversations.history", error="missing_scope")
    with caplog.at_level(logging.WARNING, logger="storage.ledger"):
        assert deliver(_ctx(services)).sent == 1
    assert [m["text"] for m in fake_slack.messages_to("C0REVIEW")] == ["needs sending"]
    assert any(r.getMessage().startswith("cannot look for an earlier post") for r in caplog.records)
    assert _row(services, "scope:1").status == "sent"


def test_a_rate_limited_lookup_waits_and_keeps_the_notice_unsure(services, fake_slack, clock):
    fake_slack.clock = lambda: clock.now.timestamp()
    _enqueue(services, "rl:1", text="patience")
    fake_slack.fail("chat.postMessage", status=500, applied=True)
    deliver(_ctx(services))
    clock.advance(minutes=1)
    fake_slack.fail("conversations.history", status=429, retry_after=20)
    assert deliver(_ctx(services)).rate_limited == 1
    row = _row(services, "rl:1")
    assert row.status == "pending" and row.unsure_since is not None
    clock.advance(seconds=20)
    assert deliver(_ctx(services)).recovered == 1
    assert len(fake_slack.of("chat.postMessage")) == 1


def test_an_update_keeps_the_metadata_it_was_posted_with(services, fake_slack, clock):
    fake_slack.clock = lambda: clock.now.timestamp()
    sender = _ctx(services).sender
    channel, ts = sender.send(channel="C0REVIEW", payload={"text": "v1"}, key="card:1")
    sender.send(channel="C0REVIEW", payload={"text": "v2", "update_ts": ts}, key="card:1:update")
    history = make_web_client(services).conversations_history(channel="C0REVIEW", include_all_metadata=True)
    assert [(m["text"], m["metadata"]["event_payload"]) for m in history["messages"]] == [
        ("v2", {"key": "card:1"})]
    plain = make_web_client(services).conversations_history(channel="C0REVIEW")
    assert "metadata" not in plain["messages"][0]
