"""odoosync owners: owners and their Odoo company or analytic account (owner separation)."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli.context import state

app = typer.Typer(help="Owners and their Odoo company or analytic account.", no_args_is_help=True)


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the owners as JSON.")] = False,
) -> None:
    """List the owners of the stored records with their company and analytic mappings.

    Example: odoosync owners list
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.owners import print_owners
    from odoosync.sync.setup.owners import list_owners

    with state(ctx).workspace() as workspace:
        owners = list_owners(workspace.config, workspace.store)
        separation = workspace.config.defaults.owner_separation
    if as_json:
        print_json(
            [
                {
                    "id": o.id,
                    "name": o.name,
                    "company": {"id": o.company.odoo_id, "name": o.company.odoo_name} if o.company else None,
                    "analytic": {"id": o.analytic.odoo_id, "name": o.analytic.odoo_name} if o.analytic else None,
                }
                for o in owners
            ]
        )
    else:
        print_owners(owners, separation)


@app.command("map")
def map_command(
    ctx: typer.Context,
    owner_id: Annotated[str, typer.Argument(metavar="OWNER_ID", help="The owner's contact id in the app.")],
    company: Annotated[str | None, typer.Option(help="Odoo company (by_company): id or name.")] = None,
    analytic: Annotated[str | None, typer.Option(help="Analytic account (by_analytic): id, code or name.")] = None,
    create: Annotated[
        bool,
        typer.Option(
            "--create",
            help="Create the analytic account (and the Owners plan) when missing; only with owner separation "
            "by_analytic.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the mapping as JSON.")] = False,
) -> None:
    """Map an owner to an Odoo company or analytic account, checked in Odoo.

    Example: odoosync owners map C-9001 --analytic "Al Noor Real Estate Co." --create
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.common import out
    from odoosync.sync.setup.owners import map_owner

    with state(ctx).workspace() as workspace:
        mapping = map_owner(
            workspace.config, workspace.store, owner_id, company=company, analytic=analytic, create=create
        )
    if as_json:
        print_json(
            {
                "owner": mapping.code,
                "kind": mapping.kind,
                "model": mapping.odoo_model,
                "id": mapping.odoo_id,
                "name": mapping.odoo_name,
            }
        )
    else:
        out.print(f"[green]✓[/] {owner_id} → {mapping.odoo_model} {mapping.odoo_name} (id {mapping.odoo_id})")
