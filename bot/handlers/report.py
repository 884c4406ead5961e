"""`/lawcrm report [QUARTER] [here]` and the partners' dashboard on the App Home."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks import report as blocks
from bot.blocks.common import Block
from bot.deps import AppDeps, SubcommandCall
from bot.flows.actor import Actor
from bot.flows.quarters import BadQuarter, Quarter
from bot.flows.report import charts
from bot.flows.report.figures import Chart, QuarterReport
from bot.flows.report.reading import (current_quarter, dashboard_report, keep_if_current, known_chart_file,
                                      may_read_report, read_report, record_report_read, remember_chart_file)
from bot.i18n import t

log = logging.getLogger(__name__)
HERE = ("here", "这里", "本频道")


def register(app: App, deps: AppDeps) -> None:
    """Register the `report` sub-command and the partners' Home dashboard."""
    services = deps.services
    settings = services.settings
    earlier = deps.subcommands.get("report")

    def report_command(call: SubcommandCall) -> None:
        """The KPI table as the answer, the charts uploaded to the partner's DM (or here)."""
        locale = call.actor.locale
        words = call.args.split()
        here = any(w.lower() in HERE for w in words)
        asked = " ".join(w for w in words if w.lower() not in HERE)
        if asked.lower() in ("help", "?"):
            call.respond(text=t("report.usage", locale), response_type="ephemeral")
            return
        if not may_read_report(call.actor):
            call.respond(text=t("report.partners_only", locale), response_type="ephemeral")
            return
        now = services.now()
        try:
            quarter = Quarter.parse(asked) if asked else current_quarter(now=now, settings=settings)
        except BadQuarter:
            if earlier is not None:  # another feature's `report …` verb
                earlier(call)
                return
            raise
        with services.session() as session:
            report = read_report(session, actor=call.actor, quarter=quarter, settings=settings, now=now)
            keep_if_current(session, report=report, settings=settings, now=now)
        text, kpi_blocks = blocks.report_message(report, locale=locale, tz=settings.tz)
        channel = str(call.body.get("channel_id") or "")
        post_here = here and _bot_is_in(call.client, channel, deps.external_channels)
        if post_here:
            call.client.chat_postMessage(channel=channel, text=text, blocks=kpi_blocks, unfurl_links=False)
        else:
            call.respond(text=text, blocks=kpi_blocks, response_type="ephemeral")
        images = charts.render_all(report, locale=locale)
        if not images:
            call.respond(text=t("report.no_charts", locale, quarter=quarter.label), response_type="ephemeral")
            return
        target = channel if post_here else \
            call.client.conversations_open(users=call.actor.slack_user_id)["channel"]["id"]
        call.client.files_upload_v2(
            channel=target, initial_comment=blocks.comment(report, locale=locale),
            file_uploads=[{"content": image.png, "filename": image.filename(quarter, locale),
                           "title": image.title, "alt_txt": image.alt} for image in images])
        note = "report.charts_sent_here" if post_here else \
            ("report.not_in_channel" if here else "report.charts_sent_dm")
        call.respond(text=t(note, locale), response_type="ephemeral")

    def dashboard_section(session: Session, actor: Actor, locale: str) -> list[Block]:
        """App Home: this quarter's KPIs and charts, for partners."""
        if not may_read_report(actor):
            return []
        now = services.now()
        quarter = current_quarter(now=now, settings=settings)
        report = dashboard_report(session, actor=actor, quarter=quarter, settings=settings, now=now)
        if report is None:
            return blocks.dashboard_pending(quarter, locale=locale)
        images, failed = dashboard_images(session, client=app.client, report=report, locale=locale)
        record_report_read(session, by=actor.audit_name, quarter=quarter, where="app_home")  # after the uploads
        return blocks.dashboard_blocks(report, locale=locale, images=images, failed=failed,
                                       now=now, tz=settings.tz)

    def dashboard_images(session: Session, *, client: WebClient, report: QuarterReport,
                         locale: str) -> tuple[list[dict[str, Any]], bool]:
        """Each chart's Slack file, uploaded once per picture (re-uploaded only when its figures change).

        Every upload comes before the first write, so no database lock is held while Slack answers.
        """
        images: list[dict[str, Any]] = []
        uploads: list[tuple[Chart, str, str]] = []
        failed = False
        for chart in charts.charts_with_data(report):
            digest = charts.chart_digest(report, chart, locale)
            file_id = known_chart_file(session, quarter=report.quarter, chart=chart, locale=locale, digest=digest)
            title, alt = charts.chart_title(chart, report.quarter, locale), charts.headline(report, chart, locale)
            if file_id is None:
                png = charts.render_chart(report, chart, locale=locale)
                try:
                    uploaded = client.files_upload_v2(
                        content=png, title=title, alt_txt=alt,
                        filename=f"report-{report.quarter.label}-{chart.value}-{digest[:8]}.png")
                except SlackApiError as exc:
                    log.warning("a dashboard chart could not be uploaded",
                                extra={"chart": chart.value, "slack_error": exc.response.get("error")})
                    failed = True
                    continue
                file_id = str(uploaded["files"][0]["id"])
                uploads.append((chart, digest, file_id))
            images.append({"chart": chart, "file_id": file_id, "title": title, "alt": alt})
        recorded = {chart: remember_chart_file(session, quarter=report.quarter, chart=chart, locale=locale,
                                               digest=digest, file_id=file_id, now=services.now())
                    for chart, digest, file_id in uploads}
        return [{**image, "file_id": recorded.get(image["chart"], image["file_id"])} for image in images], failed

    deps.subcommands["report"] = report_command
    deps.home_sections.append(dashboard_section)


def _bot_is_in(client: WebClient, channel: str, external: frozenset[str]) -> bool:
    """Whether the bot is a member of this (internal) channel, so the report may be posted there."""
    if not channel or channel in external or channel.startswith("D"):
        return False
    try:
        return bool(client.conversations_info(channel=channel)["channel"].get("is_member"))
    except SlackApiError:
        return False
