"""What a plan says: the documents the next sync would make or change and the records it would fail, with their
totals for the books: debit and credit per account, taxes, and per owner."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from odoosync.domain import money
from odoosync.domain.records import SYNC_ORDER, RecordType

ZERO = Decimal(0)

# What the plan does with a record's document.
CREATE, UPDATE, CANCEL, REVERSE, REPLACE, PAY, POST, UNCHANGED = (
    "create",
    "update",
    "cancel",
    "reverse",  # a credit note reverses the posted document (the record was withdrawn)
    "replace",  # a credit note reverses it and a new document is made from the new version
    "pay",  # the posted invoice gets its payment registered (an auto-post step left over)
    "post",
    "unchanged",
)


@dataclass(frozen=True)
class PlanScope:
    since: date | None = None  # also what a backfill from then would queue
    types: tuple[RecordType, ...] = ()
    owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanLine:
    label: str
    account: str | None
    tax: str | None
    analytic: str | None
    untaxed: Decimal
    tax_amount: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "account": self.account,
            "tax": self.tax,
            "analytic": self.analytic,
            "untaxed": self.untaxed,
            "tax_amount": self.tax_amount,
        }


@dataclass(frozen=True)
class Entry:
    """One journal item the plan posts: an account debited or credited, in the document's currency."""

    company: str
    currency: str
    account: str
    debit: Decimal
    credit: Decimal


@dataclass
class PlannedDocument:
    record_type: RecordType
    record_id: str
    action: str
    what: str  # partner, invoice, bill, payment
    odoo_name: str | None = None
    partner: str | None = None
    date: str | None = None
    company: str | None = None
    owner: str | None = None
    currency: str | None = None
    ends: str = "draft"  # what it is in Odoo afterwards: draft, posted, paid, cancelled, saved
    lines: list[PlanLine] = field(default_factory=list)
    untaxed: Decimal | None = None
    tax: Decimal | None = None
    total: Decimal | None = None
    reversed_total: Decimal | None = None  # replace: the total of the document the credit note reverses
    changes: tuple[str, ...] = ()  # a partner's fields an update writes
    payment: dict[str, Any] | None = None  # the payment auto-post registers for an invoice
    entries: list[Entry] = field(default_factory=list)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.record_type.value,
            "id": self.record_id,
            "action": self.action,
            "document": self.what,
            "odoo_name": self.odoo_name,
            "partner": self.partner,
            "date": self.date,
            "company": self.company,
            "owner": self.owner,
            "currency": self.currency,
            "ends": self.ends,
            "lines": [line.as_dict() for line in self.lines],
            "untaxed": self.untaxed,
            "tax": self.tax,
            "total": self.total,
            "reversed_total": self.reversed_total,
            "changes": list(self.changes),
            "payment": self.payment,
            "entries": [
                {"account": e.account, "debit": e.debit, "credit": e.credit, "company": e.company} for e in self.entries
            ],
            "note": self.note,
        }


@dataclass(frozen=True)
class PlanProblem:
    """A record the next sync would fail (or keep waiting), with why and what to do."""

    record_type: RecordType
    record_id: str
    kind: str  # setup, waiting, posted, cancelled, total
    message: str
    instruction: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.record_type.value,
            "id": self.record_id,
            "kind": self.kind,
            "message": self.message,
            "instruction": self.instruction,
        }


@dataclass
class Plan:
    scope: PlanScope
    documents: list[PlannedDocument] = field(default_factory=list)
    problems: list[PlanProblem] = field(default_factory=list)
    records: int = 0  # records looked at
    odoo_calls: int = 0

    @property
    def changing(self) -> list[PlannedDocument]:
        return [d for d in self.documents if d.action != UNCHANGED]

    def impact(self) -> list[dict[str, Any]]:
        """Debit and credit per account (per company and currency), over every document."""
        sums: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for document in self.documents:
            for entry in document.entries:
                pair = sums[(entry.company, entry.currency, entry.account)]
                pair[0] += entry.debit
                pair[1] += entry.credit
        return [
            {
                "company": company,
                "currency": currency,
                "account": account,
                "debit": money.round_money(debit, currency),
                "credit": money.round_money(credit, currency),
            }
            for (company, currency, account), (debit, credit) in sorted(sums.items())
        ]

    def taxes(self) -> list[dict[str, Any]]:
        sums: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for document in self.documents:
            sign = Decimal(-1) if document.action == REVERSE else Decimal(1)
            for line in document.lines:
                if line.tax:
                    pair = sums[(document.company or "", document.currency or "", line.tax)]
                    pair[0] += sign * line.untaxed
                    pair[1] += sign * line.tax_amount
        return [
            {
                "company": company,
                "currency": currency,
                "tax": tax,
                "base": money.round_money(base, currency),
                "amount": money.round_money(amount, currency),
            }
            for (company, currency, tax), (base, amount) in sorted(sums.items())
        ]

    def owners(self) -> list[dict[str, Any]]:
        """Per owner (and company, currency): what is invoiced, billed and received or paid back as deposits."""
        sums: dict[tuple[str, str, str], dict[str, Decimal]] = defaultdict(
            lambda: {"invoiced": ZERO, "billed": ZERO, "deposits_in": ZERO, "deposits_out": ZERO}
        )
        for document in self.documents:
            if document.record_type is RecordType.CONTACT or document.total is None:
                continue
            if document.action in (UNCHANGED, PAY, CANCEL):
                continue
            sign = Decimal(-1) if document.action == REVERSE else Decimal(1)
            key = (document.owner or "", document.company or "", document.currency or "")
            net = sign * document.total - (document.reversed_total or ZERO)
            if document.record_type is RecordType.RENT_PAYMENT:
                sums[key]["invoiced"] += net
            elif document.record_type is RecordType.EXPENSE:
                sums[key]["billed"] += net
            elif document.total >= 0:
                sums[key]["deposits_in"] += document.total
            else:
                sums[key]["deposits_out"] += -document.total
        return [
            {
                "owner": owner or None,
                "company": company,
                "currency": currency,
                **{kind: money.round_money(amount, currency) for kind, amount in amounts.items()},
            }
            for (owner, company, currency), amounts in sorted(sums.items())
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {t.value: defaultdict(int) for t in SYNC_ORDER}
        for document in self.documents:
            table[document.record_type.value][document.action] += 1
        for problem in self.problems:
            table[problem.record_type.value][f"fails ({problem.kind})" if problem.kind != "waiting" else "waits"] += 1
        return {name: dict(actions) for name, actions in table.items()}

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.scope.since.isoformat() if self.scope.since else None,
            "types": [t.value for t in self.scope.types],
            "owners": list(self.scope.owners),
            "records": self.records,
            "counts": self.counts(),
            "documents": [d.as_dict() for d in self.changing],
            "problems": [p.as_dict() for p in self.problems],
            "journal_impact": self.impact(),
            "taxes": self.taxes(),
            "owner_totals": self.owners(),
            "odoo_calls": self.odoo_calls,
        }
