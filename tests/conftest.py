"""Fixtures: real databases (SQLite and PostgreSQL), a fake Slack Web API, the real Bolt app."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.console.driver import SlackDriver
from bot.console.executor import TrackingExecutor
from bot.console.fake_slack import FakeSlack
from bot.services import Services
from bot.settings import Settings
from storage import migrate
from storage.crypto import Keyring, generate_key_material
from storage.db import make_engine, make_session_factory
from tests.support import Clock, make_staff  # noqa: F401  (re-exported for tests)

DEFAULT_PG = "postgresql+psycopg://127.0.0.1:5432/test"
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
REVIEW_CHANNEL = "C0REVIEW"
ALERTS_CHANNEL = "C0ALERTS"
SLACK_ENV = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
             "DATABASE_URL", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "PARTNER_REVIEW_CHANNEL",
             "ALERTS_CHANNEL", "FIRM_TIMEZONE", "DEFAULT_LOCALE", "KEY_FILE", "DATA_DIR")


def _backends() -> list[str]:
    """sqlite and postgresql; LAWCRM_TEST_BACKENDS narrows it locally (never in CI)."""
    wanted = os.environ.get("LAWCRM_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if os.environ.get("CI") and set(wanted) != {"sqlite", "postgresql"}:
        raise pytest.UsageError("CI must run both backends: unset LAWCRM_TEST_BACKENDS")
    return [w.strip() for w in wanted if w.strip()]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's Slack tokens or database never leak into tests."""
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def test_keyring() -> Keyring:
    """Fixed keys for the session."""
    material = generate_key_material()
    from storage.crypto import _decode_index_key

    return Keyring(fernet_keys=tuple(material["encryption_keys"]),
                   index_key=_decode_index_key(str(material["blind_index_key"])))


@dataclass
class Backend:
    """A migrated database of one kind for this test session."""

    kind: str
    url: str
    template: Path | None = None


def _pg_server_url() -> str:
    """The PostgreSQL server used by the tests."""
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


@pytest.fixture(scope="session", params=_backends())
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            test_keyring: Keyring) -> Iterator[Backend]:
    """A freshly migrated database per backend: a SQLite template file, or a new PG database."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "template.db"
        engine = make_engine(f"sqlite:///{path}", keyring=test_keyring)
        migrate.upgrade(engine)
        engine.dispose()
        yield Backend(kind="sqlite", url=f"sqlite:///{path}", template=path)
        return
    server = make_url(_pg_server_url())
    if server.drivername in ("postgresql", "postgres"):
        server = server.set(drivername="postgresql+psycopg")
    admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    name = f"lawcrm_t_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach PG must be loud
        pytest.fail(
            f"PostgreSQL is not reachable at {server.render_as_string(hide_password=True)} "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}). The suite runs on "
            "SQLite and PostgreSQL: start the server or set TEST_DATABASE_URL "
            "(locally, LAWCRM_TEST_BACKENDS=sqlite runs SQLite only).",
            pytrace=False,
        )
    url = server.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, keyring=test_keyring)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield Backend(kind="postgresql", url=url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_pg(engine) -> None:  # type: ignore[no-untyped-def]
    """Empty every table (TRUNCATE bypasses the audit table's row triggers).

    Only tables holding rows are truncated (TRUNCATE of every table costs most of a second
    per test); every identity sequence is reset so ids start at 1 again.
    """
    from storage.models import Base

    tables = [t.name for t in Base.metadata.sorted_tables]
    probe = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables)
    with engine.begin() as conn:
        filled = list(conn.execute(text(probe)).scalars())
        if filled:
            names = ", ".join(f'"{name}"' for name in filled)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text(
            "SELECT setval(s.oid, 1, false) FROM pg_class s "
            "JOIN pg_namespace n ON n.oid = s.relnamespace "
            "WHERE s.relkind = 'S' AND n.nspname = current_schema()"))


@pytest.fixture
def db_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database for one test."""
    if backend.kind == "sqlite":
        assert backend.template is not None
        path = tmp_path / "lawcrm.db"
        shutil.copy(backend.template, path)
        yield f"sqlite:///{path}"
        return
    yield backend.url
    engine = create_engine(backend.url)
    _truncate_pg(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    """One fake Web API server for the session (reset per test)."""
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack) -> FakeSlack:
    """The fake Web API, with no calls recorded yet."""
    fake_slack_server.reset()
    return fake_slack_server


@pytest.fixture
def clock() -> Clock:
    """A settable clock (default 2026-11-23 09:00 UTC, a Monday)."""
    return Clock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


def make_settings(*, db_url: str, fake: FakeSlack | None, tmp_path: Path, **extra: object) -> Settings:
    """Settings for tests: a fake Slack, fixed channels, no .env file."""
    values: dict[str, object] = {
        "database_url": db_url, "data_dir": tmp_path, "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET, "partner_review_channel": REVIEW_CHANNEL,
        "alerts_channel": ALERTS_CHANNEL, "listener_threads": 8,
    }
    if fake is not None:
        values["slack_api_url"] = fake.url
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(db_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    """Test settings."""
    return make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path)


@pytest.fixture
def services(settings: Settings, test_keyring: Keyring, clock: Clock) -> Iterator[Services]:
    """Services on the test database, with the settable clock."""
    engine = make_engine(settings.resolved_database_url, keyring=test_keyring, pool_size=10)
    yield Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                   keyring=test_keyring, clock=clock)
    engine.dispose()


@pytest.fixture
def slack(services: Services, fake_slack: FakeSlack) -> Iterator[SlackDriver]:
    """The real Bolt app behind signed requests, talking to the fake Web API."""
    executor = TrackingExecutor(8)
    fake_slack.watch(executor.wait_idle)  # settle() waits for the listeners, not only for quiet
    app, _deps = create_app(services=services, listener_executor=executor)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    yield driver
    executor.wait_idle()  # no listener still at work when the database is emptied
    executor.shutdown(wait=True)
    fake_slack.settle()
