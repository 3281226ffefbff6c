"""odoosync setup: one-time set-up in Odoo (the Arabic language, the Rent product)."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli.context import state

app = typer.Typer(help="One-time set-up in Odoo: the Arabic language, the Rent product.", no_args_is_help=True)


@app.command("language")
def language(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="LANG", help="ar: Arabic (ar_001).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Activate a language in Odoo through Odoo's own language installation.

    Example: odoosync setup language ar
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.common import out
    from odoosync.config import load_config
    from odoosync.sync.setup.arabic_and_rent import activate_arabic

    if code != "ar":
        raise typer.BadParameter("odoosync writes English and Arabic; only ar needs installing", param_hint="LANG")
    report = activate_arabic(load_config(state(ctx).config_path))
    if as_json:
        print_json({"language": report.code, "already_active": report.already_active})
    elif report.already_active:
        out.print(f"Arabic ({report.code}) was already active in Odoo.")
    else:
        out.print(f"[green]✓[/] Arabic ({report.code}) is now active in Odoo.")


@app.command("rent-product")
def rent_product(
    ctx: typer.Context,
    create: Annotated[bool, typer.Option("--create", help="Create the product when none exists.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Find the service product named Rent (or إيجار), or create it, and make it the default for rent lines.

    Example: odoosync setup rent-product --create
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.common import out
    from odoosync.sync.setup.arabic_and_rent import setup_rent_product

    with state(ctx).workspace() as workspace:
        report = setup_rent_product(workspace.config, workspace.store, create=create)
    product = report.product
    if as_json:
        print_json({"id": product.id, "name": product.name, "code": product.code, "created": report.created})
    else:
        verb = "Created" if report.created else "Found"
        out.print(f"[green]✓[/] {verb} {product.name} (id {product.id}); it is now the default Rent product.")
