"""The progress report as a DOCX (python-docx): fixed texts in the client's language, content as written."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn

from bot.flows.progress_reports import EventLine, ReportContent
from bot.i18n import t_plain
from bot.labels import label
from bot.slack_text import unescape

CJK_FONT = "SimSun"


def progress_report_docx(content: ReportContent) -> bytes:
    """The report as DOCX bytes."""
    loc = content.language
    doc = Document()
    if loc == "zh-CN":  # East Asian text needs an East Asian font named, or Word may show boxes
        doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    title = "progress.doc.title.monthly" if content.kind == "monthly" else "progress.doc.title"
    doc.add_heading(t_plain(title, loc), level=0)
    doc.add_paragraph(t_plain("progress.doc.client", loc, client=content.client_name))
    doc.add_paragraph(t_plain("progress.doc.period", loc, start=content.period_start.isoformat(),
                              end=content.period_end.isoformat()))
    if content.kind in ("hearing", "closed"):
        doc.add_paragraph(t_plain(f"progress.doc.event.{content.kind}", loc,
                                  day=content.period_end.isoformat()))

    doc.add_heading(t_plain("progress.doc.matters", loc), level=1)
    for m in content.matters:
        area = unescape(label("practice_area", m.practice_area, loc))
        status = t_plain(f"progress.doc.matter_status.{m.status}", loc)
        name = f"{m.number} {m.title}" if m.title else m.number
        doc.add_paragraph(f"{name} — {area}, {status}", style="List Bullet")
    if not content.matters:
        doc.add_paragraph(t_plain("progress.doc.none", loc))

    doc.add_heading(t_plain("progress.doc.work", loc), level=1)
    for note in content.notes:
        channel = t_plain(f"progress.doc.channel.{note.channel}", loc)
        doc.add_paragraph(f"{note.on.isoformat()} ({channel}): {note.text}", style="List Bullet")
    if not content.notes:
        doc.add_paragraph(t_plain("progress.doc.none", loc))

    _events(doc, t_plain("progress.doc.events", loc), content.past_events, loc)
    if content.upcoming_events:
        _events(doc, t_plain("progress.doc.upcoming", loc), content.upcoming_events, loc)

    doc.add_heading(t_plain("progress.doc.next_steps", loc), level=1)
    for due_on, title in content.next_steps:
        doc.add_paragraph(f"{due_on.isoformat()}: {title}", style="List Bullet")
    if not content.next_steps:
        doc.add_paragraph(t_plain("progress.doc.none", loc))

    doc.add_paragraph(t_plain("progress.doc.closing", loc))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _events(doc: "Document", heading: str, events: list[EventLine], loc: str) -> None:
    """A heading and one line per hearing or deadline."""
    doc.add_heading(heading, level=1)
    for e in events:
        when = f"{e.on.isoformat()} {e.at_time}" if e.at_time else e.on.isoformat()
        kind = t_plain(f"progress.doc.kind.{e.kind}", loc)
        doc.add_paragraph(f"{when} {kind}" + (f": {e.label}" if e.label else ""), style="List Bullet")
    if not events:
        doc.add_paragraph(t_plain("progress.doc.none", loc))
