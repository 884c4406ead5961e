"""Run Alembic migrations programmatically: the only way the schema is made."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from storage.db import lock_key

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at our migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the database schema up to `revision` (replicas starting together take turns)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key("lawcrm:migrate")})
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema down to `revision`."""
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def database_heads(conn: Connection) -> frozenset[str]:
    """The revisions the database is at (empty when it was never migrated)."""
    return frozenset(MigrationContext.configure(conn).get_current_heads())


def code_heads() -> frozenset[str]:
    """The newest revisions in the migrations folder (one per feature branch)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revision(engine: Engine) -> str | None:
    """The revision(s) the database is at, comma-separated (None when empty)."""
    with engine.connect() as conn:
        return ",".join(sorted(database_heads(conn))) or None


def head_revision() -> str | None:
    """The newest revision(s) in the migrations folder, comma-separated."""
    return ",".join(sorted(code_heads())) or None


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest revision(s)."""
    return current_revision(engine) == head_revision()
