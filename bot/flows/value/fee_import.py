"""`lawcrm fees import`: invoices and payments from the billing system's export (XLSX or CSV).

The file is read through `bot.flows.tabular` (UTF-8 or GB18030, English or Chinese headers).
Each row is an invoice or a payment on a matter (by its number); a row may also give the
matter's fee arrangement and agreed amount, which set its terms. Rows are checked one by one
(refused with their line and reason), then written in batches, each a transaction; a dry run
runs the same batches and rolls each back, so its counts are the real ones. An entry already
recorded (same matter, kind, date, amount and reference, `fees.entry_key`, whether imported or
entered in Slack) is skipped, so importing the same export twice adds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from bot.flows import ledger_values as lv
from bot.flows.tabular import FileError, Table
from bot.flows.text_rules import first_problem
from bot.flows.value.amounts import BadAmount, amount_text, parse_amount
from bot.flows.value.fees import MAX_REFERENCE, apply_terms, entry_key
from storage.audit import record
from storage.db import make_session_factory, session_scope
from storage.models import FeeEntry, Matter, now_of
from storage.models.enums import FeeArrangement, FeeKind

COLUMNS = ("matter", "fee_kind", "amount", "on_date", "reference", "arrangement", "agreed")
REQUIRED = ("matter", "amount", "on_date")
ALIASES: dict[str, tuple[str, ...]] = {
    "fee_kind": ("kind", "type", "entry", "entry type", "fee type", "invoice or payment", "类型", "类别",
                 "款项类型", "收支类型", "费用类型", "开票/收款", "开票或收款"),
    "amount": ("amount", "sum", "fee amount", "金额", "发票金额", "开票金额", "收款金额", "到账金额",
               "金额(元)", "金额/元", "金额(人民币)", "价税合计", "含税金额", "律师费金额"),
    "on_date": ("date", "on date", "invoice date", "payment date", "received on", "日期", "开票日期",
                "收款日期", "到账日期", "付款日期", "入账日期"),
    "reference": ("reference", "ref", "invoice number", "invoice no", "receipt number", "receipt no",
                  "发票号", "发票号码", "票据号", "票据号码", "收据号", "凭证号", "流水号"),
    "arrangement": ("arrangement", "fee arrangement", "billing method", "fee basis", "收费方式", "计费方式",
                    "收费模式", "收费类型"),
    "agreed": ("agreed", "agreed amount", "agreed fee", "agreed fees", "约定金额", "约定律师费", "合同金额",
               "委托金额", "约定收费"),
}
KIND_WORDS = {
    "invoiced": FeeKind.INVOICED, "invoice": FeeKind.INVOICED, "billed": FeeKind.INVOICED, "bill": FeeKind.INVOICED,
    "开票": FeeKind.INVOICED, "已开票": FeeKind.INVOICED, "发票": FeeKind.INVOICED, "开具发票": FeeKind.INVOICED,
    "开票金额": FeeKind.INVOICED, "应收": FeeKind.INVOICED,
    "collected": FeeKind.COLLECTED, "collection": FeeKind.COLLECTED, "payment": FeeKind.COLLECTED,
    "paid": FeeKind.COLLECTED, "received": FeeKind.COLLECTED, "receipt": FeeKind.COLLECTED,
    "收款": FeeKind.COLLECTED, "已收": FeeKind.COLLECTED, "已收款": FeeKind.COLLECTED, "到账": FeeKind.COLLECTED,
    "已到账": FeeKind.COLLECTED, "回款": FeeKind.COLLECTED, "实收": FeeKind.COLLECTED, "收费": FeeKind.COLLECTED,
}
ARRANGEMENT_WORDS = {
    "fixed": FeeArrangement.FIXED, "fixed fee": FeeArrangement.FIXED, "flat": FeeArrangement.FIXED,
    "固定": FeeArrangement.FIXED, "固定收费": FeeArrangement.FIXED, "定额": FeeArrangement.FIXED,
    "定额收费": FeeArrangement.FIXED, "一口价": FeeArrangement.FIXED, "包干": FeeArrangement.FIXED,
    "hourly": FeeArrangement.HOURLY, "hours": FeeArrangement.HOURLY, "计时": FeeArrangement.HOURLY,
    "计时收费": FeeArrangement.HOURLY, "按小时": FeeArrangement.HOURLY, "小时": FeeArrangement.HOURLY,
    "contingency": FeeArrangement.CONTINGENCY, "contingent": FeeArrangement.CONTINGENCY,
    "风险代理": FeeArrangement.CONTINGENCY, "风险": FeeArrangement.CONTINGENCY,
    "风险收费": FeeArrangement.CONTINGENCY, "胜诉收费": FeeArrangement.CONTINGENCY,
    "retainer": FeeArrangement.RETAINER, "annual retainer": FeeArrangement.RETAINER,
    "常年顾问": FeeArrangement.RETAINER, "常年法律顾问": FeeArrangement.RETAINER, "顾问": FeeArrangement.RETAINER,
    "法律顾问": FeeArrangement.RETAINER, "年费": FeeArrangement.RETAINER, "顾问费": FeeArrangement.RETAINER,
}
BATCH = 2000
AUDIT_FIELDS = ("fee_entry.kind", "fee_entry.amount", "fee_entry.currency", "fee_entry.on_date",
                "fee_entry.reference", "matter.fee_arrangement", "matter.agreed_amount")


@dataclass
class FeeImportReport:
    """What an import did (or, in a dry run, would do)."""

    applied: bool = False
    rows: int = 0
    added: int = 0
    present: int = 0          # already recorded before this run
    repeated: int = 0         # the same entry twice in the file
    terms_set: int = 0        # matters whose terms changed
    refused: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)  # (line, key, params)
    encoding: str | None = None
    seconds: float = 0.0


class Refused(Exception):
    """A row cannot be imported: a message key and its parameters."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class RowIn:
    """One checked row: an entry and/or terms for a matter."""

    line: int
    matter_id: int
    client_id: int
    number: str
    kind: str | None
    amount: Decimal | None
    on_date: date | None
    reference: str | None
    arrangement: str | None
    agreed: Decimal | None


