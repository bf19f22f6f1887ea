"""Structured request logs: one JSON line per request, never an email, IP, user agent or comment text."""
from __future__ import annotations

import json
import logging
import sys



class _StdoutHandler(logging.Handler):
    """Writes to whatever sys.stdout is now (Lambda ships stdout to CloudWatch; tests capture it)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stdout.write(record.getMessage() + "\n")


logger = logging.getLogger("replybox.requests")  # "replybox" is Chalice's own app logger
if not logger.handlers:
    logger.addHandler(_StdoutHandler())
    logger.setLevel(logging.INFO)
    logger.propagate = False  # Lambda's root handler would print every line twice

# The only keys a log line may carry; anything else is dropped, so personal data cannot slip in.
ALLOWED_KEYS = ("level", "request_id", "method", "route", "status", "duration_ms", "decision", "site", "error")


def log_event(level: str = "info", **fields: object) -> None:
    record = {k: fields[k] for k in ALLOWED_KEYS if k in fields and fields[k] is not None}
    record["level"] = level
    getattr(logger, level if level in ("info", "warning", "error") else "info")(
        json.dumps(record, separators=(",", ":"), default=str)
    )
