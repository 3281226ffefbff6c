"""odoosync ingest: read the app's NDJSON records into the local store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from odoosync.cli.context import state
from odoosync.cli.exit_codes import ExitCode
from odoosync.sync.stopping import stop_on_signals


def ingest(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE", help="NDJSON files, one record a line; - reads standard input."),
    ],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Store the valid lines and report the invalid ones.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Validate every line, then store the records (nothing at all when a line is invalid).

    Example: odoosync ingest samples/portfolio.ndjson
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.ingest import ingest_progress, ingest_report_as_dict, print_ingest_report
    from odoosync.sync.ingest.records import ingest_files

    with stop_on_signals(), state(ctx).workspace() as workspace, ingest_progress(not as_json) as progress:
        report = ingest_files(
            workspace.store,
            [str(f) for f in files],
            skip_invalid=skip_invalid,
            stdin=sys.stdin.buffer,
            progress=progress,
        )
    if as_json:
        print_json(ingest_report_as_dict(report))
    else:
        print_ingest_report(report)
    if report.rejected:
        raise typer.Exit(ExitCode.INVALID_INPUT)
