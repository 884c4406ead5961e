"""Value score, tier rules of both schemes, labels, the quarterly proposal, its job and the partners' decisions."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.flows.cadence import compute_due
from bot.flows.directory import find_actor
from bot.flows.errors import Conflict, PermissionDenied
from bot.flows.quarters import Quarter
from bot.flows.value import retier
from bot.flows.value.labels import labels_of
from bot.flows.value.score import Book, ClientFacts, gather
from bot.flows.value.tiers import tier_000, tier_004
from bot.flows.workdays import calendar_of
from bot.ids import RetierAction
from bot.settings import Settings, SettingsError, load_settings
from jobs.tasks.retier import propose_quarter
from jobs.tasks.upkeep import rules_from
from storage import audit
from storage.ledger import ChannelPacer
from storage.models import (Client, ClientTeamMember, ContactNote, FeeEntry, Matter, Notification, Staff,
                            TierReview, TierReviewItem)
from storage.models.enums import ValueLabel
from jobs.tasks.delivery import deliver
from tests.complaint_support import REVIEW_CHANNEL, audit_actions, card_message, job_context, make_staff

Q4 = Quarter(2026, 4)
AS_OF = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)          # 2026-10-01 00:00 in Shanghai
YEAR = timedelta(days=365.25)


def _client(services, name, *, kind="enterprise", tier="potential", created=AS_OF - 2 * YEAR, status="active",
            referrer=None, hnw=False, team=None):
    with services.session() as session:
        c = Client(kind=kind, name=name, tier=tier, status=status, created_at=created, referrer_client_id=referrer,
                   high_net_worth=hnw)
        session.add(c)
        session.flush()
        for slack_id, role in (team or {}).items():
            sid = session.execute(select(Staff.id).where(Staff.slack_user_id == slack_id)).scalar_one()
            session.add(ClientTeamMember(client_id=c.id, staff_id=sid, role=role))
        return c.id


_numbers = iter(range(1, 10_000))


def _matter(services, client_id, *, opened, complexity=None, status="closed", closed=None):
    with services.session() as session:
        m = Matter(number=f"2026-T-{next(_numbers):04d}", client_id=client_id, practice_area="litigation",
                   title="t", status=status, opened_at=opened, complexity=complexity,
                   closed_at=closed if closed else (opened + timedelta(days=30) if status == "closed" else None))
        session.add(m)
        session.flush()
        return m.id


def _fee(services, client_id, matter_id, amount, on, kind="collected"):
    with services.session() as session:
        session.add(FeeEntry(matter_id=matter_id, client_id=client_id, kind=kind, amount=amount, currency="CNY",
                             on_date=on))


def _note(services, client_id, author_uid, at):
    with services.session() as session:
        sid = session.execute(select(Staff.id).where(Staff.slack_user_id == author_uid)).scalar_one()
        session.add(ContactNote(client_id=client_id, author_id=sid, channel="call", occurred_at=at, text="x"))


def _gather(services, settings=None):
    settings = settings or services.settings
    with services.session() as session:
        return gather(session, as_of=AS_OF, settings=settings, cal=calendar_of(settings))


# --- the score ---------------------------------------------------------------------------------------

def test_components_and_score_on_hand_built_data(services):
    a = _client(services, "Alpha", created=AS_OF - 5 * YEAR)
    b = _client(services, "Beta", created=AS_OF - YEAR)
    for name in ("Ref 1", "Ref 2"):
        _client(services, name, referrer=a, created=AS_OF - YEAR)
    m1 = _matter(services, a, opened=AS_OF - 3 * YEAR, complexity=5)
    _matter(services, a, opened=AS_OF - 2 * YEAR, complexity=3)
    _matter(services, a, opened=AS_OF - YEAR)                                   # unrated: not counted
    mb = _matter(services, b, opened=AS_OF - timedelta(days=100))
    _fee(services, a, m1, "1000000.00", date(2026, 3, 1))
    _fee(services, a, m1, "200000.00", date(2026, 9, 30))                      # last day in the window
    _fee(services, a, m1, "900000.00", date(2025, 9, 30))                      # 12 months + 1 day ago: out
    _fee(services, a, m1, "5000000.00", date(2026, 10, 1))                     # after as_of: out
    _fee(services, a, m1, "3000000.00", date(2026, 5, 1), kind="invoiced")     # invoiced, not collected
    _fee(services, b, mb, "600000.00", date(2026, 8, 1))
    book = _gather(services)
    fa, fb = book.facts[a], book.facts[b]
    assert book.top_fees == Decimal("1200000.00")
    assert fa.annual_fees == Decimal("1200000.00") and fb.annual_fees == Decimal("600000.00")
    assert fa.components == {"fees": 1.0, "referrals": 0.4, "complexity": 0.75, "years": 0.5}
    assert fa.score == 68.0                              # 30 x 1 + 20 x 0.4 + 20 x 0.75 + 30 x 0.5
    assert fb.components == {"fees": 0.5, "referrals": 0.0, "complexity": 0.0, "years": 0.1}
    assert fb.score == 18.0                              # 30 x 0.5 + 30 x 0.1
    # the first matter counts as the start of the relationship when it is older than the client record
    assert book.facts[a].first_at == AS_OF - 5 * YEAR


def test_weights_and_caps_are_settings(services, db_url, tmp_path):
    from tests.conftest import make_settings

    a = _client(services, "Alpha", created=AS_OF - 20 * YEAR)
    for i in range(12):
        _client(services, f"Ref {i}", referrer=a, created=AS_OF - YEAR)
    settings = make_settings(db_url=db_url, fake=None, tmp_path=tmp_path,
                             value_weights={"fees": 0, "referrals": 0.5, "complexity": 0, "years": 0.5},
                             value_referrals_cap=10, value_years_horizon=40)
    f = _gather(services, settings).facts[a]
    assert f.components["referrals"] == 1.0 and f.components["years"] == 0.5 and f.score == 75.0


@pytest.mark.parametrize(("weights", "message"), [
    ('{"fees": 0.5, "referrals": 0.5, "luck": 0}', "unknown component 'luck'"),
    ('{"fees": 0.5, "referrals": 0.6}', "must sum to 1"),
    ('{"fees": 1.5, "referrals": -0.5}', "must not be negative"),
])
def test_bad_weights_are_refused_with_one_line(monkeypatch, weights, message):
    monkeypatch.setenv("VALUE_WEIGHTS", weights)
    with pytest.raises(SettingsError, match=message):
        load_settings(_env_file=None)


def test_thresholds_must_sit_below_the_strategic_one(monkeypatch):
    monkeypatch.setenv("TIER_CORE_ANNUAL_FEES", "2000000")
    with pytest.raises(SettingsError, match="TIER_CORE_ANNUAL_FEES"):
        load_settings(_env_file=None)


# --- the tier rules ------------------------------------------------------------------------------------

def _facts(**kw):
    base = dict(client_id=1, kind="enterprise", tier="potential", status="active", high_net_worth=False,
                strategic_marked=False, label=None, created_at=AS_OF, first_at=AS_OF)
    fees = kw.pop("fees", "0")
    score = kw.pop("score", 0.0)
    f = ClientFacts(**{**base, **kw})
    f.annual_fees, f.score = Decimal(fees), score
    return f


@pytest.mark.parametrize(("facts", "tier"), [
    (dict(fees="1000000"), "strategic"),                             # at the threshold
    (dict(fees="999999.99"), "core"),
    (dict(fees="200000"), "core"),
    (dict(fees="199999.99"), "potential"),
    (dict(fees="199999.99", score=50.0), "core"),                    # the score alone makes core
    (dict(score=49.9), "potential"),
    (dict(kind="government", fees="1500000"), "strategic"),
    (dict(kind="individual", fees="5000000"), "core"),               # individuals: only high-net-worth
    (dict(kind="individual", high_net_worth=True), "strategic"),
    (dict(lost=True, fees="5000000"), "lost"),
    (dict(lost=True, strategic_marked=True), "strategic"),            # a partner's mark holds
    (dict(strategic_marked=True), "strategic"),
])
def test_scheme_000(settings, facts, tier):
    assert tier_000(_facts(**facts), settings).value == tier


@pytest.mark.parametrize(("facts", "tier"), [
    (dict(fees="1000000"), "strategic"),
    (dict(fees="999999.99", score=99.0), "key"),
    (dict(fees="200000"), "key"),
    (dict(fees="199999.99", score=99.0), "ordinary"),                # 004 goes by fees only
    (dict(kind="individual", high_net_worth=True), "ordinary"),
    (dict(strategic_marked=True), "strategic"),
    (dict(lost=True), "lost"),
])
def test_scheme_004(settings, facts, tier):
    assert tier_004(_facts(**facts), settings).value == tier


def test_thresholds_move_the_edges(db_url, tmp_path):
    from tests.conftest import make_settings

    s = make_settings(db_url=db_url, fake=None, tmp_path=tmp_path, tier_strategic_annual_fees=500_000,
                      tier_core_annual_fees=100_000, tier_core_score=80, tier_key_annual_fees=50_000)
    assert tier_000(_facts(fees="500000"), s).value == "strategic"
    assert tier_000(_facts(fees="100000"), s).value == "core"
    assert tier_000(_facts(fees="99999", score=79.9), s).value == "potential"
    assert tier_004(_facts(fees="50000"), s).value == "key"


def test_lost_follows_the_upkeep_rule(services):
    make_staff(services, "U0LAW", "lawyer")
    quiet = _client(services, "Quiet", created=AS_OF - 2 * YEAR)
    with_open = _client(services, "Open matter", created=AS_OF - 3 * YEAR)
    _matter(services, with_open, opened=AS_OF - 3 * YEAR, status="open")
    called = _client(services, "Called", created=AS_OF - 2 * YEAR)
    _note(services, called, "U0LAW", AS_OF - timedelta(days=200))
    closed_late = _client(services, "Closed lately", created=AS_OF - 3 * YEAR)
    _matter(services, closed_late, opened=AS_OF - 2 * YEAR, closed=AS_OF - timedelta(days=30))
    young = _client(services, "Young", created=AS_OF - timedelta(days=100))
    old_call = _client(services, "Old call", created=AS_OF - 3 * YEAR)
    _note(services, old_call, "U0LAW", AS_OF - timedelta(days=400))
    facts = _gather(services).facts
    assert {cid for cid, f in facts.items() if f.lost} == {quiet, old_call}
    assert {with_open, called, closed_late, young}.isdisjoint({cid for cid, f in facts.items() if f.lost})


# --- labels --------------------------------------------------------------------------------------------

def test_golden_and_big_labels(settings):
    def f(cid, fees, m12, recent, recent_fees="0"):
        x = _facts(client_id=cid, fees=fees)
        x.matters_12m, x.matters_24m, x.recent_fees = m12, recent, Decimal(recent_fees)
        return x

    facts = {1: f(1, "900000", 3, 3), 2: f(2, "800000", 2, 2),                   # top fees; 2 lacks frequency
             3: f(3, "100", 5, 5), 4: f(4, "50", 4, 4), 5: f(5, "40", 0, 0),      # frequent, small
             6: f(6, "30", 1, 2, "1000000"),                                       # two matters, 500k average
             7: f(7, "20", 1, 3, "3000000"),                                       # three matters: not big
             8: f(8, "0", 0, 1, "499999.99"),                                      # just below the average
             9: f(9, "10", 0, 0), 10: f(10, "5", 0, 0)}
    labels = labels_of(Book(as_of=AS_OF, facts=facts, top_fees=Decimal("900000")), settings)
    # 10 paying clients, top 20 % = 2: clients 1 and 2; only 1 has 3 matters in 12 months
    assert labels == {1: ValueLabel.GOLDEN, 2: None, 3: None, 4: None, 5: None, 6: ValueLabel.BIG,
                      7: None, 8: None, 9: None, 10: None}
    generous = replace_settings(settings, golden_top_share=0.5, golden_min_matters=2)
    assert {k for k, v in labels_of(Book(as_of=AS_OF, facts=facts, top_fees=Decimal(0)), generous).items()
            if v == ValueLabel.GOLDEN} == {1, 2, 3, 4}


def replace_settings(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update=changes)


# --- the proposal and the job -----------------------------------------------------------------------

def _book_of_changes(services):
    """Partners, and clients of whom three would change tier under 000."""
    make_staff(services, "U0PART", "partner", "Wang Fang")
    make_staff(services, "U0PART2", "partner", "Zhao Min")
    make_staff(services, "U0LAW", "lawyer", "Li Lei")
    ids = {}
    ids["big"] = _client(services, "Big Co", tier="core")
    m = _matter(services, ids["big"], opened=AS_OF - timedelta(days=200), complexity=4, status="open")
    _fee(services, ids["big"], m, "1500000.00", date(2026, 6, 1))
    ids["quiet"] = _client(services, "Quiet Co", tier="potential", created=AS_OF - 3 * YEAR)
    ids["mid"] = _client(services, "Mid Co", tier="potential")
    m = _matter(services, ids["mid"], opened=AS_OF - timedelta(days=100), status="open")
    _fee(services, ids["mid"], m, "300000.00", date(2026, 7, 1))
    ids["same"] = _client(services, "Same Co", tier="potential")
    _matter(services, ids["same"], opened=AS_OF - timedelta(days=50), status="open")
    ids["marked"] = _client(services, "Marked Co", tier="strategic", created=AS_OF - 3 * YEAR)
    with services.session() as session:
        session.get(Client, ids["marked"]).strategic_marked = True
    return ids


def test_the_proposal_lists_only_changes_and_the_marked_client_stays(services):
    ids = _book_of_changes(services)
    with services.session() as session:
        p = retier.propose(session, quarter=Q4, settings=services.settings, cal=calendar_of(services.settings))
    assert p.clients == 5 and p.as_of == AS_OF
    assert [(c.client_id, c.old_tier, c.new_tier) for c in p.changes] == [
        (ids["big"], "core", "strategic"), (ids["quiet"], "potential", "lost"), (ids["mid"], "potential", "core")]
    big = p.changes[0]
    assert big.components["fees"] == 1.0 and big.components["complexity"] == 0.75
    s004 = replace_settings(services.settings, tier_scheme="004")
    with services.session() as session:
        p4 = retier.propose(session, quarter=Q4, settings=s004, cal=calendar_of(s004))
    assert {(c.client_id, c.new_tier) for c in p4.changes} == {
        (ids["big"], "strategic"), (ids["quiet"], "lost"), (ids["mid"], "key"), (ids["same"], "ordinary")}


def _proposals(services):
    with services.session() as session:
        return [(n.key, n.channel) for n in session.execute(
            select(Notification).where(Notification.kind == "retier.proposal")).scalars()]


def test_the_job_posts_once_on_the_first_working_day_and_catches_up(services, fake_slack, clock):
    ctx, other = job_context(services, fake_slack), job_context(services, fake_slack, owner="second-process")
    clock.set(datetime(2026, 10, 8, 2, 0, tzinfo=UTC))
    assert propose_quarter(ctx).skipped == "no_clients"       # an empty book claims nothing
    _book_of_changes(services)
    clock.set(datetime(2026, 10, 1, 3, 0, tzinfo=UTC))        # National Day: a holiday, before the first working day
    assert propose_quarter(ctx).skipped == "before_first_working_day"
    clock.set(datetime(2026, 10, 7, 23, 30, tzinfo=UTC))      # Oct 8, 07:30 in Shanghai: before the digest time
    assert propose_quarter(ctx).skipped == "before_digest_time"
    clock.set(datetime(2026, 10, 11, 3, 0, tzinfo=UTC))       # Oct 8-10 missed; Sunday Oct 11 is no working day
    assert propose_quarter(ctx).skipped == "not_a_working_day"
    clock.set(datetime(2026, 10, 12, 2, 0, tzinfo=UTC))       # Monday: caught up
    run = propose_quarter(ctx)
    assert (run.quarter, run.changes, run.sent) == ("2026-Q4", 3, True)
    assert propose_quarter(ctx).skipped == "already_done"
    assert propose_quarter(other).skipped == "already_done"
    deliver(ctx, pacer=ChannelPacer(interval=0))
    deliver(other, pacer=ChannelPacer(interval=0))
    assert _proposals(services) == [("retier:2026-Q4", REVIEW_CHANNEL)]
    [posted] = fake_slack.messages_to(REVIEW_CHANNEL)
    body = str(posted["blocks"])
    assert "Re-tiering proposal 2026-Q4" in body and "*3* clients would change tier" in body
    assert "Big Co" in body and "Core client → Strategic client" in body and "score " in body
    assert len(posted["blocks"]) <= 50
    with services.session() as session:
        # every client's score and label are recorded; tiers wait for the partners
        assert all(c.value_scored_at is not None for c in session.execute(select(Client)).scalars())
        assert session.execute(select(Client.tier).where(Client.name == "Big Co")).scalar_one() == "core"
    clock.set(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))
    assert propose_quarter(ctx).quarter == "2027-Q1"
    assert len(_proposals(services)) == 2


def test_a_make_up_working_day_can_be_the_first_working_day(services, fake_slack, clock):
    _book_of_changes(services)
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 1, 3, 3, 0, tzinfo=UTC))         # Saturday Jan 3 2026: New Year holiday
    assert propose_quarter(ctx).skipped == "before_first_working_day"
    clock.set(datetime(2026, 1, 4, 3, 0, tzinfo=UTC))         # Sunday Jan 4 2026: a make-up working day
    assert calendar_of(services.settings).is_working_day(date(2026, 1, 4))
    assert propose_quarter(ctx).sent


def test_a_long_proposal_stays_within_slacks_block_limit_and_pages(services, slack, fake_slack, clock):
    make_staff(services, "U0PART", "partner")
    for i in range(45):
        _client(services, f"Quiet {i:02d}", created=AS_OF - 3 * YEAR)
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 10, 8, 2, 0, tzinfo=UTC))
    assert propose_quarter(ctx).changes == 45
    deliver(ctx, pacer=ChannelPacer(interval=0))
    msg = card_message(fake_slack, REVIEW_CHANNEL)
    assert len(msg["blocks"]) <= 50
    assert "Showing 1–15 of 45; 30 more below." in str(msg["blocks"])
    more = [e for b in msg["blocks"] if b["type"] == "actions" for e in b["elements"]
            if e["action_id"] == RetierAction.MORE][0]
    slack.click("U0PART", RetierAction.MORE, more["value"], message=msg)
    fake_slack.settle()
    page = fake_slack.of("response_url")[-1].params
    assert page["response_type"] == "ephemeral" and "Quiet 15" in str(page["blocks"]) \
        and "Quiet 14" not in str(page["blocks"]) and len(page["blocks"]) <= 50


def _items(services):
    with services.session() as session:
        return {i.client_id: i for i in session.execute(select(TierReviewItem)).scalars()}


def _open(services, fake_slack, clock):
    ids = _book_of_changes(services)
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 10, 8, 2, 0, tzinfo=UTC))
    assert propose_quarter(ctx).sent
    deliver(ctx, pacer=ChannelPacer(interval=0))
    msg = card_message(fake_slack, REVIEW_CHANNEL)
    return ids, {**msg, "ts": msg["ts"] or "1700000000.000100"}


def _click(slack, fake_slack, user, action, value, msg):
    slack.click(user, action, value, message=msg)
    fake_slack.settle()


def test_partners_approve_each_keep_and_approve_all_through_slack(services, slack, fake_slack, clock):
    ids, msg = _open(services, fake_slack, clock)
    items = _items(services)
    big, quiet, mid = items[ids["big"]], items[ids["quiet"]], items[ids["mid"]]
    # a lawyer is refused; nothing changes
    _click(slack, fake_slack, "U0LAW", RetierAction.APPROVE, f"{big.id}:0", msg)
    assert _items(services)[ids["big"]].decision == "pending"
    assert "Only partners" in str(fake_slack.of("response_url")[-1].params)
    # approve one: the tier applies at once, audited, the message redrawn
    _click(slack, fake_slack, "U0PART", RetierAction.APPROVE, f"{big.id}:0", msg)
    with services.session() as session:
        c = session.get(Client, ids["big"])
        assert (c.tier, c.tier_changed_at, c.value_score) == ("strategic", clock.now, big.score)
    assert ("staff:1", "retier") in [(a, x) for a, x, _ in audit_actions(services, "client", ids["big"])]
    updated = fake_slack.of("chat.update")[-1].params
    assert "Approved by <@U0PART>" in str(updated["blocks"])
    # the same item again (a second partner, a double click): decided once
    _click(slack, fake_slack, "U0PART2", RetierAction.KEEP, f"{big.id}:0", msg)
    assert "already decided" in str(fake_slack.of("response_url")[-1].params)
    assert _items(services)[ids["big"]].decision == "approved"
    # keep one: the tier stays
    _click(slack, fake_slack, "U0PART2", RetierAction.KEEP, f"{quiet.id}:0", msg)
    with services.session() as session:
        assert session.get(Client, ids["quiet"]).tier == "potential"
    # approve all: only what is still pending
    _click(slack, fake_slack, "U0PART", RetierAction.APPROVE_ALL, str(big.review_id), msg)
    decided = _items(services)
    assert {k: v.decision for k, v in decided.items()} == {ids["big"]: "approved", ids["quiet"]: "kept",
                                                           ids["mid"]: "approved"}
    with services.session() as session:
        assert session.get(Client, ids["mid"]).tier == "core"
        assert session.get(TierReview, big.review_id).closed_at == clock.now
    assert "Every change has been decided." in str(fake_slack.of("chat.update")[-1].params["blocks"])
    _click(slack, fake_slack, "U0PART", RetierAction.APPROVE_ALL, str(big.review_id), msg)
    assert "Nothing is pending" in str(fake_slack.of("response_url")[-1].params)
    assert mid.decided_by_id is None


def test_concurrent_decisions_decide_an_item_once(services, fake_slack, clock):
    ids, _ = _open(services, fake_slack, clock)
    item = _items(services)[ids["quiet"]]
    with services.session() as session:
        partners = [find_actor(session, slack_user_id=u, default_locale="en") for u in ("U0PART", "U0PART2")]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def go(actor, approve):
        barrier.wait()
        try:
            with services.session() as session:
                retier.decide(session, actor=actor, item_id=item.id, approve=approve, now=clock.now)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=go, args=(partners[0], True)),
               threading.Thread(target=go, args=(partners[1], False))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["conflict", "won"]
    decided = _items(services)[ids["quiet"]]
    with services.session() as session:
        tier = session.get(Client, ids["quiet"]).tier
    assert (decided.decision, tier) in {("approved", "lost"), ("kept", "potential")}
    with services.session() as session:
        lawyer = find_actor(session, slack_user_id="U0LAW", default_locale="en")
        with pytest.raises(PermissionDenied):
            retier.approve_all(session, actor=lawyer, review_id=item.review_id, now=clock.now)


def test_an_approved_lost_client_is_marked_lost_with_its_reason(services, fake_slack, clock):
    ids, _ = _open(services, fake_slack, clock)
    review_id = _items(services)[ids["quiet"]].review_id
    with services.session() as session:
        partner = find_actor(session, slack_user_id="U0PART", default_locale="en")
        retier.approve_all(session, actor=partner, review_id=review_id, now=clock.now)
    with services.session() as session:
        c = session.get(Client, ids["quiet"])
        assert (c.tier, c.status, c.lost_reason) == ("lost", "lost", "no_engagement")
        assert audit.verify(session).ok        # the bulk audit events chain like single ones
    assert [f for _, a, f in audit_actions(services, "client", ids["quiet"]) if a == "retier"] == [
        ["lost_at", "lost_reason", "status", "tier", "tier_changed_at", "value_label", "value_score",
         "value_scored_at"]]
    assert [f for _, a, f in audit_actions(services, "client", ids["mid"]) if a == "retier"] == [
        ["tier", "tier_changed_at", "value_label", "value_score", "value_scored_at"]]


def test_cadence_follows_the_new_tiers(services, clock):
    make_staff(services, "U0LEAD", "lawyer", "Li Lei")
    key = _client(services, "Key Co", tier="key", created=AS_OF - 2 * YEAR, team={"U0LEAD": "lead_lawyer"})
    ordinary = _client(services, "Ordinary Co", tier="ordinary", created=AS_OF - 2 * YEAR,
                       team={"U0LEAD": "lead_lawyer"})
    settings = services.settings
    assert settings.cadence["key"] == settings.cadence["core"] and "ordinary" in settings.matter_moment_tiers
    with services.session() as session:
        plan = compute_due(session, today=date(2026, 11, 23), cal=calendar_of(settings), rules=rules_from(settings))
    items = {i.client_id: i for d in plan.digests.values() for i in d.cadence}
    assert items[key].rules[:2] == ("call", "written_summary")
    assert ordinary not in items or "call" not in items[ordinary].rules


def test_partners_mark_a_client_strategic_with_a_reason(services, slack, fake_slack, clock):
    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    make_staff(services, "U0PART", "partner")
    make_staff(services, "U0LAW", "lawyer")
    cid = _client(services, "Leader Industries", tier="potential", team={"U0LAW": "lead_lawyer"})
    _note(services, cid, "U0LAW", datetime(2026, 11, 1, tzinfo=UTC))           # in touch: not lost
    slack.command("U0LAW", "/lawcrm", "strategic Leader Industries")
    fake_slack.settle()
    assert "Only partners" in fake_slack.of("response_url")[-1].params["text"]
    slack.command("U0PART", "/lawcrm", "strategic Nobody Corp")
    fake_slack.settle()
    missing = slack.opened_view()
    assert "No client named “Nobody Corp”" in str(missing["blocks"]) and "submit" not in missing
    slack.command("U0PART", "/lawcrm", "strategic Leader Industries")
    fake_slack.settle()
    view = slack.opened_view()
    assert "Leader Industries" in str(view["blocks"])
    refused = slack.submit("U0PART", view["id"], {"retier-reason": "   "})
    assert "Say why" in str(refused.json)
    slack.submit("U0PART", view["id"], {"retier-reason": "Industry leader, brand value"})
    fake_slack.settle()
    with services.session() as session:
        c = session.get(Client, cid)
        assert (c.strategic_marked, c.tier, c.tier_reason) == (True, "strategic", "Industry leader, brand value")
        assert c.strategic_marked_at == clock.now
    assert [x for _, x, _ in audit_actions(services, "client", cid)][-1] == "mark_strategic"
    # no fees, no matters: the proposal keeps it strategic
    with services.session() as session:
        p = retier.propose(session, quarter=Quarter(2027, 1), settings=services.settings,
                           cal=calendar_of(services.settings))
    assert cid not in {c.client_id for c in p.changes}
    slack.command("U0PART", "/lawcrm", "strategic off Leader Industries")
    fake_slack.settle()
    assert "no longer marked" in fake_slack.of("response_url")[-1].params["text"]
    with services.session() as session:
        assert session.get(Client, cid).strategic_marked is False
        p = retier.propose(session, quarter=Quarter(2027, 1), settings=services.settings,
                           cal=calendar_of(services.settings))
    assert [(c.client_id, c.new_tier) for c in p.changes] == [(cid, "potential")]


@pytest.fixture
def cli(db_url, tmp_path, test_keyring):
    from click.testing import CliRunner

    from bot.cli import build_cli
    from tests.support import write_key_file

    write_key_file(tmp_path / "keys.json", test_keyring)
    runner = CliRunner()
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}
    return lambda *args: runner.invoke(build_cli(), list(args), env=env, catch_exceptions=False)


def test_the_cli_prints_the_proposal_without_writing(services, cli):
    ids = _book_of_changes(services)
    done = cli("tiers", "propose", "--quarter", "2026-Q4")
    assert done.exit_code == 0, done.output
    out = done.output
    assert "quarter: 2026-Q4 (scheme 000, figures up to 2026-10-01)" in out
    assert "clients scored: 5" in out and "tier changes proposed: 3" in out
    assert "core -> strategic: 1" in out and "potential -> lost: 1" in out and "potential -> core: 1" in out
    assert "Big Co: core -> strategic, score" in out and "time taken:" in out
    assert "clients:" in out   # the progress lines (stderr, mixed in by the runner)
    with services.session() as session:
        assert session.execute(select(TierReview)).first() is None
        assert session.get(Client, ids["big"]).value_scored_at is None
    assert audit_actions(services, "fee_entry", "retier:2026-Q4") == [("system:cli", "read", ["amount"])]
    bad = cli("tiers", "propose", "--quarter", "2026-Q5")
    assert bad.exit_code != 0 and "2026-Q5" in bad.output


def test_a_decision_on_a_private_page_redraws_the_page_and_the_message(services, slack, fake_slack, clock):
    make_staff(services, "U0PART", "partner")
    for i in range(20):
        _client(services, f"Quiet {i:02d}", created=AS_OF - 3 * YEAR)
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 10, 8, 2, 0, tzinfo=UTC))
    assert propose_quarter(ctx).changes == 20
    deliver(ctx, pacer=ChannelPacer(interval=0))
    msg = card_message(fake_slack, REVIEW_CHANNEL)
    msg = {**msg, "ts": msg["ts"] or "1700000000.000100"}
    with services.session() as session:
        last = session.execute(select(TierReviewItem).join(Client, Client.id == TierReviewItem.client_id)
                               .where(Client.name == "Quiet 19")).scalar_one()
    _click(slack, fake_slack, "U0PART", RetierAction.KEEP, f"{_items(services)[1].id}:0", msg)  # learns the ts
    payload = slack._base("U0PART", "block_actions")
    payload.update({"actions": [{"action_id": RetierAction.APPROVE, "block_id": "b", "type": "button",
                                 "value": f"{last.id}:15", "action_ts": "1.0"}],
                    "container": {"type": "message", "message_ts": "1.2", "channel_id": REVIEW_CHANNEL,
                                  "is_ephemeral": True},
                    "channel": {"id": REVIEW_CHANNEL, "name": "review"},
                    "response_url": fake_slack.response_url()})
    slack.interactive(payload)
    fake_slack.settle()
    page = fake_slack.of("response_url")[-1].params
    assert page["replace_original"] is True and "Approved by <@U0PART>" in str(page["blocks"])
    assert "Quiet 15" in str(page["blocks"]) and "Quiet 14" not in str(page["blocks"])
    main = fake_slack.of("chat.update")[-1].params
    assert main["ts"] == msg["ts"] and "approved 1 · kept 1" in str(main["blocks"])
    with services.session() as session:
        assert session.get(Client, last.client_id).tier == "lost"


def test_a_lost_client_back_with_a_matter_is_proposed_again_and_made_active(services, clock):
    make_staff(services, "U0PART", "partner")
    cid = _client(services, "Back Co", tier="lost", status="lost", created=AS_OF - 4 * YEAR)
    with services.session() as session:
        session.get(Client, cid).lost_reason = "price"
    m = _matter(services, cid, opened=AS_OF - timedelta(days=20), status="open", complexity=2)
    _fee(services, cid, m, "250000.00", date(2026, 9, 1))
    with services.session() as session:
        p = retier.propose(session, quarter=Q4, settings=services.settings, cal=calendar_of(services.settings))
        assert [(c.old_tier, c.new_tier) for c in p.changes] == [("lost", "core")]
        review_id = retier.open_review(session, proposal=p, channel=REVIEW_CHANNEL, now=clock.now)
        assert retier.open_review(session, proposal=p, channel=REVIEW_CHANNEL, now=clock.now) is None
    with services.session() as session:
        partner = find_actor(session, slack_user_id="U0PART", default_locale="en")
        assert retier.approve_all(session, actor=partner, review_id=review_id, now=clock.now) == 1
    with services.session() as session:
        c = session.get(Client, cid)
        assert (c.tier, c.status, c.lost_at, c.lost_reason) == ("core", "active", None, None)


def test_without_a_review_channel_the_proposal_waits(services, fake_slack, clock, db_url, tmp_path, test_keyring):
    from bot.services import Services
    from tests.conftest import make_settings

    _book_of_changes(services)
    quiet = make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path, partner_review_channel=None)
    other = Services(settings=quiet, engine=services.engine, session_factory=services.session_factory,
                     keyring=test_keyring, clock=clock)
    clock.set(datetime(2026, 10, 8, 2, 0, tzinfo=UTC))
    assert propose_quarter(job_context(other, fake_slack)).skipped == "no_channel"
    assert propose_quarter(job_context(services, fake_slack)).sent
    assert _proposals(services) == [("retier:2026-Q4", REVIEW_CHANNEL)]


def test_the_client_cards_mark_strategic_button(services, slack, fake_slack, clock):
    from bot.blocks.client_edit import card_buttons

    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    make_staff(services, "U0PART", "partner")
    make_staff(services, "U0LAW", "lawyer")
    cid = _client(services, "Brand Co", team={"U0LAW": "lead_lawyer", "U0PART": "partner"})
    assert RetierAction.MARK in [b["action_id"] for b in card_buttons(locale="en", client_id=cid)]
    slack.click("U0LAW", RetierAction.MARK, str(cid))
    fake_slack.settle()
    refused = slack.opened_view()
    assert "Only partners" in str(refused["blocks"]) and "submit" not in refused
    slack.click("U0PART", RetierAction.MARK, str(cid))
    fake_slack.settle()
    view = slack.opened_view()
    assert "*Brand Co* will be strategic" in str(view["blocks"])
    slack.submit("U0PART", view["id"], {"retier-reason": "Industry leader"})
    fake_slack.settle()
    with services.session() as session:
        c = session.get(Client, cid)
        assert (c.strategic_marked, c.tier, c.tier_reason) == (True, "strategic", "Industry leader")
