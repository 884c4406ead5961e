"""The time windows of one quarter's report, in the firm's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.flows.quarters import Quarter


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Window:
    """A quarter's bounds: [start, end) as aware datetimes, and the dates the fee entries are read on.

    A quarter still running is measured up to `now`: `end` is then `now`, and `end_day` (the
    first day not counted for dated records such as fee entries) is the day after today.
    """

    quarter: Quarter
    tz: ZoneInfo
    start: datetime
    end: datetime
    end_day: date
    complete: bool
    now: datetime

    @classmethod
    def of(cls, quarter: Quarter, *, tz: ZoneInfo, now: datetime) -> Window:
        """The window of `quarter` as seen at `now`."""
        start, end = quarter.bounds(tz)
        if end <= now:
            return cls(quarter, tz, start, end, quarter.next().first_day, True, now)
        return cls(quarter, tz, start, max(start, now),
                   max(quarter.first_day, now.astimezone(tz).date() + timedelta(days=1)), False, now)

    @property
    def first_day(self) -> date:
        """The quarter's first day (the first counted for dated records)."""
        return self.quarter.first_day

    def at(self, day: date) -> datetime:
        """Local midnight of a day, aware."""
        return datetime.combine(day, time(0), tzinfo=self.tz)

    @property
    def year_ago_day(self) -> date:
        """The first day of the 12 months ending with the window."""
        return years_before(self.end_day, 1)

    @property
    def two_years_ago_day(self) -> date:
        """The first day of the 12 months before those."""
        return years_before(self.end_day, 2)

    def previous(self) -> Window:
        """The whole previous quarter."""
        return Window.of(self.quarter.previous(), tz=self.tz, now=self.now)
