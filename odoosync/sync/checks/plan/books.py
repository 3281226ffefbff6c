"""What the journal needs from Odoo, read once for every document of the plan: the taxes and their repartition
lines, the Rent product's account, the journals', method lines' and companies' outstanding accounts, the partners'
receivable and payable accounts, the journal items of what is undone, the names of the accounts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from odoosync.domain import money
from odoosync.domain.records import Contact
from odoosync.odoo.client import OdooClient
from odoosync.sync.build.builders import Document, OdooFacts
from odoosync.sync.build.documents import CANCELLED
from odoosync.sync.checks.plan.items import Item
from odoosync.sync.checks.plan.report import CANCEL, REPLACE, REVERSE, ZERO, Entry

CHUNK = 1000


class Books:
    """The accounts behind the documents: read once, for every document of the plan."""

    def __init__(self, client: OdooClient, facts: OdooFacts) -> None:
        self.client = client
        self.facts = facts
        self.accounts: dict[int, str] = {}
        self.taxes: dict[int, dict[str, Any]] = {}
        self.repartition: dict[int, list[tuple[int | None, Decimal]]] = {}  # tax → (account, factor %) of tax lines
        self.product_accounts: dict[int, int | None] = {}
        self.journal_accounts: dict[int, int | None] = {}
        self.method_accounts: dict[int, int | None] = {}
        self.journal_methods: dict[int, int] = {}  # journal → its first inbound method line
        # (company, "inbound" | "outbound") → where a payment books when its method line has no account
        self.company_outstanding: dict[tuple[int, str], int | None] = {}
        self.partner_accounts: dict[tuple[int, int, str], int | None] = {}
        self.analytics: dict[int, str] = {}
        self.undone_lines: dict[int, list[dict[str, Any]]] = {}  # Odoo move id → its lines

    @classmethod
    def read(cls, client: OdooClient, facts: OdooFacts, items: Sequence[Item], new: Mapping[int, Contact]) -> Books:
        books = cls(client, facts)
        documents = [i.document for i in items if i.planned is not None and i.document is not None]
        tax_ids: set[int] = set()
        account_ids: set[int] = set()
        journals: set[int] = set()
        method_lines: set[int] = set()
        analytics: set[int] = set()
        partners: dict[int, set[int]] = defaultdict(set)  # company → partners
        for document in documents:
            if document.model == "res.partner":
                continue
            partners[document.company_id].add(int(document.values["partner_id"]))
            if document.model == "account.payment":
                journals.add(int(document.values["journal_id"]))
                if document.values.get("payment_method_line_id"):
                    method_lines.add(int(document.values["payment_method_line_id"]))
                if document.values.get("destination_account_id"):
                    account_ids.add(int(document.values["destination_account_id"]))
                continue
            if document.values.get("journal_id"):
                journals.add(int(document.values["journal_id"]))
            for line in document.lines:
                if line.get("tax_ids"):
                    tax_ids.update(int(t) for t in line["tax_ids"][0][2])
                if line.get("account_id"):
                    account_ids.add(int(line["account_id"]))
                for analytic in line.get("analytic_distribution") or {}:
                    analytics.add(int(analytic))
        journals |= {p["journal_id"] for i in items if i.planned and (p := i.planned.payment)}
        books._read_taxes(sorted(tax_ids))
        account_ids |= {a for rows in books.repartition.values() for a, _ in rows if a}
        books._read_product(facts.rent_product)
        account_ids |= {a for a in books.product_accounts.values() if a}
        books._read_journals(sorted(journals), sorted(method_lines))
        books._read_outstanding(sorted({d.company_id for d in documents if d.model != "res.partner"}))
        account_ids |= {
            a
            for known in (books.journal_accounts, books.method_accounts, books.company_outstanding)
            for a in known.values()
            if a
        }
        books._read_partners(partners, new)
        account_ids |= {a for a in books.partner_accounts.values() if a}
        undone = [
            i.link.odoo_id for i in items if i.planned and i.planned.action in (REVERSE, REPLACE, CANCEL) and i.link
        ]
        account_ids |= books._read_undone(items, undone)
        books._read_analytics(sorted(analytics))
        books._read_accounts(sorted(account_ids))
        return books

    def _chunks(self, ids: Sequence[int]) -> Iterable[list[int]]:
        for start in range(0, len(ids), CHUNK):
            yield list(ids[start : start + CHUNK])

    def _context(self) -> dict[str, Any]:
        return {"allowed_company_ids": sorted(self.facts.companies)}

    def _read_taxes(self, ids: list[int]) -> None:
        if not ids:
            return
        include = self.facts.version.tax_price_include
        rows = self.client.read(
            "account.tax",
            ids,
            ["name", "amount", "amount_type", include, "invoice_repartition_line_ids"],
            context=self._context(),
        )
        line_ids = sorted({int(i) for row in rows for i in row.get("invoice_repartition_line_ids") or ()})
        lines = (
            {
                int(r["id"]): r
                for r in self.client.read(
                    "account.tax.repartition.line",
                    line_ids,
                    ["repartition_type", "account_id", "factor_percent"],
                    context=self._context(),
                )
            }
            if line_ids
            else {}
        )
        for row in rows:
            included = row.get(include)
            self.taxes[int(row["id"])] = {
                "name": str(row["name"]),
                "amount": Decimal(str(row["amount"])),
                "included": included is True or included == "tax_included",
            }
            self.repartition[int(row["id"])] = [
                (
                    int(line["account_id"][0]) if line.get("account_id") else None,
                    Decimal(str(line.get("factor_percent") or 100)),
                )
                for i in row.get("invoice_repartition_line_ids") or ()
                if (line := lines.get(int(i))) and line.get("repartition_type") == "tax"
            ]

    def _read_product(self, product: int | None) -> None:
        if not product:
            return
        [row] = self.client.read(
            "product.product", [product], ["property_account_income_id", "categ_id"], context=self._context()
        )
        account = row.get("property_account_income_id")
        if not account and row.get("categ_id"):
            [category] = self.client.read(
                "product.category",
                [int(row["categ_id"][0])],
                ["property_account_income_categ_id"],
                context=self._context(),
            )
            account = category.get("property_account_income_categ_id")
        self.product_accounts[product] = int(account[0]) if account else None

    def _read_journals(self, journals: list[int], method_lines: list[int]) -> None:
        if journals:
            for row in self.client.read("account.journal", journals, ["default_account_id"], context=self._context()):
                account = row.get("default_account_id")
                self.journal_accounts[int(row["id"])] = int(account[0]) if account else None
            for row in self.client.search_read(
                "account.payment.method.line",
                [("journal_id", "in", journals), ("payment_type", "=", "inbound")],
                ["journal_id"],
                order="sequence, id",
                context=self._context(),
            ):
                self.journal_methods.setdefault(int(row["journal_id"][0]), int(row["id"]))
        wanted = sorted(set(method_lines) | set(self.journal_methods.values()))
        if wanted:
            for row in self.client.read(
                "account.payment.method.line", wanted, ["payment_account_id", "journal_id"], context=self._context()
            ):
                account = row.get("payment_account_id")
                self.method_accounts[int(row["id"])] = int(account[0]) if account else None

    def _read_outstanding(self, companies: list[int]) -> None:
        fields = {
            "inbound": "account_journal_payment_debit_account_id",
            "outbound": "account_journal_payment_credit_account_id",
        }
        if not companies:
            return
        if self.facts.version.outstanding_accounts_on_company:
            for row in self.client.read("res.company", companies, list(fields.values()), context=self._context()):
                for direction, field in fields.items():
                    value = row.get(field)
                    self.company_outstanding[(int(row["id"]), direction)] = int(value[0]) if value else None
            return
        names = {
            f"{company}_{field}": (company, direction) for company in companies for direction, field in fields.items()
        }
        for row in self.client.search_read(
            "ir.model.data",
            [("module", "=", "account"), ("name", "in", sorted(names)), ("model", "=", "account.account")],
            ["name", "res_id"],
            context=self._context(),
        ):
            self.company_outstanding[names[str(row["name"])]] = int(row["res_id"]) or None

    def _read_partners(self, partners: Mapping[int, set[int]], new: Mapping[int, Contact]) -> None:
        fields = ["property_account_receivable_id", "property_account_payable_id"]
        for company, ids in partners.items():
            context = {"allowed_company_ids": [company]}
            existing = sorted(p for p in ids if p > 0)
            for chunk in self._chunks(existing):
                for row in self.client.read("res.partner", chunk, fields, context=context):
                    for kind, name in zip(("receivable", "payable"), fields, strict=True):
                        value = row.get(name)
                        self.partner_accounts[(int(row["id"]), company, kind)] = int(value[0]) if value else None
            if any(p < 0 for p in ids):
                # Partners this sync makes get the company's defaults.
                argument: dict[str, Any] = {self.facts.version.partner_default_get_argument: fields}
                defaults = self.client.call("res.partner", "default_get", context=context, **argument)
                for kind, name in zip(("receivable", "payable"), fields, strict=True):
                    value = defaults.get(name)
                    value = value[0] if isinstance(value, list | tuple) else value
                    self.partner_accounts[(0, company, kind)] = int(value) if value else None

    def _read_undone(self, items: Sequence[Item], ids: list[int]) -> set[int]:
        """The journal items of documents a credit note reverses, or a cancel undoes (posted payments)."""
        if not ids:
            return set()
        moves: dict[int, int] = {}  # the journal entry → the linked document it belongs to
        payments = [
            i.link.odoo_id for i in items if i.link and i.link.odoo_model == "account.payment" and i.link.odoo_id in ids
        ]
        if payments:
            for row in self.client.read("account.payment", payments, ["move_id", "state"], context=self._context()):
                if row.get("move_id") and row.get("state") != "draft" and row.get("state") not in CANCELLED:
                    moves[int(row["move_id"][0])] = int(row["id"])
        for i in items:
            if i.link and i.link.odoo_model == "account.move" and i.link.odoo_id in ids:
                moves[i.link.odoo_id] = i.link.odoo_id
        if not moves:
            return set()
        found = self.client.search_read(
            "account.move.line",
            [("move_id", "in", sorted(moves)), ("parent_state", "=", "posted")],
            ["move_id", "account_id", "debit", "credit"],
            context=self._context(),
        )
        for row in found:
            self.undone_lines.setdefault(moves[int(row["move_id"][0])], []).append(row)
        return {int(row["account_id"][0]) for row in found if row.get("account_id")}

    def _read_analytics(self, ids: list[int]) -> None:
        if ids:
            for row in self.client.read("account.analytic.account", ids, ["name"], context=self._context()):
                self.analytics[int(row["id"])] = str(row["name"])

    def _read_accounts(self, ids: list[int]) -> None:
        for chunk in self._chunks(ids):
            for row in self.client.read("account.account", chunk, ["code", "name"], context=self._context()):
                self.accounts[int(row["id"])] = f"{row.get('code') or ''} {row['name']}".strip()

    # -- answers --

    def account_name(self, account: int | None) -> str:
        return self.accounts.get(account or 0, "(no account)") if account else "(no account)"

    def tax_name(self, tax: int) -> str:
        return str(self.taxes.get(tax, {}).get("name") or f"tax {tax}")

    def tax_rate(self, tax: int) -> tuple[Decimal, bool]:
        known = self.taxes[tax]
        return known["amount"], known["included"]

    def analytic_name(self, analytic: int) -> str:
        return self.analytics.get(analytic, f"analytic account {analytic}")

    def tax_accounts(self, tax: int, amount: Decimal, currency: str) -> list[tuple[int | None, Decimal]]:
        shares = self.repartition.get(tax) or [(None, Decimal(100))]
        return [(account, money.round_money(amount * factor / 100, currency)) for account, factor in shares]

    def line_account(self, product: int | None, document: Document) -> int | None:
        """An invoice line's account as Odoo picks it: the product's income account, else the journal's."""
        if product and self.product_accounts.get(product):
            return self.product_accounts[product]
        return self.journal_accounts.get(int(document.values.get("journal_id") or 0))

    def outstanding(self, company: int, journal: int, method_line: int | None, direction: str) -> int | None:
        """The account a payment's money goes through, as Odoo picks it: its method line's own account, else the
        company's outstanding receipts or payments account (the journal's own account only when neither is set)."""
        line = method_line or self.journal_methods.get(journal)
        return (
            (self.method_accounts.get(line) if line else None)
            or self.company_outstanding.get((company, direction))
            or self.journal_accounts.get(journal)
        )

    def partner_account(self, partner: int, company: int, kind: str) -> int | None:
        key = (partner if partner > 0 else 0, company, kind)
        return self.partner_accounts.get(key)

    def entry(self, company: Any, currency: str, account: int | None, balance: Decimal) -> Entry:
        zero = money.round_money(ZERO, currency)
        return Entry(
            company.name,
            currency,
            self.account_name(account),
            money.round_money(balance, currency) if balance > 0 else zero,
            money.round_money(-balance, currency) if balance < 0 else zero,
        )

    def pair(self, company: Any, currency: str, debit: int | None, credit: int | None, amount: Decimal) -> list[Entry]:
        """Money in: `debit` debited and `credit` credited by `amount` (a negative amount swaps them)."""
        return [self.entry(company, currency, debit, amount), self.entry(company, currency, credit, -amount)]

    def undone(self, item: Item) -> list[Entry]:
        """The journal items that undo a posted document: its own, debit and credit swapped."""
        if item.link is None or item.planned is None:
            return []
        company = item.planned.company or ""
        currency = item.planned.currency or ""
        # Odoo answers debit and credit as JSON floats (5405.0): read at the currency's precision, like every amount.
        return [
            Entry(
                company,
                currency,
                self.account_name(int(row["account_id"][0]) if row.get("account_id") else None),
                money.round_money(Decimal(str(row["credit"])), currency),
                money.round_money(Decimal(str(row["debit"])), currency),
            )
            for row in self.undone_lines.get(item.link.odoo_id, [])
        ]
