"""The test harness itself: waits are for the app's work, never for a guess of how long it takes."""

from __future__ import annotations

import threading
import time

import pytest

from bot.console.executor import TrackingExecutor
from bot.console.fake_slack import FakeSlack
from bot.ids import Command
from tests.support import make_staff


def test_settle_waits_for_a_listener_that_works_without_calling_slack(fake_slack: FakeSlack) -> None:
    done = threading.Event()
    pool = TrackingExecutor(2)
    fake_slack.watch(pool.wait_idle)
    try:
        pool.submit(lambda: (time.sleep(0.6), done.set()))
        fake_slack.settle(quiet=0.05)
        assert done.is_set()
    finally:
        pool.shutdown(wait=True)


def test_opened_view_is_the_modal_of_the_latest_request(services, slack, fake_slack) -> None:  # type: ignore[no-untyped-def]
    make_staff(services, "U0A", "lawyer")
    make_staff(services, "U0B", "lawyer")
    slack.command("U0A", Command.INTAKE)
    first = slack.opened_view()
    slack.command("U0B", Command.INTAKE)
    second = slack.opened_view()
    assert second["id"] != first["id"]
    fake_slack.settle()
    slack.command("U0B", Command.CONFLICT, "Acme")  # answers in place: no modal
    with pytest.raises(AssertionError, match="no views.open"):
        slack.opened_view(timeout=0.3)
