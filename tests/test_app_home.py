"""The App Home tab (issue 10): each person's book by tier, follow-ups with Done / Snooze, quiet
clients, the next 14 days of dates and hearings, partners' intake and complaint queues, pages."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.ids import HomeAction, UpkeepAction
from storage.models import (AuditEvent, Complaint, FollowUp, IntakeRequest, Staff, StaffAssistant)
from tests.support import make_staff
from tests.upkeep_support import add_date, add_follow_up, add_note, make_client, make_matter, staff_id

TODAY = date(2026, 11, 23)  # the clock fixture: Monday 2026-11-23 09:00 UTC


def _ago(days: int) -> datetime:
    return datetime(2026, 11, 23, 8, 0, tzinfo=UTC) - timedelta(days=days)


def open_home(slack, fake, user: str) -> dict:
    """Open the Home tab as `user`; the view published in answer."""
    mark = fake.mark()
    event = {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home",
             "event_ts": f"{time.time():.6f}"}
    if user in fake.homes:  # Slack sends the Home view as it was last published
        event["view"] = fake.home_of(user)
    slack.event(event)
    fake.wait_for_since("views.publish", mark)
    return fake.home_of(user)


def click_home(slack, fake, user: str, action_id: str, value: str, *, block_id: str = "b") -> dict:
    """Press a button in the user's Home tab; the Home view re-published in answer."""
    home = fake.home_of(user)
    mark = fake.mark()
    slack.click(user, action_id, value, view_id=home["id"], block_id=block_id)
    fake.wait_for_since("views.publish", mark)
    fake.settle()
    return fake.home_of(user)


def text_of(view: dict) -> str:
    """Every text of a view, joined."""
    out = []
    for block in view["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        for el in block.get("elements", []):
            if isinstance(el.get("text"), dict):
                out.append(el["text"]["text"])
            elif isinstance(el.get("text"), str):
                out.append(el["text"])
        if "accessory" in block:
            out.append(block["accessory"]["text"]["text"])
    return "\n".join(out)


def clients_list(view: dict) -> str:
    """The text of the My clients list (the block after its title)."""
    blocks = view["blocks"]
    i = next(i for i, b in enumerate(blocks) if "*My clients*" in (b.get("text") or {}).get("text", ""))
    return blocks[i + 1]["text"]["text"]


def buttons(view: dict) -> list[tuple[str, str]]:
    """(action_id, value) of every button of a view."""
    found = []
    for block in view["blocks"]:
        for el in [*block.get("elements", []), block.get("accessory") or {}]:
            if el.get("type") == "button":
                found.append((el["action_id"], el.get("value", "")))
    return found


def _lawyers_book(services):
    """A lawyer's book: three clients of theirs, one of another lawyer's, follow-ups and dates."""
    make_staff(services, "U0LAW1", "lawyer", "Li Lawyer")
    make_staff(services, "U0LAW2", "lawyer", "Wang Lawyer")
    alpha = make_client(services, "Alpha Trading", tier="strategic", team={"U0LAW1": "lead_lawyer"})
    beta = make_client(services, "Beta Foods", tier="core", team={"U0LAW1": "lawyer"})
    gamma = make_client(services, "Gamma Tech", tier="potential")
    gamma_matter = make_matter(services, gamma, lead="U0LAW1")
    other = make_client(services, "Omega Secret Holdings", tier="strategic", team={"U0LAW2": "lead_lawyer"})
    add_note(services, alpha, "U0LAW1", _ago(100))   # over the 90-day churn period
    add_note(services, beta, "U0LAW1", _ago(80))     # within 14 days of it
    add_note(services, gamma, "U0LAW1", _ago(10))    # recently contacted
    add_note(services, other, "U0LAW2", _ago(200))
    fu = {
        "overdue": add_follow_up(services, alpha, "U0LAW1", TODAY - timedelta(days=2), "send engagement letter"),
        "today": add_follow_up(services, beta, "U0LAW1", TODAY, "call the CFO"),
        "soon": add_follow_up(services, gamma, "U0LAW1", TODAY + timedelta(days=3), "draft the NDA"),
        "later": add_follow_up(services, gamma, "U0LAW1", TODAY + timedelta(days=12), "quarterly review"),
        "others": add_follow_up(services, other, "U0LAW2", TODAY, "secret task"),
    }
    add_date(services, kind="birthday", on=date(1970, 11, 30), client_id=alpha, yearly=True, label="Mr Zhao")
    add_date(services, kind="hearing", on=date(2026, 12, 1), matter_id=gamma_matter, label="Court 3")
    add_date(services, kind="deadline", on=date(2026, 12, 20), matter_id=gamma_matter, label="too late")
    add_date(services, kind="birthday", on=date(1980, 11, 25), client_id=other, yearly=True, label="not yours")
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "other": other, "fu": fu}


