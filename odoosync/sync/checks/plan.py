"""odoosync plan: what the next sync (or a backfill) would do in Odoo, and what it would do to the books, without
writing anything, to Odoo or to the queue.

Each record is built by the builders `sync` uses (`builders.build_document`), and its action is decided from the
state Odoo reports for its linked document, by the rules the engine follows (sync/push/): create, update a draft,
cancel, reverse with a credit note, fail. The journal impact is what the documents post, line by line as Odoo makes
them (account_move.py `_sync_dynamic_lines`): each invoice line on its account (the product's income account, else
the journal's default one), each tax on the account of its tax repartition line, the total on the partner's
receivable or payable account; a payment on its method line's account, else the company's outstanding receipts or
payments account (account_payment.py), against the partner's receivable (or the deposit account). Drafts count as
what they post once posted: the plan says which stay drafts.

Reads only what it needs: the linked documents' states, the taxes and their repartition lines, the Rent product's
account, the journals', method lines' and companies' outstanding accounts, the partners' receivable and payable
accounts, the names of the accounts: a dozen calls, whatever the number of records (in chunks of 1,000 ids).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from odoosync.config import Config
from odoosync.domain import money
from odoosync.domain.errors import OdoosyncError
from odoosync.domain.jobs import JobState
from odoosync.domain.links import Link
from odoosync.domain.records import (
    SYNC_ORDER,
    Contact,
    Deposit,
    Expense,
    Record,
    RecordType,
    RentPayment,
    is_eligible,
    parse_record,
)
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.build import builders
from odoosync.sync.build.builders import Document, MissingSetup, OdooFacts, WaitingFor
from odoosync.sync.build.documents import CANCELLED, MODEL_OF, PAID_STATES, WHAT
from odoosync.sync.build.facts import load_facts, with_places
from odoosync.sync.ingest.switch import eligible_since
from odoosync.sync.setup.connection import connected

CHUNK = 1000
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


def run_plan(
    config: Config,
    store: Store,
    scope: PlanScope | None = None,
    *,
    env: Mapping[str, str] | None = None,
    client: OdooClient | None = None,
) -> Plan:
    """The plan for the queued jobs (and, with `scope.since`, what a backfill from then would queue)."""
    scope = scope or PlanScope()
    with connected(config, env, client) as (odoo, odoo_database):
        before = odoo.calls
        plan = _Planner(odoo, store, config, odoo_database, scope).plan()
        plan.odoo_calls = odoo.calls - before
        return plan


# --- the planner -------------------------------------------------------------------------------------------


@dataclass
class _Item:
    record: Record
    version: int
    link: Link | None
    row: dict[str, Any] | None = None  # the linked document as Odoo has it now
    document: Document | None = None
    planned: PlannedDocument | None = None


class _Planner:
    def __init__(self, client: OdooClient, store: Store, config: Config, odoo_database: str, scope: PlanScope):
        self.client = client
        self.store = store
        self.config = config
        self.odoo_database = odoo_database
        self.scope = scope
        self.problems: list[PlanProblem] = []
        self.partners: dict[str, int] = {}  # contact id → partner id (negative: made by this sync)
        self.partner_names: dict[int, str] = {}
        self.new_partners: dict[int, Contact] = {}

    # -- which records --

    def _candidates(self) -> dict[int, int]:
        """record pk → version: the queued jobs', and with --since what a backfill would queue."""
        wanted: dict[int, int] = {}
        for job in self.store.jobs.list(states=[JobState.PENDING], types=self.scope.types):
            wanted[job.record_pk] = max(wanted.get(job.record_pk, 0), job.record_version)
        if self.scope.since is not None:
            for _, chunk in eligible_since(self.store, self.scope.since, self.scope.types):
                for pk, version in self.store.jobs.new_versions(chunk, odoo_database=self.odoo_database):
                    wanted[pk] = max(wanted.get(pk, 0), version)
        return wanted

    def _items(self) -> dict[RecordType, list[_Item]]:
        pks = sorted(self._candidates())
        items: dict[RecordType, list[_Item]] = defaultdict(list)
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            records = self.store.records.get_many(chunk)
            links = self.store.links.of_records(self.odoo_database, chunk)
            for pk in chunk:
                stored = records[pk]
                record = parse_record(stored.document)
                items[record.record_type].append(_Item(record, stored.version, links.get(pk)))
        if self.scope.owners:
            owners = set(self.scope.owners)
            kept: dict[RecordType, list[_Item]] = defaultdict(list)
            for record_type, group in items.items():
                if record_type is not RecordType.CONTACT:
                    kept[record_type] = [i for i in group if getattr(i.record, "owner_id", None) in owners]
            needed = {builders.contact_id_of(i.record) for g in kept.values() for i in g} | owners
            kept[RecordType.CONTACT] = [i for i in items.get(RecordType.CONTACT, []) if i.record.id in needed]
            items = kept
        return items

    # -- the plan --

    def plan(self) -> Plan:
        items = self._items()
        plan = Plan(self.scope, records=sum(len(g) for g in items.values()))
        self.facts = load_facts(self.client, self.config, self.store, self.odoo_database)
        contacts = [i.record for i in items.get(RecordType.CONTACT, [])]
        self.facts = with_places(
            self.client,
            self.facts,
            [
                (c.address.country, c.address.state)
                for c in contacts
                if isinstance(c, Contact) and c.address and c.address.country
            ],
        )
        for record_type in SYNC_ORDER:
            group = items.get(record_type, [])
            if group:
                self._current(record_type, group)
        self._resolve_partners([i for t in SYNC_ORDER[1:] for i in items.get(t, [])], items.get(RecordType.CONTACT, []))
        for record_type in SYNC_ORDER:
            for item in items.get(record_type, []):
                try:
                    planned = self._decide(item)
                except (MissingSetup, WaitingFor) as error:
                    self._problem(item, "waiting" if isinstance(error, WaitingFor) else "setup", error)
                    continue
                if planned is not None:
                    item.planned = planned
                    plan.documents.append(planned)
        books = _Books.read(self.client, self.facts, [i for g in items.values() for i in g], self.new_partners)
        for record_type in SYNC_ORDER:
            for item in items.get(record_type, []):
                if item.planned is not None and item.document is not None:
                    self._figure(item, books)
                elif item.planned is not None and item.planned.action in (REVERSE, CANCEL):
                    item.planned.entries = books.undone(item)
        plan.problems = self.problems
        return plan

    def _problem(self, item: _Item, kind: str, error: OdoosyncError | str, instruction: str | None = None) -> None:
        message = error.reason if isinstance(error, OdoosyncError) else error
        if isinstance(error, OdoosyncError):
            instruction = error.instruction
        self.problems.append(PlanProblem(item.record.record_type, item.record.id, kind, message, instruction))

    def _current(self, record_type: RecordType, group: list[_Item]) -> None:
        """The linked documents as Odoo has them now (a missing one was deleted there)."""
        linked = [i for i in group if i.link is not None]
        if not linked:
            return
        model = MODEL_OF[record_type]
        if model == "res.partner":
            fields = sorted(
                {
                    key
                    for i in linked
                    if isinstance(i.record, Contact)
                    for key in builders.partner_document(i.record, self.facts).values
                }
            )
        elif model == "account.move":
            fields = ["state", "name", "payment_state", "amount_total"]
        else:
            fields = ["state", "name", "amount"]
        ids = [i.link.odoo_id for i in linked if i.link]
        rows: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), CHUNK):
            for row in self.client.search_read(
                model,
                [("id", "in", ids[start : start + CHUNK])],
                fields,
                context={**self._all_companies(), "active_test": False},
            ):
                rows[int(row["id"])] = row
        for item in linked:
            assert item.link is not None
            item.row = rows.get(item.link.odoo_id)

    def _all_companies(self) -> dict[str, Any]:
        return {"allowed_company_ids": sorted(self.facts.companies)}

    def _resolve_partners(self, transactions: Sequence[_Item], contacts: Sequence[_Item]) -> None:
        wanted = sorted({builders.contact_id_of(i.record) for i in transactions})
        if not wanted:
            return
        found = self.store.links.of_app_ids(self.odoo_database, RecordType.CONTACT, wanted)
        self.partners.update({app_id: link.odoo_id for app_id, link in found.items()})
        made = {i.record.id: i for i in contacts if i.link is None or i.row is None}
        for contact_id in wanted:
            item = made.get(contact_id)
            if item is not None and isinstance(item.record, Contact):
                placeholder = -(len(self.new_partners) + 1)
                self.partners[contact_id] = placeholder
                self.new_partners[placeholder] = item.record
                self.partner_names[placeholder] = item.record.name
        known = [p for p in self.partners.values() if p > 0]
        for start in range(0, len(known), CHUNK):
            for row in self.client.read("res.partner", known[start : start + CHUNK], ["name"]):
                self.partner_names[int(row["id"])] = str(row["name"])

    # -- what happens to one record --

    def _decide(self, item: _Item) -> PlannedDocument | None:
        record = item.record
        record_type = record.record_type
        eligible = is_eligible(record_type, {"status": getattr(record, "status", None)})
        planned = PlannedDocument(record_type, record.id, CREATE, WHAT[record_type])
        if item.link is not None:
            planned.odoo_name = (item.row or {}).get("name") or item.link.odoo_name
        if not eligible:
            return self._withdrawn(item, planned)
        item.document = builders.build_document(record, self.partners.get, self.facts)
        self._describe(item, planned)
        if record_type is RecordType.CONTACT:
            planned.ends = "saved"
            if item.link is not None and item.row is not None:
                changes = builders.partner_changes(item.row, item.document.values)
                planned.changes = tuple(sorted(changes))
                planned.action = UPDATE if changes else UNCHANGED
            if item.link is not None and item.row is None:
                planned.note = "deleted in Odoo: made again"
            return planned
        auto = self._auto_posts(record_type)
        planned.ends = "posted" if auto or record_type is RecordType.DEPOSIT else "draft"
        if item.link is None or item.row is None:
            if item.link is not None:
                planned.note = "deleted in Odoo: made again"
            if record_type is RecordType.RENT_PAYMENT and auto:
                self._plan_payment(item, planned)
            return planned
        state = item.row.get("state")
        unchanged = item.link.synced_version == item.version
        if record_type is RecordType.DEPOSIT:
            if state == "draft":
                planned.action = UPDATE
            elif unchanged:
                planned.action = UNCHANGED
            else:
                self._problem(
                    item,
                    "posted",
                    f"{record.id} changed after payment {planned.odoo_name} was posted; odoosync does not modify "
                    "posted payments",
                    "Correct the payment in Odoo, or record the change in the app as a new deposit",
                )
                return None
            return planned
        if state == "posted" and unchanged:
            planned.action = UNCHANGED
            paid = item.row.get("payment_state") in PAID_STATES
            if record_type is RecordType.RENT_PAYMENT and auto and not paid:
                planned.action = PAY
                self._plan_payment(item, planned)
            return planned
        if state == "draft":
            planned.action = POST if unchanged and auto else UPDATE
            if record_type is RecordType.RENT_PAYMENT and auto:
                self._plan_payment(item, planned)
            return planned
        if state == "posted":
            return self._posted_change(item, planned, withdrawn=False)
        self._problem(
            item,
            "cancelled",
            f"{record.id} changed, but its {WHAT[record_type]} {planned.odoo_name} was cancelled in Odoo",
            f"Reset {planned.odoo_name} to draft in Odoo, then run: odoosync queue retry --failed",
        )
        return None

    def _withdrawn(self, item: _Item, planned: PlannedDocument) -> PlannedDocument | None:
        if item.link is None or item.row is None or item.row.get("state") in CANCELLED:
            return None  # never synced, deleted, or cancelled already: nothing to do
        planned.action = CANCEL
        planned.ends = "cancelled"
        planned.note = f"{getattr(item.record, 'status', '')} in the app"
        self._describe(item, planned)
        if item.row.get("amount_total") is not None:
            planned.total = _odoo_amount(item.row["amount_total"], item.record)
        elif item.row.get("amount") is not None and isinstance(item.record, Deposit):
            amount = _odoo_amount(item.row["amount"], item.record)
            planned.total = amount if item.record.direction == "in" else -amount
        if item.row.get("state") == "posted" and item.record.record_type is not RecordType.DEPOSIT:
            return self._posted_change(item, planned, withdrawn=True)
        return planned

    def _posted_change(self, item: _Item, planned: PlannedDocument, *, withdrawn: bool) -> PlannedDocument | None:
        what = WHAT[item.record.record_type]
        if self.config.defaults.on_posted_change != "credit_note":
            change = f"was withdrawn in the app ({getattr(item.record, 'status', '')})" if withdrawn else "changed"
            self._problem(
                item,
                "posted",
                f"{item.record.id} {change} after {what} {planned.odoo_name} was posted; odoosync does not modify "
                "posted documents",
                "Either correct it in Odoo (then cancel the job: odoosync queue cancel JOB), or set on_posted_change = "
                "credit_note: odoosync defaults set --on-posted-change credit_note",
            )
            return None
        planned.action = REVERSE if withdrawn else REPLACE
        if not withdrawn and (item.row or {}).get("amount_total") is not None:
            planned.reversed_total = _odoo_amount((item.row or {})["amount_total"], item.record)
        planned.note = f"a credit note reverses {planned.odoo_name}" + ("" if withdrawn else "; a new " + what)
        if not withdrawn:
            planned.ends = "posted" if self._auto_posts(item.record.record_type) else "draft"
            if (item.row or {}).get("payment_state") in PAID_STATES:
                planned.note += " paid by the credit note's open amount"
        return planned

    def _auto_posts(self, record_type: RecordType) -> bool:
        defaults = self.config.defaults
        if record_type is RecordType.RENT_PAYMENT:
            return defaults.auto_post_invoices
        return record_type is RecordType.EXPENSE and defaults.auto_post_bills

    def _describe(self, item: _Item, planned: PlannedDocument) -> None:
        record = item.record
        if isinstance(record, Contact):
            planned.partner = record.name
            return
        planned.owner = getattr(record, "owner_id", None)
        planned.currency = record.currency
        if isinstance(record, RentPayment):
            planned.date = record.paid_on.isoformat()
        elif isinstance(record, Expense):
            planned.date = record.bill_date.isoformat()
        elif isinstance(record, Deposit):
            planned.date = record.date.isoformat()
        partner = self.partners.get(builders.contact_id_of(record))
        planned.partner = self.partner_names.get(partner or 0, builders.contact_id_of(record))
        company = item.document.company_id if item.document else None
        if company is None:
            try:
                company = builders.company_of(planned.owner, builders.record_label(record), self.facts)
            except MissingSetup:
                company = self.facts.default_company
        planned.company = self.facts.companies[company].name if company in self.facts.companies else None

    def _plan_payment(self, item: _Item, planned: PlannedDocument) -> None:
        assert isinstance(item.record, RentPayment)
        assert item.document is not None
        try:
            journal, _ = builders.invoice_payment(item.record, item.document.company_id, self.facts)
        except MissingSetup as error:
            self._problem(
                item,
                "setup",
                f"the invoice would be {'posted' if planned.action != PAY else 'left posted'} but its payment "
                f"cannot be registered: {error.reason}",
                error.instruction,
            )
            planned.ends = "posted"
            return
        planned.ends = "paid"
        planned.payment = {
            "journal": self.facts.mapping_names.get(("method", item.document.company_id, item.record.method))
            or self.facts.mapping_names.get(("method", 0, item.record.method))
            or str(journal),
            "journal_id": journal,
            "date": item.record.paid_on.isoformat(),
            "amount": money.round_money(item.record.amount_paid, item.record.currency),
            "memo": item.record.reference,
        }

    # -- figures --

    def _figure(self, item: _Item, books: _Books) -> None:
        """Lines, taxes, totals and journal items of a built document."""
        planned, document, record = item.planned, item.document, item.record
        assert planned is not None
        assert document is not None
        if isinstance(record, Contact):
            return
        undone = books.undone(item) if planned.action == REPLACE else []
        if isinstance(record, Deposit):
            planned.total = record.amount if record.direction == "in" else -record.amount
            planned.untaxed, planned.tax = planned.total, ZERO
            outstanding = books.outstanding(
                document.company_id,
                document.values["journal_id"],
                document.values.get("payment_method_line_id"),
                "inbound" if record.direction == "in" else "outbound",
            )
            counterpart = document.values.get("destination_account_id") or books.partner_account(
                document.values["partner_id"], document.company_id, "receivable"
            )
            company = self.facts.companies[document.company_id]
            planned.entries = undone + books.pair(company, record.currency, outstanding, counterpart, planned.total)
            return
        planned.entries = undone + self._move_entries(item, books)

    def _move_entries(self, item: _Item, books: _Books) -> list[Entry]:
        planned, document, record = item.planned, item.document, item.record
        assert planned is not None
        assert document is not None
        assert isinstance(record, RentPayment | Expense)
        company = self.facts.companies[document.company_id]
        currency = record.currency
        entries: list[Entry] = []
        sign = Decimal(1) if isinstance(record, Expense) else Decimal(-1)  # a bill debits, an invoice credits
        lines: list[PlanLine] = []
        raw_tax: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for values in document.lines:
            base = money.round_money(Decimal(values["price_unit"]) * Decimal(values["quantity"]), currency)
            tax_ids = list(values["tax_ids"][0][2]) if values.get("tax_ids") else []
            line_tax = ZERO
            for tax_id in tax_ids:
                rate, included = books.tax_rate(tax_id)
                amount = base - base / (1 + rate / 100) if included else base * rate / 100
                if company.rounds_per_line:
                    amount = money.round_money(amount, currency)
                if included:
                    base -= money.round_money(amount, currency)
                raw_tax[tax_id] += amount
                line_tax += amount
            account = values.get("account_id") or books.line_account(values.get("product_id"), document)
            analytic = values.get("analytic_distribution")
            lines.append(
                PlanLine(
                    label=str(values["name"]),
                    account=books.account_name(account),
                    tax=", ".join(books.tax_name(t) for t in tax_ids) or None,
                    analytic=", ".join(books.analytic_name(int(a)) for a in analytic) if analytic else None,
                    untaxed=base,
                    tax_amount=money.round_money(line_tax, currency),
                )
            )
            entries.append(books.entry(company, currency, account, sign * base))
        taxes = {tax_id: money.round_money(amount, currency) for tax_id, amount in raw_tax.items()}
        for tax_id, amount in taxes.items():
            for account, share in books.tax_accounts(tax_id, amount, currency):
                if share:  # Odoo makes no tax line for a tax that comes to nothing
                    entries.append(books.entry(company, currency, account, sign * share))
        planned.lines = lines
        planned.untaxed = sum((line.untaxed for line in lines), ZERO)
        planned.tax = sum(taxes.values(), ZERO)
        planned.total = planned.untaxed + planned.tax
        kind = "payable" if isinstance(record, Expense) else "receivable"
        partner_account = books.partner_account(document.values["partner_id"], document.company_id, kind)
        entries.append(books.entry(company, currency, partner_account, -sign * planned.total))
        if planned.payment is not None:
            outstanding = books.outstanding(document.company_id, planned.payment["journal_id"], None, "inbound")
            entries += books.pair(company, currency, outstanding, partner_account, planned.total)
        if isinstance(record, RentPayment) and planned.total != record.amount_paid:
            self._problem(
                item,
                "total",
                f"invoice of {builders.record_label(record)} would total {planned.total} in Odoo, not the "
                f"{record.amount_paid} paid",
                "Check the VAT mappings' taxes (price included? amount?): odoosync doctor",
            )
        return entries


def _odoo_amount(value: Any, record: Record) -> Decimal:
    """An amount as Odoo answers it (a JSON float), at the record's currency precision."""
    return money.round_money(Decimal(str(value)), getattr(record, "currency", "SAR"))


# --- what the books need from Odoo -------------------------------------------------------------------------


class _Books:
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
    def read(cls, client: OdooClient, facts: OdooFacts, items: Sequence[_Item], new: Mapping[int, Contact]) -> _Books:
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

    def _read_undone(self, items: Sequence[_Item], ids: list[int]) -> set[int]:
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

    def undone(self, item: _Item) -> list[Entry]:
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
