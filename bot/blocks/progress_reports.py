"""The progress-report DM to the lead lawyer: the DOCX upload and the "Sent to the client" message.

Two ledger notices per report, recorded in the transaction that drafted it and sent in that
order: `{report key}:file` (a file payload the sender uploads with files.uploadV2) and
`{report key}:dm` (the message with the button). Each goes out once.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.common import Block, actions, button, context, section
from bot.flows.progress_reports import ReportContent
from bot.i18n import t, t_plain
from bot.ids import ProgressReportAction as A
from bot.ids import ProgressReportBlock as B
from bot.slack_text import escape
from storage import ledger

FILE_KIND = "progress_report_file"
DM_KIND = "progress_report"


def period_words(content: ReportContent, locale: str) -> str:
    """The period or event of a report, in words."""
    if content.kind == "monthly":
        return t_plain("progress.period.monthly", locale, month=f"{content.period_start:%Y-%m}")
    return t_plain(f"progress.period.{content.kind}", locale, day=content.period_end.isoformat())


def dm_blocks(*, report_id: int, client_name: str, period: str, language: str,
              locale: str) -> tuple[str, list[Block]]:
    """Text and blocks of the DM with the "Sent to the client" button."""
    text = t("progress.dm.text", locale, client=escape(client_name), period=period,
             language=t_plain(f"progress.language.{language}", locale))
    return text, [section(text),
                  actions(button(t_plain("progress.dm.sent_button", locale), action_id=A.SENT,
                                 value=str(report_id), style="primary"), block_id=B.ACTIONS)]


def sent_blocks(blocks: list[dict[str, Any]], *, who: str, day: date, locale: str) -> list[Block]:
    """The DM's blocks with the button replaced by who sent it and when."""
    line = context(t("progress.dm.sent", locale, who=who, day=day.isoformat()))
    return [line if b.get("block_id") == B.ACTIONS else b for b in blocks]


def enqueue_report_dm(session: Session, *, key: str, report_id: int, channel: str, content: ReportContent,
                      docx: bytes, locale: str, now: datetime) -> list[str]:
    """Record the DOCX upload and the DM for the lawyer in the ledger; the keys."""
    period = period_words(content, locale)
    file_key, dm_key = f"{key}:file", f"{key}:dm"
    ledger.enqueue(session, key=file_key, kind=FILE_KIND, channel=channel, due_at=now, payload={
        "text": t_plain("progress.dm.file_comment", locale, client=content.client_name, period=period),
        "file": {"filename": f"progress-report-{key.replace(':', '-')}.docx",
                 "title": t_plain("progress.dm.file_title", locale, client=content.client_name, period=period),
                 "content_b64": base64.b64encode(docx).decode("ascii")}})
    text, blocks = dm_blocks(report_id=report_id, client_name=content.client_name, period=period,
                             language=content.language, locale=locale)
    ledger.enqueue(session, key=dm_key, kind=DM_KIND, channel=channel, due_at=now,
                   payload={"text": text, "blocks": blocks})
    return [file_key, dm_key]
