"""`lawcrm report`: the KPI table in the user's language, the workbook, progress and time taken."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import build_cli
from bot.services import Services
from storage.models import AuditEvent
from tests.report_firm import build
from tests.support import write_key_file


@pytest.fixture
def cli(db_url: str, tmp_path: Path, test_keyring):  # type: ignore[no-untyped-def]
    """Run `lawcrm …` against the test database."""
    write_key_file(tmp_path / "keys.json", test_keyring)
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(build_cli(), list(args), env=env, catch_exceptions=False)

    return invoke


def test_report_prints_the_kpi_table_and_writes_the_workbook(cli, services: Services,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    with services.session() as session:
        build(session)
    out = tmp_path / "q3.xlsx"
    result = cli("report", "--quarter", "2026-Q3", "--xlsx", str(out))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Quarterly report 2026-Q3"
    row = next(line for line in lines if line.startswith("1-year retention"))
    assert row.split() == ["1-year", "retention", "50.0", "%", "≥", "80.0", "%", "red", "1", "/", "2"]
    row = next(line for line in lines if line.startswith("Enquiry response"))
    assert "45 min" in row and "≤ 60 min" in row and "green" in row
    row = next(line for line in lines if line.startswith("Enquiry conversion"))
    assert "50.0 %" in row and "—" in row
    assert any(line.split() == ["Staff", "L1", "500.00", "0.00", "500.00"] for line in lines)
    assert f"workbook written to {out}" in result.stdout and "time taken:" in result.stdout
    assert "  fees done in" in result.stderr
    book = load_workbook(out)
    assert "Bonus lines" in book.sheetnames
    with services.session() as session:
        assert session.execute(select(AuditEvent.actor).where(AuditEvent.entity == "quarter_report",
                                                              AuditEvent.entity_id == "2026-Q3")).scalars().all() \
            == ["system:cli"]


def test_report_in_chinese_and_without_data(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "--quarter", "2026年第三季度", "--lang", "zh-CN", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "2026-Q3 季度报告"
    row = next(line for line in result.stdout.splitlines() if line.startswith("一年客户留存率"))
    assert row.split() == ["一年客户留存率", "无数据", "≥", "80.0", "%", "无数据", "0", "/", "0"]
    assert "本季度没有奖金。" in result.stdout and result.stderr == ""


def test_report_refuses_a_bad_quarter_and_an_unwritable_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = cli("report", "--quarter", "2026-Q5")
    assert bad.exit_code == 1 and "is not a quarter: write it like 2026-Q4" in bad.output
    missing = cli("report", "--quarter", "2026-Q3", "--xlsx", str(tmp_path / "nowhere" / "q3.xlsx"))
    assert missing.exit_code == 1 and "the folder does not exist" in missing.output
    assert not (tmp_path / "nowhere").exists()
