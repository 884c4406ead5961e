"""Money: amounts read from people and files, and collected fees summed per client or matter.

Amounts are stored encrypted (a decimal string per fee entry), so sums are made here after
decrypting, over the date range asked for only (an index range on kind + date).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.errors import DomainError
from storage.models import FeeEntry
from storage.models.enums import FeeKind

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000000")  # a trillion: above it, a typo
UNITS = {"万": Decimal(10_000), "萬": Decimal(10_000), "亿": Decimal(100_000_000), "億": Decimal(100_000_000),
         "k": Decimal(1_000), "m": Decimal(1_000_000)}
NOISE = re.compile(r"[\s,，_'’]|^(?:cny|rmb|usd|eur|hkd)|(?:cny|rmb|usd|eur|hkd|元|圆|人民币)$|^[¥￥$€£]")
NUMBER = re.compile(r"^(\d+(?:\.\d+)?)([万萬亿億km]?)$")
GROUPED = re.compile(r"\d[\d,，]*")  # digits with thousands separators, as written
THOUSANDS = re.compile(r"^\d{1,3}(?:[,，]\d{3})+$")


class BadAmount(DomainError):
    """An amount that cannot be read, is negative or implausibly large."""


def parse_amount(text: str, *, allow_zero: bool = True) -> Decimal:
    """'1,200,000', '¥1 200 000.50', '120万', '1.2亿', 'CNY 3k' -> Decimal rounded to cents."""
    raw = (text or "").strip()
    for digits in GROUPED.findall(raw):  # '12,5' is a decimal comma or a typo, never 125
        if ("," in digits or "，" in digits) and not THOUSANDS.match(digits.rstrip(",，")):
            raise BadAmount("amount.bad", text=raw[:40])
    cleaned = raw.lower()
    for _ in range(3):  # currency words and symbols on either side, in any order
        cleaned = NOISE.sub("", cleaned)
    match = NUMBER.match(cleaned)
    if match is None:
        raise BadAmount("amount.bad", text=raw[:40])
    try:
        value = Decimal(match.group(1)) * UNITS.get(match.group(2), Decimal(1))
    except InvalidOperation:
        raise BadAmount("amount.bad", text=raw[:40]) from None
    if value > MAX_AMOUNT:
        raise BadAmount("amount.too_large", text=raw[:40])
    if value == 0 and not allow_zero:
        raise BadAmount("amount.zero", text=raw[:40])
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_text(value: Decimal) -> str:
    """The stored form: a plain decimal string with two places."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class FeeLine:
    """One decrypted fee entry, without its reference."""

    client_id: int
    matter_id: int
    on_date: date
    amount: Decimal


def fee_lines(session: Session, *, kind: FeeKind = FeeKind.COLLECTED, since: date | None = None,
              until: date | None = None) -> Iterator[FeeLine]:
    """Entries of one kind with since <= on_date < until (either bound optional), amounts decrypted."""
    query = select(FeeEntry.client_id, FeeEntry.matter_id, FeeEntry.on_date, FeeEntry.amount) \
        .where(FeeEntry.kind == kind.value)
    if since is not None:
        query = query.where(FeeEntry.on_date >= since)
    if until is not None:
        query = query.where(FeeEntry.on_date < until)
    for client_id, matter_id, on_date, amount in session.execute(query.execution_options(yield_per=5000)):
        yield FeeLine(client_id, matter_id, on_date, Decimal(amount))


def collected_by_client(session: Session, *, since: date | None = None,
                        until: date | None = None) -> dict[int, Decimal]:
    """Collected fees per client with since <= date < until."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in fee_lines(session, since=since, until=until):
        totals[line.client_id] += line.amount
    return dict(totals)


def collected_by_matter(session: Session, *, since: date | None = None,
                        until: date | None = None) -> dict[int, Decimal]:
    """Collected fees per matter with since <= date < until."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in fee_lines(session, since=since, until=until):
        totals[line.matter_id] += line.amount
    return dict(totals)
