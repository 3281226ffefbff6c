"""`odoosync plan`: the documents a sync would make, their journal impact, taxes and owners, and what would fail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from odoosync.cli.render.common import SHOWN_PROBLEMS, err, out, shown_money

if TYPE_CHECKING:
    from odoosync.sync.checks.plan.report import Plan, PlannedDocument

PLAN_ACTION_STYLE = {
    "create": "green",
    "update": "yellow",
    "post": "green",
    "pay": "green",
    "cancel": "red",
    "reverse": "red",
    "replace": "yellow",
}


def _print_planned(document: PlannedDocument) -> None:
    currency = document.currency
    style = PLAN_ACTION_STYLE.get(document.action, "bold")
    head = " · ".join(
        part
        for part in (
            document.odoo_name,
            document.partner,
            document.date,
            document.company,
            f"owner {document.owner}" if document.owner else None,
            f"ends {document.ends}",
        )
        if part
    )
    label = f"{document.record_type.value.replace('_', ' ')} {document.record_id}"
    out.print(f"[{style}]{document.action:<9}[/] {document.what:<8} {escape(label)}  {escape(head)}")
    for line in document.lines:
        tax = f"{line.tax}: {shown_money(line.tax_amount, currency)}" if line.tax else "no tax"
        extra = f" · {line.analytic}" if line.analytic else ""
        out.print(
            f"            {escape(line.label)}\n"
            f"              {escape(line.account or '')} · {shown_money(line.untaxed, currency)} + "
            f"{escape(tax)}{escape(extra)}"
        )
    if document.total is not None and document.record_type.value != "contact":
        out.print(f"            total {document.currency} {shown_money(document.total, currency)}")
    if document.changes:
        out.print(f"            changes: {escape(', '.join(document.changes))}")
    if document.payment:
        payment = document.payment
        out.print(
            f"            payment {shown_money(payment['amount'], currency)} into {escape(str(payment['journal']))} "
            f"on {payment['date']}"
        )
    if document.note:
        out.print(f"            [dim]{escape(document.note)}[/]")


def print_plan(plan: Plan, *, documents: bool = True) -> None:
    changing = plan.changing
    where = f"queued jobs and a backfill since {plan.scope.since}" if plan.scope.since else "queued jobs"
    out.print(f"Plan for the {where}: {plan.records} record(s), {plan.odoo_calls} Odoo call(s) to read; nothing sent.")
    if not changing and not plan.problems:
        out.print("Nothing to do in Odoo." + ("" if plan.scope.since else " To see a backfill, add --since DATE."))
        return
    if documents:
        for document in changing:
            _print_planned(document)
    counts = Table(title="What the sync would do", title_justify="left")
    counts.add_column("type")
    counts.add_column("documents")
    for name, actions in plan.counts().items():
        if actions:
            counts.add_row(name, ", ".join(f"{n} {action}" for action, n in actions.items()))
    out.print(counts)
    impact = plan.impact()
    if impact:
        # In each document's currency: Odoo converts a foreign-currency document at its date's rate when posting.
        currencies = {row["currency"] for row in impact}
        one = next(iter(currencies)) if len(currencies) == 1 else None
        title = "Journal impact" + (f", in {one}" if one else "") + " (as posted; drafts post it once posted)"
        table = Table(title=title, title_justify="left")
        columns = (
            ["company", "account", "debit", "credit"] if one else ["company", "currency", "account", "debit", "credit"]
        )
        for column in columns:
            table.add_column(column, justify="right" if column in ("debit", "credit") else "left")
        for row in impact:
            cells = [
                escape(row["company"]),
                escape(row["account"]),
                shown_money(row["debit"], row["currency"]) if row["debit"] else "",
                shown_money(row["credit"], row["currency"]) if row["credit"] else "",
            ]
            if one is None:
                cells.insert(1, row["currency"])
            table.add_row(*cells)
        out.print(table)
    taxes = plan.taxes()
    if taxes:
        table = Table(title="Taxes", title_justify="left")
        for column, justify in (("company", "left"), ("tax", "left"), ("base", "right"), ("tax amount", "right")):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for row in taxes:
            table.add_row(
                escape(row["company"]),
                escape(row["tax"]),
                shown_money(row["base"], row["currency"]),
                shown_money(row["amount"], row["currency"]),
            )
        out.print(table)
    owners = plan.owners()
    if owners:
        companies = {row["company"] for row in owners}
        table = Table(
            title="Per owner" + (f" ({next(iter(companies))})" if len(companies) == 1 else ""), title_justify="left"
        )
        columns = ["owner", "currency", "invoiced", "billed", "deposits in", "deposits out"]
        if len(companies) > 1:
            columns.insert(1, "company")
        for column in columns:
            table.add_column(column, justify="left" if column in ("owner", "company", "currency") else "right")
        for row in owners:
            cells = [
                escape(row["owner"] or "(none)"),
                row["currency"],
                *(
                    shown_money(row[k], row["currency"]) if row[k] else ""
                    for k in ("invoiced", "billed", "deposits_in", "deposits_out")
                ),
            ]
            if len(companies) > 1:
                cells.insert(1, escape(row["company"]))
            table.add_row(*cells)
        out.print(table)
    _print_plan_problems(plan)


def _print_plan_problems(plan: Plan) -> None:
    # Problems with one cause (a missing mapping stops every record that uses it) are shown once, with their ids.
    groups: dict[tuple[str, str, str | None], list[str]] = {}
    for problem in plan.problems:
        label = f"{problem.record_type.value.replace('_', ' ')} {problem.record_id}"
        cause = problem.message.replace(f", needed by {label}", "").replace(f" of {label}", "")
        groups.setdefault((problem.kind, cause, problem.instruction), []).append(problem.record_id)
    types = {p.record_id: p.record_type.value.replace("_", " ") for p in plan.problems}
    for (kind, cause, instruction), ids in list(groups.items())[:SHOWN_PROBLEMS]:
        verb = "waits" if kind == "waiting" else "would fail"
        more = f" and {len(ids) - 8} more" if len(ids) > 8 else ""
        err.print(f"[red]{verb}[/] {types[ids[0]]} {escape(', '.join(ids[:8]))}{more}")
        err.print(f"  {escape(cause)}")
        if instruction:
            err.print(f"  [cyan]→[/] {escape(instruction)}")
    if len(groups) > SHOWN_PROBLEMS:
        err.print("  … and more: odoosync plan --json")
