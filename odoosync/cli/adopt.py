"""odoosync adopt: decide the records a backfill with --adopt matched to more than one hand-made Odoo record."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli.context import state
from odoosync.domain.records import RecordType

app = typer.Typer(
    help="Records matched to several hand-made Odoo records by backfill --adopt: a person chooses.",
    no_args_is_help=True,
)

TypeArgument = Annotated[RecordType, typer.Argument(metavar="TYPE", help="contact, rent_payment, expense, deposit")]
IdArgument = Annotated[str, typer.Argument(metavar="ID", help="The record's id in the app.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@app.command("list")
def list_command(
    ctx: typer.Context,
    every: Annotated[bool, typer.Option("--all", help="Also the ones decided already.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List the records waiting for a choice, with their candidates in Odoo.

    Example: odoosync adopt list
    """
    from odoosync.cli.render.adopt import print_adoptions
    from odoosync.cli.render.as_json import print_json
    from odoosync.sync.checks.adopt import list_adoptions

    with state(ctx).workspace() as workspace:
        adoptions = list_adoptions(workspace.config, workspace.store, every=every)
    if as_json:
        print_json([a.as_dict() for a in adoptions])
    else:
        print_adoptions(adoptions)


@app.command("accept")
def accept_command(
    ctx: typer.Context,
    record_type: TypeArgument,
    record_id: IdArgument,
    odoo_id: Annotated[
        int | None, typer.Option("--odoo-id", help="The candidate to link (needed when there are several).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Link the record to one of its candidates: odoosync will not make its own.

    Example: odoosync adopt accept contact C-1001 --odoo-id 42
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.common import out
    from odoosync.sync.checks.adopt import accept

    with state(ctx).workspace() as workspace:
        adoption = accept(workspace.config, workspace.store, record_type, record_id, odoo_id)
    if as_json:
        print_json(adoption.as_dict())
    else:
        out.print(f"Linked {record_type.value} {record_id} to {adoption.odoo_model} {adoption.odoo_id}.")


@app.command("reject")
def reject_command(
    ctx: typer.Context, record_type: TypeArgument, record_id: IdArgument, as_json: JsonOption = False
) -> None:
    """None of the candidates is the record: queue it, so that the next sync makes its own.

    Example: odoosync adopt reject rent_payment RP-2026-0007
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.common import out
    from odoosync.sync.checks.adopt import reject

    with state(ctx).workspace() as workspace:
        adoption = reject(workspace.config, workspace.store, record_type, record_id)
    if as_json:
        print_json(adoption.as_dict())
    else:
        out.print(f"Queued {record_type.value} {record_id}: the next sync makes it in Odoo.")
