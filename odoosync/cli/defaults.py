"""odoosync defaults: the company, journal, product, language and switches odoosync uses."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli.context import state

app = typer.Typer(
    help="Defaults: company, sale journal, Rent product, language, auto-post, owner separation.", no_args_is_help=True
)


@app.command("show")
def show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the defaults as JSON.")] = False,
) -> None:
    """Show the defaults and where each comes from.

    Example: odoosync defaults show
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.config import print_config
    from odoosync.config import describe, load_config

    config = load_config(state(ctx).config_path)
    entries = [e for e in describe(config) if e.key.startswith("defaults.")]
    if as_json:
        print_json({e.key.removeprefix("defaults."): e.value for e in entries})
    else:
        print_config(str(config.path), config.exists, entries)


@app.command("set")
def set_command(
    ctx: typer.Context,
    company: Annotated[str | None, typer.Option(help="Odoo company: id or name.")] = None,
    sale_journal: Annotated[str | None, typer.Option(help="Sale journal of the company: id, code or name.")] = None,
    rent_product: Annotated[str | None, typer.Option(help="Service product for rent lines: id, code or name.")] = None,
    language: Annotated[str | None, typer.Option(help="Labels in: company, en or ar.", metavar="LANG")] = None,
    auto_post_invoices: Annotated[
        bool | None, typer.Option("--auto-post-invoices/--no-auto-post-invoices", help="Post rent invoices.")
    ] = None,
    auto_post_bills: Annotated[
        bool | None, typer.Option("--auto-post-bills/--no-auto-post-bills", help="Post vendor bills.")
    ] = None,
    owner_separation: Annotated[
        str | None, typer.Option(help="off, by_company or by_analytic.", metavar="MODE")
    ] = None,
    deposit_account: Annotated[
        str | None, typer.Option(help="Receivable or payable account holding deposits: code or name.")
    ] = None,
    on_posted_change: Annotated[
        str | None,
        typer.Option(help="A record changed after its document was posted: fail or credit_note.", metavar="MODE"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was saved as JSON.")] = False,
) -> None:
    """Set defaults; Odoo objects are checked in Odoo first, and nothing is saved unless all are right.

    Example: odoosync defaults set --sale-journal INV --auto-post-invoices
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.config import print_saved
    from odoosync.config import load_config
    from odoosync.sync.setup.defaults import DefaultsChange, set_defaults

    if language not in (None, "company", "en", "ar"):
        raise typer.BadParameter("choose company, en or ar", param_hint="--language")
    if on_posted_change not in (None, "fail", "credit_note"):
        raise typer.BadParameter("choose fail or credit_note", param_hint="--on-posted-change")
    if owner_separation not in (None, "off", "by_company", "by_analytic"):
        raise typer.BadParameter("choose off, by_company or by_analytic", param_hint="--owner-separation")
    change = DefaultsChange(
        company,
        sale_journal,
        rent_product,
        language,
        auto_post_invoices,
        auto_post_bills,
        owner_separation,
        deposit_account,
        on_posted_change,
    )
    saved = set_defaults(load_config(state(ctx).config_path), change)
    if as_json:
        print_json({key.removeprefix("defaults."): value for key, value in saved.items()})
    else:
        print_saved(saved)
