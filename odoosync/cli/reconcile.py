"""odoosync reconcile: read back what odoosync pushed and list every difference in Odoo."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli.context import state
from odoosync.cli.exit_codes import ExitCode


def reconcile_command(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE", help="Records dated from DATE on.")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="DATE", help="Records dated up to DATE.")] = None,
    owner: Annotated[
        list[str] | None, typer.Option("--owner", metavar="OWNER", help="Only this owner's records (repeatable).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON (amounts as exact strings).")
    ] = False,
) -> None:
    """Compare what odoosync pushed with what Odoo holds now, per owner and month, and list every difference:
    a document deleted, cancelled, posted or reset to draft in Odoo, a total, partner or date changed there, a
    payment undone, a record in Odoo twice, a link to a missing record. Exit status 6 when anything differs (for
    a nightly check). Reads in batches; changes nothing.

    Example: odoosync reconcile --since 2026-01-01 --until 2026-03-31
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.reconcile import print_reconciliation
    from odoosync.sync.checks.reconcile import ReconcileScope, run_reconcile
    from odoosync.sync.ingest.switch import parse_day

    scope = ReconcileScope(
        since=parse_day(since, "--since") if since else None,
        until=parse_day(until, "--until") if until else None,
        owners=tuple(owner or ()),
    )
    with state(ctx).workspace() as workspace:
        result = run_reconcile(workspace.config, workspace.store, scope)
    if as_json:
        print_json(result.as_dict())
    else:
        print_reconciliation(result)
    if not result.ok:
        raise typer.Exit(ExitCode.DRIFT)
