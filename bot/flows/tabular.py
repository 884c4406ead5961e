"""Reading the files people export (CSV, TSV, XLSX, plain text): encoding, headers, line numbers.

One machinery for every bulk input (conflict data, name lists, later clients and fees): the text
encoding is detected (UTF-8 with or without BOM, UTF-16/32 with BOM, Chinese GB18030/GBK as
Chinese Excel saves CSV) or given, headers are matched in English or Chinese through
`HEADER_ALIASES`, and rows come with the line (or sheet row) they were read from.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from bot.flows.errors import DomainError

TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
OLD_EXCEL_SUFFIXES = (".xls", ".et", ".numbers")
DELIMITERS = (",", "\t", ";")
CHUNK = 1 << 20
SAMPLE_CHARS = 1 << 16
HEADER_SCAN = 10  # rows searched for the header when the first row is a title or a merged group row
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# Canonical column -> the headers people write for it (compared case-, space- and underscore-blind).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "party", "party name", "full name", "名称", "姓名", "名字", "当事人", "当事人名称",
             "当事人姓名", "客户名称", "单位名称", "公司名称", "企业名称"),
    "role": ("role", "party role", "角色", "身份", "当事人角色", "当事人身份", "关系"),
    "kind": ("kind", "type", "party type", "类型", "主体类型", "当事人类型", "性质"),
    "matter": ("matter", "matter number", "matter no", "matter ref", "case", "case number", "案件",
               "案号", "案件编号", "案件号", "项目编号"),
    "id_number": ("id number", "id", "id no", "identifier", "credit code", "证件号码", "证件号",
                  "身份证号", "身份证号码", "统一社会信用代码", "信用代码", "证照号码", "uscc",
                  "id number or uscc", "身份证号/统一社会信用代码"),
    # The client book (bot/flows/client_import.py).
    "client_kind": ("client kind", "client type", "客户类型", "客户性质", "客户类别"),
    "consent": ("consent", "id consent", "separate consent", "单独同意", "同意", "敏感信息同意",
                "证件号同意", "书面同意"),
    "gender": ("gender", "sex", "性别"),
    "phone": ("phone", "telephone", "mobile", "电话", "联系电话", "手机", "手机号"),
    "email": ("email", "e-mail", "mail", "邮箱", "电子邮箱", "电子邮件"),
    "legal_representative": ("legal representative", "legal rep", "法定代表人", "法人代表", "法人"),
    "address": ("address", "registered address", "地址", "注册地址", "住所", "住址", "通讯地址"),
    "industry": ("industry", "sector", "行业", "所属行业"),
    "size": ("size", "company size", "employees", "规模", "企业规模", "公司规模", "人数"),
    "decision_maker": ("decision maker", "decision-maker", "决策人", "关键决策人", "实际决策人"),
    "source": ("source", "source channel", "channel of source", "来源", "客户来源", "来源渠道", "获客渠道"),
    "referrer": ("referrer", "referred by", "introducer", "介绍人", "推荐人", "转介绍人"),
    "tier": ("tier", "grade", "level", "client tier", "客户等级", "客户级别", "等级", "级别", "客户分级"),
    "tags": ("tags", "tag", "labels", "标签", "客户标签"),
    "preferred_channel": ("preferred channel", "channel", "contact preference", "偏好渠道", "联系偏好",
                          "首选联系方式", "沟通偏好"),
    "birthday": ("birthday", "date of birth", "birth date", "生日", "出生日期"),
    "founded": ("founded", "founding date", "founded on", "incorporated", "成立日期", "成立时间",
                "注册日期"),
    "contact_name": ("contact", "contact name", "contact person", "联系人", "联系人姓名"),
    "contact_title": ("contact title", "contact role", "联系人职务", "联系人职位", "职务"),
    "contact_phone": ("contact phone", "联系人电话", "联系人手机"),
    "contact_email": ("contact email", "联系人邮箱"),
    "practice_area": ("practice area", "area", "matter type", "业务领域", "业务类型", "案件类型", "业务类别",
                      "专业领域"),
    "cause": ("cause", "cause of action", "matter title", "title", "subject", "案由", "案件名称", "事项",
              "项目名称"),
    "opposing": ("opposing", "opposing party", "opposing parties", "adverse party", "对方当事人", "对方",
                 "相对方", "对方当事人名称"),
    "related": ("related", "related party", "related parties", "third party", "关联方", "第三人",
                "关联当事人"),
    "opened": ("opened", "opened on", "open date", "start date", "立案日期", "收案日期", "委托日期",
               "开始日期", "签约日期"),
    "closed": ("closed", "closed on", "close date", "end date", "结案日期", "结束日期", "归档日期"),
    "lead_lawyer": ("lead lawyer", "lead", "responsible lawyer", "主办律师", "承办律师", "主办人"),
    "assistants": ("assistants", "assistant", "assisting lawyers", "协办律师", "助理", "律师助理",
                   "协办人"),
    "partner": ("partner", "responsible partner", "负责合伙人", "合伙人"),
    "client_lead": ("client lead", "relationship lawyer", "客户负责律师", "客户主办律师", "负责律师"),
    "client_service": ("client service", "客服", "客户服务", "客服专员"),
    "client_manager": ("client manager", "account manager", "客户经理"),
}


class FileError(DomainError):
    """The file cannot be read at all (missing, wrong format or encoding, required columns absent)."""

    key = "file.unreadable"


@dataclass(frozen=True)
class Row:
    """One data row: where it was read (line or sheet row) and its values by canonical column."""

    line: int
    values: dict[str, str]


def header_key(text: str) -> str:
    """A header as compared: case-, space-, underscore- and hyphen-blind, without marks like '*' or ':'."""
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "").replace("_", " ").replace("-", " ")
    return " ".join(text.casefold().split()).strip("*:：#").strip()


def column_of(spellings: Mapping[str, str], cell: str) -> str | None:
    """The canonical column a header cell names: as a whole, or one of its parts ("客户名称 / Name")."""
    found = spellings.get(header_key(cell))
    if found is None and any(sep in cell for sep in "/|\n"):
        for part in cell.replace("|", "/").replace("\n", "/").split("/"):
            found = spellings.get(header_key(part))
            if found is not None:
                break
    return found


def _aliases(wanted: Iterable[str], extra: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Every accepted spelling (as compared) -> its canonical column."""
    out: dict[str, str] = {}
    for column in wanted:
        for spelling in (column, *HEADER_ALIASES.get(column, ()), *extra.get(column, ())):
            out.setdefault(header_key(spelling), column)
    return out


