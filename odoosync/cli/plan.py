"""odoosync plan (and sync --dry-run): what the next sync would do in Odoo and to the books, without doing it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from odoosync.cli.context import state
from odoosync.domain.records import RecordType

if TYPE_CHECKING:
    from odoosync.sync.checks.plan.report import PlanScope

TYPES_HELP = "Only this record type: contact, rent_payment, expense, deposit (repeatable)."


def show_plan(ctx: typer.Context, scope: PlanScope, *, as_json: bool, summary: bool) -> None:
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.plan import print_plan
    from odoosync.sync.checks.plan.documents import run_plan

    with state(ctx).workspace() as workspace:
        plan = run_plan(workspace.config, workspace.store, scope)
    if as_json:
        print_json(plan.as_dict())
    else:
        print_plan(plan, documents=not summary)


def plan_command(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Also what a backfill from DATE would queue."),
    ] = None,
    record_type: Annotated[list[RecordType] | None, typer.Option("--type", metavar="TYPE", help=TYPES_HELP)] = None,
    owner: Annotated[
        list[str] | None, typer.Option("--owner", metavar="OWNER", help="Only this owner's records (repeatable).")
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="Only the totals: counts, journal impact, taxes, owners, problems.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON (amounts as exact strings).")] = False,
) -> None:
    """Show what the next sync would do, without writing anything to Odoo or to the queue: each document to be
    created, updated, cancelled or reversed (partner, date, lines with account, tax and analytic account), the
    journal impact (debit and credit per account, tax per tax, totals per owner), and the records that would fail
    or wait, with why. Reads Odoo; same builders as sync.

    Example: odoosync plan --since 2026-01-01 --owner O-1
    """
    from odoosync.sync.checks.plan.report import PlanScope
    from odoosync.sync.ingest.switch import parse_day

    scope = PlanScope(
        since=parse_day(since, "--since") if since else None,
        types=tuple(record_type or ()),
        owners=tuple(owner or ()),
    )
    show_plan(ctx, scope, as_json=as_json, summary=summary)
