"""The `lawcrm` command line: database, serving, jobs, console, staff, keys and audit."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from dataclasses import dataclass, field
from typing import Any

import click

from bot.services import Services, build_services
from bot.settings import Settings, SettingsError, load_settings
from storage.crypto import KeyringError


@dataclass
class CliState:
    """Settings and services, built on first use so `--help` needs no configuration."""

    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None
    _services: Services | None = None

    def settings(self) -> Settings:
        """The settings, or exit with one line naming the bad setting."""
        if self._settings is None:
            try:
                self._settings = load_settings(**self.overrides)
            except SettingsError as exc:
                click.echo(f"lawcrm: {exc}", err=True)
                sys.exit(2)
        return self._settings

    def services(self, *, create_keys: bool = True) -> Services:
        """Services for the settings (keys created on first run when allowed)."""
        if self._services is None:
            try:
                self._services = build_services(self.settings(), create_keys=create_keys)
            except KeyringError as exc:
                click.echo(f"lawcrm: encryption keys: {exc}", err=True)
                sys.exit(2)
        return self._services


pass_state = click.make_pass_decorator(CliState, ensure=True)


@click.group()
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
