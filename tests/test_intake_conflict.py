"""/conflict answers privately, for partners, lawyers and assistants only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.flows.conflicts import record_party
from bot.ids import Command
from storage.models import AuditEvent
from tests.support import make_staff


@pytest.fixture
def recorded(services):
    with services.session() as session:
        record_party(session, name="Globex Corporation", role="adverse", kind="organization",
                     matter_id=None, matter_ref="2025-LIT-0099", client_id=None, id_number=None,
                     aliases=(), source="import")
        record_party(session, name="张伟", role="former_client", kind="person", matter_id=None,
                     matter_ref="2024-CRM-0003", client_id=None, id_number="11010519491231002X",
                     aliases=(), source="import")


def _reply(fake_slack):
    call = fake_slack.wait_for("response_url")[0].params
    fake_slack.settle()
    return call


def test_conflict_answers_privately_with_hits_and_no_hits(services, slack, fake_slack, recorded):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    slack.command("U0LAWYER", Command.CONFLICT, "Globex Corporation；张伟\nNobody Known Ltd", channel="C0PUBLIC")
    reply = _reply(fake_slack)
    assert reply["response_type"] == "ephemeral"
    assert not fake_slack.of("chat.postMessage") and not fake_slack.of("chat.postEphemeral")
    text = "\n".join(b["text"]["text"] for b in reply["blocks"] if b["type"] == "section")
    assert "*Globex Corporation*" in text and "opposing party · matter 2025-LIT-0099 · score 100 · same name" in text
    assert "former client · matter 2024-CRM-0003" in text
    nobody = text.split("*Nobody Known Ltd*")[1]
    assert "no hits" in nobody
    with services.session() as session:
        [event] = [e for e in session.execute(select(AuditEvent)).scalars() if e.action == "conflict_search"]
        assert event.fields == ["names"]


def test_conflict_in_chinese_with_semicolons(services, slack, fake_slack, recorded):
    make_staff(services, "U0ASSIST", "assistant", "韩梅梅", locale="zh-CN")
    slack.command("U0ASSIST", Command.CONFLICT, "Globex Corporation; 无名公司")
    text = _reply(fake_slack)["text"]
    assert "对方当事人 · 案件 2025-LIT-0099" in text and "无命中" in text


def test_empty_conflict_shows_usage(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    slack.command("U0PARTNER", Command.CONFLICT, " ;  ")
    assert "Usage: `/conflict" in _reply(fake_slack)["text"]


@pytest.mark.parametrize("role", ["client_service", "admin"])
def test_other_roles_are_refused(services, slack, fake_slack, recorded, role):
    make_staff(services, "U0OTHER", role, "Someone")
    slack.command("U0OTHER", Command.CONFLICT, "Globex Corporation")
    reply = _reply(fake_slack)
    assert reply["response_type"] == "ephemeral" and "role" in reply["text"]
    assert "Globex" not in str(reply)
