"""The stored report of the current quarter behind the partners' Home dashboard, and who refreshes it.

Computing a quarter's report takes seconds at the firm's scale, so the Home reads the last stored
one (`report_snapshots`, encrypted: it holds fees and bonuses) and a job refreshes it. Several
bot and job processes may run: a refresh is claimed in the database first (a conditional INSERT
of the quarter's row, else a conditional UPDATE of its lease), so one process computes while the
others go on showing the stored report; a crashed claimer's lease expires and is taken over.
A claim made in its own transaction must be committed before computing, so others see it; the
Home's first open claims, computes and stores in one transaction (other processes wait on the row).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.flows.quarters import Quarter
from bot.flows.report.figures import Chart, Direction, Kpi, QuarterReport, Series, Unit
from storage.db import is_postgres
from storage.models import ReportSnapshot

FORMAT = 1
LEASE = timedelta(minutes=15)  # far longer than a computation (6-12 s at 100,000 clients)


# -- serialising ---------------------------------------------------------------------------------------

def _enc(value: Any) -> Any:
    """A JSON-safe form of a plain value that keeps types and order (dicts as pairs)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_enc(v) for v in value]
    if isinstance(value, dict):
        return {"dict": [[_enc(k), _enc(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"tuple": [_enc(v) for v in value]}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise TypeError(f"cannot store a {type(value).__name__} in a report snapshot")


def _dec(value: Any) -> Any:
    """The value `_enc` encoded."""
    if isinstance(value, list):
        return [_dec(v) for v in value]
    if not isinstance(value, dict):
        return value
    [(kind, inner)] = value.items()
    if kind == "dict":
        return {_dec(k): _dec(v) for k, v in inner}
    if kind == "tuple":
        return tuple(_dec(v) for v in inner)
    if kind == "decimal":
        return Decimal(inner)
    if kind == "datetime":
        return datetime.fromisoformat(inner)
    if kind == "date":
        return date.fromisoformat(inner)
    raise ValueError(f"unknown value in a report snapshot: {kind}")


def to_json(report: QuarterReport) -> dict[str, Any]:
    """The report as a JSON document (lossless: `from_json` gives an equal report, in the same order)."""
    return {
        "format": FORMAT, "quarter": report.quarter.label, "currency": report.currency,
        "computed_at": report.computed_at.isoformat(),
        "kpis": [{"key": k.key, "value": _enc(k.value), "target": _enc(k.target), "unit": k.unit.value,
                  "direction": k.direction.value, "numerator": _enc(k.numerator),
                  "denominator": _enc(k.denominator)} for k in report.kpis],
        "charts": [{"chart": chart.value, "categories": _enc(s.categories), "values": _enc(s.values),
                    "unit": s.unit.value, "notes": _enc(s.notes)} for chart, s in report.charts.items()],
        "tables": _enc(report.tables),
    }


def from_json(doc: dict[str, Any]) -> QuarterReport:
    """The report `to_json` stored."""
    if doc.get("format") != FORMAT:
        raise ValueError(f"unknown report snapshot format: {doc.get('format')!r}")
    return QuarterReport(
        quarter=Quarter.parse(doc["quarter"]), currency=doc["currency"],
        computed_at=datetime.fromisoformat(doc["computed_at"]),
        kpis=[Kpi(key=k["key"], value=_dec(k["value"]), target=_dec(k["target"]), unit=Unit(k["unit"]),
                  direction=Direction(k["direction"]), numerator=_dec(k["numerator"]),
                  denominator=_dec(k["denominator"])) for k in doc["kpis"]],
        charts={Chart(c["chart"]): Series(chart=Chart(c["chart"]), categories=_dec(c["categories"]),
                                          values=_dec(c["values"]), unit=Unit(c["unit"]), notes=_dec(c["notes"]))
                for c in doc["charts"]},
        tables=_dec(doc["tables"]),
    )


# -- storing and claiming --------------------------------------------------------------------------

@dataclass(frozen=True)
class Stored:
    """What is on record for a quarter: the report (None while its first computation runs) and when."""

    report: QuarterReport | None
    computed_at: datetime | None


def stored_report(session: Session, *, quarter: Quarter, tables: bool = True) -> Stored:
    """The quarter's stored report, if any (tables False: without its tables, as the Home shows none); unaudited."""
    columns = [ReportSnapshot.report, ReportSnapshot.computed_at] + ([ReportSnapshot.tables] if tables else [])
    row = session.execute(select(*columns).where(ReportSnapshot.quarter == quarter.label)).first()
    if row is None or row.report is None:
        return Stored(None, None)
    return Stored(from_json({**row.report, "tables": row.tables if tables else _enc({})}), row.computed_at)


def _columns(report: QuarterReport) -> dict[str, Any]:
    """The report's document for the `report` column and its tables for the `tables` one."""
    doc = to_json(report)
    return {"report": {k: v for k, v in doc.items() if k != "tables"}, "tables": doc["tables"]}


def stored_at(session: Session, *, quarter: Quarter) -> datetime | None:
    """When the quarter's stored report was computed (None: none stored), without decrypting it."""
    return session.execute(select(ReportSnapshot.computed_at).where(ReportSnapshot.quarter == quarter.label)).scalar()


def is_stale(computed_at: datetime | None, *, now: datetime, refresh: timedelta) -> bool:
    """Whether a stored report is missing or older than the refresh interval."""
    return computed_at is None or computed_at <= now - refresh


def claim_refresh(session: Session, *, quarter: Quarter, now: datetime, refresh: timedelta | None) -> str | None:
    """A claim's token to compute the quarter's report (refresh None: only if none stored); None if not due or held."""
    token = uuid.uuid4().hex
    insert = pg_insert if is_postgres(session) else sqlite_insert
    inserted = session.execute(insert(ReportSnapshot).values(
        quarter=quarter.label, computed_at=None, report=None, claim=token, lease_until=now + LEASE,
    ).on_conflict_do_nothing(index_elements=["quarter"]).returning(ReportSnapshot.id)).first()
    if inserted is not None:
        return token
    wanted = ReportSnapshot.computed_at.is_(None) if refresh is None else \
        or_(ReportSnapshot.computed_at.is_(None), ReportSnapshot.computed_at <= now - refresh)
    taken = session.execute(update(ReportSnapshot).where(
        ReportSnapshot.quarter == quarter.label, wanted,
        or_(ReportSnapshot.lease_until.is_(None), ReportSnapshot.lease_until <= now),
    ).values(claim=token, lease_until=now + LEASE).execution_options(synchronize_session=False))
    return token if taken.rowcount == 1 else None  # type: ignore[attr-defined]


def store_claimed(session: Session, *, report: QuarterReport, token: str) -> bool:
    """Store the report computed under this claim and release it; False when the claim was lost meanwhile."""
    stored = session.execute(update(ReportSnapshot).where(
        ReportSnapshot.quarter == report.quarter.label, ReportSnapshot.claim == token,
        or_(ReportSnapshot.computed_at.is_(None), ReportSnapshot.computed_at <= report.computed_at),
    ).values(**_columns(report), computed_at=report.computed_at, claim=None, lease_until=None)
        .execution_options(synchronize_session=False))
    release(session, quarter=report.quarter, token=token)
    return stored.rowcount == 1  # type: ignore[attr-defined]


def release(session: Session, *, quarter: Quarter, token: str) -> None:
    """Give up a claim (the computation failed, or a newer report was stored meanwhile)."""
    session.execute(update(ReportSnapshot).where(ReportSnapshot.quarter == quarter.label,
                                                 ReportSnapshot.claim == token)
                    .values(claim=None, lease_until=None).execution_options(synchronize_session=False))


def offer_report(session: Session, *, report: QuarterReport) -> bool:
    """Store a report computed anyway (`/lawcrm report` of this quarter) when it is newer than the stored one."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(ReportSnapshot).values(quarter=report.quarter.label, computed_at=report.computed_at,
                                         **_columns(report))
    stmt = stmt.on_conflict_do_update(
        index_elements=["quarter"], set_={"report": stmt.excluded.report, "tables": stmt.excluded.tables,
                                          "computed_at": stmt.excluded.computed_at},
        where=or_(ReportSnapshot.computed_at.is_(None), ReportSnapshot.computed_at < stmt.excluded.computed_at))
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