def test_a_lawyers_home_shows_their_book_follow_ups_quiet_clients_and_dates(services, slack, fake_slack):
    book = _lawyers_book(services)
    view = open_home(slack, fake_slack, "U0LAW1")
    text = text_of(view)
    assert len(view["blocks"]) <= 100
    # my clients by tier (strategic first), never another lawyer's
    assert "My clients* (3)" in text
    assert text.index("Alpha Trading") < text.index("Beta Foods") < text.index("Gamma Tech")
    assert "Omega" not in text
    # follow-ups due within the week, with the digest's Done and Snooze buttons
    assert "send engagement letter — overdue since 2026-11-21" in text
    assert "call the CFO — due today" in text
    assert "draft the NDA — due 2026-11-26" in text
    assert "quarterly review" not in text and "secret task" not in text
    fu = book["fu"]
    for key in ("overdue", "today", "soon"):
        assert (UpkeepAction.FOLLOWUP_DONE, str(fu[key])) in buttons(view)
        assert (UpkeepAction.FOLLOWUP_SNOOZE, str(fu[key])) in buttons(view)
    # quiet clients: over the churn period (flagged) and near it; the recent one is not quiet
    quiet = [b["text"]["text"] for b in view["blocks"] if b.get("block_id", "").startswith("home-quiet-")]
    assert len(quiet) == 2
    assert quiet[0].startswith(":warning: *Alpha Trading*") and "2026-08-15" in quiet[0]
    assert quiet[1].startswith("*Beta Foods*")
    assert (UpkeepAction.LOG_CONTACT, str(book["alpha"])) in buttons(view)
    # the next 14 days: the yearly birthday projected, the hearing with its matter; not the 20th
    assert "2026-11-30 birthday — *Alpha Trading* (Mr Zhao)" in text
    assert "2026-12-01 hearing — *Gamma Tech* `2026-LIT-" in text and "(Court 3)" in text
    assert "too late" not in text and "not yours" not in text
    # lawyers have no intake or complaint queue
    assert "Intake requests" not in text and "Open complaints" not in text
    # the decrypted reads (titles, labels) are audited once, by field, never values
    with services.session() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.entity == "app_home")).scalars().all()
    assert [(e.action, e.entity_id, e.fields) for e in events] == [
        ("read", str(staff_id(services, "U0LAW1")), ["follow_up.title", "important_date.label"])]


def test_an_assistant_sees_the_book_of_the_lawyer_they_assist(services, slack, fake_slack):
    _lawyers_book(services)
    make_staff(services, "U0ASSIST1", "assistant", "Xiao Zhang")
    with services.session() as session:
        session.add(StaffAssistant(assistant_id=staff_id(services, "U0ASSIST1"),
                                   lawyer_id=staff_id(services, "U0LAW1")))
    text = text_of(open_home(slack, fake_slack, "U0ASSIST1"))
    assert "My clients* (3)" in text and "Alpha Trading" in text and "Omega" not in text
    assert "No follow-ups due this week." in text  # follow-ups are their owners'


def _complaint(services, client_id: int, against: str, *, reviewed: bool, status: str = "received") -> int:
    with services.session() as session:
        recorder = session.execute(select(Staff.id).where(Staff.slack_user_id == "U0LAW1")).scalar_one()
        accused = session.execute(select(Staff.id).where(Staff.slack_user_id == against)).scalar_one()
        c = Complaint(client_id=client_id, against_staff_id=accused, recorded_by_id=recorder,
                      complainant_name="Mr Complainer", complainant_contact="138", description="late",
                      request="apology", received_via="call", received_at=_ago(1), status=status,
                      reviewed_at=_ago(1) if reviewed else None)
        session.add(c)
        session.flush()
        return c.id


