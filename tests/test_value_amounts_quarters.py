"""Amounts as people and billing exports write them; quarters as partners type them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.flows.quarters import BadQuarter, Quarter
from bot.flows.value.amounts import BadAmount, amount_text, parse_amount


@pytest.mark.parametrize(("text", "expected"), [
    ("1200000", "1200000.00"), ("1,200,000", "1200000.00"), ("1，200，000", "1200000.00"),
    ("¥1 200 000.50", "1200000.50"), ("￥88", "88.00"), ("120万", "1200000.00"), ("12.5万元", "125000.00"),
    ("1.2亿", "120000000.00"), ("CNY 3k", "3000.00"), ("RMB5000", "5000.00"), ("5000元", "5000.00"),
    ("0.005", "0.01"), ("0", "0.00"), ("$ 1,234.5", "1234.50"),
])
def test_amounts_people_write(text: str, expected: str) -> None:
    assert amount_text(parse_amount(text)) == expected


@pytest.mark.parametrize("text", ["", "abc", "-5", "12,5", "1,2345", "1.2.3", "万", "1e9", "10000000000000",
                                  "12 万 3"])
def test_amounts_refused(text: str) -> None:
    with pytest.raises(BadAmount):
        parse_amount(text)


def test_zero_can_be_refused() -> None:
    with pytest.raises(BadAmount) as err:
        parse_amount("0", allow_zero=False)
    assert err.value.key == "amount.zero"
    assert parse_amount("0.01", allow_zero=False) == Decimal("0.01")


@pytest.mark.parametrize(("text", "label"), [
    ("2026-Q4", "2026-Q4"), ("2026q1", "2026-Q1"), ("2026 Q2", "2026-Q2"), ("2026/3", "2026-Q3"),
    ("2026年第四季度", "2026-Q4"), ("2027年第1季度", "2027-Q1"), ("2026季2", "2026-Q2"),
])
def test_quarters_typed(text: str, label: str) -> None:
    assert Quarter.parse(text).label == label


@pytest.mark.parametrize("text", ["", "2026-Q5", "2026-Q0", "Q4", "26-Q4", "0999-Q1", "2026-Q4x"])
def test_quarters_refused(text: str) -> None:
    with pytest.raises(BadQuarter):
        Quarter.parse(text)


def test_quarter_arithmetic_and_bounds() -> None:
    q4 = Quarter(2026, 4)
    assert (q4.first_day, q4.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert q4.next() == Quarter(2027, 1) and Quarter(2027, 1).previous() == q4
    assert q4.shifted(-4) == Quarter(2025, 4) and q4.shifted(5) == Quarter(2028, 1)
    assert Quarter.of(date(2026, 3, 31)) == Quarter(2026, 1) and Quarter.of(date(2026, 4, 1)) == Quarter(2026, 2)
    tz = ZoneInfo("Asia/Shanghai")
    start, end = Quarter(2026, 1).bounds(tz)
    assert start == datetime(2026, 1, 1, tzinfo=tz) and end == datetime(2026, 4, 1, tzinfo=tz)
    assert start.utcoffset() is not None and sorted([q4, Quarter(2026, 1)])[0] == Quarter(2026, 1)
