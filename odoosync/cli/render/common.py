"""What every command's output shares: the two consoles, JSON, errors, and dates and amounts as shown."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from odoosync.domain import money
from odoosync.domain.errors import OdoosyncError

# soft_wrap: a message stays one line in logs and pipes, whatever the width.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

# More problems than this are counted, not listed: a terminal stays readable.
SHOWN_PROBLEMS = 50


def print_error(error: OdoosyncError) -> None:
    err.print(f"[bold red]error:[/] {escape(error.reason)}")
    if error.instruction:
        err.print(f"  [cyan]→[/] {escape(error.instruction)}")


INTERNAL_INSTRUCTION = "Run again with --debug for the traceback, and report it."


def internal_error_message(error: BaseException) -> str:
    return f"internal error: {type(error).__name__}: {error}"


def print_internal_error(error: BaseException) -> None:
    err.print(f"[bold red]internal error:[/] {escape(type(error).__name__)}: {escape(str(error))}")
    err.print(f"  [cyan]→[/] {INTERNAL_INSTRUCTION}")


def print_traceback() -> None:
    # Plain traceback without local variables: locals could hold a secret.
    sys.stderr.write(traceback.format_exc())


def when(moment: datetime | None) -> str:
    """A moment in local time, to the minute; "—" for none."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


def shown_money(value: Decimal | None, currency: str | None) -> str:
    """An amount at its currency's decimals; nothing for none."""
    return "" if value is None else money.shown(value, currency or "")


def print_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")


def progress_bar(text: str) -> Progress:
    """A bar on standard error that goes away when done: what it does (`text`, a rich template), done of all, time."""
    return Progress(
        SpinnerColumn(),
        TextColumn(text),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
