"""`/complaint` sub-commands: `list` for every role (never a 500), and usage help for anything unknown."""

from __future__ import annotations

import sys
import threading
import time
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.flows.workdays import WorkCalendar
from bot.middleware import StickyAck
from tests.complaint_support import make_staff

# The frame of Bolt's listener thread that reads `ack.response` just after it set the request's
# answer to a 500 and just before it takes it back (slack_bolt.listener.thread_runner).
BOLT_ERROR_FRAME = "run_ack_function_asynchronously"


@pytest.fixture
def slow_bolt_error_path(monkeypatch):
    """Hold Bolt's listener-error path open while the request thread reads its answer.

    A listener that raises after ack() leaves, for a few bytecodes, a provisional 500 where the
    request thread may read it (Slack then sees a 500 although the user was acknowledged). Here
    the request thread waits (at most 1 s) for the listener thread to reach that window, which
    is held open for 0.2 s: the race happens on every request instead of now and then.
    """
    entered = threading.Event()
    real = StickyAck.response

    def response(self):  # type: ignore[no-untyped-def]
        answer = real.fget(self)
        if sys._getframe(1).f_code.co_name == BOLT_ERROR_FRAME:
            entered.set()
            time.sleep(0.2)
        elif answer is not None and threading.current_thread() is threading.main_thread():
            entered.wait(1.0)
        return answer

    monkeypatch.setattr(StickyAck, "response", property(response, real.fset))
    return entered


def test_list_as_an_assistant_is_never_answered_with_a_500(services, slack, fake_slack, slow_bolt_error_path):
    make_staff(services, "U0ASSIST", "assistant", "Han Meimei")
    sent = slack.command("U0ASSIST", "/complaint", "list")
    assert sent.status == 200
    reply = fake_slack.wait_for("response_url")[-1].params
    assert reply["response_type"] == "ephemeral" and "Only partners" in reply["text"]


@pytest.mark.parametrize("role", ["assistant", "lawyer", "client_service", "partner"])
def test_list_repeated_and_concurrent_always_answers_200(services, slack, fake_slack, role):
    make_staff(services, "U0ME", role, "Me")
    statuses: list[int] = []

    def run() -> None:
        for _ in range(10):
            statuses.append(slack.command("U0ME", "/complaint", "list").status)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert statuses == [200] * 30
    fake_slack.wait_for("response_url", 30)


def test_one_calendar_shared_by_threads_gives_the_same_working_days_as_alone():
    """The list and the clock jobs share the firm's calendar; `holidays` fills years in lazily."""
    days = [date(year, 1, 1) + timedelta(days=i) for year in range(2000, 2040) for i in range(0, 365, 3)]
    alone = WorkCalendar(tz=ZoneInfo("Asia/Shanghai"), country="CN")
    expected = {d: alone.is_working_day(d) for d in days}
    for _ in range(3):
        shared = WorkCalendar(tz=ZoneInfo("Asia/Shanghai"), country="CN")
        got: dict[date, bool] = {}
        errors: list[BaseException] = []
        barrier = threading.Barrier(8)

        def run(k: int) -> None:
            barrier.wait()
            try:
                for d in days[k::8]:
                    got[d] = shared.is_working_day(d)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == [] and got == expected


@pytest.mark.parametrize("locale,text,expected", [
    ("en", "blah", ("I don't know `/complaint blah`", "`/complaint list` lists")),
    ("zh-CN", "blah", ("无法识别 `/complaint blah`", "打开表单登记客户投诉")),
    ("en", "list all", ("I don't know `/complaint list all`", "`/complaint list` lists")),
    ("en", "<!channel>", ("&lt;!channel&gt;", "`/complaint list` lists")),
])
def test_an_unknown_subcommand_answers_with_the_usage_and_opens_nothing(services, slack, fake_slack, locale, text,
                                                                      expected):
    make_staff(services, "U0CS", "client_service", "Zhao Min", locale=locale)
    sent = slack.command("U0CS", "/complaint", text)
    assert sent.status == 200
    reply = fake_slack.wait_for("response_url")[-1].params
    assert reply["response_type"] == "ephemeral"
    for part in expected:
        assert part in reply["text"]
    assert "<!channel>" not in reply["text"]
    fake_slack.settle()
    assert not fake_slack.of("views.open")


@pytest.mark.parametrize("text", ["help", "帮助"])
def test_help_answers_with_the_usage_only(services, slack, fake_slack, text):
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    slack.command("U0CS", "/complaint", text)
    reply = fake_slack.wait_for("response_url")[-1].params["text"]
    assert reply.startswith("`/complaint` opens the form") and "I don't know" not in reply


@pytest.mark.parametrize("text", ["", "  "])
def test_no_subcommand_still_opens_the_form(services, slack, fake_slack, text):
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    slack.command("U0CS", "/complaint", text)
    assert slack.opened_view()["callback_id"]


@pytest.mark.parametrize("text", ["list", "LIST", " list ", "列表"])
def test_list_spellings_list(services, slack, fake_slack, text):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    slack.command("U0PARTNER", "/complaint", text)
    assert "No open complaints." in fake_slack.wait_for("response_url")[-1].params["text"]