def _check_codec(encoding: str) -> str:
    """A codec name Python knows (UTF-8 reads a BOM too), or the error naming it."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise FileError("file.no_such_encoding", encoding=encoding) from None
    return "utf-8-sig" if name == "utf-8" else name


Source = Path | bytes


def _open_binary(source: Source) -> IO[bytes]:
    """The bytes of a file, or of data already read (standard input)."""
    return io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")


def _decodes(source: Source, encoding: str) -> tuple[bool, str]:
    """Whether the whole input decodes strictly, streaming; and the first characters decoded."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    sample: list[str] = []
    size = 0
    with _open_binary(source) as fh:
        try:
            while chunk := fh.read(CHUNK):
                text = decoder.decode(chunk)
                if size < SAMPLE_CHARS:
                    sample.append(text[:SAMPLE_CHARS - size])
                    size += len(sample[-1])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, ""
    return True, "".join(sample)


def _looks_chinese(text: str) -> bool:
    """Text decoded as GB18030 is taken only when most of its non-ASCII characters are common Chinese.

    A Latin-1 or Windows-1252 file also decodes as GB18030, into rare characters: refusing it
    beats importing mojibake.
    """
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return True
    common = 0
    for c in wide:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common * 2 >= len(wide)


def detect_encoding(source: Source) -> str:
    """The text encoding of a file (or of bytes read): a BOM's, else UTF-8, else GB18030."""
    with _open_binary(source) as fh:
        head = fh.read(4)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            if not _decodes(source, encoding)[0]:
                raise FileError("file.bad_encoding", encoding=encoding.upper())
            return encoding
    if _decodes(source, "utf-8")[0]:
        return "utf-8"
    ok, sample = _decodes(source, "gb18030")
    if ok and _looks_chinese(sample):
        return "gb18030"
    raise FileError("file.unknown_encoding")


