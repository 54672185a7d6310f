"""Logging for the ``dialoogbot`` command: plain text in a terminal, JSON lines otherwise.

``DIALOOGBOT_LOG_FORMAT`` chooses: ``text``, ``json``, or ``auto`` (text when standard
error is a terminal, JSON in a container or under a service manager). A JSON line is one
object with ``time``, ``level``, ``logger`` and ``message``, plus the ids the code passes
with ``extra=`` (``round_id``, ``channel``, ``platform``, ``event_id``) and the traceback
of an exception. The text format shows the same ids after the message.

What a log line must never hold at INFO or above is what people wrote, or their names:
the code logs ids, and ``log_record`` keeps only the known extras, so a stray ``extra``
with a text in it does not end up in the log either.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

FORMATS = ("auto", "text", "json")
FIELDS = ("round_id", "channel", "platform", "event_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries that talk too much at INFO; httpx would even log Telegram's URL, token and all.
NOISY = ("apscheduler", "alembic", "aiosqlite", "asyncio", "httpx", "httpcore")


def extras(record: logging.LogRecord) -> dict[str, Any]:
    """The known ids a log call passed with ``extra=``, leaving out those it did not set."""
    found = {}
    for name in FIELDS:
        value = getattr(record, name, None)
        if value is not None and value != "":
            found[name] = value
    return found


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **extras(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The usual one-line text, with the ids after the message: ``[round_id=3 platform=…]``."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record)
        found = extras(record)
        if found:
            text += " [" + " ".join(f"{k}={v}" for k, v in found.items()) + "]"
        return text


def choose(format: str, stream: IO[str]) -> str:
    """``text`` or ``json`` for a format setting; ``auto`` looks at the stream."""
    if format != "auto":
        return format
    isatty = getattr(stream, "isatty", None)
    return "text" if isatty is not None and isatty() else "json"


def formatter(format: str, stream: IO[str]) -> logging.Formatter:
    return JsonFormatter() if choose(format, stream) == "json" else TextFormatter()


def setup(level: str, format: str = "auto", stream: IO[str] | None = None) -> None:
    """Configure the root logger for the process, like ``logging.basicConfig``: a root
    logger that already has someone else's handlers (a test runner's) is left alone;
    ours, from an earlier call, is replaced."""
    out = stream if stream is not None else sys.stderr
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "dialoogbot", False)]
    if len(ours) == len(root.handlers):
        for old in ours:
            root.removeHandler(old)
        handler = logging.StreamHandler(out)
        handler.setFormatter(formatter(format, out))
        handler.dialoogbot = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(level.upper())
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(
            logging.NOTSET if level.upper() == "DEBUG" else logging.WARNING
        )
