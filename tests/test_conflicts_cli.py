"""`lawcrm conflicts import|check` through click's CliRunner on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cli import build_cli
from bot.flows.conflicts import search_conflicts
from bot.services import build_services
from bot.settings import Settings
from storage.models import AuditEvent, Party

GOOD_AND_BAD = """name,role,kind,matter,id_number
北京星辰科技有限公司,adverse,organization,2025-LIT-0001,91110000100000008J
John Smith,client,person,,
,client,,,
Bad Role Inc,enemy,,,
张伟,Former_Client,person,M-1,110101199003074573
John Smith,client,person,,
Robot Co,client,robot,,
"Smith & Jones, LLP",related,,,
"""

from tests.support import write_key_file


@pytest.fixture
def cli(db_url: str, tmp_path: Path, test_keyring):  # type: ignore[no-untyped-def]
    """Run `lawcrm …` against the test database; the test keys are in tmp_path's key file."""
    write_key_file(tmp_path / "keys.json", test_keyring)
    runner = CliRunner()
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}

    def run(*args: str) -> Result:
        return runner.invoke(build_cli(), list(args), env=env, catch_exceptions=False)

    return run


def write(tmp_path: Path, name: str, text: str) -> Path:
    """A file in tmp_path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count_parties(db_url: str, tmp_path: Path) -> int:
    """Rows in parties."""
    services = build_services(Settings(_env_file=None, database_url=db_url, data_dir=tmp_path))  # type: ignore[call-arg]
    try:
        with services.session() as session:
            return session.execute(select(func.count()).select_from(Party)).scalar_one()
    finally:
        services.engine.dispose()


def test_import_reports_bad_rows_by_line_and_skips_them(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("conflicts", "import", str(write(tmp_path, "legacy.csv", GOOD_AND_BAD)))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "line 4: name is empty" in out
    assert 'line 5: role "enemy" is not one of client, former_client, adverse, related' in out
    assert 'line 8: kind "robot" is not person or organization' in out
    assert "rows read: 8" in out and "imported: 4" in out and "duplicates skipped: 1" in out
    assert "refused: 3" in out and "time taken:" in out
    assert count_parties(db_url, tmp_path) == 4


def test_importing_the_same_file_twice_adds_nothing(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "legacy.csv", GOOD_AND_BAD)
    cli("conflicts", "import", str(path))
    second = cli("conflicts", "import", str(path))
    assert "imported: 0" in second.output and "duplicates skipped: 5" in second.output
    assert count_parties(db_url, tmp_path) == 4
    services = build_services(Settings(_env_file=None, database_url=db_url, data_dir=tmp_path))  # type: ignore[call-arg]
    with services.session() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "conflicts.import")).scalars().all()
        assert len(events) == 2                                   # one per import, not per row
        assert "name" in events[0].fields and "id_number" in events[0].fields
        # the id number is encrypted at rest and found through the blind index
        [res] = search_conflicts(session, names=["Nobody"], id_numbers=["110101199003074573"])
        assert [h.name for h in res.hits] == ["张伟"]
        party = session.execute(select(Party).where(Party.name == "张伟")).scalar_one()
        assert party.id_number == "110101199003074573" and party.source == "import"
        assert party.role == "former_client" and party.matter_ref == "M-1"
    services.engine.dispose()


def test_import_xlsx(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Role", "Kind", "Matter"])
    ws.append(["Meridian Pharmaceuticals Limited", "adverse", "organization", "2024-NL-0003"])
    ws.append([None, None, None, None])
    ws.append(["刘德华", "client", None, None])
    ws.append(["Nobody", None, None, None])
    path = tmp_path / "legacy.xlsx"
    wb.save(path)
    result = cli("conflicts", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "imported: 2" in result.output and 'line 5: role "-"' in result.output
    assert count_parties(db_url, tmp_path) == 2


def test_import_refuses_unusable_files_cleanly(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    no_role = cli("conflicts", "import", str(write(tmp_path, "a.csv", "name,kind\nAcme,organization\n")))
    assert no_role.exit_code != 0 and "missing required column(s): role" in no_role.output
    latin1 = tmp_path / "b.csv"
    latin1.write_bytes("name,role\nMüller,client\n".encode("latin-1"))
    bad = cli("conflicts", "import", str(latin1))
    assert bad.exit_code != 0 and "not UTF-8" in bad.output
    missing = cli("conflicts", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code != 0 and "no such file" in missing.output
    assert count_parties(db_url, tmp_path) == 0


def test_check_json_one_line_per_query_in_input_order(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("conflicts", "import", str(write(tmp_path, "legacy.csv", GOOD_AND_BAD)))
    names = write(tmp_path, "names.txt", "Zhang Wei\n\nJones and Smith\n")
    result = cli("conflicts", "check", "--json", "--file", str(names), "星辰科技（北京）有限公司", "Nobody At All")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [x["query"] for x in lines] == ["星辰科技（北京）有限公司", "Nobody At All", "Zhang Wei", "Jones and Smith"]
    first = lines[0]["hits"][0]
    assert first["name"] == "北京星辰科技有限公司" and first["role"] == "adverse"
    assert first["matter"] == "2025-LIT-0001" and first["why"] == "same name apart from the region"
    assert 90 <= first["score"] < 100
    assert lines[1]["hits"] == []
    assert lines[2]["hits"][0]["name"] == "张伟" and lines[2]["hits"][0]["why"] == "same name in pinyin"
    assert lines[3]["hits"][0]["name"] == "Smith & Jones, LLP"


def test_check_table_and_usage_errors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("conflicts", "import", str(write(tmp_path, "legacy.csv", GOOD_AND_BAD)))
    result = cli("conflicts", "check", "張偉")
    assert result.exit_code == 0
    assert "張偉" in result.output and "张伟" in result.output and "former client, M-1" in result.output
    assert "traditional/simplified Chinese" in result.output
    empty = cli("conflicts", "check")
    assert empty.exit_code == 2 and "give at least one name" in empty.output


def test_imported_id_numbers_are_stored_normalised(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "name,role,kind,matter,id_number\n李娜,adverse,person,,110105-19491231-002x\n"
    result = cli("conflicts", "import", str(write(tmp_path, "dashed.csv", text)))
    assert "imported: 1" in result.output, result.output
    services = build_services(Settings(_env_file=None, database_url=db_url, data_dir=tmp_path))  # type: ignore[call-arg]
    with services.session() as session:
        party = session.execute(select(Party).where(Party.name == "李娜")).scalar_one()
        assert party.id_number == "11010519491231002X"
        [res] = search_conflicts(session, names=["Nobody"], id_numbers=["11010519491231002X"])
        assert [h.name for h in res.hits] == ["李娜"]
    services.engine.dispose()


def test_import_refuses_resident_ids_with_a_wrong_check_character(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = ("name,role,kind,matter,id_number\n"
            "张伟,client,person,,110105194912310021\n"           # wrong check digit
            "李娜,client,,,11010519491231002Y\n"                 # not a check character at all
            "王芳,adverse,person,,110105194912310021\n"
            "赵强,client,person,,11010519491231002X\n"           # valid
            "Acme Ltd,adverse,organization,,914403001922038216\n"  # an all-digit USCC
            "Globex,adverse,organization,,91330100716105852G\n"  # bad USCC, bad resident ID
            "陈静,client,person,,E12345678\n")                   # a passport
    result = cli("conflicts", "import", str(write(tmp_path, "ids.csv", rows)))
    assert result.exit_code == 0, result.output
    out = result.output
    for line in (2, 3, 4):
        assert f"line {line}: id_number is an 18-character resident ID with a wrong check character" in out
    assert "line 7: id_number" in out
    assert "110105194912310021" not in out                      # the refusal does not echo the number
    assert "refused: 4" in out and "imported: 3" in out
    assert count_parties(db_url, tmp_path) == 3