def text_encoding(source: Source, encoding: str | None = None) -> str:
    """The encoding to read `source` with: the one given (checked over all of it) or the detected one."""
    if encoding is None or not encoding.strip():
        return detect_encoding(source)
    codec = _check_codec(encoding.strip())
    if not _decodes(source, codec)[0]:
        raise FileError("file.bad_encoding", encoding=encoding.strip())
    return codec


def _check_file(path: Path) -> None:
    """The path is a file we could read, in a format we read."""
    if not path.is_file():
        raise FileError("file.no_file", path=str(path))
    if path.suffix.lower() in OLD_EXCEL_SUFFIXES:
        raise FileError("file.old_excel", suffix=path.suffix.lower())
    if path.stat().st_size == 0:
        raise FileError("file.empty")


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person sees (whole numbers without '.0', dates as dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _delimiter(first_line: str) -> str:
    """The delimiter of a delimited text file, from its first lines (Excel's 'Unicode text' uses tabs)."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class Table:
    """An open CSV/TSV/XLSX file: its header matched to the wanted columns, then its rows.

    The header is the first row, or when that row lacks a required column (a title or a merged
    group row above the header), the first of the next rows that has them all. A workbook's
    first sheet is read unless `sheet` names another (by name or position). Iterate for the
    rows (blank rows skipped); `close()` or use as a context manager.
    """

    path: Path
    wanted: Sequence[str]
    required: Sequence[str] = ()
    encoding: str | None = None
    extra_aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sheet: str | int | None = None
    columns: dict[str, str] = field(default_factory=dict, init=False)  # canonical -> header as written
    header_line: int = field(default=1, init=False)
    sheet_name: str | None = field(default=None, init=False)
    _positions: list[tuple[int, str]] = field(default_factory=list, init=False)
    _rows: Iterator[tuple[int, list[str]]] = field(default_factory=lambda: iter(()), init=False)
    _closers: list[Any] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        _check_file(self.path)
        try:
            if self.path.suffix.lower() in XLSX_SUFFIXES:
                rows = self._open_xlsx()
            else:
                rows = self._open_text()
            self._find_header(rows)
        except OSError as exc:
            self.close()
            raise FileError("file.unreadable", path=str(self.path),
                            detail=exc.strerror or type(exc).__name__) from None
        except BaseException:
            self.close()
            raise

    def _open_text(self) -> Iterator[tuple[int, list[str]]]:
        """Open a delimited text file in its encoding; return its rows with their first line."""
        self.encoding = text_encoding(self.path, self.encoding)
        fh: IO[str] = self.path.open(encoding=self.encoding, newline="")
        self._closers.append(fh)
        head = [fh.readline() for _ in range(HEADER_SCAN)]
        head = [line for line in head if line]
        if not "".join(head).strip():
            raise FileError("file.empty")
        reader = csv.reader(itertools.chain(head, fh), delimiter=_delimiter("".join(head)))

        def rows() -> Iterator[tuple[int, list[str]]]:
            line = reader.line_num
            try:
                for values in reader:
                    start, line = line + 1, reader.line_num
                    yield start, values
            except csv.Error as exc:
                raise FileError("file.bad_csv", line=str(line + 1), detail=str(exc)) from None

        return rows()

    def _open_xlsx(self) -> Iterator[tuple[int, list[str]]]:
        """Open a sheet of a workbook (the first unless named); return its rows with their numbers."""
        from openpyxl import load_workbook

        try:
            wb = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
            raise FileError("file.bad_xlsx", detail=type(exc).__name__) from None
        self._closers.append(wb)
        self.encoding = None
        if self.sheet is None or isinstance(self.sheet, int):
            index = self.sheet or 0
            if index >= len(wb.worksheets):
                raise FileError("file.no_sheet", sheet=str(index + 1))
            ws = wb.worksheets[index]
        elif self.sheet in wb.sheetnames:
            ws = wb[self.sheet]
        else:
            raise FileError("file.no_sheet", sheet=str(self.sheet))
        self.sheet_name = ws.title
        return ((number, [_cell_text(v) for v in values])
                for number, values in enumerate(ws.iter_rows(values_only=True), start=1))

    def _find_header(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        """Take the header row (the first, or a later one holding every required column)."""
        seen: list[tuple[int, list[str]]] = []
        for line, cells in rows:
            if not any(c.strip() for c in cells):
                continue
            seen.append((line, cells))
            if self._header_fits(cells) or len(seen) >= HEADER_SCAN:
                break
        if not seen:
            raise FileError("file.empty")
        chosen = next((i for i, (_l, cells) in enumerate(seen) if self._header_fits(cells)), 0)
        self.header_line, header = seen[chosen]
        self._rows = itertools.chain(seen[chosen + 1:], rows)
        self._match(header)

    def _header_fits(self, cells: list[str]) -> bool:
        """Whether a row names every required column."""
        spellings = _aliases(self.wanted, self.extra_aliases)
        found = {column_of(spellings, c) for c in cells}
        return all(c in found for c in self.required)

    def _match(self, header: list[str]) -> None:
        """Map header cells onto the wanted columns; refuse when a required one is missing."""
        spellings = _aliases(self.wanted, self.extra_aliases)
        for position, cell in enumerate(header):
            column = column_of(spellings, cell)
            if column is not None:
                self._positions.append((position, column))
                self.columns.setdefault(column, cell.strip())
        missing = [c for c in self.required if c not in self.columns]
        if missing:
            self.close()
            raise FileError("file.missing_columns", columns=", ".join(missing),
                            found=", ".join(h.strip() for h in header if h.strip()) or "-")

    def __iter__(self) -> Iterator[Row]:
        """The non-blank rows; where two headers mean one column, the first non-empty value counts."""
        try:
            for line, cells in self._rows:
                if not any(c.strip() for c in cells):
                    continue
                values: dict[str, str] = {}
                for position, column in self._positions:
                    cell = cells[position] if position < len(cells) else ""
                    if not values.get(column, "").strip():
                        values[column] = cell
                yield Row(line=line, values=values)
        finally:
            self.close()

    def close(self) -> None:
        """Release the file."""
        while self._closers:
            self._closers.pop().close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook in order (a text file has one, unnamed: [])."""
    if path.suffix.lower() not in XLSX_SUFFIXES:
        return []
    _check_file(path)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
        raise FileError("file.bad_xlsx", detail=type(exc).__name__) from None
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def read_lines(source: Source, *, encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """(line number, text) of every non-blank line of a text file (or of bytes read), whitespace trimmed."""
    if isinstance(source, Path):
        _check_file(source)
    try:
        codec = text_encoding(source, encoding)
        fh = io.TextIOWrapper(_open_binary(source), encoding=codec, newline=None)
    except OSError as exc:
        raise FileError("file.unreadable", path=str(source),
                        detail=exc.strerror or type(exc).__name__) from None

    def lines() -> Iterator[tuple[int, str]]:
        with fh:
            for number, text in enumerate(fh, start=1):
                if text.strip():
                    yield number, text.strip()

    return lines()


def is_table(path: Path) -> bool:
    """Whether a file is read as a table with a header (CSV, TSV, XLSX) rather than as lines."""
    return path.suffix.lower() in TABLE_SUFFIXES
