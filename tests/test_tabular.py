"""bot/flows/tabular.py: encodings, English/Chinese headers and line numbers of exported files."""

from __future__ import annotations

import codecs
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.flows.tabular import FileError, Table, detect_encoding, header_key, read_lines, text_encoding
from bot.i18n import t

CHINESE = "姓名,角色,证件号码\n张伟,客户,110101199003074573\n北京星辰科技有限公司,对方当事人,\n"


def put(tmp_path: Path, name: str, data: bytes) -> Path:
    """A file holding exactly these bytes."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding,prefix,expected", [
    ("utf-8", b"", "utf-8"),
    ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
    ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32"),
    ("gbk", b"", "gb18030"),
    ("gb18030", b"", "gb18030"),
])
def test_encodings_are_detected(tmp_path: Path, encoding: str, prefix: bytes, expected: str) -> None:
    path = put(tmp_path, "x.csv", prefix + CHINESE.encode(encoding))
    assert detect_encoding(path) == expected
    rows = list(Table(path, wanted=("name", "role", "id_number"), required=("name",)))
    assert [(r.line, r.values["name"], r.values["role"]) for r in rows] == [
        (2, "张伟", "客户"), (3, "北京星辰科技有限公司", "对方当事人")]


def test_gb18030_four_byte_characters_are_read(tmp_path: Path) -> None:
    path = put(tmp_path, "names.txt", "𠀀记有限公司\n王喆\n".encode("gb18030"))
    assert detect_encoding(path) == "gb18030"
    assert list(read_lines(path)) == [(1, "𠀀记有限公司"), (2, "王喆")]


def test_western_single_byte_text_is_refused_not_read_as_chinese(tmp_path: Path) -> None:
    path = put(tmp_path, "x.csv", "name,role\nMüller,client\nFrançois Dupré,adverse\n".encode("cp1252"))
    with pytest.raises(FileError) as caught:
        detect_encoding(path)
    assert caught.value.key == "file.unknown_encoding"
    assert "not UTF-8" in t(caught.value.key, "en") and "--encoding" in t(caught.value.key, "en")
    # named, it is read
    rows = list(Table(path, wanted=("name", "role"), encoding="cp1252"))
    assert rows[0].values["name"] == "Müller"


def test_an_encoding_given_is_checked(tmp_path: Path) -> None:
    gbk = put(tmp_path, "x.csv", CHINESE.encode("gbk"))
    assert text_encoding(gbk, "GBK") == "gbk"
    with pytest.raises(FileError) as wrong:
        text_encoding(gbk, "utf-8")
    assert wrong.value.key == "file.bad_encoding" and wrong.value.params == {"encoding": "utf-8"}
    with pytest.raises(FileError) as unknown:
        text_encoding(gbk, "klingon-8")
    assert unknown.value.key == "file.no_such_encoding"
    bom = put(tmp_path, "y.csv", codecs.BOM_UTF8 + b"name\nAcme\n")
    assert next(iter(Table(bom, wanted=("name",), required=("name",), encoding="utf-8"))).values == {"name": "Acme"}


def test_headers_in_english_or_chinese_any_case_and_spacing(tmp_path: Path) -> None:
    assert header_key(" ID_Number* ") == header_key("id-number") == "id number"
    assert header_key("姓名：") == "姓名"
    path = put(tmp_path, "x.csv", " Name *,ROLE,案号,Notes\nAcme,client,M-1,ignored\n".encode())
    table = Table(path, wanted=("name", "role", "matter"), required=("name", "role"))
    assert table.columns == {"name": "Name *", "role": "ROLE", "matter": "案号"}
    assert [r.values for r in table] == [{"name": "Acme", "role": "client", "matter": "M-1"}]


def test_two_headers_for_one_column_take_the_first_value_given(tmp_path: Path) -> None:
    text = "当事人,身份证号,统一社会信用代码\n张伟,110101199003074573,\n星辰公司,,91110000100000008J\n"
    rows = list(Table(put(tmp_path, "x.csv", text.encode("gbk")), wanted=("name", "id_number")))
    assert [r.values["id_number"] for r in rows] == ["110101199003074573", "91110000100000008J"]


def test_missing_columns_name_what_the_header_has(tmp_path: Path) -> None:
    with pytest.raises(FileError) as caught:
        Table(put(tmp_path, "x.csv", "客户,备注\nA,B\n".encode("gbk")), wanted=("name", "role"),
              required=("name", "role"))
    assert caught.value.key == "file.missing_columns"
    assert caught.value.params == {"columns": "name, role", "found": "客户, 备注"}


def test_line_numbers_count_blank_and_multi_line_rows(tmp_path: Path) -> None:
    text = 'name,role\n\n"Smith\nand Jones",related\n,\nAcme,client\n'
    rows = list(Table(put(tmp_path, "x.csv", text.encode()), wanted=("name", "role")))
    assert [(r.line, r.values["name"]) for r in rows] == [(3, "Smith\nand Jones"), (6, "Acme")]


def test_excel_unicode_text_is_tab_separated_utf16(tmp_path: Path) -> None:
    text = "姓名\t角色\r\n李娜\t前客户\r\n"
    path = put(tmp_path, "export.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    rows = list(Table(path, wanted=("name", "role")))
    assert [r.values for r in rows] == [{"name": "李娜", "role": "前客户"}]


def test_xlsx_cells_read_as_people_see_them(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "证件号码", "案件编号"])
    ws.append(["Acme", "110101199003074573", datetime(2025, 3, 1)])
    ws.append([None, None, None])
    ws.append(["Beta", 12345.0, "M-2"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    table = Table(path, wanted=("name", "id_number", "matter"), required=("name",))
    assert table.encoding is None
    assert [(r.line, r.values) for r in table] == [
        (2, {"name": "Acme", "id_number": "110101199003074573", "matter": "2025-03-01"}),
        (4, {"name": "Beta", "id_number": "12345", "matter": "M-2"})]


@pytest.mark.parametrize("name,data,key", [
    ("nope.csv", None, "file.no_file"),
    ("empty.csv", b"", "file.empty"),
    ("blank.csv", b"\n\n", "file.empty"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "file.old_excel"),
    ("broken.xlsx", b"not a zip", "file.bad_xlsx"),
    ("huge.csv", b"name,role\n\"" + b"x" * 200_000 + b"\",client\n", "file.bad_csv"),
])
def test_unusable_files_are_one_clear_error(tmp_path: Path, name: str, data: bytes | None, key: str) -> None:
    path = tmp_path / name if data is None else put(tmp_path, name, data)
    with pytest.raises(FileError) as caught:
        list(Table(path, wanted=("name", "role"), required=("name",)))
    assert caught.value.key == key
    assert "{" not in t(key, "en", **caught.value.params)


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(FileError) as caught:
        list(read_lines(tmp_path))
    assert caught.value.key == "file.no_file"


def test_lines_skip_blanks_and_trim(tmp_path: Path) -> None:
    path = put(tmp_path, "names.txt", codecs.BOM_UTF8 + "  Acme Ltd \r\n\r\n\t\n张伟\n".encode())
    assert list(read_lines(path)) == [(1, "Acme Ltd"), (4, "张伟")]


def test_bytes_already_read_are_detected_and_split_the_same_way() -> None:
    assert list(read_lines("北京\r\n\r\n上海\n".encode("gbk"))) == [(1, "北京"), (3, "上海")]
    assert list(read_lines(codecs.BOM_UTF16_LE + "Acme\n".encode("utf-16-le"))) == [(1, "Acme")]
    with pytest.raises(FileError):
        list(read_lines("Müller\n".encode("latin-1")))
