"""Quarterly re-confirmation: the lead lawyer's list, exactly once a quarter, Still correct / Edit."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.ids import ClientEditAction as CE
from bot.ids import ClientEditBlock as B
from bot.ids import ClientEditView as V
from storage.models import AuditEvent, Client
from tests.support import make_staff
from tests.upkeep_support import job_context, make_client, run_jobs

DEC_1 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)        # Tuesday 09:00 in Shanghai
MAR_1 = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)         # Monday 09:00 in Shanghai


@pytest.fixture
def book(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LEAD", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Chen Jie")
    lead = {"U0LEAD": "lead_lawyer", "U0PARTNER": "partner"}
    ids = {
        "stale": make_client(services, "Stale Co", team=lead),
        "confirmed_last_quarter": make_client(services, "Old Confirm Co", team=lead),
        "confirmed": make_client(services, "Fresh Co", team=lead),
        "changed": make_client(services, "Changed Co", team=lead),
        "new": make_client(services, "New Co", team=lead, created_at=datetime(2026, 10, 9, tzinfo=UTC)),
        "lost": make_client(services, "Gone Co", tier="lost", status="lost", team=lead),
        "partner_only": make_client(services, "Partner Only Co", team={"U0PARTNER": "partner"}),
    }
    with services.session() as session:
        session.get(Client, ids["confirmed_last_quarter"]).details_confirmed_at = datetime(2026, 9, 30, tzinfo=UTC)
        session.get(Client, ids["confirmed"]).details_confirmed_at = datetime(2026, 10, 2, tzinfo=UTC)
        session.get(Client, ids["changed"]).details_changed_at = datetime(2026, 11, 2, tzinfo=UTC)
    return ids


def _lists(fake_slack, user):
    return [m for m in fake_slack.messages_to(user) if "Re-confirm client details" in json.dumps(m)]


def _names(message):
    return [b["text"]["text"].strip("*") for b in message["blocks"]
            if b["type"] == "section" and b["text"]["text"].startswith("*")]


def test_the_quarterly_list_goes_to_the_lead_once_a_quarter(services, slack, fake_slack, clock, book):
    ctx = job_context(services)
    run_jobs(ctx)                                   # 23 Nov: not yet the quarter's last month
    assert _lists(fake_slack, "U0LEAD") == []
    clock.set(DEC_1)
    report, _ = run_jobs(ctx)
    assert report.reconfirm_lists == 2
    [lead_list] = _lists(fake_slack, "U0LEAD")
    assert _names(lead_list) == ["Stale Co", "Old Confirm Co"]
    assert "2026-Q4" in json.dumps(lead_list)
    buttons = [(e["action_id"], e["value"]) for b in lead_list["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    assert buttons[:2] == [(CE.STILL_CORRECT, str(book["stale"])), (CE.EDIT, str(book["stale"]))]
    [partner_list] = _lists(fake_slack, "U0PARTNER")     # no lead on that client: its partner
    assert _names(partner_list) == ["Partner Only Co"]
    # the same day again, and the next days: nothing more this quarter
    run_jobs(ctx)
    clock.set(datetime(2026, 12, 2, 1, 0, tzinfo=UTC))
    report, _ = run_jobs(ctx)
    assert report.reconfirm_lists == 0 and len(_lists(fake_slack, "U0LEAD")) == 1
    # next quarter the list comes again (the clients were not confirmed in that quarter)
    clock.set(MAR_1)
    run_jobs(ctx)
    assert sorted(_names(_lists(fake_slack, "U0LEAD")[-1])) == ["Changed Co", "Fresh Co", "New Co",
                                                                "Old Confirm Co", "Stale Co"]


def test_still_correct_confirms_and_updates_the_item(services, slack, fake_slack, clock, book):
    clock.set(DEC_1)
    run_jobs(job_context(services))
    [message] = _lists(fake_slack, "U0LEAD")
    call = next(c for c in fake_slack.of("chat.postMessage") if c.params.get("channel") == "U0LEAD"
                and "Re-confirm" in json.dumps(c.params))
    ref = {"channel": call.answer["channel"], "ts": call.answer["ts"], "blocks": message["blocks"]}
    # someone not on the client's team is refused
    slack.click("U0OTHER", CE.STILL_CORRECT, str(book["stale"]), message=ref)
    assert "No client you serve" in fake_slack.wait_for("response_url")[0].params["text"]
    clock.advance(hours=1)
    slack.click("U0LEAD", CE.STILL_CORRECT, str(book["stale"]), message=ref)
    update = fake_slack.wait_for("chat.update")[0].params
    shown = json.dumps(update["blocks"])
    assert "Confirmed by <@U0LEAD>" in shown and f"{B.RECONFIRM_PREFIX}{book['stale']}" not in shown
    with services.session() as session:
        assert session.get(Client, book["stale"]).details_confirmed_at == clock.now
        events = [e for e in session.execute(select(AuditEvent)).scalars() if e.action == "confirm"]
    assert [(e.entity, e.entity_id, e.fields) for e in events] == [
        ("client", str(book["stale"]), ["details_confirmed_at"])]
    # Edit opens the form
    slack.click("U0LEAD", CE.EDIT, str(book["confirmed_last_quarter"]), message=ref)
    fake_slack.wait_for("views.update")
    view = fake_slack.views[fake_slack.of("views.update")[-1].answer["view"]["id"]]
    assert view["callback_id"] == V.MAIN
