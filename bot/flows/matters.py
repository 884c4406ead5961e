"""Unified matter numbers: a configurable pattern and a gapless, row-locked counter."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.db import is_postgres
from storage.models import MatterCounter

AREA_CODES = {
    "lit_civil": "LIT",
    "lit_criminal": "CRM",
    "lit_admin": "ADM",
    "nl_mna": "MNA",
    "nl_ip": "IPR",
    "nl_tax": "TAX",
    "nl_other": "NLT",
    "retainer": "RET",
}


class _SeqSlot:
    """Renders the `{seq}` field as a literal marker, whatever its format spec."""

    def __format__(self, spec: str) -> str:
        """The marker that stands for the sequence in a counter key."""
        return "{seq}"


def counter_key(*, pattern: str, year: int, area: str) -> str:
    """The counter a number draws from: the pattern with everything but the sequence filled in.

    A pattern without `{area}` shares one sequence across practice areas; one without
    `{year}` never restarts. Either way numbers stay unique.
    """
    return pattern.format(year=year, area=AREA_CODES[area], seq=_SeqSlot())[:50]


def next_matter_number(session: Session, *, pattern: str, year: int, area: str) -> str:
    """Draw the next number in this session's transaction (gapless: a rollback returns it).

    The counter row is locked (`SELECT … FOR UPDATE` on PostgreSQL; SQLite transactions
    already hold the single write lock), so concurrent approvals queue and get 1..N.
    """
    return next_matter_numbers(session, pattern=pattern, year=year, area=area, count=1)[0]


def next_matter_numbers(session: Session, *, pattern: str, year: int, area: str, count: int) -> list[str]:
    """Draw `count` consecutive numbers at once (a bulk import), locked and gapless like one."""
    key = counter_key(pattern=pattern, year=year, area=area)
    insert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(insert(MatterCounter).values(key=key, last_seq=0).on_conflict_do_nothing())
    counter = session.execute(
        select(MatterCounter).where(MatterCounter.key == key).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    first = counter.last_seq + 1
    counter.last_seq += count
    session.flush()
    return [pattern.format(year=year, area=AREA_CODES[area], seq=seq) for seq in range(first, first + count)]
