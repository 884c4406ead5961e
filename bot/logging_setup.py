"""Structured logs that never carry tokens, payload bodies or client data."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

TOKEN = re.compile(r"(xox[abeoprs]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|xoxe[.-][A-Za-z0-9.-]+)")
STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
QUIET = ("slack_sdk", "slack_bolt", "sqlalchemy.engine", "urllib3", "apscheduler")


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
        """Render the record, then redact."""
        return redact(super().format(record))


def setup_logging(*, level: str = "INFO", json_lines: bool = True, stream=None) -> None:
    """Configure the root logger; Slack and SQL loggers never go below INFO (DEBUG logs bodies)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level))
                                         if name != "sqlalchemy.engine" else logging.WARNING)
