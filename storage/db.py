"""Engine and session factories; one unit of work per `session_scope`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.crypto import AnyKeyring
from storage.types import KEYRING_ATTR


def make_engine(url: str, *, keyring: AnyKeyring, pool_size: int = 10) -> Engine:
    """An engine with the keyring bound to its dialect and sane per-backend settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=pool_size, max_overflow=pool_size,
        )
        _configure_sqlite(engine)
    else:
        if parsed.drivername in ("postgresql", "postgres"):
            url = str(parsed.set(drivername="postgresql+psycopg"))
        engine = create_engine(
            url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size,
            pool_timeout=10, connect_args={"connect_timeout": 5},
        )
    setattr(engine.dialect, KEYRING_ATTR, keyring)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE so writers serialise instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        read_only = conn.get_execution_options().get(READ_ONLY)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


READ_ONLY = "lawcrm_read_only"


def read_only(session: Session) -> Session:
    """Mark a fresh session read-only: on SQLite it then does not take the write lock.

    Call it before the session's first statement (long scans such as the audit walk).
    """
    session.connection(execution_options={READ_ONLY: True})
    return session


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session], *, commit: bool = True) -> Iterator[Session]:
    """Commit on success (a dry run, `commit=False`, rolls back), roll back on error, close."""
    session = factory()
    try:
        yield session
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session_or_engine: Session | Engine) -> bool:
    """Whether the bound database is PostgreSQL."""
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def advisory_xact_lock(session: Session, name: str) -> None:
    """Serialise a critical section across processes until the transaction ends.

    PostgreSQL: pg_advisory_xact_lock. SQLite: every transaction already begins
    IMMEDIATE (one writer at a time), so this is implied.
    """
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(name)})


def try_advisory_xact_lock(session: Session, name: str) -> bool:
    """Like `advisory_xact_lock` but returns False instead of waiting (PostgreSQL)."""
    if is_postgres(session):
        return bool(
            session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock_key(name)}).scalar()
        )
    return True


@contextmanager
def process_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Hold a cross-process lock for the block if it is free; yields whether it was taken.

    PostgreSQL: a session-level advisory lock on a dedicated connection (released when the
    block ends, or by the server if the process dies). SQLite is single-process: always True.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as conn:
        taken = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(name)}).scalar())
        conn.commit()
        try:
            yield taken
        finally:
            if taken:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})
                conn.commit()
