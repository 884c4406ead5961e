"""Structured logs that never carry tokens, payload bodies or client data."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime

TOKEN = re.compile(r"(xox[abeoprs]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|xoxe[.-][A-Za-z0-9.-]+)")
STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
QUIET = ("slack_sdk", "slack_bolt", "sqlalchemy.engine", "urllib3", "apscheduler")


def safe_stack(error: BaseException) -> str:
    """The traceback (frames and exception types) without exception messages.

    Messages often quote the input that failed (`invalid literal for int(): '张三'`), and
    input is privileged client data, so only where it failed is logged, never with what.
    """
    chain: list[BaseException] = []
    exc: BaseException | None = error
    while exc is not None and all(exc is not seen for seen in chain):
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    parts = []
    for item in reversed(chain):
        frames = "".join(traceback.format_tb(item.__traceback__))
        kind = type(item)
        parts.append(f"Traceback (most recent call last):\n{frames}"
                     f"{kind.__module__}.{kind.__qualname__} (message withheld)\n")
    return "\n".join(parts)


def redact(text: str) -> str:
    """Mask anything that looks like a Slack token."""
    return TOKEN.sub("[redacted-token]", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg and whitelisted extras."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record."""
        out = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(), "level": record.levelname,
               "logger": record.name, "msg": redact(record.getMessage())}
        for key, value in record.__dict__.items():
            if key not in STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, (int, float, bool, type(None))) else redact(str(value))
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


class RedactingFormatter(logging.Formatter):
    """The plain-text formatter, with tokens masked in the whole line (tracebacks included)."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record (with an error id and safe stack when given), then redact."""
        text = super().format(record)
        if getattr(record, "error_id", None):
            text += f" [error_id={record.error_id}]"
        if getattr(record, "stack", None):
            text += "\n" + str(record.stack)
        return redact(text)


class ThirdPartyFloor(logging.Filter):
    """Drop DEBUG records of Slack and SQL libraries, whatever their loggers' levels.

    Bolt copies levels onto loggers it creates per listener, so levels alone can't be trusted.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record unless it is a library's DEBUG record."""
        return record.levelno >= logging.INFO or not record.name.startswith(QUIET)


def setup_logging(*, level: str = "INFO", json_lines: bool = True, stream=None) -> None:
    """Configure the root logger; Slack and SQL loggers never go below INFO (DEBUG logs bodies)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ThirdPartyFloor())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level))
                                         if name != "sqlalchemy.engine" else logging.WARNING)
