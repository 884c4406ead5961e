"""The complaint clocks: acknowledgement reminder and escalation, the working-day answer deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.flows.workdays import WorkCalendar


@dataclass(frozen=True)
class ComplaintClocks:
    """When each clock of one complaint runs out."""

    remind_at: datetime
    escalate_at: datetime
    answer_due: datetime
    extended: bool


def answer_due(*, received_at: datetime, extended_until: date | None, calendar: WorkCalendar,
               working_days: int) -> datetime:
    """The answer deadline: N working days after receipt, or the end of the extension's date."""
    if extended_until is not None:
        return calendar.at_local(extended_until + timedelta(days=1), time(0, 0))
    return calendar.add_working_days(received_at, working_days)


def clocks_for(*, received_at: datetime, extended_until: date | None, calendar: WorkCalendar,
               reminder_hours: int, escalation_hours: int, working_days: int) -> ComplaintClocks:
    """All clocks of a complaint from its receipt time and extension."""
    return ComplaintClocks(
        remind_at=received_at + timedelta(hours=reminder_hours),
        escalate_at=received_at + timedelta(hours=escalation_hours),
        answer_due=answer_due(received_at=received_at, extended_until=extended_until,
                              calendar=calendar, working_days=working_days),
        extended=extended_until is not None,
    )


def next_deadline(*, clocks: ComplaintClocks, acknowledged: bool, answered: bool,
                  closed: bool) -> tuple[str, datetime] | None:
    """The next deadline still running: ("acknowledge", at) or ("answer", at), or None."""
    if closed:
        return None
    if not acknowledged:
        return "acknowledge", clocks.escalate_at
    if not answered:
        return "answer", clocks.answer_due
    return None
