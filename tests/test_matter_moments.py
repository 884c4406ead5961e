"""Matter events as contact moments: filing, hearing and judgment reminders in the lead's digest, once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from bot.ids import Command
from bot.ids import UpkeepAction as UA
from bot.ids import UpkeepView as UV
from bot.services import Services
from bot.settings import Settings
from storage.models import ArchiveFiling, Client, Matter, MatterMoment, Staff
from tests.conftest import make_settings
from tests.support import make_staff
from tests.upkeep_support import add_date, job_context, make_client, make_matter, run_jobs

MONDAY = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)      # 09:00 in Shanghai


@pytest.fixture
def book(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LEAD", "lawyer", "Li Lei")
    ordinary = make_client(services, "Ordinary Co", tier="potential",
                           team={"U0PARTNER": "partner", "U0LEAD": "lead_lawyer"})
    core = make_client(services, "Core Co", tier="core", team={"U0LEAD": "lead_lawyer"})
    m1 = make_matter(services, ordinary, lead="U0LEAD")
    m2 = make_matter(services, ordinary, lead="U0LEAD", status="closed")
    m3 = make_matter(services, core, lead="U0LEAD")
    with services.session() as session:
        numbers = {mid: session.get(Matter, mid).number for mid in (m1, m2, m3)}
    return {"ordinary": ordinary, "core": core, "m1": m1, "m2": m2, "m3": m3, "numbers": numbers}


def _digest_moments(fake_slack, user="U0LEAD"):
    """The moment lines (and their buttons) of every digest sent to a user, per digest."""
    out = []
    for m in fake_slack.messages_to(user):
        if "Matter events" not in json.dumps(m["blocks"]):
            out.append([])
            continue
        blocks = m["blocks"]
        start = next(i for i, b in enumerate(blocks) if "Matter events" in json.dumps(b))
        lines = []
        for b in blocks[start + 1:]:
            if b.get("type") != "section" or "accessory" not in b:
                break
            lines.append((b["text"]["text"], b["accessory"]["action_id"], b["accessory"]["value"]))
        out.append(lines)
    return out


def _reply(fake_slack, n):
    return fake_slack.wait_for("response_url", count=n)[n - 1].params["text"]


def test_filing_hearing_and_judgment_become_moments_in_the_leads_digest_once(services, slack, fake_slack,
                                                                          clock, book):
    clock.set(MONDAY)
    n1, n2, n3 = (book["numbers"][book[k]] for k in ("m1", "m2", "m3"))
    slack.command("U0LEAD", Command.HEARING, f"{n1} 2026-11-25 09:30 Haidian Court; first hearing")
    slack.command("U0LEAD", Command.HEARING, f"{n1} 立案 2026-11-26 claim")
    slack.command("U0LEAD", Command.HEARING, f"{n1} judgment 2026-11-20 interim ruling")
    slack.command("U0LEAD", Command.HEARING, f"{n1} 2026-12-10 second hearing")
    slack.command("U0LEAD", Command.HEARING, f"{n3} 2026-11-25 core hearing")
    assert "Added a" in _reply(fake_slack, 5)
    with services.session() as session:
        session.add(ArchiveFiling(matter_id=book["m2"], status="accepted", due_at=MONDAY,
                                  judgment_date=date(2026, 11, 19)))
        session.add(ArchiveFiling(matter_id=book["m1"], status="accepted", due_at=MONDAY,
                                  judgment_date=date(2026, 11, 20)))   # the same judgment: one moment
    ctx = job_context(services)
    run_jobs(ctx)
    run_jobs(ctx)
    [first] = _digest_moments(fake_slack)
    oid = str(book["ordinary"])
    assert first == [
        (f"Judgment of 2026-11-19 for Ordinary Co ({n2}): explain it to the client.", UA.LOG_CONTACT, oid),
        (f"Judgment of 2026-11-20 for Ordinary Co ({n1}): explain it to the client.", UA.LOG_CONTACT, oid),
        (f"Hearing on 2026-11-25 09:30 for Ordinary Co ({n1}): confirm the time with the client.",
         UA.LOG_CONTACT, oid),
        (f"Filing on 2026-11-26 for Ordinary Co ({n1}): explain the risks before filing.", UA.LOG_CONTACT, oid),
    ]
    assert fake_slack.messages_to("U0PARTNER") == []   # the partner is not reminded while there is a lead

    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    run_jobs(ctx)
    assert _digest_moments(fake_slack)[1:] == [[]]      # the next day's digest repeats none of them
    clock.set(datetime(2026, 12, 8, 1, 0, tzinfo=UTC))
    seen = len(_digest_moments(fake_slack))
    run_jobs(ctx)
    assert [line[0] for d in _digest_moments(fake_slack)[seen:] for line in d] == [
        f"Hearing on 2026-12-10 for Ordinary Co ({n1}): confirm the time with the client."]
    with services.session() as session:
        kinds = sorted(m.kind for m in session.execute(select(MatterMoment)).scalars())
    assert kinds == ["after_judgment", "after_judgment", "before_filing", "before_hearing", "before_hearing"]

    # one click on the item opens the contact note for that client (the digest's own Log contact)
    before = len(fake_slack.of("views.open"))
    slack.click("U0LEAD", UA.LOG_CONTACT, oid, channel="D0LEAD")
    opened = fake_slack.wait_for("views.open", before + 1)[-1].params["view"]
    opened = json.loads(opened) if isinstance(opened, str) else opened
    assert opened["callback_id"] == UV.NOTE
    fake_slack.settle()
    named = fake_slack.of("views.update")[-1].params["view"]
    assert "Ordinary Co" in (named if isinstance(named, str) else json.dumps(named, ensure_ascii=False))


def test_a_missed_morning_still_brings_the_moment_and_a_left_lead_hands_it_to_the_partner(services, fake_slack,
                                                                                         clock, book):
    add_date(services, kind="hearing", on=date(2026, 11, 25), matter_id=book["m1"])
    with services.session() as session:
        session.execute(update(Staff).where(Staff.slack_user_id == "U0LEAD").values(active=False))
    clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))   # Monday's run never happened; Tuesday 15:00
    run_jobs(job_context(services))
    [moments] = _digest_moments(fake_slack, "U0PARTNER")
    assert [line[0] for line in moments] == [
        f"Hearing on 2026-11-25 for Ordinary Co ({book['numbers'][book['m1']]}): confirm the time with the client."]


def _services(base: Services, **extra: object) -> Services:
    s: Settings = make_settings(db_url=base.settings.database_url, fake=None, tmp_path=base.settings.data_dir,
                                slack_api_url=base.settings.slack_api_url, **extra)
    return Services(settings=s, engine=base.engine, session_factory=base.session_factory, keyring=base.keyring,
                    clock=base.clock)


@pytest.mark.parametrize("extra, expected", [
    ({}, {"Ordinary Co"}),
    ({"matter_moment_tiers": ["core"]}, {"Core Co"}),
    ({"matter_moment_tiers": []}, set()),
    # a tier without cadence rules follows the matter whatever the list says
    ({"matter_moment_tiers": [], "cadence": {"core": [{"rule": "call", "channels": ["call"], "every_days": 14}]}},
     {"Ordinary Co"}),
])
def test_which_tiers_follow_the_matter_is_configurable(services, fake_slack, clock, book, extra, expected):
    clock.set(MONDAY)
    for key in ("m1", "m3"):
        add_date(services, kind="hearing", on=date(2026, 11, 24), matter_id=book[key])
    run_jobs(job_context(_services(services, **extra)))
    lines = [line[0] for digest in _digest_moments(fake_slack) for line in digest]
    assert {name for name in ("Ordinary Co", "Core Co") if any(name in x for x in lines)} == expected


def test_lost_clients_and_events_outside_the_window_give_no_moment(services, fake_slack, clock, book):
    clock.set(MONDAY)
    add_date(services, kind="hearing", on=date(2026, 11, 27), matter_id=book["m1"])    # 4 days ahead
    add_date(services, kind="judgment", on=date(2026, 11, 10), matter_id=book["m1"])   # 13 days ago
    add_date(services, kind="deadline", on=date(2026, 11, 24), matter_id=book["m1"])   # not a moment
    other = make_client(services, "Gone Co", tier="potential", team={"U0LEAD": "lead_lawyer"})
    gone = make_matter(services, other, lead="U0LEAD")
    add_date(services, kind="hearing", on=date(2026, 11, 24), matter_id=gone)
    with services.session() as session:
        session.execute(update(Client).where(Client.id == other).values(status="lost", tier="lost"))
    run_jobs(job_context(services))
    assert all(d == [] for d in _digest_moments(fake_slack))
    with services.session() as session:
        assert session.execute(select(MatterMoment)).first() is None


def test_chinese_digest_lines(services, fake_slack, clock, book):
    make_staff(services, "U0LEAD", "lawyer", "Li Lei", locale="zh-CN")
    clock.set(MONDAY)
    add_date(services, kind="filing", on=date(2026, 11, 24), matter_id=book["m1"])
    run_jobs(job_context(services))
    blocks = json.dumps([m["blocks"] for m in fake_slack.messages_to("U0LEAD")], ensure_ascii=False)
    assert "案件节点：联系客户" in blocks and "立案前向客户说明风险" in blocks
