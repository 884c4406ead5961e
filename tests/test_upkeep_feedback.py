"""Digest buttons always show their result; a snooze moves the due date everyone reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.console.render import Renderer, Where
from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from storage.models import FollowUp
from tests.support import make_staff
from tests.upkeep_support import add_follow_up, add_note, job_context, make_client, run_jobs


def _seed(services):
    make_staff(services, "U0LEAD", "lawyer")
    c = make_client(services, "Acme Trading Ltd", tier="core", team={"U0LEAD": "lead_lawyer"})
    add_note(services, c, "U0LEAD", datetime(2026, 11, 20, tzinfo=UTC), channel="call")
    fid = add_follow_up(services, c, "U0LEAD", date(2026, 11, 20), title="send engagement letter")
    return c, fid


def _card(slack, fake_slack, n):
    slack.command("U0LEAD", "/client", "acme trading")
    return str(fake_slack.wait_for("response_url", n)[-1].params["blocks"])


def test_a_snoozed_follow_up_shows_its_new_due_date_on_the_card_and_in_later_digests(
        services, slack, fake_slack, clock):
    c, fid = _seed(services)
    assert "due 2026-11-20" in _card(slack, fake_slack, 1)
    run_jobs(job_context(services))
    [dm] = fake_slack.messages_to("U0LEAD")
    slack.click("U0LEAD", A.FOLLOWUP_SNOOZE, str(fid),
                message={"channel": "D0LEAD", "ts": "1700000001.000100", "blocks": dm["blocks"]})
    update = fake_slack.wait_for("chat.update")[0].params
    assert "Snoozed until 2026-11-24" in str(update["blocks"])
    card = _card(slack, fake_slack, 2)
    assert "due 2026-11-24" in card and "due 2026-11-20" not in card
    with services.session() as session:
        assert session.get(FollowUp, fid).due_on == date(2026, 11, 24)
    # the next morning's digest says it is due today, not overdue since the old date
    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    run_jobs(job_context(services))
    latest = str(fake_slack.messages_to("U0LEAD")[-1]["blocks"])
    assert "send engagement letter" in latest and "due today" in latest and "overdue" not in latest


def test_snooze_and_done_without_the_message_to_update_confirm_privately(services, slack, fake_slack):
    c, fid = _seed(services)
    fid2 = add_follow_up(services, c, "U0LEAD", date(2026, 11, 23), title="call back")
    # an ephemeral copy, or a client that sends no blocks: the clicker still sees the result
    slack.click("U0LEAD", A.FOLLOWUP_SNOOZE, str(fid), message={"channel": "D0LEAD", "ts": "1.2"})
    reply = fake_slack.wait_for("response_url")[0].params
    assert reply["response_type"] == "ephemeral"
    assert "Acme Trading Ltd" in reply["text"] and "2026-11-24" in reply["text"]
    slack.click("U0LEAD", A.FOLLOWUP_DONE, str(fid2), message={"channel": "D0LEAD", "ts": "1.2"})
    reply = fake_slack.wait_for("response_url", 2)[-1].params
    assert "Acme Trading Ltd" in reply["text"] and "done" in reply["text"]
    assert not fake_slack.of("chat.update")


def test_cadence_snooze_without_the_message_names_the_client(services, slack, fake_slack):
    make_staff(services, "U0LEAD", "lawyer")
    c = make_client(services, "Weekly Co", tier="potential", team={"U0LEAD": "lead_lawyer"})
    slack.click("U0LEAD", A.CADENCE_SNOOZE, str(c), message={"channel": "D0LEAD", "ts": "1.2"})
    reply = fake_slack.wait_for("response_url")[0].params
    assert "Weekly Co" in reply["text"] and "2026-11-30" in reply["text"]


def test_console_clicks_carry_the_clicked_messages_blocks():
    blocks = [{"type": "actions", "block_id": f"{B.ITEM_PREFIX}fu-1",
               "elements": [{"type": "button", "action_id": A.FOLLOWUP_SNOOZE, "value": "1",
                             "text": {"type": "plain_text", "text": "Snooze"}}]}]
    r = Renderer()
    r.message({"text": "digest", "blocks": blocks}, where=Where(channel="D0LEAD", ts="1.2", text="digest"))
    [item] = r.clickables
    assert item.message is not None and item.message["blocks"] == blocks


def test_migration_moves_a_pending_snooze_into_the_due_date(services):
    from sqlalchemy import text

    from storage import migrate

    c, fid = _seed(services)
    later = add_follow_up(services, c, "U0LEAD", date(2026, 12, 10), title="later")
    engine = services.engine
    migrate.downgrade(engine, "0006_follow_up_due-1")
    with engine.begin() as conn:      # as an old version left them: snoozed, and a stale snooze
        conn.execute(text("UPDATE follow_ups SET snoozed_until = :d WHERE id = :i"),
                     {"d": date(2026, 11, 25), "i": fid})
        conn.execute(text("UPDATE follow_ups SET snoozed_until = :d WHERE id = :i"),
                     {"d": date(2026, 11, 25), "i": later})
    migrate.upgrade(engine)
    with services.session() as session:
        assert session.get(FollowUp, fid).due_on == date(2026, 11, 25)
        assert session.get(FollowUp, later).due_on == date(2026, 12, 10)
