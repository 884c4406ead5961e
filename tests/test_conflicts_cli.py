"""`lawcrm conflicts import|check` through click's CliRunner on a real database."""

from __future__ import annotations

import codecs
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


# -- files as Chinese Excel and other tools save them (bot/flows/tabular.py) -----------------------------

def put(tmp_path: Path, name: str, data: bytes) -> Path:
    """A file holding exactly these bytes."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding,bom", [("gbk", b""), ("gb18030", b""), ("utf-16-le", codecs.BOM_UTF16_LE),
                                          ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-8", codecs.BOM_UTF8)])
def test_check_file_in_any_common_encoding(cli, tmp_path: Path, encoding: str, bom: bytes) -> None:  # type: ignore[no-untyped-def]
    cli("conflicts", "import", str(write(tmp_path, "legacy.csv", GOOD_AND_BAD)))
    names = put(tmp_path, "names.txt", bom + "张伟\r\n\r\n星辰科技（北京）有限公司\r\n".encode(encoding))
    result = cli("conflicts", "check", "--json", "--file", str(names))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [x["query"] for x in lines] == ["张伟", "星辰科技（北京）有限公司"]
    assert lines[0]["hits"][0]["name"] == "张伟" and lines[1]["hits"][0]["name"] == "北京星辰科技有限公司"


def test_check_file_encoding_option(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    names = put(tmp_path, "names.txt", "张伟\n".encode("gbk"))
    assert cli("conflicts", "check", "--encoding", "gbk", "--file", str(names)).exit_code == 0
    wrong = cli("conflicts", "check", "--encoding", "utf-8", "--file", str(names))
    assert wrong.exit_code == 1 and "the file is not valid utf-8 text" in wrong.output
    bogus = cli("conflicts", "check", "--encoding", "klingon", "--file", str(names))
    assert bogus.exit_code == 1 and 'unknown text encoding "klingon"' in bogus.output
    latin = put(tmp_path, "latin.txt", "Müller\n".encode("latin-1"))
    refused = cli("conflicts", "check", "--file", str(latin))
    assert refused.exit_code == 1 and "not UTF-8, UTF-16 or Chinese" in refused.output
    missing = cli("conflicts", "check", "--file", str(tmp_path / "none.txt"))
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_check_file_as_a_sheet_with_chinese_headers_and_id_numbers(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("conflicts", "import", str(write(tmp_path, "legacy.csv", GOOD_AND_BAD)))
    sheet = put(tmp_path, "names.csv", "序号,姓名,身份证号\n1,Nobody Here,110101199003074573\n2,,\n3,,5\n"
                .encode("gbk"))
    result = cli("conflicts", "check", "--json", "--file", str(sheet))
    assert result.exit_code == 0, result.output
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert line["query"] == "Nobody Here" and line["hits"][0]["name"] == "张伟"
    assert line["hits"][0]["why"] == "same ID number / credit code"
    assert "line 4: the name is empty; row skipped" in result.stderr
    no_column = cli("conflicts", "check", "--file", str(put(tmp_path, "x.csv", b"client,notes\nA,B\n")))
    assert no_column.exit_code == 1 and "missing required column(s): name (the header has: client, notes)" \
        in no_column.output


@pytest.mark.parametrize("args", [("",), ("   ",), ("Acme", ""), ("\t", "Acme")])
def test_check_refuses_blank_names(cli, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = cli("conflicts", "check", *args)
    assert result.exit_code == 2 and "is empty: give each name to check as text" in result.output
    assert "name 2 is empty" in result.output if args[0] == "Acme" else "name 1 is empty" in result.output


def test_check_trims_names(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("conflicts", "import", str(write(tmp_path, "legacy.csv", GOOD_AND_BAD)))
    result = cli("conflicts", "check", "--json", "  John   Smith ")
    assert json.loads(result.output)["query"] == "John Smith"


def test_import_gbk_csv_with_chinese_headers_and_values(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = ("当事人名称,角色,类型,案号,证件号码\n"
            "北京星辰科技有限公司,对方当事人,单位,2025-LIT-0001,91110000100000008J\n"
            "张伟,前客户,个人,M-1,110101199003074573\n"
            "李四,敌人,,,\n")
    result = cli("conflicts", "import", str(put(tmp_path, "legacy.csv", text.encode("gbk"))))
    assert result.exit_code == 0, result.output
    assert "encoding: gb18030" in result.output and "imported: 2" in result.output
    assert 'line 4: role "敌人" is not one of' in result.output
    services = build_services(Settings(_env_file=None, database_url=db_url, data_dir=tmp_path))  # type: ignore[call-arg]
    with services.session() as session:
        party = session.execute(select(Party).where(Party.name == "张伟")).scalar_one()
        assert (party.role, party.kind, party.matter_ref) == ("former_client", "person", "M-1")
        assert party.id_number == "110101199003074573"
    services.engine.dispose()
    again = cli("conflicts", "import", str(tmp_path / "legacy.csv"))
    assert "imported: 0" in again.output and "duplicates skipped: 2" in again.output


def test_import_excel_unicode_text_and_encoding_option(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    utf16 = put(tmp_path, "export.txt", codecs.BOM_UTF16_LE + "姓名\t角色\r\n李娜\tclient\r\n".encode("utf-16-le"))
    result = cli("conflicts", "import", str(utf16))
    assert result.exit_code == 0 and "imported: 1" in result.output, result.output
    latin = put(tmp_path, "latin.csv", "name,role\nMüller GmbH,adverse\n".encode("latin-1"))
    named = cli("conflicts", "import", "--encoding", "latin-1", str(latin))
    assert named.exit_code == 0 and "imported: 1" in named.output, named.output
    assert count_parties(db_url, tmp_path) == 2


def test_import_refuses_before_writing_anything(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name, data, message in [
        ("old.xls", b"\xd0\xcf\x11\xe0", ".xls workbooks cannot be read; save the sheet as XLSX or CSV"),
        ("empty.csv", b"", "the file is empty"),
        ("gbk.csv", "名称,备注\n张伟,x\n".encode("gbk"), "missing required column(s): role"),
    ]:
        result = cli("conflicts", "import", str(put(tmp_path, name, data)))
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
    assert count_parties(db_url, tmp_path) == 0


def test_check_file_from_standard_input_in_gbk(cli_input, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli_input("张伟\n\nJohn Smith\n".encode("gbk"), "conflicts", "check", "--json", "--file", "-")
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["query"] for x in result.output.splitlines()] == ["张伟", "John Smith"]
    empty = cli_input(b"", "conflicts", "check", "--file", "-")
    assert empty.exit_code == 2 and "give at least one name" in empty.output


@pytest.fixture
def cli_input(db_url: str, tmp_path: Path, test_keyring):  # type: ignore[no-untyped-def]
    """`lawcrm …` with bytes on standard input."""
    write_key_file(tmp_path / "keys.json", test_keyring)
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}

    def run(data: bytes, *args: str) -> Result:
        return CliRunner().invoke(build_cli(), list(args), input=data, env=env, catch_exceptions=False)

    return run


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
