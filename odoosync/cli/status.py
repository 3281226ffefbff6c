"""odoosync status: one record's sync chip."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli.context import state
from odoosync.domain.records import RecordType


def status(
    ctx: typer.Context,
    record_type: Annotated[RecordType, typer.Argument(metavar="TYPE", help="contact, rent_payment, expense, deposit")],
    record_id: Annotated[str, typer.Argument(metavar="ID", help="The app's id of the record.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Show whether a record is synced to Odoo, and why not.

    Example: odoosync status rent_payment RP-2026-0001
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.status import print_status
    from odoosync.sync.checks.status import record_status

    with state(ctx).workspace() as workspace:
        result = record_status(workspace.store, workspace.config, record_type, record_id)
    if as_json:
        print_json(result.as_dict())
    else:
        print_status(result)
