"""Working minutes: the enquiry clock runs only in working hours on the firm's working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.flows.workdays import WorkCalendar

if TYPE_CHECKING:
    from bot.settings import Settings

MAX_DAYS = 400


@dataclass(frozen=True)
class WorkingHours:
    """The firm's calendar with its daily working hours (firm-local wall times)."""

    calendar: WorkCalendar
    start: time
    end: time

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of a firm-local day, or None on a day off."""
        if not self.calendar.is_working_day(day):
            return None
        return self.calendar.at_local(day, self.start), self.calendar.at_local(day, self.end)

    def add_minutes(self, start: datetime, minutes: int) -> datetime:
        """The instant `minutes` working minutes after `start` (after hours: from the next opening)."""
        left = timedelta(minutes=minutes)
        day = self.calendar.local_date(start)
        for _ in range(MAX_DAYS):
            window = self.window(day)
            if window is not None:
                opens, closes = window
                begin = max(start, opens)
                if begin < closes:
                    if begin + left <= closes:
                        return begin + left
                    left -= closes - begin
            day += timedelta(days=1)
        raise ValueError("no working day within a year: check the calendar")

    def minutes_between(self, start: datetime, end: datetime) -> int:
        """Working minutes from `start` to `end` (0 when end is not after start), rounded down."""
        if end <= start:
            return 0
        total = timedelta()
        day, last = self.calendar.local_date(start), self.calendar.local_date(end)
        while day <= last:
            window = self.window(day)
            if window is not None:
                opens, closes = window
                begin, finish = max(start, opens), min(end, closes)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return int(total.total_seconds() // 60)


def hours_of(settings: "Settings", calendar: WorkCalendar) -> WorkingHours:
    """The working hours of these settings (WORKING_HOURS_START / WORKING_HOURS_END)."""
    return WorkingHours(calendar=calendar, start=settings.working_hours_start,
                        end=settings.working_hours_end)


@dataclass(frozen=True)
class EnquiryClock:
    """When an enquiry's channel is nudged and when the managing partner is told."""

    nudge_at: datetime
    due_at: datetime


def clock_for(*, received_at: datetime, hours: WorkingHours, nudge_minutes: int,
              response_minutes: int) -> EnquiryClock:
    """The clock of one enquiry, from its receipt time."""
    return EnquiryClock(nudge_at=hours.add_minutes(received_at, nudge_minutes),
                        due_at=hours.add_minutes(received_at, response_minutes))