def _intake(services, name: str, status: str, requester: str = "U0LAW1") -> int:
    with services.session() as session:
        sid = session.execute(select(Staff.id).where(Staff.slack_user_id == requester)).scalar_one()
        r = IntakeRequest(submission_key=f"k-{name}", requester_id=sid, status=status, client_kind="enterprise",
                          practice_area="nl_ip", form={"kind": "enterprise", "name": name, "source": "referral",
                                                       "area": "nl_ip", "need": "trademarks"},
                          submitted_at=_ago(2))
        session.add(r)
        session.flush()
        return r.id


def test_partners_also_see_intake_waiting_and_the_complaints_they_may_see(services, slack, fake_slack):
    book = _lawyers_book(services)
    make_staff(services, "U0PART1", "partner", "Partner One")
    make_staff(services, "U0PART2", "partner", "Partner Two")
    waiting = _intake(services, "Delta Pharma", "pending")
    _intake(services, "Decided Co", "approved")
    _intake(services, "Draft Co", "checked")
    on_lawyer = _complaint(services, book["beta"], "U0LAW1", reviewed=False)
    on_partner = _complaint(services, book["alpha"], "U0PART1", reviewed=False)
    _complaint(services, book["gamma"], "U0LAW2", reviewed=True, status="closed")
    text1 = text_of(open_home(slack, fake_slack, "U0PART1"))
    assert "Intake requests waiting for a decision* (1)" in text1
    assert f"#{waiting} *Delta Pharma* — Non-litigation — IP, from <@U0LAW1>" in text1
    assert "Decided Co" not in text1 and "Draft Co" not in text1
    # a complaint against this partner, not yet reviewed, is not shown to them
    assert "Open complaints* (1)" in text1 and f"#{on_lawyer} *Beta Foods*" in text1
    assert f"#{on_partner} " not in text1
    text2 = text_of(open_home(slack, fake_slack, "U0PART2"))
    assert "Open complaints* (2)" in text2 and f"#{on_partner} *Alpha Trading*" in text2
    # a partner's "my clients" is their own book, not the whole firm
    assert "You serve no client yet." in text2
    with services.session() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.entity == "app_home")).scalars().all()
    assert all("intake_request.form" in e.fields for e in events)


def test_sections_page_with_next_and_previous_and_stay_within_slack_limits(services, slack, fake_slack):
    make_staff(services, "U0LAW1", "lawyer")
    for i in range(45):
        cid = make_client(services, f"Client {i:02d} " + "x" * 200, tier="core" if i % 2 else "strategic",
                          team={"U0LAW1": "lead_lawyer"})
        add_follow_up(services, cid, "U0LAW1", TODAY - timedelta(days=1), f"task {i:02d} " + "y" * 400)
        add_date(services, kind="birthday", on=date(1970, 11, 24 + i % 5), client_id=cid, yearly=True,
                 label="z" * 300)
    view = open_home(slack, fake_slack, "U0LAW1")
    assert len(view["blocks"]) <= 100
    assert all(len(b["text"]["text"]) <= 3000 for b in view["blocks"] if "text" in b)
    assert json.loads(view["private_metadata"])["pages"]["clients"] == 0
    text = text_of(view)
    assert "My clients* (45)" in text and "page 1 of 3" in text
    assert "Follow-ups due* (45) · page 1 of 9" in text
    assert "Strategic client 23 · Core client 22" in text
    nav = {a for a, _ in buttons(view)}
    assert f"{HomeAction.PAGE}-clients-next" in nav and f"{HomeAction.PAGE}-clients-prev" not in nav
    view = click_home(slack, fake_slack, "U0LAW1", f"{HomeAction.PAGE}-clients-next", "1")
    text = text_of(view)
    assert "Core client 22 · page 2 of 3" in text
    # other sections keep their page; clients moved on (strategic 00..44 even first, then core)
    assert "Follow-ups due* (45) · page 1 of 9" in text
    assert "• Client 40" in clients_list(view) and "Client 00" not in clients_list(view)
    assert json.loads(view["private_metadata"])["pages"]["clients"] == 1
    view = click_home(slack, fake_slack, "U0LAW1", f"{HomeAction.PAGE}-follow_ups-next", "1")
    assert "Follow-ups due* (45) · page 2 of 9" in text_of(view)
    assert "Core client 22 · page 2 of 3" in text_of(view)
    view = click_home(slack, fake_slack, "U0LAW1", f"{HomeAction.PAGE}-clients-prev", "0")
    assert "Core client 22 · page 1 of 3" in text_of(view) and "Client 00" in clients_list(view)
    # reopening the tab keeps the pages; a forged page number past the end shows the last page
    assert "Follow-ups due* (45) · page 2 of 9" in text_of(open_home(slack, fake_slack, "U0LAW1"))
    view = click_home(slack, fake_slack, "U0LAW1", f"{HomeAction.PAGE}-clients-next", "999999")
    assert "Core client 22 · page 3 of 3" in text_of(view)
    assert len(view["blocks"]) <= 100


