"""Hearings and deadlines: `/hearing`, the card's form, and the digest that shows them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.flows.hearings import parse_hearing_command
from bot.flows.errors import InvalidInput
from bot.ids import ClientEditAction as CE
from bot.ids import ClientEditBlock as B
from bot.ids import ClientEditView as V
from bot.ids import Command
from storage.models import AuditEvent, ImportantDate, Matter
from tests.support import make_staff
from tests.upkeep_support import job_context, make_client, make_matter, run_jobs


@pytest.fixture
def matter(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LEAD", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Chen Jie")
    acme = make_client(services, "Acme Trading Ltd", team={"U0LEAD": "lead_lawyer"})
    mid = make_matter(services, acme, lead="U0LEAD")
    with services.session() as session:
        return session.get(Matter, mid).number


def _reply(fake_slack, n=1):
    return fake_slack.wait_for("response_url", count=n)[n - 1].params["text"]


def _dates(services):
    with services.session() as session:
        return [(d.kind, d.on_date, d.at_time, d.authority, d.label) for d in
                session.execute(select(ImportantDate).order_by(ImportantDate.id)).scalars()]


def test_hearing_command_records_a_hearing_and_a_deadline(services, slack, fake_slack, matter):
    slack.command("U0LEAD", Command.HEARING, f"{matter} 2026-12-15 09:30 Haidian Court; first hearing")
    assert f"Added a hearing on 2026-12-15 09:30 to `{matter}`" in _reply(fake_slack)
    slack.command("U0LEAD", Command.HEARING, f"{matter.lower()} 期限 2027年1月5日 file the appeal")
    assert "Added a deadline on 2027-01-05" in _reply(fake_slack, 2)
    assert _dates(services) == [
        ("hearing", date(2026, 12, 15), "09:30", "Haidian Court", "first hearing"),
        ("deadline", date(2027, 1, 5), None, None, "file the appeal")]
    with services.session() as session:
        events = [e for e in session.execute(select(AuditEvent)).scalars() if e.entity == "important_date"]
    assert [e.fields for e in events] == [["at_time", "authority", "kind", "label", "matter_id", "on_date"],
                                          ["kind", "label", "matter_id", "on_date"]]
    assert "Haidian" not in json.dumps([e.fields for e in events])


@pytest.mark.parametrize("text, expected", [
    ("", "Write `/hearing MATTER"),
    ("{m}", "Write `/hearing MATTER"),
    ("{m} 2026-13-01 court", "is not a date"),
    ("{m} tomorrow 09:30", "is not a date"),
    ("{m} 2026-12-15 25:00 court", "Not a time"),
    ("{m} 2026-11-20 09:30 court", "That date has passed"),
    ("2099-LIT-9999 2026-12-15 court", "No matter `2099-LIT-9999`"),
    ("{m} 2026-12-15 Haidian\u202e Court; first hearing", "direction"),
])
def test_bad_hearing_commands_say_why_and_record_nothing(services, slack, fake_slack, matter, text, expected):
    slack.command("U0LEAD", Command.HEARING, text.format(m=matter))
    assert expected in _reply(fake_slack)
    assert _dates(services) == []


def test_someone_not_on_the_matter_cannot_add_a_hearing(services, slack, fake_slack, matter):
    slack.command("U0OTHER", Command.HEARING, f"{matter} 2026-12-15 court")
    assert f"No matter `{matter}`" in _reply(fake_slack)
    slack.command("U0PARTNER", Command.HEARING, f"{matter} 2026-12-15 court")
    assert "Added a hearing" in _reply(fake_slack, 2)
    assert len(_dates(services)) == 1


def test_parse_hearing_command():
    h = parse_hearing_command("2026-LIT-0001 deadline 2026/12/20 9:05 Beijing IP Court；evidence due")
    assert (h.matter_number, h.kind, h.on, h.at, h.authority, h.what) == (
        "2026-LIT-0001", "deadline", date(2026, 12, 20), "09:05", "Beijing IP Court", "evidence due")
    with pytest.raises(InvalidInput):
        parse_hearing_command("2026-LIT-0001 2026-02-30")


def test_the_card_form_adds_a_hearing_to_an_open_matter(services, slack, fake_slack, matter):
    with services.session() as session:
        client_id = session.execute(select(Matter.client_id)).scalar_one()
    slack.click("U0LEAD", CE.HEARING, str(client_id))
    fake_slack.wait_for("views.update")
    view = fake_slack.views[fake_slack.of("views.update")[-1].answer["view"]["id"]]
    assert view["callback_id"] == V.HEARING
    sent = slack.submit("U0LEAD", view["id"], {B.ON: "2026-11-01", B.AT: "09:30"})
    assert sent.json["response_action"] == "errors" and set(sent.json["errors"]) == {B.ON}
    sent = slack.submit("U0LEAD", view["id"], {B.ON: "2026-12-15", B.AT: "14:00", B.KIND: "hearing",
                                               B.AUTHORITY: "Chaoyang Court", B.WHAT: "evidence exchange"})
    assert "response_action" not in sent.json
    assert "Added a hearing on 2026-12-15 14:00" in fake_slack.wait_for("chat.postMessage")[0].params["text"]
    assert _dates(services) == [("hearing", date(2026, 12, 15), "14:00", "Chaoyang Court", "evidence exchange")]
    # someone not on the team gets a refusal instead of the form
    slack.click("U0OTHER", CE.HEARING, str(client_id))
    fake_slack.wait_for("views.update", count=2)
    refused = fake_slack.views[fake_slack.of("views.update")[-1].answer["view"]["id"]]
    assert refused["callback_id"] == V.NOTICE


def test_the_digest_shows_the_hearing_the_day_before_with_time_and_court(services, slack, fake_slack, matter,
                                                                          clock):
    slack.command("U0LEAD", Command.HEARING, f"{matter} 2026-12-15 09:30 Haidian Court; first hearing")
    _reply(fake_slack)
    clock.set(datetime(2026, 12, 14, 1, 0, tzinfo=UTC))        # Monday 09:00 in Shanghai
    run_jobs(job_context(services))
    [digest] = [json.dumps(m["blocks"], ensure_ascii=False) for m in fake_slack.messages_to("U0LEAD")
                 if "Tomorrow" in json.dumps(m)]
    assert "Tomorrow: hearing" in digest and "Acme Trading Ltd" in digest
    assert "09:30 · first hearing · Haidian Court" in digest


def test_the_lead_lawyers_assistant_adds_court_dates_in_chinese(services, slack, fake_slack, matter):
    make_staff(services, "U0ASSIST", "assistant", "韩梅梅", locale="zh-CN")
    from bot.flows import directory
    with services.session() as session:
        directory.assign_assistant(session, by="test", assistant_slack_id="U0ASSIST", lawyer_slack_id="U0LEAD")
    slack.command("U0ASSIST", Command.HEARING, f"{matter} 开庭 2026年12月15日 14:30 海淀区人民法院；证据交换")
    assert f"已为 `{matter}`（*Acme Trading Ltd*）添加开庭：2026-12-15 14:30" in _reply(fake_slack)
    assert _dates(services) == [("hearing", date(2026, 12, 15), "14:30", "海淀区人民法院", "证据交换")]
