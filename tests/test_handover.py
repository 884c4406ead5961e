"""Hand-over when a lawyer leaves: `lawcrm staff remove` (--to, --plan CSV) and `/lawcrm handover` in Slack."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from bot.blocks.teams import PAGE_SIZE
from bot.cli import build_cli
from bot.ids import TeamAction, TeamBlock, TeamView
from storage.models import AuditEvent, ClientTeamMember, FollowUp, Matter, MatterTeamMember, Staff
from tests.support import make_staff, write_key_file
from tests.upkeep_support import (add_follow_up, job_context, make_client, make_matter, run_jobs,
                                  staff_id)


@pytest.fixture
def cli(db_url: str, tmp_path: Path, test_keyring):  # type: ignore[no-untyped-def]
    """Run `lawcrm …` against the test database."""
    write_key_file(tmp_path / "keys.json", test_keyring)
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}

    def run(*args: str) -> Result:
        return CliRunner().invoke(build_cli(), list(args), env=env, catch_exceptions=False)

    return run


def _people(services):
    make_staff(services, "U0PARTNER", "partner", "Pat Partner")
    make_staff(services, "U0LEAVE", "lawyer", "Leo Leaving")
    make_staff(services, "U0NEW", "lawyer", "Nia New")
    make_staff(services, "U0OTHER", "lawyer", "Oto Other")
    make_staff(services, "U0ASST", "assistant", "Ann Assistant")


def _book(services, clients=3, matters=2):
    """The leaver leads `clients` clients (with open follow-ups) and `matters` open matters."""
    ids = [make_client(services, f"Client {i:03d}", tier="potential",
                       team={"U0LEAVE": "lead_lawyer", "U0ASST": "assistant"}) for i in range(clients)]
    mids = [make_matter(services, ids[i % len(ids)], lead="U0LEAVE") for i in range(matters)]
    closed = make_matter(services, ids[0], lead="U0LEAVE", status="closed")
    fus = [add_follow_up(services, cid, "U0LEAVE", date(2026, 12, 1)) for cid in ids[:2]]
    return ids, mids, closed, fus


def _leads(services, client_id):
    with services.session() as session:
        return sorted(session.execute(
            select(Staff.slack_user_id).join(ClientTeamMember, ClientTeamMember.staff_id == Staff.id)
            .where(ClientTeamMember.client_id == client_id, ClientTeamMember.role == "lead_lawyer")).scalars())


def _active(services, uid):
    with services.session() as session:
        return session.execute(select(Staff.active).where(Staff.slack_user_id == uid)).scalar_one()


def _audit(services, action, entity=None):
    with services.session() as session:
        stmt = select(AuditEvent).where(AuditEvent.action == action)
        if entity:
            stmt = stmt.where(AuditEvent.entity == entity)
        return session.execute(stmt.order_by(AuditEvent.seq)).scalars().all()


def _matter_lead(services, mid):
    with services.session() as session:
        lead = session.get(Matter, mid).lead_lawyer_id
        return session.get(Staff, lead).slack_user_id


def _owner(services, fid):
    with services.session() as session:
        return session.get(Staff, session.get(FollowUp, fid).owner_id).slack_user_id


# --- the command line ----------------------------------------------------------------------------

def test_remove_is_refused_while_they_lead_clients(services, cli):
    _people(services)
    ids, mids, _, _ = _book(services, clients=2, matters=1)
    result = cli("staff", "remove", "U0LEAVE")
    assert result.exit_code != 0
    assert "2 clients and 1 open matters" in result.output and "--to" in result.output
    assert _active(services, "U0LEAVE") and _leads(services, ids[0]) == ["U0LEAVE"]
    # someone who leads nothing is removed as before
    assert cli("staff", "remove", "U0ASST").exit_code == 0
    assert not _active(services, "U0ASST")


def test_remove_hands_many_clients_to_one_person(services, cli):
    _people(services)
    ids, mids, closed, fus = _book(services, clients=120, matters=30)
    leaver = staff_id(services, "U0LEAVE")
    with services.session() as session:
        session.add(MatterTeamMember(matter_id=mids[0], staff_id=leaver, role="lawyer"))
    result = cli("staff", "remove", "U0LEAVE", "--to", "U0NEW")
    assert result.exit_code == 0, result.output
    assert "120 clients, 30 matters, 2 follow-ups" in result.output
    assert not _active(services, "U0LEAVE")
    assert all(_leads(services, cid) == ["U0NEW"] for cid in ids)
    assert all(_matter_lead(services, m) == "U0NEW" for m in mids)
    assert _matter_lead(services, closed) == "U0LEAVE"          # history stays
    assert {_owner(services, f) for f in fus} == {"U0NEW"}
    leaver, new = staff_id(services, "U0LEAVE"), staff_id(services, "U0NEW")
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(ClientTeamMember).where(
            ClientTeamMember.staff_id == leaver)).scalar_one() == 0
        assert session.execute(select(MatterTeamMember.staff_id).where(
            MatterTeamMember.matter_id == mids[0])).scalar_one() == new
    # audited: each client, matter and follow-up, the deactivation and one summary; no client data
    assert len(_audit(services, "handover", "client")) == 120
    assert len(_audit(services, "handover", "matter")) == 30
    assert len(_audit(services, "handover", "follow_up")) == 2
    [summary] = _audit(services, "handover", "staff")
    assert summary.actor == "system:cli" and summary.fields == ["clients", "follow_ups", "matters"]
    assert summary.entity_id == str(staff_id(services, "U0LEAVE"))
    assert len(_audit(services, "deactivate", "staff")) == 1
    assert all("Client" not in str(e.fields) for e in _audit(services, "handover"))


def test_remove_to_someone_who_cannot_lead_changes_nothing(services, cli):
    _people(services)
    ids, mids, _, fus = _book(services)
    for target in ("U0ASST", "U0LEAVE", "U0NOBODY"):
        result = cli("staff", "remove", "U0LEAVE", "--to", target)
        assert result.exit_code != 0 and "can't take clients over" in result.output, target
    cli("staff", "remove", "U0NEW")
    result = cli("staff", "remove", "U0LEAVE", "--to", "U0NEW")      # now inactive
    assert result.exit_code != 0
    assert _active(services, "U0LEAVE") and _leads(services, ids[0]) == ["U0LEAVE"]
    assert _owner(services, fus[0]) == "U0LEAVE" and _audit(services, "handover") == []


def test_a_csv_plan_maps_each_client_and_refuses_bad_lines(services, cli, tmp_path):
    _people(services)
    ids, mids, _, fus = _book(services, clients=3, matters=2)
    plan = tmp_path / "plan.csv"
    assert cli("staff", "handover-plan", "U0LEAVE", "--out", str(plan)).exit_code == 0
    lines = plan.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "type,ref,name,roles,to" and len(lines) == 1 + 3 + 2
    with services.session() as session:
        numbers = [session.get(Matter, m).number for m in mids]
    # a bad plan: an unknown client, a matter twice with two people: refused with line numbers
    plan.write_text("type,ref,name,to\n"
                    f"client,{ids[0]},x,U0NEW\nclient,99999,x,U0NEW\nmatter,{numbers[0]},x,U0NEW\n"
                    f"matter,{numbers[0]},x,U0OTHER\n", encoding="utf-8")
    result = cli("staff", "remove", "U0LEAVE", "--plan", str(plan), "--to", "U0NEW")
    assert result.exit_code != 0
    assert "plan.csv:3:" in result.output and "plan.csv:5:" in result.output
    assert "plan.csv:4:" not in result.output and "nothing was changed" in result.output
    assert _active(services, "U0LEAVE")
    # a plan that leaves a client without anyone is refused too
    plan.write_text(f"type,ref,to\nclient,{ids[0]},U0NEW\n", encoding="utf-8")
    result = cli("staff", "remove", "U0LEAVE", "--plan", str(plan))
    assert result.exit_code != 0 and "no client may be left without a lead" in result.output
    assert _leads(services, ids[0]) == ["U0LEAVE"]
    # Chinese headers, GB18030 as Chinese Excel saves it; the rest to one person with --to
    plan.write_bytes(("类型,编号,接手人\n"
                      f"客户,{ids[0]},U0OTHER\n案件,{numbers[1]},<@U0OTHER|oto>\n").encode("gb18030"))
    result = cli("staff", "remove", "U0LEAVE", "--plan", str(plan), "--to", "U0NEW")
    assert result.exit_code == 0, result.output
    assert _leads(services, ids[0]) == ["U0OTHER"] and _leads(services, ids[1]) == ["U0NEW"]
    assert _matter_lead(services, mids[1]) == "U0OTHER" and _matter_lead(services, mids[0]) == "U0NEW"
    assert _owner(services, fus[0]) == "U0OTHER" and _owner(services, fus[1]) == "U0NEW"
    assert not _active(services, "U0LEAVE")


def test_the_leaver_as_partner_of_a_client_is_dropped_not_given_to_a_lawyer(services, cli):
    _people(services)
    make_staff(services, "U0P2", "partner", "Second Partner")
    c = make_client(services, "Partnered", team={"U0P2": "partner", "U0NEW": "lead_lawyer"})
    d = make_client(services, "Led", team={"U0P2": "lead_lawyer"})
    result = cli("staff", "remove", "U0P2", "--to", "U0NEW")
    assert result.exit_code == 0, result.output
    with services.session() as session:
        roles = sorted(session.execute(select(ClientTeamMember.role).where(ClientTeamMember.client_id == c)).scalars())
    assert roles == ["lead_lawyer"] and _leads(services, c) == ["U0NEW"] and _leads(services, d) == ["U0NEW"]


# --- Slack ---------------------------------------------------------------------------------------

def _item_blocks(view):
    return [b for b in view["blocks"] if str(b.get("block_id", "")).startswith(TeamBlock.HANDOVER_ITEM_PREFIX)]


def test_partner_hands_over_in_slack_across_pages(services, slack, fake_slack):
    _people(services)
    ids, mids, _, fus = _book(services, clients=PAGE_SIZE + 15, matters=10)
    slack.command("U0PARTNER", "/lawcrm", "handover <@U0LEAVE|leo>")
    view = slack.opened_view()
    assert view["callback_id"] == TeamView.HANDOVER and len(view["blocks"]) <= 100
    assert len(_item_blocks(view)) == PAGE_SIZE and "Page 1 of 2" in str(view["blocks"])
    # "all to" refills every select on the page
    slack.click("U0PARTNER", TeamAction.HANDOVER_ALL, view_id=view["id"], block_id=TeamBlock.HANDOVER_ALL,
                selected="U0NEW", answers={})
    fake_slack.wait_for("views.update")
    view = fake_slack.views[view["id"]]
    assert {b["element"]["initial_option"]["value"] for b in _item_blocks(view)} == {"U0NEW"}
    # change one item on page 1, turn the page, change one there, and submit
    first = _item_blocks(view)[0]["block_id"]
    slack.click("U0PARTNER", TeamAction.HANDOVER_NEXT, "1", view_id=view["id"], answers={first: "U0OTHER"})
    fake_slack.wait_for("views.update", 2)
    view = fake_slack.views[view["id"]]
    items = _item_blocks(view)
    assert len(items) == 25 and "Page 2 of 2" in str(view["blocks"])
    last = items[-1]["block_id"]                      # the last open matter
    sent = slack.submit("U0PARTNER", view["id"], {last: "U0OTHER"})
    assert sent.status == 200 and not sent.json
    fake_slack.wait_for("chat.postMessage", 3)
    assert _leads(services, ids[0]) == ["U0OTHER"]                    # "Client 000", first on page 1
    assert all(_leads(services, cid) == ["U0NEW"] for cid in ids[1:])
    assert sorted(_matter_lead(services, m) for m in mids).count("U0OTHER") == 1
    assert not _active(services, "U0LEAVE")
    assert {_owner(services, f) for f in fus} == {"U0OTHER", "U0NEW"}
    [summary] = _audit(services, "handover", "staff")
    assert summary.actor == f"staff:{staff_id(services, 'U0PARTNER')}"
    assert "handed over" in fake_slack.messages_to("U0PARTNER")[-1]["text"]
    assert "handed you 63" in fake_slack.messages_to("U0NEW")[-1]["text"]
    assert "handed you 2" in fake_slack.messages_to("U0OTHER")[-1]["text"]


def test_slack_refuses_a_plan_that_leaves_a_client_without_a_lead(services, slack, fake_slack):
    _people(services)
    ids, _, _, _ = _book(services, clients=2, matters=0)
    slack.command("U0PARTNER", "/lawcrm", "handover U0LEAVE")
    view = slack.opened_view()
    first = _item_blocks(view)[0]["block_id"]
    sent = slack.submit("U0PARTNER", view["id"], {first: "U0NEW"})
    assert sent.json["response_action"] == "errors"
    assert "without a lead" in sent.json["errors"][TeamBlock.HANDOVER_ALL]
    sent = slack.submit("U0PARTNER", view["id"], {TeamBlock.HANDOVER_ALL: "U0ASST"} | {
        b["block_id"]: "U0ASST" for b in _item_blocks(view)})
    assert "can't take clients over" in sent.json["errors"][TeamBlock.HANDOVER_ALL]
    assert _active(services, "U0LEAVE") and _leads(services, ids[1]) == ["U0LEAVE"]
    assert _audit(services, "handover") == []


def test_a_suggested_person_is_prefilled(services, slack, fake_slack):
    _people(services)
    c = make_client(services, "Shared", team={"U0LEAVE": "lead_lawyer", "U0OTHER": "lawyer"})
    slack.command("U0PARTNER", "/lawcrm", "handover U0LEAVE")
    view = slack.opened_view()
    [item] = _item_blocks(view)
    assert item["element"]["initial_option"]["value"] == "U0OTHER"
    assert "U0LEAVE" not in {o["value"] for o in item["element"]["options"]}
    slack.submit("U0PARTNER", view["id"], {})
    fake_slack.wait_for("chat.postMessage")
    assert _leads(services, c) == ["U0OTHER"]


def test_only_partners_hand_over(services, slack, fake_slack):
    _people(services)
    _book(services, clients=1, matters=0)
    slack.command("U0NEW", "/lawcrm", "handover U0LEAVE")
    reply = fake_slack.wait_for("response_url")[0].params
    assert "does not allow this" in reply["text"]
    assert not fake_slack.of("views.open") and _active(services, "U0LEAVE")
    slack.command("U0PARTNER", "/lawcrm", "handover U0NOBODY")
    assert "not in the staff directory" in fake_slack.wait_for("response_url", 2)[-1].params["text"]


def test_the_digest_goes_to_the_new_lead_after_a_hand_over(services, cli, fake_slack, clock):
    _people(services)
    c = make_client(services, "Quiet Co", tier="potential", team={"U0LEAVE": "lead_lawyer"})
    assert cli("staff", "remove", "U0LEAVE", "--to", "U0NEW").exit_code == 0
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    run_jobs(job_context(services))
    assert "Quiet Co" in str(fake_slack.messages_to("U0NEW")[-1]["blocks"])
    assert fake_slack.messages_to("U0LEAVE") == []
    assert _leads(services, c) == ["U0NEW"]


def test_someone_who_holds_nothing_is_deactivated_from_the_form(services, slack, fake_slack):
    _people(services)
    slack.command("U0PARTNER", "/lawcrm", "handover U0ASST")
    view = slack.opened_view()
    assert "holds no clients or open matters" in str(view["blocks"]) and not _item_blocks(view)
    sent = slack.submit("U0PARTNER", view["id"], {})
    assert sent.status == 200 and not sent.json
    fake_slack.wait_for("chat.postMessage")
    assert not _active(services, "U0ASST")
    assert [e.fields for e in _audit(services, "handover", "staff")] == [None]


def test_clients_of_someone_already_removed_can_still_be_handed_over(services, slack, fake_slack):
    _people(services)
    ids, mids, _, _ = _book(services, clients=2, matters=1)
    with services.session() as session:     # removed before hand-over existed
        session.execute(select(Staff).where(Staff.slack_user_id == "U0LEAVE")).scalar_one().active = False
    slack.command("U0PARTNER", "/lawcrm", "handover U0LEAVE")
    view = slack.opened_view()
    assert len(_item_blocks(view)) == 3
    slack.submit("U0PARTNER", view["id"], {TeamBlock.HANDOVER_ALL: "U0OTHER"})
    fake_slack.wait_for("chat.postMessage", 2)
    assert [_leads(services, c) for c in ids] == [["U0OTHER"], ["U0OTHER"]]
    assert _matter_lead(services, mids[0]) == "U0OTHER"
    assert _audit(services, "deactivate") == [] and len(_audit(services, "handover", "staff")) == 1
