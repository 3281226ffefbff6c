"""What --json prints: one document, or one per line. Plain json, no rich, so that an error can be printed as
JSON even when the command was stopped while it loaded (common.py, with rich, may not be loaded then)."""

from __future__ import annotations

import json
import sys
from typing import Any

from odoosync.cli.exit_codes import ExitCode


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_json_line(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def error_as_dict(status: int, message: str, instruction: str | None) -> dict[str, Any]:
    """An error as the JSON document of a command run with --json: the exit status by name and number, the
    message and what to do, as standard error says them."""
    try:
        code = ExitCode(status).name.lower()
    except ValueError:
        code = str(status)
    return {
        "ok": False,
        "error": {
            "code": code,
            "exit_status": int(status),
            "message": message,
            "instruction": instruction,
        },
    }
