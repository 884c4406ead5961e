"""`lawcrm fees import`: dry run and apply, refused lines, idempotent re-import, Chinese headers, XLSX."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy import text as sql

from bot.cli import build_cli
from bot.flows.actor import Actor
from bot.flows.errors import DomainError
from bot.flows.value import fees
from bot.flows.value.fee_import import FeeImportReport, import_fees
from bot.services import Services
from storage.models import AuditEvent, FeeEntry, Matter
from storage.models.enums import Role
from tests.support import make_staff, write_key_file
from tests.upkeep_support import make_client, make_matter

TODAY = date(2026, 11, 23)     # the clock fixture's day, in Shanghai


@pytest.fixture
def numbers(services: Services) -> list[str]:
    """Two matters of one client and one of another; their numbers."""
    acme = make_client(services, "Acme Trading Ltd")
    globex = make_client(services, "Globex Ltd")
    ids = [make_matter(services, acme), make_matter(services, acme), make_matter(services, globex)]
    with services.session() as session:
        return [session.get(Matter, i).number for i in ids]


def run(services: Services, path: Path, *, apply: bool = True, **kw: object) -> FeeImportReport:
    """Import through the flow with the firm's date and currency."""
    return import_fees(services.engine, path, apply=apply, actor="system:cli", today=TODAY, currency="CNY",
                       **kw)  # type: ignore[arg-type]


