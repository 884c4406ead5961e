"""Insert a row once per unique key: a repeated submission (same Slack view) finds the first row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session


def insert_once(session: Session, row: Any, *, key: InstrumentedAttribute[Any]) -> tuple[int, bool]:
    """Add `row` unless a row with its value of the unique column `key` exists: (id, created).

    Looked up first; an insert racing another one with the same key is refused by the unique
    constraint, rolled back to a savepoint (the caller's transaction lives on), and the other
    row's id is returned.
    """
    model = key.class_
    pk = inspect(model).primary_key[0]
    value = getattr(row, key.key)
    existing = session.execute(select(pk).where(key == value)).scalar_one_or_none()
    if existing is not None:
        return existing, False
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = session.execute(select(pk).where(key == value)).scalar_one_or_none()
        if found is None:
            raise
        return found, False
    return getattr(row, pk.key), True
