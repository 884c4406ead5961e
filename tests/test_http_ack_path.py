"""The ack path: no database work on the request thread, prompt answers, retries handled once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from slack_bolt import BoltResponse
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from sqlalchemy import event, func, select

from bot.app import create_app
from bot.console.driver import SlackDriver
from bot.middleware import BodyMatcher, StickyAck
from storage.models import SlackReceipt
from tests.conftest import SIGNING_SECRET
from tests.support import make_staff
from tests.test_http import Served

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def statements(services) -> Iterator[list[str]]:
    """The name of the thread that ran each SQL statement."""
    seen: list[str] = []

    def record(*_args: Any) -> None:
        seen.append(threading.current_thread().name)

    event.listen(services.engine, "before_cursor_execute", record)
    yield seen
    event.remove(services.engine, "before_cursor_execute", record)


def test_the_request_thread_does_no_database_work(services, fake_slack, statements):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    app, _ = create_app(services=services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    statements.clear()
    assert driver.command("U0LAWYER1", "/lawcrm", "whoami").status == 200
    on_request_thread = [name for name in statements if name == threading.current_thread().name]
    assert "Li Lei" in fake_slack.wait_for("response_url")[0].params["text"]
    assert on_request_thread == []
    assert statements and all(name.startswith("listener") for name in statements)


def test_over_http_no_statement_runs_on_a_waitress_thread(services, fake_slack, statements):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    app, _ = create_app(services=services)
    server = Served(app, services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    try:
        statements.clear()
        body = driver.command_body(user="U0LAWYER1", command="/lawcrm", text="whoami")
        headers = {k: v[0] for k, v in driver.headers(body, content_type=FORM).items()}
        assert server.request("POST", "/slack/events", body, headers)[0] == 200
        fake_slack.wait_for("response_url")
        assert statements and not [n for n in statements if n.startswith("waitress")]
    finally:
        server.stop()


def test_the_answer_leaves_when_the_listener_acks_not_when_it_finishes(services, fake_slack):
    app, _ = create_app(services=services)
    released = threading.Event()

    @app.command("/probe")
    def slow(ack):  # type: ignore[no-untyped-def]
        ack()
        released.wait(10)  # the work after the ack

    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    try:
        started = time.monotonic()
        assert driver.command("U0STRANGER", "/probe").status == 200
        assert time.monotonic() - started < 2
    finally:
        released.set()


def test_sticky_ack_wakes_a_waiting_reader_at_once_and_keeps_its_answer():
    ack = StickyAck()
    started = time.monotonic()
    assert ack.response is None
    assert time.monotonic() - started < 1  # an unanswered read waits one poll interval only
    got: list[BoltResponse | None] = []
    reader = threading.Thread(target=lambda: got.append(ack.response))
    reader.start()
    ack()
    reader.join(5)
    assert got and (got[0] is None or got[0].status == 200)
    ack.response = None  # what Bolt does when a listener raises after ack()
    assert ack.response is not None and ack.response.status == 200


def test_every_listener_matcher_reads_only_the_body(services):
    app, _ = create_app(services=services)
    builtin = [m for listener in app._listeners for m in listener.matchers
               if isinstance(m, BuiltinListenerMatcher)]
    assert builtin and all(isinstance(m, BodyMatcher) for m in builtin)


def test_body_matcher_answers_as_bolt_does(services):
    app, _ = create_app(services=services)
    bodies = [{"command": "/lawcrm", "user_id": "U1", "text": ""}, {"command": "/other", "user_id": "U1"},
              {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "nope"}]},
              {"type": "event_callback", "event": {"type": "app_home_opened"}, "event_id": "Ev1"}]
    from slack_bolt import BoltRequest

    for body in bodies:
        req = BoltRequest(body=body, mode="socket_mode")
        for listener in app._listeners:
            for matcher in listener.matchers:
                if isinstance(matcher, BodyMatcher):
                    assert matcher.matches(req, BoltResponse(status=200)) == \
                        BuiltinListenerMatcher.matches(matcher, req, BoltResponse(status=200))


# -- retries ---------------------------------------------------------------------------------------------------
def test_a_retry_arriving_while_the_first_delivery_runs_has_no_effect(services, fake_slack):
    app, _ = create_app(services=services)
    runs: list[str] = []
    release = threading.Event()

    @app.event("app_mention")
    def mentioned(event):  # type: ignore[no-untyped-def]
        runs.append(event["text"])
        release.wait(10)

    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    mention = {"type": "app_mention", "user": "U0LAWYER1", "text": "hi", "channel": "C0GENERAL",
               "ts": "1.0", "event_ts": "1.0"}
    try:
        assert driver.event(mention, event_id="Ev0SLOW01").status == 200
        deadline = time.monotonic() + 5
        while not runs and time.monotonic() < deadline:
            time.sleep(0.01)
        for retry in (1, 2, 3):  # http_timeout retries: the first attempt is still running
            assert driver.event(mention, event_id="Ev0SLOW01", retry_num=retry).status == 200
    finally:
        release.set()
    time.sleep(0.3)
    assert runs == ["hi"]


def test_concurrent_duplicates_of_a_command_run_once(services, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    app, _ = create_app(services=services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    trigger = driver.trigger_id()
    with ThreadPoolExecutor(6) as pool:
        sent = list(pool.map(lambda n: driver.command("U0LAWYER1", "/lawcrm", "lang zh-CN", trigger_id=trigger,
                                                      retry_num=n or None), range(6)))
    assert [s.status for s in sent] == [200] * 6
    fake_slack.wait_for("response_url")
    fake_slack.settle(quiet=0.3)
    assert len(fake_slack.of("response_url")) == 1
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(SlackReceipt)).scalar_one() == 1


def test_a_duplicate_view_submission_runs_none_of_its_listener(services, fake_slack):
    app, _ = create_app(services=services)
    runs: list[str] = []

    @app.view("probe-view")
    def submitted(ack, body):  # type: ignore[no-untyped-def]
        runs.append(body["view"]["id"])  # work before the answer (validation, a write)
        ack(response_action="errors", errors={"b": "no"})

    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    payload = driver._base("U0LAWYER1", "view_submission")
    payload["view"] = {"id": "V0PROBE", "type": "modal", "callback_id": "probe-view", "state": {"values": {}}}
    first = driver.interactive(payload)
    again = driver.interactive(payload, retry_num=1)
    assert json.loads(first.response.body)["response_action"] == "errors"
    assert again.status == 200 and not again.response.body
    assert runs == ["V0PROBE"]


# -- a burst over HTTP -----------------------------------------------------------------------------------------
def test_a_burst_of_commands_is_acked_in_time_and_each_answered_once(services, fake_slack):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    app, _ = create_app(services=services)
    server = Served(app, services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    requests = []
    for _ in range(60):
        body = driver.command_body(user="U0LAWYER1", command="/lawcrm", text="whoami")
        requests.append((body, {k: v[0] for k, v in driver.headers(body, content_type=FORM).items()}))

    def send(item: tuple[str, dict[str, str]]) -> tuple[int, float]:
        started = time.monotonic()
        status, _ = server.request("POST", "/slack/events", *item)
        return status, time.monotonic() - started

    try:
        with ThreadPoolExecutor(30) as pool:
            answers = list(pool.map(send, requests))
        assert [status for status, _ in answers] == [200] * len(requests)
        assert max(took for _, took in answers) < 3.0
        replies = fake_slack.wait_for("response_url", count=len(requests), timeout=30)
        fake_slack.settle(quiet=0.3)
        assert len(fake_slack.of("response_url")) == len(requests)
        assert len({c.params["_url"] for c in replies}) == len(requests)
    finally:
        server.stop()


def test_waitress_queue_warnings_are_one_per_interval(caplog):
    import logging

    from bot.http import OncePerInterval

    queue_log = logging.getLogger("tests.waitress.queue")
    limiter = OncePerInterval(seconds=0.2)
    queue_log.addFilter(limiter)
    try:
        with caplog.at_level(logging.WARNING, logger="tests.waitress.queue"):
            for depth in range(50):
                queue_log.warning("Task queue depth is %d", depth)
            time.sleep(0.25)
            queue_log.warning("Task queue depth is %d", 99)
        assert [r.getMessage() for r in caplog.records] == ["Task queue depth is 0", "Task queue depth is 99"]
        assert caplog.records[1].similar_dropped == 49
    finally:
        queue_log.removeFilter(limiter)


def test_the_production_server_rate_limits_waitress_queue_warnings(services):
    import logging

    from bot.http import QUEUE_WARNINGS, create_http_server

    app, _ = create_app(services=services)
    create_http_server(app, services, host="127.0.0.1", port=0).close()
    assert logging.getLogger("waitress.queue").filters.count(QUEUE_WARNINGS) == 1
