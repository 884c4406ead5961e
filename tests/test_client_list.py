"""`/client` with no name (issue 10): my clients with a search box, partners' filters (tier, lawyer,
practice area, tag), paging, and Export: the list as XLSX by DM through files.uploadV2, audited."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.flows import client_list
from bot.flows.client_list import ClientFilter
from bot.flows.directory import find_actor
from bot.ids import ClientListAction as A
from bot.ids import ClientListBlock as B
from bot.ids import Command
from storage.models import AuditEvent, Client, Matter
from tests.support import make_staff
from tests.upkeep_support import make_client, staff_id


def _tagged(services, client_id: int, tags) -> None:
    with services.session() as session:
        session.get(Client, client_id).tags = tags


def _matter(services, client_id: int, number: str, area: str, lead: str | None = None) -> None:
    with services.session() as session:
        session.add(Matter(number=number, client_id=client_id, practice_area=area, status="open",
                           lead_lawyer_id=staff_id(services, lead) if lead else None,
                           opened_at=datetime(2025, 1, 1, tzinfo=UTC)))


@pytest.fixture
def firm(services):
    """Two partners, two lawyers and their clients (tiers, areas, tags)."""
    make_staff(services, "U0PART1", "partner", "Partner One")
    make_staff(services, "U0PART2", "partner", "Partner Two")
    make_staff(services, "U0LAW1", "lawyer", "Li Lawyer")
    make_staff(services, "U0LAW2", "lawyer", "Wang Lawyer")
    ids = {
        "alpha": make_client(services, "Alpha Trading", tier="strategic",
                             team={"U0LAW1": "lead_lawyer", "U0PART1": "partner"}),
        "alps": make_client(services, "Alps Logistics", tier="core", team={"U0LAW1": "lead_lawyer"}),
        "beta": make_client(services, "Beta Foods", tier="potential", team={"U0LAW2": "lead_lawyer"}),
        "gamma": make_client(services, "=HYPERLINK(\"http://evil\")", tier="core", team={"U0LAW2": "lead_lawyer"}),
        "delta": make_client(services, "德尔塔科技有限公司", tier="strategic"),
    }
    _matter(services, ids["delta"], "M-1", "nl_ip", lead="U0LAW1")   # lawyer 1 serves it as matter lead
    _matter(services, ids["beta"], "M-2", "nl_ip")
    _matter(services, ids["alps"], "M-3", "lit_civil")
    _tagged(services, ids["alpha"], ["VIP", "manufacturing"])
    _tagged(services, ids["beta"], ["vip"])
    _tagged(services, ids["gamma"], ["retail"])
    return ids


def open_list(slack, fake, user: str) -> dict:
    """`/client` alone as `user`: the modal once its first page is in."""
    mark = fake.mark()
    assert slack.command(user, Command.CLIENT, "").status == 200
    opened = fake.wait_for_since("views.open", mark)
    fake.wait_for_since("views.update", mark)
    fake.settle()
    return fake.views[opened.answer["view"]["id"]]


def act(slack, fake, user: str, view: dict, action_id: str, block_id: str, *, answers=None,
        value: str = "", fields=None) -> dict:
    """Use an input or button of the list modal; the modal as re-rendered."""
    mark = fake.mark()
    slack.click(user, action_id, value, view_id=view["id"], block_id=block_id, answers=answers or {},
                action_fields=fields)
    fake.wait_for_since("views.update", mark)
    fake.settle()
    return fake.views[view["id"]]


def search(slack, fake, user, view, text: str) -> dict:
    return act(slack, fake, user, view, A.QUERY, B.QUERY, answers={B.QUERY: text},
               fields={"type": "plain_text_input", "value": text})


def choose(slack, fake, user, view, block: str, action: str, value: str, answers=None) -> dict:
    return act(slack, fake, user, view, action, block, answers={**(answers or {}), block: value},
               fields={"type": "static_select", "selected_option": {"value": value}})


def results(view: dict) -> str:
    return next(b for b in view["blocks"] if b.get("block_id") == B.RESULTS)["text"]["text"]


def names(view: dict) -> list[str]:
    return [line.split("*")[1] for line in results(view).splitlines() if line.startswith("• ")]


def test_a_lawyer_lists_only_the_clients_they_serve_and_searches_them(services, slack, fake_slack, firm):
    view = open_list(slack, fake_slack, "U0LAW1")
    assert names(view) == ["Alpha Trading", "德尔塔科技有限公司", "Alps Logistics"]
    assert "*3* clients · page 1 of 1" in results(view)
    assert "lead <@U0LAW1>" in results(view)
    # lawyers get the search box only: no partner filters
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [B.QUERY]
    assert names(search(slack, fake_slack, "U0LAW1", view, "alp")) == ["Alpha Trading", "Alps Logistics"]
    assert names(search(slack, fake_slack, "U0LAW1", view, "德尔塔")) == ["德尔塔科技有限公司"]
    # another lawyer's client is never found, by name or otherwise
    assert "No client matches." in results(search(slack, fake_slack, "U0LAW1", view, "Beta Foods"))


def test_a_lawyer_cannot_widen_the_list_with_partner_filters(services, firm):
    other = str(staff_id(services, "U0LAW2"))
    with services.session() as session:
        lawyer = find_actor(session, slack_user_id="U0LAW1", default_locale="en")
        for flt in (ClientFilter(lawyer="all"), ClientFilter(lawyer=other),
                    ClientFilter(tier="potential"), ClientFilter(tag="vip")):
            page = client_list.list_clients(session, actor=lawyer, flt=flt)
            assert {c.name for c in page.items} == {"Alpha Trading", "Alps Logistics", "德尔塔科技有限公司"}
        rows = client_list.export_clients(session, actor=lawyer, flt=ClientFilter(lawyer="all"))
        assert len(rows) == 3


def test_partners_filter_by_lawyer_tier_practice_area_and_tag(services, slack, fake_slack, firm):
    view = open_list(slack, fake_slack, "U0PART1")
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [B.QUERY, B.TIER, B.LAWYER,
                                                                               B.AREA, B.TAG]
    assert names(view) == ["Alpha Trading"]           # by default: the partner's own clients
    view = choose(slack, fake_slack, "U0PART1", view, B.LAWYER, A.LAWYER, "all")
    assert len(names(view)) == 5 and "*5* clients" in results(view)
    view = choose(slack, fake_slack, "U0PART1", view, B.TIER, A.TIER, "core", answers={B.LAWYER: "all"})
    assert sorted(names(view)) == sorted(["Alps Logistics", '=HYPERLINK("http://evil")'])
    law1 = str(staff_id(services, "U0LAW1"))
    view = choose(slack, fake_slack, "U0PART1", view, B.LAWYER, A.LAWYER, law1, answers={B.TIER: "*"})
    assert names(view) == ["Alpha Trading", "德尔塔科技有限公司", "Alps Logistics"]
    view = choose(slack, fake_slack, "U0PART1", view, B.AREA, A.AREA, "nl_ip", answers={B.LAWYER: "all"})
    assert names(view) == ["德尔塔科技有限公司", "Beta Foods"]
    view = act(slack, fake_slack, "U0PART1", view, A.TAG, B.TAG,
               answers={B.LAWYER: "all", B.AREA: "*", B.TAG: " Vip "},
               fields={"type": "plain_text_input", "value": " Vip "})
    assert names(view) == ["Alpha Trading", "Beta Foods"]  # tags match whatever the case
    view = search(slack, fake_slack, "U0PART1", view, "beta")
    assert names(view) == ["Beta Foods"]               # the search stays within the filters


def test_the_list_pages_with_next_and_previous(services, slack, fake_slack):
    make_staff(services, "U0LAW1", "lawyer")
    for i in range(45):
        make_client(services, f"Client {i:02d}", tier="core", team={"U0LAW1": "lawyer"})
    view = open_list(slack, fake_slack, "U0LAW1")
    assert names(view)[0] == "Client 00" and len(names(view)) == 20
    assert "*45* clients · page 1 of 3" in results(view)
    nav = next(b for b in view["blocks"] if b.get("block_id") == B.NAV)
    assert [e["action_id"] for e in nav["elements"]] == [A.NEXT, A.EXPORT]
    view = act(slack, fake_slack, "U0LAW1", view, A.NEXT, B.NAV, value="1")
    assert names(view)[0] == "Client 20" and "page 2 of 3" in results(view)
    view = act(slack, fake_slack, "U0LAW1", view, A.NEXT, B.NAV, value="2")
    assert names(view) == [f"Client {i}" for i in range(40, 45)]
    nav = next(b for b in view["blocks"] if b.get("block_id") == B.NAV)
    assert [e["action_id"] for e in nav["elements"]] == [A.PREV, A.EXPORT]
    view = act(slack, fake_slack, "U0LAW1", view, A.PREV, B.NAV, value="1")
    assert names(view)[0] == "Client 20"
    assert len(view["blocks"]) <= 100 and len(results(view)) <= 3000


def _export(slack, fake, user: str, view: dict) -> None:
    mark = fake.mark()
    slack.click(user, A.EXPORT, "xlsx", view_id=view["id"], block_id=B.NAV)
    fake.wait_for_since("files.completeUploadExternal", mark)
    fake.settle()


def test_export_sends_the_filtered_list_as_xlsx_by_dm_and_audits_it(services, slack, fake_slack, firm):
    view = open_list(slack, fake_slack, "U0PART1")
    view = choose(slack, fake_slack, "U0PART1", view, B.LAWYER, A.LAWYER, "all")
    view = choose(slack, fake_slack, "U0PART1", view, B.TIER, A.TIER, "core", answers={B.LAWYER: "all"})
    _export(slack, fake_slack, "U0PART1", view)
    # the three steps of files.uploadV2, to the partner's DM
    methods = [c.method for c in fake_slack.calls if c.method.startswith(("files.", "upload"))]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    [shared] = fake_slack.files_shared()
    assert shared["channel"] == "D0PART1" and shared["name"] == "clients-2026-11-23.xlsx"
    assert shared["initial_comment"] == "Your client list: 2 clients."
    sheet = load_workbook(io.BytesIO(shared["content"])).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Client", "Kind", "Tier", "Status", "Industry", "Lead lawyer", "Partner", "Practice areas",
                       "Open matters", "Tags", "Client since"]
    assert [r[0] for r in rows[1:]] == ['=HYPERLINK("http://evil")', "Alps Logistics"]
    # a name that looks like a formula stays text in the workbook
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert rows[2][1:4] == ["Enterprise", "Core client", "Active"]
    assert rows[2][5] == "Li Lawyer" and rows[2][7] == "Litigation — civil" and rows[2][8] == 1
    assert rows[1][9] == "retail"
    with services.session() as session:
        [event] = session.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalars().all()
    assert (event.actor, event.entity) == (f"staff:{staff_id(services, 'U0PART1')}", "client_list")
    assert event.fields == sorted(["filter:tier=core", "filter:lawyer=all", "rows=2"])


def test_export_of_a_search_holds_what_the_list_shows_and_names_no_values_in_the_audit(
        services, slack, fake_slack, firm):
    view = open_list(slack, fake_slack, "U0LAW1")
    view = search(slack, fake_slack, "U0LAW1", view, "alp")
    _export(slack, fake_slack, "U0LAW1", view)
    [shared] = fake_slack.files_shared("D0LAW1")
    sheet = load_workbook(io.BytesIO(shared["content"])).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["Alpha Trading", "Alps Logistics"]
    with services.session() as session:
        [event] = session.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalars().all()
    assert event.fields == sorted(["filter:query", "filter:lawyer=me", "rows=2"])
    assert "alp" not in str(event.fields).lower()


def test_export_of_an_empty_list_sends_no_file(services, slack, fake_slack, firm):
    view = open_list(slack, fake_slack, "U0LAW1")
    view = search(slack, fake_slack, "U0LAW1", view, "nothing like this")
    mark = fake_slack.mark()
    slack.click("U0LAW1", A.EXPORT, "xlsx", view_id=view["id"], block_id=B.NAV)
    message = fake_slack.wait_for_since("chat.postMessage", mark)
    fake_slack.settle()
    assert message.params["text"] == "The list is empty: nothing to export."
    assert fake_slack.files_shared() == []


def test_export_in_chinese(services, slack, fake_slack, firm):
    make_staff(services, "U0LAW3", "lawyer", locale="zh-CN")
    make_client(services, "浙江样例有限公司", tier="core", team={"U0LAW3": "lead_lawyer"})
    view = open_list(slack, fake_slack, "U0LAW3")
    assert "共 *1* 个客户" in results(view)
    _export(slack, fake_slack, "U0LAW3", view)
    [shared] = fake_slack.files_shared("D0LAW3")
    rows = list(load_workbook(io.BytesIO(shared["content"])).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("客户名称", "类型", "客户等级") and rows[1][:3] == ("浙江样例有限公司", "企业", "核心客户")


def test_list_names_are_escaped(services, slack, fake_slack):
    make_staff(services, "U0LAW1", "lawyer")
    make_client(services, "<!here> Evil & Co", team={"U0LAW1": "lead_lawyer"})
    text = results(open_list(slack, fake_slack, "U0LAW1"))
    assert "<!here>" not in text and "&lt;!here&gt; Evil &amp; Co" in text


def test_search_finds_typos_and_single_characters(services, firm):
    with services.session() as session:
        partner = find_actor(session, slack_user_id="U0PART1", default_locale="en")
        everyone = ClientFilter(lawyer="all")

        def found(query: str) -> list[str]:
            page = client_list.list_clients(session, actor=partner, flt=ClientFilter(lawyer="all", query=query))
            return [c.name for c in page.items]

        assert found("Alpha Tradnig") == ["Alpha Trading"]          # a typo
        assert found("德") == ["德尔塔科技有限公司"]                      # one character
        assert found("ALPS logistics ltd") == ["Alps Logistics"]    # case and legal form folded
        assert found("!!!") == [] and everyone.for_actor(partner).lawyer == "all"