def _word(text: str, words: dict[str, Any]) -> Any:
    """A vocabulary word as written (case, width and spaces folded), or None."""
    k = lv.key_of(text)
    return words.get(k) or words.get(k.replace("_", " ")) or next(
        (v for w, v in words.items() if w.replace(" ", "") == k), None)


def _money(text: str, *, column: str, allow_zero: bool) -> Decimal:
    """An amount cell, or the row refused."""
    try:
        return parse_amount(text, allow_zero=allow_zero)
    except BadAmount as exc:
        reason = "fees.import.zero_amount" if exc.key == "amount.zero" else "fees.import.bad_amount"
        raise Refused(reason, column=column, value=text[:40]) from None


def check_row(line: int, raw: dict[str, str], *, matters: dict[str, tuple[int, int]], today: date,
              kind: str | None = None) -> RowIn:
    """One row checked and read (`kind`: the file's kind when it has no kind column); Refused when bad."""
    problem = first_problem({c: raw.get(c) for c in COLUMNS})
    if problem:
        raise Refused("fees.import.bad_text", column=problem[0])
    v = {c: lv.clean(raw.get(c)) for c in COLUMNS}
    number = v["matter"]
    if not number:
        raise Refused("fees.import.no_matter")
    found = matters.get(number) or matters.get(number.upper())
    if found is None:
        raise Refused("fees.import.unknown_matter", number=number[:50])
    arrangement = None
    if v["arrangement"]:
        arrangement = _word(v["arrangement"], ARRANGEMENT_WORDS)
        if arrangement is None:
            raise Refused("fees.import.bad_arrangement", value=v["arrangement"][:40])
    agreed = _money(v["agreed"], column="agreed", allow_zero=True) if v["agreed"] else None
    has_entry = bool(v["amount"] or v["on_date"] or v["reference"] or v["fee_kind"])
    if not has_entry:
        if arrangement is None and agreed is None:
            raise Refused("fees.import.empty")
        return RowIn(line, found[0], found[1], number, None, None, None, None,
                     arrangement.value if arrangement else None, agreed)
    written_kind = v["fee_kind"]
    fee_kind = _word(written_kind, KIND_WORDS) if written_kind else (FeeKind(kind) if kind else None)
    if fee_kind is None:
        raise Refused("fees.import.unknown_kind", value=written_kind[:40] or "-")
    if not v["amount"]:
        raise Refused("fees.import.no_amount")
    amount = _money(v["amount"], column="amount", allow_zero=False)
    try:
        on_date = lv.parse_date(v["on_date"])
    except (ValueError, OverflowError):
        raise Refused("fees.import.bad_date", value=v["on_date"][:40]) from None
    if on_date is None:
        raise Refused("fees.import.no_date")
    if on_date > today:
        raise Refused("fees.import.future_date", value=on_date.isoformat())
    reference = v["reference"] or None
    if reference and len(reference) > MAX_REFERENCE:
        raise Refused("fees.import.reference_long", max=str(MAX_REFERENCE))
    return RowIn(line, found[0], found[1], number, fee_kind.value, amount, on_date, reference,
                 arrangement.value if arrangement else None, agreed)


