"""`lawcrm run|serve|socket|console|jobs`: the processes of the product."""

from __future__ import annotations

import logging
import sys

import click
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.cli import CliState, fail, pass_state
from bot.logging_setup import setup_logging


def _prepare(state: CliState, *, json_logs: bool | None = None,
             level: str | None = None):  # type: ignore[no-untyped-def]
    """Settings, logging, services and an up-to-date schema."""
    settings = state.settings()
    setup_logging(level=level or settings.log_level,
                  json_lines=settings.log_json if json_logs is None else json_logs)
    return state.services()


def _slack_app(services):  # type: ignore[no-untyped-def]
    """The Bolt app for real Slack, after checking the configured channels."""
    from bot.app import create_app, make_web_client
    from bot.channels import ChannelConfigError, check_channels

    client = make_web_client(services)
    try:
        external = check_channels(client, services.settings)
    except ChannelConfigError as exc:
        click.echo(f"lawcrm: {exc}", err=True)
        sys.exit(2)
    try:
        app, _ = create_app(services=services, client=client, external_channels=external)
    except BoltError as exc:  # auth.test refused the bot token
        cause = exc.__context__
        code = cause.response.get("error") if isinstance(cause, SlackApiError) else "refused"
        click.echo(f"lawcrm: invalid setting SLACK_BOT_TOKEN: Slack says {code}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"lawcrm: cannot reach Slack at {services.settings.slack_api_url} "
                   f"({type(exc).__name__})", err=True)
        sys.exit(2)
    _warm_conflict_index(services)
    return app


def _warm_conflict_index(services) -> None:  # type: ignore[no-untyped-def]
    """Build the conflict index in the background so the first check doesn't pay for it."""
    import threading

    from bot.flows.conflicts import warm_up

    threading.Thread(target=warm_up, args=(services.engine,), kwargs={"cache": services.cache},
                     name="conflict-index-warm-up", daemon=True).start()


def register(main: click.Group) -> None:
    """Attach the process commands."""

    @main.command()
    @pass_state
    @click.pass_context
    def run(ctx: click.Context, state: CliState) -> None:
        """Start the bot: Socket Mode, HTTP, or the local console, by the settings present."""
        mode = state.settings().mode
        ctx.invoke({"socket": socket, "http": serve, "console": console}[mode])

    @main.command()
    @pass_state
    def serve(state: CliState) -> None:
        """Serve Slack over HTTP (/slack/events, /healthz, /readyz) with waitress."""
        settings = state.settings()
        for name in ("slack_bot_token", "slack_signing_secret"):
            if getattr(settings, name) is None:
                click.echo(f"lawcrm: invalid setting {name.upper()}: required to serve HTTP", err=True)
                sys.exit(2)
        services = _prepare(state)
        from bot.http import ListenRefused, serve_http

        try:
            serve_http(_slack_app(services), services)
        except ListenRefused as exc:
            fail(str(exc))

    @main.command()
    @pass_state
    def socket(state: CliState) -> None:
        """Connect to Slack in Socket Mode (SLACK_APP_TOKEN)."""
        if not state.settings().slack_app_token:
            click.echo("lawcrm: invalid setting SLACK_APP_TOKEN: required for Socket Mode", err=True)
            sys.exit(2)
        services = _prepare(state)
        from bot.socket_mode import SocketModeRefused, serve_socket_mode

        try:
            serve_socket_mode(_slack_app(services), services)
        except SocketModeRefused as exc:
            click.echo(f"lawcrm: {exc}", err=True)
            sys.exit(2)

    @main.command()
    @click.option("--as", "as_user", default=None, help="Slack user id to act as.")
    @pass_state
    def console(state: CliState, as_user: str | None) -> None:
        """The local terminal console: the real app, a local fake Slack, text rendering."""
        level = state.settings().log_level
        services = _prepare(state, json_logs=False, level="DEBUG" if level == "DEBUG" else "WARNING")
        if level != "DEBUG":
            # The console shows unhandled commands itself; Bolt's warning repeats it as code.
            logging.getLogger("slack_bolt").setLevel(logging.ERROR)
        from bot.console.repl import run_console

        run_console(services, as_user=as_user)

    @main.command()
    @click.option("--once", is_flag=True, help="Run every job once and exit.")
    @pass_state
    def jobs(state: CliState, once: bool) -> None:
        """Run the scheduler (reminders, digests, alerts, complaint clocks) as its own process."""
        if not state.settings().slack_bot_token:
            click.echo("lawcrm: invalid setting SLACK_BOT_TOKEN: required to send notices", err=True)
            sys.exit(2)
        services = _prepare(state)
        from bot.app import make_web_client
        from bot.channels import ChannelConfigError, check_channels
        from jobs.registry import JobContext, discover_jobs
        from jobs.scheduler import run_once, serve as serve_jobs
        from bot.slack_sender import SlackSender

        client = make_web_client(services)
        try:  # the jobs post to the same channels as the bot: refuse Slack Connect ones here too
            external = check_channels(client, services.settings)
        except ChannelConfigError as exc:
            click.echo(f"lawcrm: {exc}", err=True)
            sys.exit(2)
        ctx = JobContext(services=services, sender=SlackSender(client, external_channels=external))
        found = discover_jobs(services)
        if once:
            run_once(ctx, found)
        else:
            serve_jobs(ctx, found)
