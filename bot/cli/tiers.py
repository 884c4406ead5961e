"""`lawcrm tiers propose`: the quarter's re-tiering proposal, summarised (nothing is written)."""

from __future__ import annotations

import time

import click

from bot.cli import pass_services
from bot.flows.actor import SYSTEM_CLI
from bot.flows.quarters import Quarter
from bot.flows.value import retier
from bot.flows.workdays import calendar_of
from bot.services import Services
from storage.db import read_only

TOP_SHOWN = 20


def register(main: click.Group) -> None:
    """Attach the `tiers` group."""

    @main.group()
    def tiers() -> None:
        """Client tiers: the quarterly re-tiering proposal."""

    @tiers.command("propose")
    @click.option("--quarter", default=None, help="The quarter, e.g. 2026-Q4 (default: the current one).")
    @click.option("--quiet", is_flag=True, help="No progress lines.")
    @pass_services()
    def propose(services: Services, quarter: str | None, quiet: bool) -> None:
        """Score every client and print whose tier would change (a dry run: nothing is written)."""
        settings = services.settings
        cal = calendar_of(settings)
        q = Quarter.parse(quarter) if quarter else Quarter.of(cal.local_date(services.now()))
        started = time.monotonic()

        def progress(step: str) -> None:
            """One line per step, on stderr."""
            if not quiet:
                click.echo(f"  {time.monotonic() - started:5.1f}s  {step}", err=True)

        with services.session() as session:
            read_only(session)
            proposal = retier.propose(session, quarter=q, settings=settings, cal=cal, progress=progress)
            names = retier.client_names(session, ids=[c.client_id for c in proposal.changes[:TOP_SHOWN]])
        with services.session() as session:
            retier.record_read(session, actor=SYSTEM_CLI, quarter=q)
        click.echo(f"quarter: {q.label} (scheme {proposal.scheme}, figures up to {q.first_day.isoformat()})")
        click.echo(f"clients scored: {proposal.clients}")
        click.echo(f"tier changes proposed: {len(proposal.changes)}")
        for (old, new), n in sorted(proposal.moves.items(), key=lambda kv: (-kv[1], kv[0])):
            click.echo(f"  {old} -> {new}: {n}")
        labels = proposal.label_counts
        click.echo(f"labels: golden {labels.get('golden', 0)}, big {labels.get('big', 0)}")
        for c in proposal.changes[:TOP_SHOWN]:
            parts = ", ".join(f"{k} {v:.2f}" for k, v in c.components.items())
            click.echo(f"  {names.get(c.client_id, c.client_id)}: {c.old_tier} -> {c.new_tier}, "
                       f"score {c.score:.1f} ({parts}){' ' + c.label if c.label else ''}")
        if len(proposal.changes) > TOP_SHOWN:
            click.echo(f"  … and {len(proposal.changes) - TOP_SHOWN} more")
        click.echo(f"time taken: {proposal.seconds:.1f}s")