def write(tmp_path: Path, text: str, *, name: str = "fees.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def stored(services: Services) -> list[tuple[str, str, Decimal, str, date, str | None, str]]:
    """(matter number, kind, amount, currency, date, reference, source) of every entry."""
    with services.session() as session:
        rows = session.execute(select(Matter.number, FeeEntry).join(Matter, Matter.id == FeeEntry.matter_id)
                               .order_by(FeeEntry.id)).all()
        return [(n, e.kind, Decimal(e.amount), e.currency, e.on_date, e.reference, e.source) for n, e in rows]


def reasons(report: FeeImportReport) -> dict[int, str]:
    """Refusal key (last part) by line."""
    return {line: key.rsplit(".", 1)[-1] for line, key, _p in report.refused}


def test_dry_run_counts_what_apply_then_writes_and_a_rerun_adds_nothing(services, numbers, tmp_path):
    a, b, c = numbers
    path = write(tmp_path, f"matter,kind,amount,date,reference\n"
                           f"{a},invoiced,\"1,200,000\",2026-10-01,INV-1\n"
                           f"{a},collected,450000.5,2026/11/02,\n"
                           f"{b},开票,12万,2026年11月20日,INV-2\n"
                           f"{c},已收,\"¥3,000\",20261123,R-9\n")
    dry = run(services, path, apply=False)
    assert (dry.applied, dry.rows, dry.added, dry.present, dry.refused) == (False, 4, 4, 0, [])
    assert stored(services) == []
    done = run(services, path)
    assert (done.applied, done.rows, done.added, done.present) == (True, 4, 4, 0)
    assert stored(services) == [
        (a, "invoiced", Decimal("1200000.00"), "CNY", date(2026, 10, 1), "INV-1", "import"),
        (a, "collected", Decimal("450000.50"), "CNY", date(2026, 11, 2), None, "import"),
        (b, "invoiced", Decimal("120000.00"), "CNY", date(2026, 11, 20), "INV-2", "import"),
        (c, "collected", Decimal("3000.00"), "CNY", date(2026, 11, 23), "R-9", "import")]
    again = run(services, path)
    assert (again.added, again.present, again.rows) == (0, 4, 4)
    assert len(stored(services)) == 4
    with services.session() as session:
        raw = session.execute(sql("SELECT amount, reference FROM fee_entries")).all()
        assert "1200000" not in str(raw) and "INV-1" not in str(raw)
        client_ids = set(session.execute(select(FeeEntry.client_id)).scalars())
        assert client_ids == set(session.execute(select(Matter.client_id)).scalars())
        audits = [e.action for e in session.execute(select(AuditEvent).where(
            AuditEvent.entity == "fee_entries").order_by(AuditEvent.seq)).scalars()]
        assert audits == ["fees.import.dry_run", "fees.import", "fees.import"]


def test_every_bad_row_is_refused_with_its_line_and_the_good_ones_go_in(services, numbers, tmp_path):
    a, b, _c = numbers
    path = write(tmp_path, f"案号,类型,金额,日期,发票号,收费方式\n"
                           f"{a},开票,10000,2026-11-01,A1,\n"            # 2: good
                           f"2099-NOPE-1,开票,10000,2026-11-01,,\n"      # 3: unknown matter
                           f"{a},开票,很多,2026-11-01,,\n"                # 4: bad amount
                           f"{a},开票,10000,2026-13-01,,\n"              # 5: bad date
                           f"{a},开票,10000,2026-11-24,,\n"              # 6: tomorrow
                           f"{a},退款,10000,2026-11-01,,\n"              # 7: unknown kind
                           f"{a},收款,0,2026-11-01,,\n"                  # 8: zero
                           f"{a},收款,-500,2026-11-01,,\n"               # 9: negative
                           f"{a},收款,,2026-11-01,,\n"                   # 10: no amount
                           f"{a},收款,500,,,\n"                         # 11: no date
                           f",收款,500,2026-11-01,,\n"                  # 12: no matter
                           f"{b},收款,500,2026-11-01,,按件\n"            # 13: unknown arrangement
                           f"{b},,,,,\n"                               # 14: nothing but the number
                           f"{b},收款,500,2026-11-01,{'R' * 101},\n"     # 15: reference too long
                           f"{b},收款,5\x07,2026-11-01,,\n"              # 16: control character
                           f"{b},收款,500,2026-11-01,R-1,\n")            # 17: good
    report = run(services, path)
    assert reasons(report) == {3: "unknown_matter", 4: "bad_amount", 5: "bad_date", 6: "future_date",
                               7: "unknown_kind", 8: "zero_amount", 9: "bad_amount", 10: "no_amount",
                               11: "no_date", 12: "no_matter", 13: "bad_arrangement", 14: "empty",
                               15: "reference_long", 16: "bad_text"}
    assert (report.rows, report.added) == (16, 2)
    assert [(n, r) for n, _k, _a, _c, _d, r, _s in stored(services)] == [(a, "A1"), (b, "R-1")]


def test_chinese_headers_in_a_gb18030_csv_set_the_terms(services, numbers, tmp_path):
    a, b, c = numbers
    text = (f"案号,收支类型,金额（元）,到账日期,票据号,收费方式,约定金额\n"
            f"{a},已开票,\"300,000.00\",2026-09-30,发票0001,风险代理,50万\n"
            f"{a},已收款,100000,2026-10-15,收据0001,风险代理,50万\n"
            f"{b},,,,,常年顾问,\"120,000\"\n"                 # terms only
            f"{c},收款,8000,2026-11-01,,计时,\n")
    path = write(tmp_path, text, encoding="gb18030")
    report = run(services, path)
    assert report.encoding == "gb18030" and report.refused == []
    assert (report.added, report.terms_set) == (3, 3)
    with services.session() as session:
        terms = {m.number: (m.fee_arrangement, m.agreed_amount, m.complexity, m.fees_set_at is not None)
                 for m in session.execute(select(Matter)).scalars()}
    assert terms == {a: ("contingency", "500000.00", None, True), b: ("retainer", "120000.00", None, True),
                     c: ("hourly", None, None, True)}
    assert [r for *_x, r, _s in stored(services)] == ["发票0001", "收据0001", None]
    again = run(services, path)
    assert (again.added, again.present, again.terms_set) == (0, 3, 0)


def test_an_xlsx_export_with_a_title_row_and_real_dates_and_numbers(services, numbers, tmp_path):
    a, b, _c = numbers
    wb = Workbook()
    ws = wb.active
    ws.append(["律师费收款明细（2026年）"])
    ws.append(["Matter number", "Type", "Amount", "Payment date", "Receipt no"])
    ws.append([a, "Payment", 250000, datetime(2026, 11, 3), "R-100"])
    ws.append([b, "invoice", 99999.99, datetime(2026, 11, 4), None])
    ws.append([b, "invoice", 99999.99, datetime(2026, 11, 4), None])       # the same row twice
    ws.append([b, "invoice", "n/a", datetime(2026, 11, 4), None])
    ws.append([b, "Billed", 500, 46000, "X-1"])                              # an Excel serial date
    path = tmp_path / "export.xlsx"
    wb.save(path)
    report = run(services, path)
    assert report.refused == [(6, "fees.import.bad_amount", {"column": "amount", "value": "n/a"})]
    assert (report.rows, report.added, report.repeated, report.encoding) == (5, 3, 1, None)
    rows = stored(services)
    assert rows[0] == (a, "collected", Decimal("250000.00"), "CNY", date(2026, 11, 3), "R-100", "import")
    assert rows[1] == (b, "invoiced", Decimal("99999.99"), "CNY", date(2026, 11, 4), None, "import")
    assert rows[2] == (b, "invoiced", Decimal("500.00"), "CNY", date(2025, 12, 9), "X-1", "import")


def test_an_entry_made_in_slack_is_already_present_for_the_import(services, numbers, tmp_path):
    a, _b, _c = numbers
    partner = make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    actor = Actor(staff_id=partner.id, slack_user_id="U0PARTNER", name="Wang Fang", role=Role.PARTNER, locale="en")
    with services.session() as session:
        fees.record_entry(session, actor=actor, number=a, kind="invoiced", amount="50000", on_date=date(2026, 11, 2),
                          reference="INV-7", today=TODAY, currency="CNY")
    path = write(tmp_path, f"案号,类型,金额,日期,发票号\n{a},开票,\"50,000.00\",2026-11-02,INV-7\n"
                           f"{a},开票,50000,2026-11-02,INV-8\n")
    report = run(services, path)
    assert (report.added, report.present) == (1, 1)
    assert [(s, r) for *_x, r, s in stored(services)] == [("slack", "INV-7"), ("import", "INV-8")]


def test_a_file_without_a_kind_column_needs_kind(services, numbers, tmp_path):
    a, _b, _c = numbers
    path = write(tmp_path, f"案号,收款金额,收款日期\n{a},1000,2026-11-01\n")
    with pytest.raises(DomainError) as caught:
        run(services, path)
    assert caught.value.key == "fees.import.no_kind_column"
    report = run(services, path, kind="collected")
    assert report.added == 1 and stored(services)[0][1] == "collected"
    missing = write(tmp_path, "案号,金额\nX,1\n", name="short.csv")
    with pytest.raises(DomainError) as caught:
        run(services, missing)
    assert caught.value.key == "file.missing_columns"


@pytest.fixture
def cli(db_url: str, tmp_path: Path, test_keyring):  # type: ignore[no-untyped-def]
    """Run `lawcrm …` against the test database."""
    write_key_file(tmp_path / "keys.json", test_keyring)
    runner = CliRunner()
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path), "CURRENCY": "usd"}

    def invoke(*args: str) -> Result:
        return runner.invoke(build_cli(), list(args), env=env, catch_exceptions=False)

    return invoke