def _matters(engine: Engine) -> dict[str, tuple[int, int]]:
    """Every matter number -> (matter id, client id)."""
    with engine.connect() as conn:
        return {number: (mid, cid) for mid, number, cid in conn.execute(
            select(Matter.id, Matter.number, Matter.client_id))}


def _write_entries(session: Session, rows: list[tuple[str, RowIn]], *, currency: str,
                   report: FeeImportReport) -> None:
    """Insert the batch's entries not yet recorded."""
    keys = [k for k, _r in rows]
    existing = set(session.execute(select(FeeEntry.import_key).where(FeeEntry.import_key.in_(keys))).scalars())
    now = now_of(session)
    new = [{"matter_id": r.matter_id, "client_id": r.client_id, "kind": r.kind,
            "amount": amount_text(r.amount) if r.amount is not None else "", "currency": currency,
            "on_date": r.on_date, "reference": r.reference, "source": "import", "import_key": k,
            "recorded_by_id": None, "created_at": now}
           for k, r in rows if k not in existing]
    report.present += len(existing)
    if new:
        session.execute(insert(FeeEntry), new)
    report.added += len(new)


def _write_terms(session: Session, terms: dict[int, tuple[str | None, Decimal | None]], *,
                 report: FeeImportReport) -> None:
    """Put the file's arrangement and agreed amount on its matters; count those that changed."""
    ids = list(terms)
    now = now_of(session)
    for start in range(0, len(ids), 500):
        for matter in session.execute(select(Matter).where(Matter.id.in_(ids[start:start + 500]))).scalars():
            arrangement, agreed = terms[matter.id]
            if apply_terms(matter, arrangement=arrangement, agreed=agreed):
                matter.fees_set_by_id, matter.fees_set_at = None, now
                report.terms_set += 1
    session.flush()


def import_fees(engine: Engine, path: Path, *, apply: bool, actor: str, today: date, currency: str,
                encoding: str | None = None, kind: str | None = None, batch: int = BATCH,
                progress: Callable[[FeeImportReport], None] | None = None) -> FeeImportReport:
    """Check every row, then write the entries (`apply`) or only count what would be written.

    `today` is the firm's date by the app clock (later dates are refused); `currency` is stored
    on every entry; `kind` (invoiced / collected) is the file's kind when it has no kind column.
    """
    started = time.monotonic()
    report = FeeImportReport(applied=apply)
    if kind is not None and kind not in {k.value for k in FeeKind}:
        raise ValueError(kind)
    table = Table(path, wanted=COLUMNS, required=REQUIRED, encoding=encoding, extra_aliases=ALIASES)
    if "fee_kind" not in table.columns and kind is None:
        table.close()
        raise FileError("fees.import.no_kind_column", found=", ".join(table.columns.values()))
    report.encoding = table.encoding
    matters = _matters(engine)
    entries: list[tuple[str, RowIn]] = []
    seen: set[str] = set()
    terms: dict[int, tuple[str | None, Decimal | None]] = {}
    for row in table:
        report.rows += 1
        try:
            checked = check_row(row.line, row.values, matters=matters, today=today, kind=kind)
        except Refused as exc:
            report.refused.append((row.line, exc.key, exc.params))
            continue
        if checked.arrangement is not None or checked.agreed is not None:
            old_arr, old_agreed = terms.get(checked.matter_id, (None, None))
            terms[checked.matter_id] = (checked.arrangement or old_arr,
                                        checked.agreed if checked.agreed is not None else old_agreed)
        if checked.kind is not None:
            assert checked.amount is not None and checked.on_date is not None
            key = entry_key(number=checked.number, kind=checked.kind, on_date=checked.on_date,
                            amount=checked.amount, reference=checked.reference)
            if key in seen:
                report.repeated += 1
            else:
                seen.add(key)
                entries.append((key, checked))
        if progress and report.rows % 5000 == 0:
            progress(report)
    factory = make_session_factory(engine)
    chunks = [entries[i:i + batch] for i in range(0, len(entries), batch)] or [[]]
    for index, chunk in enumerate(chunks):
        with session_scope(factory, commit=apply) as session:   # a dry run rolls every batch back
            if chunk:
                _write_entries(session, chunk, currency=currency, report=report)
            if index == len(chunks) - 1 and terms:
                _write_terms(session, terms, report=report)
        if progress:
            progress(report)
    with factory() as session, session.begin():
        record(session, actor=actor, action="fees.import" if apply else "fees.import.dry_run",
               entity="fee_entries", fields=list(AUDIT_FIELDS))
    report.seconds = time.monotonic() - started
    return report
