"""`lawcrm audit verify`: check the hash chain of the audit log."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click

from bot.cli import pass_services
from bot.services import Services
from storage import audit as audit_log
from storage.db import read_only


def register(main: click.Group) -> None:
    """Attach the `audit` group."""

    @main.group()
    def audit() -> None:
        """The audit log."""

    @audit.command("verify")
    @click.option("--anchor", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="A file outside the database holding the head seen last time; checked, "
                       "then moved forward. Keep it where the database's admins can't write.")
    @pass_services(create_keys=False)
    def verify(services: Services, anchor: Path | None) -> None:
        """Walk the chain; exit 1 if any row was edited, inserted or deleted."""
        started = time.monotonic()
        expected = _read_anchor(anchor)
        with services.session() as session:
            report = audit_log.verify(read_only(session), anchor=expected,
                                      progress=lambda n: click.echo(f"  {n} checked", err=True))
        took = time.monotonic() - started
        if report.ok:
            click.echo(f"audit chain intact: {report.checked} events in {took:.1f}s; "
                       f"head seq {report.head_seq} hash {report.head_hash}")
            if anchor is not None:
                _write_anchor(anchor, report.head_seq, report.head_hash)
            return
        click.echo(f"audit chain BROKEN: {len(report.problems)} problems in {report.checked} events")
        for problem in report.problems[:50]:
            click.echo(f"  {problem}")
        raise SystemExit(1)


def _read_anchor(path: Path | None) -> tuple[int, str] | None:
    """The (seq, hash) stored by an earlier verify, if any."""
    if path is None or not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        return int(data["seq"]), str(data["hash"])
    except (ValueError, KeyError, TypeError):
        raise click.ClickException(f"anchor file {path} is not a valid anchor") from None


def _write_anchor(path: Path, seq: int, digest: str) -> None:
    """Store the head for the next run (atomically)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps({"seq": seq, "hash": digest}))
    os.replace(tmp, path)
