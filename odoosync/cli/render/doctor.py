"""`odoosync doctor`: each finding, marked, and what to do about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from odoosync.cli.render.common import out

if TYPE_CHECKING:
    from odoosync.sync.checks.doctor import Checkup


def print_checkup(checkup: Checkup) -> None:
    marks = {"ok": "[green]✓[/]", "warning": "[yellow]![/]", "problem": "[red]✗[/]"}
    for finding in checkup.findings:
        out.print(f"{marks[finding.status]} {finding.area}: {escape(finding.message)}")
        if finding.instruction and finding.status != "ok":
            out.print(f"    [cyan]→[/] {escape(finding.instruction)}")
    problems, warnings = len(checkup.problems), len(checkup.warnings)
    out.print(f"{problems} problem(s), {warnings} warning(s)" if problems or warnings else "[green]All good.[/]")
