"""The command reference as `--help` prints it, for docs/cli-help.md (python -m odoosync.cli.reference)."""

from __future__ import annotations

from typing import Any

from odoosync.cli.app import command_tree

HEADER = """# Command help

Every command's `--help`, as odoosync prints it. Generated: `python -m odoosync.cli.reference > docs/cli-help.md`
(a test checks it is current). The explained reference, with examples and exit statuses, is [cli.md](cli.md).
"""


def _walk(command: Any, path: list[str]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [(" ".join(path), command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += _walk(sub, [*path, name])
    return found


def reference() -> str:
    """The help of every command, each in its own section, in a stable order and width."""
    parts = [HEADER]
    for path, command in _walk(command_tree(), ["odoosync"]):
        context = command.make_context(path, ["--help"], resilient_parsing=True)
        context.max_content_width = 100
        context.terminal_width = 100
        parts.append(f"## {path}\n\n```\n{command.get_help(context).rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