def test_cli_dry_run_apply_rerun_and_summary(cli, services, numbers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = numbers
    path = write(tmp_path, f"matter,kind,amount,date,reference,arrangement\n"
                           f"{a},invoiced,1000,2026-11-01,I-1,fixed\n"
                           f"{a},collected,1000,2026-11-02,,\n"
                           f"{b},collected,lots,2026-11-02,,\n"
                           f"nope,collected,5,2026-11-02,,\n"
                           f"{b},collected,5,2099-01-01,,\n", encoding="gb18030")
    dry = cli("fees", "import", str(path), "--quiet")
    assert dry.exit_code == 0, dry.output
    for line in ("DRY RUN", "rows read: 5", "entries added: 2", "already present: 0",
                 "matters whose terms were set: 1", "refused rows: 3", "1 x bad_amount", "1 x unknown_matter",
                 "1 x future_date", 'line 4: amount "lots" is not an amount', 'line 5: no matter numbered "nope"',
                 "time taken:"):
        assert line in dry.output, line
    assert stored(services) == []
    done = cli("fees", "import", str(path), "--apply", "--quiet")
    assert "APPLIED" in done.output and "entries added: 2" in done.output
    assert {e[3] for e in stored(services)} == {"USD"}
    again = cli("fees", "import", str(path), "--apply")
    assert "entries added: 0" in again.output and "already present: 2" in again.output
    assert "matters whose terms were set: 0" in again.output
    clean = write(tmp_path, f"matter,kind,amount,date\n{a},invoiced,1000,2026-11-01\n", name="clean.csv")
    cli("fees", "import", str(clean), "--apply")
    twice = cli("fees", "import", str(clean), "--apply")
    assert "nothing new" in twice.output
    missing = cli("fees", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.output
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(FeeEntry)).scalar_one() == 3


def test_batches_report_progress_and_a_dry_run_counts_as_apply_does(services, numbers, tmp_path):
    a, b, c = numbers
    first = write(tmp_path, f"matter,kind,amount,date\n{a},invoiced,100,2026-11-01\n", name="first.csv")
    run(services, first)
    rows = "".join(f"{n},collected,{amount},2026-11-0{day}\n" for n, amount, day in
                   ((a, 10, 1), (b, 20, 2), (c, 30, 3), (a, 40, 4), (b, 50, 5), (c, 60, 6)))
    path = write(tmp_path, f"matter,kind,amount,date\n{a},invoiced,100,2026-11-01\n{rows}")
    seen: list[tuple[int, int]] = []
    dry = run(services, path, apply=False, batch=2, progress=lambda r: seen.append((r.rows, r.added)))
    assert (dry.added, dry.present) == (6, 1) and len(seen) == 4       # one line per batch of two
    assert seen[-1] == (7, 6) and len(stored(services)) == 1
    done = run(services, path, batch=2)
    assert (done.added, done.present) == (dry.added, dry.present)
    assert len(stored(services)) == 7
