"""Dates in the firm's timezone and working days (weekends and configured holidays skipped)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

if TYPE_CHECKING:
    from bot.settings import Settings


class WorkCalendar:
    """The firm's calendar: its timezone and its country's public holidays."""

    def __init__(self, *, tz: ZoneInfo, country: str, extra_holidays: frozenset[date] = frozenset()) -> None:
        self.tz, self.country, self.extra = tz, country, extra_holidays

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        """The country's holiday calendar (years filled in lazily)."""
        return holidays.country_holidays(self.country)

    def local_date(self, moment: datetime) -> date:
        """The firm-local date of an aware instant."""
        return moment.astimezone(self.tz).date()

    def at_local(self, day: date, at: time) -> datetime:
        """The aware instant of a firm-local wall time."""
        return datetime.combine(day, at, tzinfo=self.tz)

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a public holiday, or a weekend make-up working day (调休)."""
        return day not in self.extra and self._holidays.is_working_day(day)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local time `days` working days after `start`'s local date."""
        local = start.astimezone(self.tz)
        day, left = local.date(), days
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=self.tz)

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


@lru_cache(maxsize=8)
def _calendar(tz_name: str, country: str) -> WorkCalendar:
    """One calendar per (timezone, country) in a process: loading holidays is not free."""
    return WorkCalendar(tz=ZoneInfo(tz_name), country=country)


def calendar_of(settings: "Settings") -> WorkCalendar:
    """The firm's calendar for these settings (shared within the process)."""
    return _calendar(settings.firm_timezone, settings.holiday_country)
