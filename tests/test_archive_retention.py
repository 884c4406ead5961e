"""Retention per matter, legal holds, the monthly list and destruction (approved, two present, logged)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.flows.archive.retention import retention_of
from bot.settings import SettingsError, load_settings
from bot.ids import ArchiveAction
from storage.models import ArchiveFiling, Matter
from tests.archive_support import (REVIEW_CHANNEL, audit_rows, click, client, filed, filing_of, job_context,
                                   people, reply, run_archive_jobs, wait_dm)

CLOSED = datetime(2016, 3, 1, 4, 0, tzinfo=UTC)


def test_retention_by_kind_of_matter_and_configurable(services):
    settings = services.settings
    matter = Matter(number="X", client_id=1, practice_area="lit_civil", closed_at=CLOSED)
    filing = ArchiveFiling(held_days=0, judgment_date=None)
    lit = retention_of(filing=filing, matter=matter, tier="core", settings=settings)
    assert lit.category == "litigation" and lit.until is None  # no judgment date yet
    filing.judgment_date = date(2015, 12, 1)
    assert retention_of(filing=filing, matter=matter, tier="core", settings=settings).until == date(2025, 12, 1)
    matter.practice_area = "nl_mna"
    assert retention_of(filing=filing, matter=matter, tier="core", settings=settings).until == date(2024, 3, 1)
    matter.practice_area = "retainer"
    assert retention_of(filing=filing, matter=matter, tier="core", settings=settings).until == date(2021, 3, 1)
    strategic = retention_of(filing=filing, matter=matter, tier="strategic", settings=settings)
    assert strategic.permanent and strategic.until is None
    filing.held_days = 40  # days on hold are added
    assert retention_of(filing=filing, matter=matter, tier="core", settings=settings).until == date(2021, 4, 10)
    longer = settings.model_copy(update={"archive_retention_retainer_years": 7, "archive_permanent_tiers": []})
    assert retention_of(filing=filing, matter=matter, tier="strategic", settings=longer).until == date(2023, 4, 10)


def test_permanent_tiers_must_be_known_tiers():
    with pytest.raises(SettingsError, match="ARCHIVE_PERMANENT_TIERS: unknown tier 'gold'"):
        load_settings(_env_file=None, archive_permanent_tiers=["gold"])
    assert load_settings(_env_file=None, archive_permanent_tiers=["strategic", "core"]).archive_permanent_tiers \
        == ["strategic", "core"]


def test_judgment_date_and_status(services, slack, fake_slack):
    people(services)
    cid = client(services)
    filed(services, cid, "2015-LIT-0001", closed_at=CLOSED, area="lit_civil")
    status = reply(slack, fake_slack, "U0LAWYER", "/archive", "status 2015-LIT-0001")
    assert "record the effective judgment date" in status
    assert "future" in reply(slack, fake_slack, "U0LAWYER", "/archive", "judgment 2015-LIT-0001 2027-01-01")
    assert "Only a partner" in reply(slack, fake_slack, "U0OTHER", "/archive", "judgment 2015-LIT-0001 2015-12-01")
    done = reply(slack, fake_slack, "U0LAWYER", "/archive", "judgment 2015-LIT-0001 2015-12-01")
    assert "kept until 2025-12-01" in done
    assert "Kept until 2025-12-01 (litigation)" in reply(slack, fake_slack, "U0LAWYER", "/archive",
                                                         "status 2015-LIT-0001")
    assert ("staff:3", "update", "1", ["judgment_date"]) in audit_rows(services, "archive_filing")


def test_destruction_lists_refuse_files_on_hold_or_in_retention(services, slack, fake_slack, clock):
    people(services)
    cid = client(services)
    vip = client(services, "Big Co", tier="strategic")
    filed(services, cid, "2016-NLT-0001", closed_at=CLOSED)            # 8 years: until 2024-03-01
    filed(services, cid, "2016-RET-0002", closed_at=CLOSED, area="retainer")
    filed(services, cid, "2022-NLT-0003", closed_at=datetime(2022, 5, 1, tzinfo=UTC))
    filed(services, vip, "2016-NLT-0004", closed_at=CLOSED)
    filed(services, cid, "2016-LIT-0005", closed_at=CLOSED, area="lit_civil")  # no judgment date

    # a partner (only) puts one on hold, with a reason; audited without the reason
    assert "Only a partner" in reply(slack, fake_slack, "U0RECORDS", "/archive", "hold 2016-RET-0002 dispute")
    assert "Give a reason" in reply(slack, fake_slack, "U0PARTNER", "/archive", "hold 2016-RET-0002")
    assert "legal hold" in reply(slack, fake_slack, "U0PARTNER", "/archive", "hold 2016-RET-0002 Subpoena 2026/55")
    assert "Subpoena" not in str(audit_rows(services, "archive_filing"))

    refused = reply(slack, fake_slack, "U0RECORDS", "/archive",
                    "destroy propose 2016-NLT-0001 2016-RET-0002 2022-NLT-0003 2016-NLT-0004 2016-LIT-0005 9999-X")
    assert "Nothing was listed" in refused
    assert "2016-RET-0002: on legal hold" in refused
    assert "2022-NLT-0003: still in retention until 2030-05-01" in refused
    assert "2016-NLT-0004: kept permanently" in refused
    assert "2016-LIT-0005: retention not yet known" in refused
    assert "9999-X" in refused and "2016-NLT-0001" not in refused
    assert not audit_rows(services, "archive_destruction")
    assert "Only a records officer" in reply(slack, fake_slack, "U0PARTNER", "/archive",
                                             "destroy propose 2016-NLT-0001")


def test_monthly_list_then_approved_destruction_with_two_people_present(services, slack, fake_slack, clock):
    people(services)
    cid = client(services)
    filed(services, cid, "2016-NLT-0001", closed_at=CLOSED)
    filed(services, cid, "2016-NLT-0002", closed_at=CLOSED)
    filed(services, cid, "2022-NLT-0003", closed_at=datetime(2022, 5, 1, tzinfo=UTC))
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 12, 1, 0, 30, tzinfo=UTC))  # Tuesday 1 December, 08:30 Shanghai
    run_archive_jobs(ctx)
    run_archive_jobs(ctx)
    clock.advance(days=1)
    run_archive_jobs(ctx)
    monthly = [m for m in fake_slack.messages_to("U0RECORDS") if "past retention" in m["text"]]
    assert len(monthly) == 1 and "2016-NLT-0001" in monthly[0]["text"] and "2022-NLT-0003" not in monthly[0]["text"]
    clock.set(datetime(2027, 1, 4, 0, 30, tzinfo=UTC))  # the next month's first working day
    run_archive_jobs(ctx)
    assert len([m for m in fake_slack.messages_to("U0RECORDS") if "past retention" in m["text"]]) == 2

    assert "sent to the partners" in reply(slack, fake_slack, "U0RECORDS", "/archive",
                                           "destroy propose 2016-NLT-0001 2016-NLT-0002")
    fake_slack.settle()
    ask = [m for m in fake_slack.messages_to(REVIEW_CHANNEL) if "proposes to destroy" in m["text"]]
    assert len(ask) == 1 and ArchiveAction.DESTROY_APPROVE in str(ask[0]["blocks"])
    assert "not approved yet" in reply(slack, fake_slack, "U0RECORDS", "/archive",
                                       "destroy done 1 <@U0RECORDS> <@U0CS>")
    click(slack, fake_slack, "U0LAWYER", ArchiveAction.DESTROY_APPROVE, "1")  # not a partner: refused
    assert "not approved yet" in reply(slack, fake_slack, "U0RECORDS", "/archive",
                                       "destroy done 1 <@U0RECORDS> <@U0CS>")
    click(slack, fake_slack, "U0PARTNER", ArchiveAction.DESTROY_APPROVE, "1")
    assert any("approved your destruction list" in m["text"] for m in wait_dm(fake_slack, "U0RECORDS", 3))

    assert "two people present" in reply(slack, fake_slack, "U0RECORDS", "/archive", "destroy done 1 <@U0CS>")
    assert "two people present" in reply(slack, fake_slack, "U0RECORDS", "/archive",
                                         "destroy done 1 <@U0CS> <@U0CS>")
    assert "staff of the firm" in reply(slack, fake_slack, "U0RECORDS", "/archive",
                                        "destroy done 1 <@U0CS> <@U0NOBODY>")
    done = reply(slack, fake_slack, "U0RECORDS", "/archive", "destroy done 1 <@U0CS|zhao> <@U0PARTNER>")
    assert "2 files destroyed" in done
    assert filing_of(services, "2016-NLT-0001").destroyed_at == clock.now
    assert [a for _, a, _, _ in audit_rows(services, "archive_destruction")] == ["propose", "approve", "carry_out"]
    assert [a for _, a, _, _ in audit_rows(services, "archive_filing")] == ["destroy", "destroy"]
    assert "already destroyed" in reply(slack, fake_slack, "U0RECORDS", "/archive", "destroy propose 2016-NLT-0001")


def test_a_hold_placed_after_the_proposal_stops_the_approval_and_lifting_it_extends_retention(
        services, slack, fake_slack, clock):
    people(services)
    cid = client(services)
    filed(services, cid, "2016-NLT-0001", closed_at=CLOSED)
    reply(slack, fake_slack, "U0RECORDS", "/archive", "destroy propose 2016-NLT-0001")
    reply(slack, fake_slack, "U0PARTNER", "/archive", "hold 2016-NLT-0001 New claim filed")
    before = len(fake_slack.of("response_url"))
    slack.click("U0PARTNER", ArchiveAction.DESTROY_APPROVE, "1", message={"channel": REVIEW_CHANNEL, "ts": "1.0"})
    answer = fake_slack.wait_for("response_url", before + 1)[-1].params["text"]
    assert "Nothing was listed" in answer and "on legal hold" in answer
    clock.advance(days=30, hours=1)
    lifted = reply(slack, fake_slack, "U0PARTNER", "/archive", "release 2016-NLT-0001 Claim settled")
    assert "extended by 31 days" in lifted
    assert "Kept until 2024-04-01" in reply(slack, fake_slack, "U0PARTNER", "/archive", "status 2016-NLT-0001")
    assert [a for _, a, _, _ in audit_rows(services, "archive_filing")] == ["hold", "lift_hold"]
