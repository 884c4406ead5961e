"""The firm's own people: staff are searched, and the interests they declare are seen by partners only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.blocks.intake import result_blocks, without_partners_only
from bot.flows import directory, staff_interests
from bot.flows.conflicts import record_party, search_conflicts
from bot.flows.errors import InvalidInput, NotFound
from bot.flows.intake import results_json
from bot.ids import Command
from storage.models import AuditEvent, StaffInterest
from tests.support import make_staff


def _ask(slack, fake_slack, user: str, command: str, text: str) -> str:  # type: ignore[no-untyped-def]
    """Send one command and wait for its reply (one at a time, so replies cannot swap)."""
    count = len(fake_slack.of("response_url"))
    slack.command(user, command, text)
    reply = fake_slack.wait_for("response_url", count + 1)[count].params
    fake_slack.settle()
    return _text(reply)


def _text(reply: dict) -> str:
    return "\n".join([reply.get("text") or "", *(b["text"]["text"] for b in reply.get("blocks") or []
                                                  if b["type"] == "section")])


def test_staff_are_searched_by_every_check(services) -> None:
    lawyer = make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0GONE", "lawyer", "Harriet Gone")
    with services.session() as session:
        directory.deactivate_staff(session, by="test", slack_user_id="U0GONE")
    with services.session() as session:
        [hit] = search_conflicts(session, names=["Lei Li"], cache=services.cache)[0].hits
        assert (hit.source, hit.party_id, hit.role, hit.name) == ("staff", lawyer.id, "staff", "Li Lei")
        assert hit.why == "same person, names in another order"
        assert search_conflicts(session, names=["Harriet Gone"], cache=services.cache)[0].hits == []


def test_declared_interests_are_searched_for_partners_only(services, slack, fake_slack) -> None:
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    assert "Declared: 王芳 (relative)" in _ask(slack, fake_slack, "U0LAWYER", Command.LAWCRM,
                                                "interest add relative 王芳")
    _ask(slack, fake_slack, "U0LAWYER", Command.LAWCRM, "interest add directorship Acme Industrial (Shanghai) Co., Ltd.")
    lawyer_sees = _ask(slack, fake_slack, "U0LAWYER", Command.CONFLICT, "王芳，Acme")
    partner_sees = _ask(slack, fake_slack, "U0PARTNER", Command.CONFLICT, "王芳，Acme")
    assert "declared by staff" not in lawyer_sees and lawyer_sees.count("no hits") == 2
    assert "王芳 (Li Lei) — relative declared by staff (partners only)" in partner_sees
    assert "Acme Industrial (Shanghai) Co., Ltd. (Li Lei) — directorship declared by staff" in partner_sees
    assert "trade name contained" in partner_sees
    with services.session() as session:
        stored = session.execute(select(StaffInterest.name)).scalars().all()
        assert sorted(stored) == sorted(["王芳", "Acme Industrial (Shanghai) Co., Ltd."])
        raw = session.connection().exec_driver_sql("SELECT name FROM staff_interests").scalars().all()
        assert not any("王芳" in r or "Acme" in r for r in raw)          # encrypted at rest


def test_interests_are_listed_and_withdrawn_by_their_owner_only(services, slack, fake_slack) -> None:
    partner = make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    lawyer = make_staff(services, "U0LAWYER", "lawyer", "Li Lei", locale="zh-CN")
    with services.session() as session:
        mine = staff_interests.declare_interest(session, by="test", staff_id=lawyer.id, kind="shareholding",
                                                name="  Globex   Corporation ")
        theirs = staff_interests.declare_interest(session, by="test", staff_id=partner.id, kind="relative",
                                                  name="张伟")
        with pytest.raises(NotFound):
            staff_interests.remove_interest(session, by="test", staff_id=lawyer.id, interest_id=theirs.id)
        with pytest.raises(InvalidInput):
            staff_interests.declare_interest(session, by="test", staff_id=lawyer.id, kind="friend", name="X")
        with pytest.raises(InvalidInput):
            staff_interests.declare_interest(session, by="test", staff_id=lawyer.id, kind="other", name="  ")
    assert f"#{mine.id} 持股：Globex Corporation" in _ask(slack, fake_slack, "U0LAWYER", Command.LAWCRM,
                                                          "interest list")
    assert "已撤回" in _ask(slack, fake_slack, "U0LAWYER", Command.LAWCRM, f"interest remove {mine.id}")
    assert "尚未申报" in _ask(slack, fake_slack, "U0LAWYER", Command.LAWCRM, "interest")
    assert "用法" in _ask(slack, fake_slack, "U0LAWYER", Command.LAWCRM, "interest add friend Someone")
    with services.session() as session:
        actions = [(e.action, e.entity) for e in session.execute(select(AuditEvent)).scalars()
                   if e.entity == "staff_interest"]
        assert ("create", "staff_interest") in actions and ("read", "staff_interest") in actions
        assert ("delete", "staff_interest") in actions


def test_intake_results_hide_interest_hits_from_the_requester_and_show_partners(services) -> None:
    lawyer = make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    with services.session() as session:
        staff_interests.declare_interest(session, by="test", staff_id=lawyer.id, kind="relative", name="Globex Corp")
        record_party(session, name="Globex Corporation", role="adverse", kind="organization")
    with services.session() as session:
        results = results_json(search_conflicts(session, names=["Globex Corporation"], cache=services.cache,
                                                locale=None, interests=True), ["client"])
    hits = results[0]["hits"]
    assert [h["source"] for h in hits] == ["party", "interest"]
    assert [h["partners_only"] for h in hits] == [False, True]
    assert [h["source"] for h in without_partners_only(results)[0]["hits"]] == ["party"]
    requester = "\n".join(b["text"]["text"] for b in result_blocks(without_partners_only(results), "en"))
    partners = "\n".join(b["text"]["text"] for b in result_blocks(results, "en"))
    assert "Globex Corp (Li Lei)" not in requester and "Globex Corporation" in requester
    assert "Globex Corp (Li Lei) — relative declared by staff (partners only)" in partners
