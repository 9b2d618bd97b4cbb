"""The receiver's log: one line per event worth an operator's eye, as text (default) or as one JSON object a line
for log platforms. A line's facts go in `extra={"fields": {...}}`; text lines append them as key=value."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

FORMATS = ("text", "json")


class TextLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
        message = record.getMessage()
        fields = " ".join(f"{name}={_text(value)}" for name, value in getattr(record, "fields", {}).items()
                          if value is not None and str(value) not in message)  # what the message says already
        line = f"{moment} {record.levelname:<7} {record.name}: {message}"
        if fields:
            line += f"  {fields}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                 **{name: value for name, value in getattr(record, "fields", {}).items() if value is not None}}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _text(value) -> str:
    text = str(value)
    plain = text and all(c.isprintable() and c not in ' "=' for c in text)
    return text if plain else json.dumps(text, ensure_ascii=False)  # quoted: a value never breaks its line


def configure(log_format: str = "text", level: str = "INFO") -> None:
    """Write the process's log lines to stderr in `log_format`, from `level` up; quiet the libraries' own INFO."""
    if log_format not in FORMATS:
        raise ValueError(f"--log-format must be one of {', '.join(FORMATS)}, not {log_format!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if log_format == "json" else TextLines())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "uvicorn.access", "prefect"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