def test_done_and_snooze_from_home_update_the_follow_up_and_refresh_the_home(services, slack, fake_slack):
    book = _lawyers_book(services)
    fu = book["fu"]
    open_home(slack, fake_slack, "U0LAW1")
    view = click_home(slack, fake_slack, "U0LAW1", UpkeepAction.FOLLOWUP_DONE, str(fu["overdue"]),
                      block_id=f"upk-item-fu-{fu['overdue']}")
    assert "send engagement letter" not in text_of(view)
    assert "call the CFO" in text_of(view)
    view = click_home(slack, fake_slack, "U0LAW1", UpkeepAction.FOLLOWUP_SNOOZE, str(fu["today"]),
                      block_id=f"upk-item-fu-{fu['today']}")
    assert "call the CFO — due 2026-11-24" in text_of(view)  # the next working day
    with services.session() as session:
        done = session.get(FollowUp, fu["overdue"])
        snoozed = session.get(FollowUp, fu["today"])
        assert (done.status, snoozed.status, snoozed.due_on) == ("done", "open", date(2026, 11, 24))
        actions = [e.action for e in session.execute(select(AuditEvent).where(
            AuditEvent.entity == "follow_up")).scalars()]
    assert actions == ["complete", "snooze"]
    # no message to edit, no response_url: the Home itself is the answer
    assert fake_slack.of("chat.update") == [] and fake_slack.of("response_url") == []


def test_done_from_home_on_a_follow_up_of_a_client_you_may_not_see_changes_nothing(services, slack, fake_slack):
    book = _lawyers_book(services)
    open_home(slack, fake_slack, "U0LAW1")
    mark = fake_slack.mark()
    slack.click("U0LAW1", UpkeepAction.FOLLOWUP_DONE, str(book["fu"]["others"]),
                view_id=fake_slack.home_of("U0LAW1")["id"])
    fake_slack.wait_for_since("views.open", mark)  # the error, in a modal
    fake_slack.settle()
    with services.session() as session:
        assert session.get(FollowUp, book["fu"]["others"]).status == "open"


def test_home_in_chinese(services, slack, fake_slack):
    _lawyers_book(services)
    with services.session() as session:
        session.execute(Staff.__table__.update().where(Staff.slack_user_id == "U0LAW1").values(locale="zh-CN"))
    text = text_of(open_home(slack, fake_slack, "U0LAW1"))
    assert "*我的客户*（3）" in text and "*待办跟进*（3）" in text and "战略客户" in text


def test_names_and_titles_are_shown_as_typed_never_as_mrkdwn(services, slack, fake_slack):
    make_staff(services, "U0LAW1", "lawyer")
    cid = make_client(services, "<!channel> *Bold* & Co", team={"U0LAW1": "lead_lawyer"})
    add_follow_up(services, cid, "U0LAW1", TODAY, "<https://evil|click>")
    text = text_of(open_home(slack, fake_slack, "U0LAW1"))
    assert "<!channel>" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt; *Bold* &amp; Co" in text and "&lt;https://evil|click&gt;" in text
