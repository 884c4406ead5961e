"""Block Kit for the access review and the backup notices."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import Block, context, header, section
from bot.flows.privacy.access_report import AccessReport, ReaderLine
from bot.i18n import t
from bot.ids import PrivacyBlock
from bot.slack_text import Mrkdwn, escape, join, mention

MAX_READERS = 25
LINES_PER_SECTION = 10


def _who(line: ReaderLine) -> Mrkdwn:
    """A mention for staff, the actor's name otherwise."""
    return mention(line.slack_user_id) if line.slack_user_id else escape(line.name)


def _median(value: float) -> str:
    """The median without a needless ".0"."""
    return f"{value:g}"


def access_report_message(report: AccessReport, *, locale: str) -> dict[str, Any]:
    """The monthly access review as a ledger payload (text and blocks)."""
    title = t("privacy.access.title", locale, month=report.month)
    blocks: list[Block] = [header(title)]
    if not report.readers:
        blocks.append(section(t("privacy.access.none", locale), block_id=PrivacyBlock.REPORT_SUMMARY))
        blocks.append(context(t("privacy.access.footer", locale)))
        return {"text": title, "blocks": blocks}
    blocks.append(section(t("privacy.access.summary", locale, events=report.events,
                            readers=len(report.readers), median=_median(report.median)),
                          block_id=PrivacyBlock.REPORT_SUMMARY))
    flags: list[Mrkdwn] = []
    for line in report.readers:
        if line.unusual:
            flags.append(t("privacy.access.unusual", locale, who=_who(line), count=line.total,
                           median=_median(report.median)))
        if line.outside:
            flags.append(t("privacy.access.outside", locale, who=_who(line), count=sum(line.outside.values()),
                           clients=", ".join(f"#{cid}" for cid in line.outside)))
    if flags:
        blocks.append(section(join("\n", flags), block_id=PrivacyBlock.REPORT_FLAGS))
    lines = [t("privacy.access.reader", locale, who=_who(r), reads=r.reads, borrows=r.borrows,
               clients=len(r.clients)) for r in report.readers[:MAX_READERS]]
    if len(report.readers) > MAX_READERS:
        lines.append(t("privacy.access.more", locale, count=len(report.readers) - MAX_READERS))
    for index in range(0, len(lines), LINES_PER_SECTION):
        blocks.append(section(join("\n", lines[index:index + LINES_PER_SECTION]),
                              block_id=f"{PrivacyBlock.REPORT_READERS}:{index // LINES_PER_SECTION}"))
    blocks.append(context(t("privacy.access.footer", locale)))
    return {"text": title, "blocks": blocks}
