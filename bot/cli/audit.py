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
    @click.option("--witness/--no-witness", default=True, show_default=True,
                  help="Check the heads the daily job posted to ADMIN_CHANNEL (else ALERTS_CHANNEL), "
                       "read back with the bot token: catches a chain rewritten with recomputed hashes.")
    @pass_services(create_keys=False)
    def verify(services: Services, anchor: Path | None, witness: bool) -> None:
        """Walk the chain; exit 1 if any row was edited, inserted or deleted."""
        started = time.monotonic()
        expected = _read_anchor(anchor)
        witnessed, channel = _read_witnesses(services) if witness else ([], None)
        with services.session() as session:
            report = audit_log.verify(read_only(session), anchor=expected, witnesses=witnessed,
                                      progress=lambda n: click.echo(f"  {n} checked", err=True))
        took = time.monotonic() - started
        if report.ok:
            click.echo(f"audit chain intact: {report.checked} events in {took:.1f}s; "
                       f"head seq {report.head_seq} hash {report.head_hash}")
            if channel:
                click.echo(f"matches the {len(witnessed)} heads witnessed in Slack channel {channel}")
            if anchor is not None:
                _write_anchor(anchor, report.head_seq, report.head_hash)
            return
        click.echo(f"audit chain BROKEN: {len(report.problems)} problems in {report.checked} events")
        for problem in report.problems[:50]:
            click.echo(f"  {problem}")
        raise SystemExit(1)


def _read_witnesses(services: Services) -> tuple[list[tuple[int, str]], str | None]:
    """The heads witnessed in Slack and the channel read; ([], None) when none is configured."""
    from bot.app import make_web_client
    from bot.slack_sender import SlackSender
    from jobs.witness import read_witnesses
    from storage.ledger import SlackFailure

    settings = services.settings
    channel = settings.audit_witness_channel
    if not (settings.slack_bot_token and channel):
        click.echo("no Slack witness configured (SLACK_BOT_TOKEN and ADMIN_CHANNEL or ALERTS_CHANNEL): "
                   "a chain rewritten with recomputed hashes is only caught with --anchor", err=True)
        return [], None
    try:
        return read_witnesses(SlackSender(make_web_client(services)), channel=channel), channel
    except SlackFailure as exc:
        code = exc.code
        raise click.ClickException(
            f"cannot read the audit witness posts in Slack channel {channel} ({code}): the bot needs "
            "the history scope of that channel and to be a member; --no-witness checks the chain alone"
        ) from None


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
