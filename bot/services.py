"""The long-lived parts of a process, built once and passed to everything that needs them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.flows.matching import SNAPSHOT_DIR_KEY
from bot.settings import Settings, SettingsError
from storage.crypto import AnyKeyring, load_keyring
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import utcnow
from storage.models.base import CLOCK_OPTION


@dataclass
class Services:
    """Settings, database and keys of one process."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    keyring: AnyKeyring
    clock: Callable[[], datetime] = field(default=utcnow)
    cache: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Column defaults (created_at, due_at…) take the time from this clock, not the machine's."""
        self.engine = self.engine.execution_options(**{CLOCK_OPTION: self.clock})
        self.session_factory.configure(bind=self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on error."""
        with session_scope(self.session_factory) as session:
            yield session

    def now(self) -> datetime:
        """Timezone-aware UTC now (frozen in tests)."""
        return self.clock()


def build_services(settings: Settings, *, create_keys: bool = True,
                   clock: Callable[[], datetime] = utcnow) -> Services:
    """Keys, engine and session factory for these settings.

    A missing key file is created only for the embedded SQLite mode: on PostgreSQL several
    processes share the data, and a key made up by one of them would strand what it wrote.
    """
    embedded = make_url(settings.resolved_database_url).get_backend_name() == "sqlite"
    try:
        keyring = load_keyring(
            encryption_keys=settings.encryption_keys.get_secret_value() if settings.encryption_keys else None,
            blind_index_key=settings.blind_index_key.get_secret_value() if settings.blind_index_key else None,
            key_file=settings.resolved_key_file,
            create=create_keys and embedded,
        )
    except OSError as exc:
        raise _unusable_path("KEY_FILE" if settings.key_file else "DATA_DIR", exc) from None
    try:
        engine = make_engine(settings.resolved_database_url, keyring=keyring,
                             pool_size=max(5, settings.listener_threads))
    except OSError as exc:
        raise _unusable_path("DATABASE_URL" if settings.database_url else "DATA_DIR", exc) from None
    services = Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                        keyring=keyring, clock=clock)
    services.cache[SNAPSHOT_DIR_KEY] = settings.data_dir  # the conflict index's snapshot
    return services


def _unusable_path(name: str, exc: OSError) -> SettingsError:
    """A directory or file the settings point at that cannot be made or read, as one line."""
    where = f" {exc.filename}" if exc.filename else ""
    reason = "a file is in the way of a directory" if isinstance(exc, (FileExistsError, NotADirectoryError)) \
        else exc.strerror or type(exc).__name__
    return SettingsError(f"invalid setting {name}: cannot use{where} ({reason})")
