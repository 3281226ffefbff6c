"""Log lines: for a person on a terminal, or JSON lines for journald and log collectors (--log-format json)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else was passed as `extra` and goes into the JSON line.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({key: value for key, value in vars(record).items() if key not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__  # the type only: a traceback's locals may hold a secret
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(log_format: str, *, debug: bool) -> None:
    """Human lines go to standard error from warnings up (from debug with --debug); JSON lines from info up, so
    that a timer's journal holds one line per batch and run."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLines())
        level = logging.DEBUG if debug else logging.INFO
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        level = logging.DEBUG if debug else logging.WARNING
    root = logging.getLogger("odoosync")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
