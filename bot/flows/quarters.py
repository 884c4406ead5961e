"""Calendar quarters ("2026-Q4"): parsing, bounds in the firm's time zone, neighbours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.flows.errors import DomainError

if TYPE_CHECKING:
    from bot.flows.workdays import WorkCalendar

QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*[Qq季]?\s*([1-4])\s*$")
CHINESE = re.compile(r"^\s*(\d{4})\s*年?\s*第?\s*([1-4一二三四])\s*季度?\s*$")
CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


class BadQuarter(DomainError):
    """A quarter that cannot be read."""


@dataclass(frozen=True, order=True)
class Quarter:
    """One calendar quarter of the firm's year."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026-Q4', '2026Q4', '2026 4' or '2026年第四季度'."""
        match = QUARTER.match(text or "") or CHINESE.match(text or "")
        if match is None:
            raise BadQuarter("quarter.bad", text=(text or "")[:40])
        year, number = int(match.group(1)), int(CHINESE_DIGITS.get(match.group(2), match.group(2)))
        if not 1900 <= year <= 2999:
            raise BadQuarter("quarter.bad", text=text[:40])
        return cls(year, number)

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a day falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        """'2026-Q4'."""
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        """The quarter's first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        """The quarter's last day."""
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        """The quarter after this one."""
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        """The quarter before this one."""
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def shifted(self, quarters: int) -> Quarter:
        """The quarter `quarters` later (earlier when negative)."""
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: local midnight of the first day to that of the next quarter."""
        return (datetime.combine(self.first_day, time(0), tzinfo=tz),
                datetime.combine(self.next().first_day, time(0), tzinfo=tz))

    def __str__(self) -> str:
        return self.label


def first_working_day(quarter: Quarter, cal: WorkCalendar) -> date:
    """The quarter's first working day (its first day when that is one; make-up working days count)."""
    return cal.working_day_from(quarter.first_day)
