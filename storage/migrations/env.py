"""Alembic environment: uses the connection handed over by storage.migrate."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import DateTime, Text

from storage.models import Base
from storage.models.base import UTCDateTime
from storage.types import EncryptedJSON, EncryptedText

target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our TypeDecorators as plain SQL types in migration files."""
    if type_ == "type":
        if isinstance(obj, (EncryptedText, EncryptedJSON)):
            autogen_context.imports.add("import sqlalchemy as sa")
            return "sa.Text()"
        if isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
    return False


def compare_type(ctx: Any, inspected: Any, metadata_col: Any, inspected_type: Any,
                 metadata_type: Any) -> bool | None:
    """Compare TypeDecorators by their implementation type."""
    if isinstance(metadata_type, (EncryptedText, EncryptedJSON)):
        return not isinstance(inspected_type, Text)
    if isinstance(metadata_type, UTCDateTime):
        return not isinstance(inspected_type, DateTime)
    return None


def run_migrations_online() -> None:
    """Run with the connection given in config attributes (or the engine)."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = context.config.attributes["engine"]
        with engine.begin() as connection:
            _run(connection)
    else:
        _run(connection)


def _run(connection: Any) -> None:
    """Configure and run."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
