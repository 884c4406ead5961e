"""The `lawcrm` command line: database, serving, jobs, console, staff, keys and audit."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

import click
from sqlalchemy.exc import DBAPIError

from bot.flows.errors import DomainError
from bot.i18n import t_plain
from bot.services import Services, build_services
from bot.settings import Settings, SettingsError, load_settings
from storage import migrate
from storage.crypto import KeyringError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    """Stop the command with one line on stderr and exit status 2."""
    click.echo(f"lawcrm: {' '.join(message.split())}", err=True)
    sys.exit(2)


@dataclass
class CliState:
    """Settings and services, built on first use so `--help` needs no configuration."""

    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None
    _services: Services | None = None
    _schema_ready: bool = False

    def settings(self) -> Settings:
        """The settings, or exit with one line naming the bad setting."""
        if self._settings is None:
            try:
                self._settings = load_settings(**self.overrides)
            except SettingsError as exc:
                fail(str(exc))
        return self._settings

    def services(self, *, create_keys: bool = True, schema: bool = True) -> Services:
        """Services on a reachable database, its schema upgraded first unless `schema` is False.

        Keys are created on first run when allowed. Whatever stops that (a bad setting, the
        data directory, the keys, the database) ends the command with one line.
        """
        settings = self.settings()
        if self._services is None:
            try:
                services = build_services(settings, create_keys=create_keys)
            except KeyringError as exc:
                fail(f"encryption keys: {exc}")
            except SettingsError as exc:
                fail(str(exc))
            try:
                with services.engine.connect():
                    pass
            except DBAPIError as exc:
                services.engine.dispose()
                fail(database_unreachable(settings, exc))
            self._services = services
        if schema and not self._schema_ready:
            try:
                migrate.upgrade(self._services.engine)
            except DBAPIError as exc:
                fail(database_unreachable(settings, exc))
            self._schema_ready = True
        return self._services


def database_unreachable(settings: Settings, exc: DBAPIError) -> str:
    """One line naming the setting behind a database that cannot be used, without its password."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.resolved_database_url)
    shown = url.render_as_string(hide_password=True)
    name = "DATABASE_URL" if settings.database_url else "DATA_DIR"
    lines = str(exc.orig if exc.orig is not None else exc).strip().splitlines()
    reason = lines[0] if lines else type(exc.orig or exc).__name__
    return f"invalid setting {name}: cannot use the database {shown} ({reason})"


pass_state = click.make_pass_decorator(CliState, ensure=True)


def pass_services(*, create_keys: bool = True, schema: bool = True) -> Callable[[F], F]:
    """Give a command its services (first argument) on an up-to-date schema: every DB command uses it."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        @click.pass_context
        def wrapper(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
            state = ctx.ensure_object(CliState)
            services = state.services(create_keys=create_keys, schema=schema)
            return command(services, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


class LawcrmGroup(click.Group):
    """The `lawcrm` group: a domain error from any command ends it with its message on one line."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a DomainError becomes a ClickException (exit status 1)."""
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            raise click.ClickException(t_plain(exc.key, "en", **exc.params)) from None


@click.group(cls=LawcrmGroup)
@click.option("--database-url", envvar="DATABASE_URL", default=None, help="Overrides DATABASE_URL.")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Law-firm client relationships in Slack."""
    overrides = {"database_url": database_url} if database_url else {}
    ctx.obj = CliState(overrides=overrides)


def build_cli() -> click.Group:
    """The `lawcrm` group with every sub-command module attached (once)."""
    if getattr(main, "_lawcrm_loaded", False):
        return main
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(main)
    main._lawcrm_loaded = True  # type: ignore[attr-defined]
    return main


def cli() -> None:
    """Console-script entry point."""
    build_cli()(prog_name="lawcrm")
