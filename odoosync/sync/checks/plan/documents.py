"""The plan's documents: which records it looks at (the queued jobs', and what a backfill would queue), the state
Odoo reports for their linked documents, and what the next sync does with each one by the rules the engine follows
(sync/push/): create, update a draft, cancel, reverse with a credit note, fail. Each record is built by the builders
`sync` uses (`builders.build_document`); `journal` then figures what it posts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from odoosync.config import Config
from odoosync.domain import money
from odoosync.domain.errors import OdoosyncError
from odoosync.domain.jobs import JobState
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
from odoosync.sync.build.builders import MissingSetup, WaitingFor
from odoosync.sync.build.documents import CANCELLED, MODEL_OF, PAID_STATES, WHAT
from odoosync.sync.build.facts import load_facts, with_places
from odoosync.sync.checks.plan.books import CHUNK, Books
from odoosync.sync.checks.plan.items import Item
from odoosync.sync.checks.plan.journal import figure
from odoosync.sync.checks.plan.report import (
    CANCEL,
    CREATE,
    PAY,
    POST,
    REPLACE,
    REVERSE,
    UNCHANGED,
    UPDATE,
    Plan,
    PlannedDocument,
    PlanProblem,
    PlanScope,
)
from odoosync.sync.ingest.switch import eligible_since
from odoosync.sync.setup.connection import connected


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

    def _items(self) -> dict[RecordType, list[Item]]:
        pks = sorted(self._candidates())
        items: dict[RecordType, list[Item]] = defaultdict(list)
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            records = self.store.records.get_many(chunk)
            links = self.store.links.of_records(self.odoo_database, chunk)
            for pk in chunk:
                stored = records[pk]
                record = parse_record(stored.document)
                items[record.record_type].append(Item(record, stored.version, links.get(pk)))
        if self.scope.owners:
            owners = set(self.scope.owners)
            kept: dict[RecordType, list[Item]] = defaultdict(list)
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
        books = Books.read(self.client, self.facts, [i for g in items.values() for i in g], self.new_partners)
        for record_type in SYNC_ORDER:
            for item in items.get(record_type, []):
                if item.planned is not None and item.document is not None:
                    figure(item, books, self.facts)
                    self._check_total(item)
                elif item.planned is not None and item.planned.action in (REVERSE, CANCEL):
                    item.planned.entries = books.undone(item)
        plan.problems = self.problems
        return plan

    def _problem(self, item: Item, kind: str, error: OdoosyncError | str, instruction: str | None = None) -> None:
        message = error.reason if isinstance(error, OdoosyncError) else error
        if isinstance(error, OdoosyncError):
            instruction = error.instruction
        self.problems.append(PlanProblem(item.record.record_type, item.record.id, kind, message, instruction))

    def _current(self, record_type: RecordType, group: list[Item]) -> None:
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

    def _resolve_partners(self, transactions: Sequence[Item], contacts: Sequence[Item]) -> None:
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

    def _decide(self, item: Item) -> PlannedDocument | None:
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

    def _withdrawn(self, item: Item, planned: PlannedDocument) -> PlannedDocument | None:
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

    def _posted_change(self, item: Item, planned: PlannedDocument, *, withdrawn: bool) -> PlannedDocument | None:
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

    def _describe(self, item: Item, planned: PlannedDocument) -> None:
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

    def _plan_payment(self, item: Item, planned: PlannedDocument) -> None:
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

    def _check_total(self, item: Item) -> None:
        """An invoice that Odoo would total otherwise than what the tenant paid is a setup problem (its taxes)."""
        planned, record = item.planned, item.record
        assert planned is not None
        if isinstance(record, RentPayment) and planned.total != record.amount_paid:
            self._problem(
                item,
                "total",
                f"invoice of {builders.record_label(record)} would total {planned.total} in Odoo, not the "
                f"{record.amount_paid} paid",
                "Check the VAT mappings' taxes (price included? amount?): odoosync doctor",
            )


def _odoo_amount(value: Any, record: Record) -> Decimal:
    """An amount as Odoo answers it (a JSON float), at the record's currency precision."""
    return money.round_money(Decimal(str(value)), getattr(record, "currency", "SAR"))
