"""Collected fees over the report's windows: lifetime-value growth and revenue by tier (Pareto).

Amounts are encrypted, so they are decrypted once, for the 24 months ending with the quarter
only (the index range on kind + date), and bucketed here for every figure that needs money;
the same rows and sums as `bot.flows.value.amounts.fee_lines`, decrypted in bulk
(`storage.bulk_crypto`): at 100,000 clients that is a quarter of a million amounts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.report.figures import Chart, Kpi, Series, Unit
from bot.flows.report.kpis import target
from bot.flows.report.window import Window
from bot.settings import Settings
from storage.bulk_crypto import BulkDecryptor
from storage.models import Client, FeeEntry
from storage.models.enums import FeeKind
from storage.types import keyring_of

CENT = Decimal("0.01")


@dataclass
class FeeBook:
    """Collected fees per client: in the quarter, the last 12 months, the 12 months before."""

    quarter: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    quarter_lines: dict[int, list[tuple[date, Decimal]]] = field(default_factory=lambda: defaultdict(list))
    last_year: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    year_before: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @classmethod
    def read(cls, session: Session, *, window: Window) -> FeeBook:
        """Decrypt the collected fees dated in the 24 months ending with the window."""
        book = cls()
        first, year_ago = window.first_day, window.year_ago_day
        dialect = session.get_bind().dialect
        decrypt = BulkDecryptor(keyring_of(dialect)).decrypt
        stmt = select(FeeEntry.client_id, FeeEntry.on_date, FeeEntry.amount).where(
            FeeEntry.kind == FeeKind.COLLECTED.value, FeeEntry.on_date >= window.two_years_ago_day,
            FeeEntry.on_date < window.end_day)
        # straight from the driver (tokens, dates as the driver gives them): no per-row type processing
        sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute(sql)
            while rows := cursor.fetchmany(20000):
                for client_id, raw_date, token in rows:
                    on_date = raw_date if isinstance(raw_date, date) else date.fromisoformat(raw_date)
                    amount = Decimal(decrypt(token))
                    if on_date >= year_ago:
                        book.last_year[client_id] += amount
                        if on_date >= first:
                            book.quarter[client_id] += amount
                            book.quarter_lines[client_id].append((on_date, amount))
                    else:
                        book.year_before[client_id] += amount
        finally:
            cursor.close()
        return book

    def quarter_since(self, client_id: int, day: date) -> Decimal:
        """A client's fees collected in the quarter on or after `day`."""
        return sum((amount for on, amount in self.quarter_lines.get(client_id, ()) if on >= day), Decimal(0))


def ltv_kpi(*, book: FeeBook, engaged_last_year: set[int], engaged_year_before: set[int],
            settings: Settings) -> Kpi:
    """Growth of the average collected per engaged client: last 12 months against the 12 before (percent)."""
    now_avg = (sum(book.last_year.values(), Decimal(0)) / len(engaged_last_year)) if engaged_last_year else None
    before_avg = (sum(book.year_before.values(), Decimal(0)) / len(engaged_year_before)
                  if engaged_year_before else None)
    value = None
    if now_avg is not None and before_avg:
        value = float((now_avg / before_avg - 1) * 100)
    return Kpi("ltv_growth", value, target(settings, "ltv_growth"), Unit.PERCENT,
               numerator=None if now_avg is None else float(now_avg.quantize(CENT)),
               denominator=None if before_avg is None else float(before_avg.quantize(CENT)))


def revenue_pareto(session: Session, *, book: FeeBook) -> Series:
    """Fees collected in the quarter by the clients' current tier, largest first, with the cumulative share."""
    by_tier: dict[str, Decimal] = defaultdict(Decimal)
    if book.quarter:
        tiers = dict(session.execute(select(Client.id, Client.tier)).all())
        for cid, amount in book.quarter.items():
            by_tier[tiers.get(cid, "?")] += amount
    order = sorted((t for t in by_tier if by_tier[t] > 0), key=lambda t: (-by_tier[t], t))
    total = sum(by_tier.values(), Decimal(0))
    cumulative, running = [], Decimal(0)
    for tier in order:
        running += by_tier[tier]
        cumulative.append(round(float(100 * running / total), 1))
    notes: dict[str, object] = {"total": float(total.quantize(CENT))}
    if order:
        notes.update(top=order[0], top_share=cumulative[0])
    return Series(Chart.REVENUE_PARETO, order,
                  {"collected": [float(by_tier[t].quantize(CENT)) for t in order],
                   "cumulative_share": cumulative},
                  Unit.MONEY, notes=notes)
