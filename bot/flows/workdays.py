"""Dates in the firm's timezone and working days (weekends and configured holidays skipped)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

if TYPE_CHECKING:
    from bot.settings import Settings


class WorkCalendar:
    """The firm's calendar: its timezone and its country's public holidays."""

    def __init__(self, *, tz: ZoneInfo, country: str, extra_holidays: frozenset[date] = frozenset()) -> None:
        self.tz, self.country, self.extra = tz, country, extra_holidays
        self._holidays: holidays.HolidayBase | None = None
        self._lock = threading.Lock()

    def is_holiday(self, day: date) -> bool:
        """Whether the day is a public holiday of the country.

        The calendar is shared by the listener threads and the jobs, and `holidays` fills a
        year in on first use, through state of the object: two threads doing so at once raised
        KeyError or missed holidays. Lookups therefore take turns.
        """
        return self._official(lambda h: day in h)

    def _official(self, ask: Callable[[holidays.HolidayBase], bool]) -> bool:
        """Ask the country's official calendar, one thread at a time."""
        with self._lock:
            if self._holidays is None:
                self._holidays = holidays.country_holidays(self.country)
            return ask(self._holidays)

    def local_date(self, moment: datetime) -> date:
        """The firm-local date of an aware instant."""
        return moment.astimezone(self.tz).date()

    def at_local(self, day: date, at: time) -> datetime:
        """The aware instant of a firm-local wall time."""
        return datetime.combine(day, at, tzinfo=self.tz)

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a public holiday, or a weekend make-up working day (调休)."""
        return day not in self.extra and self._official(lambda h: h.is_working_day(day))

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local time `days` working days after `start`'s local date."""
        local = start.astimezone(self.tz)
        day, left = local.date(), days
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=self.tz)

    def working_day_from(self, day: date) -> date:
        """`day` when it is a working day, else the next one (make-up working days count)."""
        return day if self.is_working_day(day) else self.next_working_day(day)

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
