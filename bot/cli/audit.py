"""`lawcrm audit verify`: check the hash chain of the audit log."""

from __future__ import annotations

import time

import click

from bot.cli import CliState, pass_state
from storage import audit as audit_log


def register(main: click.Group) -> None:
    """Attach the `audit` group."""

    @main.group()
    def audit() -> None:
        """The audit log."""

    @audit.command("verify")
    @pass_state
    def verify(state: CliState) -> None:
        """Walk the chain; exit 1 if any row was edited, inserted or deleted."""
        services = state.services(create_keys=False)
        started = time.monotonic()
        with services.session() as session:
            report = audit_log.verify(session, progress=lambda n: click.echo(f"  {n} checked", err=True))
        took = time.monotonic() - started
        if report.ok:
            click.echo(f"audit chain intact: {report.checked} events in {took:.1f}s")
            return
        click.echo(f"audit chain BROKEN: {len(report.problems)} problems in {report.checked} events")
        for problem in report.problems[:50]:
            click.echo(f"  {problem}")
        raise SystemExit(1)
