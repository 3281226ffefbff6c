"""odoosync map: where each of the app's codes lands in Odoo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from odoosync.cli.context import state
from odoosync.domain.mappings import MappingKind

app = typer.Typer(
    help="Mappings: expense category → account, method → journal, VAT rate → taxes.", no_args_is_help=True
)

LISTED_KINDS = {
    "category": [MappingKind.CATEGORY],
    "method": [MappingKind.METHOD],
    "vat": [MappingKind.VAT_SALE, MappingKind.VAT_PURCHASE],
}


@app.command("list")
def list_command(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="category, method or vat.", metavar="KIND")] = None,
    company: Annotated[int | None, typer.Option(help="Company id (owner separation by_company).")] = None,
    unmapped: Annotated[bool, typer.Option("--unmapped", help="Only the codes without a mapping.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the codes as JSON.")] = False,
) -> None:
    """List every code the stored records use, with its mapping or "unmapped" and how many records use it.

    Example: odoosync map list --unmapped
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.mappings import print_codes
    from odoosync.sync.setup.mappings import list_codes

    if kind is not None and kind not in LISTED_KINDS:
        raise typer.BadParameter("choose category, method or vat", param_hint="--kind")
    with state(ctx).workspace() as workspace:
        rows = list_codes(
            workspace.config,
            workspace.store,
            kinds=LISTED_KINDS.get(kind or "", []),
            company_id=company,
            unmapped_only=unmapped,
        )
    if as_json:
        print_json(
            [
                {
                    "kind": row.kind.value,
                    "code": row.shown,
                    "records": row.records,
                    "mapping": {
                        "model": row.mapping.odoo_model,
                        "id": row.mapping.odoo_id,
                        "name": row.mapping.odoo_name,
                    }
                    if row.mapping
                    else None,
                }
                for row in rows
            ]
        )
    else:
        print_codes(rows)


@app.command("set")
def set_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="KIND", help="category, method or vat.")],
    code: Annotated[str, typer.Argument(metavar="CODE", help="The code as the app writes it.")],
    account: Annotated[str | None, typer.Option(help="Expense account: code, name or id.")] = None,
    journal: Annotated[str | None, typer.Option(help="Bank or cash journal: code, name or id.")] = None,
    sale_tax: Annotated[str | None, typer.Option(help="Sale tax: name or id.")] = None,
    purchase_tax: Annotated[str | None, typer.Option(help="Purchase tax: name or id.")] = None,
    company: Annotated[str | None, typer.Option(help="Company (owner separation by_company): name or id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was saved as JSON.")] = False,
) -> None:
    """Map a code to its Odoo account, journal or taxes, checked in Odoo first.

    Example: odoosync map set category "Maintenance" --account 400042
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.mappings import print_mappings
    from odoosync.sync.setup.mappings import set_mapping

    with state(ctx).workspace() as workspace:
        saved = set_mapping(
            workspace.config,
            workspace.store,
            kind,
            code,
            account=account,
            journal=journal,
            sale_tax=sale_tax,
            purchase_tax=purchase_tax,
            company=company,
        )
    if as_json:
        print_json(
            [
                {
                    "kind": m.kind,
                    "code": m.code,
                    "company": m.company_id,
                    "model": m.odoo_model,
                    "id": m.odoo_id,
                    "name": m.odoo_name,
                    "warning": saved.warnings.get(m.kind),
                }
                for m in saved.mappings
            ]
        )
    else:
        print_mappings(saved.mappings, saved.warnings.values())


@app.command("remove")
def remove_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="KIND", help="category, method or vat.")],
    code: Annotated[str, typer.Argument(metavar="CODE")],
    company: Annotated[int | None, typer.Option(help="Company id (owner separation by_company).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was removed as JSON.")] = False,
) -> None:
    """Forget a code's mapping (nothing changes in Odoo).

    Example: odoosync map remove category Plumbing
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.mappings import print_removed
    from odoosync.sync.setup.mappings import remove_mapping

    with state(ctx).workspace() as workspace:
        removed = remove_mapping(workspace.config, workspace.store, kind, code, company_id=company)
    if as_json:
        print_json({"kind": kind, "code": code, "removed": removed})
    else:
        print_removed(kind, code, removed)


@app.command("suggest")
def suggest_command(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="category, method or vat.", metavar="KIND")] = None,
    company: Annotated[str | None, typer.Option(help="Company to suggest for: name or id.")] = None,
    create_missing_accounts: Annotated[
        bool, typer.Option("--create-missing-accounts", help="Propose new expense accounts for unmatched categories.")
    ] = False,
    out: Annotated[Path, typer.Option(help="Where to write the plan to review.", dir_okay=False)] = Path("plan.toml"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the suggestions as JSON.")] = False,
) -> None:
    """Suggest a target for every unmapped code, with its score and why; writes a plan to review. Changes nothing.

    Example: odoosync map suggest --out plan.toml
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.mappings import print_suggestions
    from odoosync.sync.setup.assistant import suggest, write_plan

    if kind is not None and kind not in LISTED_KINDS:
        raise typer.BadParameter("choose category, method or vat", param_hint="--kind")
    with state(ctx).workspace() as workspace:
        suggestions = suggest(
            workspace.config,
            workspace.store,
            kinds=tuple(LISTED_KINDS.get(kind or "", [])),
            company=company,
            create_missing_accounts=create_missing_accounts,
        )
    lines = write_plan(out, suggestions)
    if as_json:
        print_json({"plan": str(out), "lines": lines, "suggestions": [s.as_plan_entry() for s in suggestions]})
    else:
        print_suggestions(suggestions, out, lines)


@app.command("apply")
def apply_command(
    ctx: typer.Context,
    plan: Annotated[Path, typer.Argument(metavar="PLAN", help="A plan written by map suggest (edited or not).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was applied as JSON.")] = False,
) -> None:
    """Apply a reviewed plan: create the proposed accounts, save the mappings; every target re-checked in Odoo.

    Example: odoosync map apply plan.toml --yes
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.mappings import print_accounts, print_left_open, print_mappings
    from odoosync.sync.setup.assistant import apply_plan, read_plan

    read = read_plan(plan)
    if not yes:
        if not sys.stdin.isatty():
            raise typer.BadParameter("confirm with --yes when not running in a terminal", param_hint="--yes")
        typer.confirm(f"Apply {len(read.entries)} mapping(s) from {plan}?", abort=True)
    with state(ctx).workspace() as workspace:
        applied = apply_plan(workspace.config, workspace.store, read.entries)
    if as_json:
        print_json(
            {
                "created_accounts": applied.created_accounts,
                "reused_accounts": applied.reused_accounts,
                "mappings": [
                    {"kind": m.kind, "code": m.code, "company": m.company_id, "name": m.odoo_name, "id": m.odoo_id}
                    for m in applied.mappings
                ],
                "warnings": applied.warnings,
                "left": read.left,
            }
        )
    else:
        print_accounts(applied.created_accounts, applied.reused_accounts)
        print_mappings(applied.mappings, applied.warnings)
        print_left_open(read.left, plan)
