"""odoosync reconcile: read back what odoosync pushed and prove it is still in Odoo as it was pushed.

For every linked record in the window, what odoosync believes it pushed (the record's synced version and its
links: partner, total, date, state, the payment registered for it) is compared with what Odoo holds now. Every
difference is listed with what to do: a document deleted, cancelled, posted or reset to draft behind
odoosync's back, a total, partner or date changed there, a registered payment undone, a record made twice in
Odoo (two documents with its marker), a link whose record is gone. Totals are summed per owner and month.

Reads in batches of 1,000 ids: per batch one read per model and one marker search per model, so a few calls per
thousand documents. Changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from odoosync.config import Config
from odoosync.domain import money
from odoosync.domain.links import CREDIT_NOTE, DOCUMENT, PAYMENT, Link
from odoosync.domain.records import (
    Contact,
    Deposit,
    Expense,
    Record,
    RecordType,
    RentPayment,
    parse_record,
)
from odoosync.domain.scaling import ScaledLine, total_of
from odoosync.domain.versions import StoredRecord
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.build import builders
from odoosync.sync.build.documents import CANCELLED, MOVE, MOVE_TYPE, PAID_STATES, PARTNER, WHAT
from odoosync.sync.build.documents import PAYMENT as PAYMENT_MODEL
from odoosync.sync.build.markers import search_markers
from odoosync.sync.setup.connection import connected

CHUNK = 1000
ZERO = Decimal(0)
KIND_OF = {RecordType.RENT_PAYMENT: "invoices", RecordType.EXPENSE: "bills", RecordType.DEPOSIT: "deposits"}
FIELDS = {
    MOVE: ["name", "state", "payment_state", "amount_total", "partner_id", "invoice_date", "move_type"],
    PAYMENT_MODEL: ["name", "state", "amount", "partner_id", "date", "payment_type"],
    PARTNER: ["name", "active"],
}


@dataclass(frozen=True)
class ReconcileScope:
    since: date | None = None
    until: date | None = None
    owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Difference:
    kind: str  # deleted, cancelled, posted, draft, total, partner, date, unpaid, duplicate, orphan
    record_type: str
    record_id: str
    odoo: str  # the Odoo document, as "account.move 12 (INV/2026/00012)"
    message: str
    instruction: str
    owner: str | None = None
    month: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "type": self.record_type,
            "id": self.record_id,
            "odoo": self.odoo,
            "message": self.message,
            "instruction": self.instruction,
            "owner": self.owner,
            "month": self.month,
        }


@dataclass
class MonthTotal:
    owner: str | None
    month: str
    kind: str  # invoices, bills, deposits
    currency: str
    documents: int = 0
    pushed: Decimal = ZERO
    in_odoo: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        return self.in_odoo - self.pushed

    def as_dict(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "month": self.month,
            "kind": self.kind,
            "currency": self.currency,
            "documents": self.documents,
            "pushed": money.round_money(self.pushed, self.currency),
            "in_odoo": money.round_money(self.in_odoo, self.currency),
            "difference": money.round_money(self.difference, self.currency),
        }


@dataclass
class Reconciliation:
    scope: ReconcileScope
    compared: int = 0  # documents compared
    not_compared: int = 0  # records whose newer version is not synced yet: the next sync brings them in line
    totals: list[MonthTotal] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    odoo_calls: int = 0

    @property
    def ok(self) -> bool:
        return not self.differences

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = defaultdict(int)
        for difference in self.differences:
            found[difference.kind] += 1
        return dict(found)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "since": self.scope.since.isoformat() if self.scope.since else None,
            "until": self.scope.until.isoformat() if self.scope.until else None,
            "owners": list(self.scope.owners),
            "compared": self.compared,
            "not_compared": self.not_compared,
            "differences_by_kind": self.counts(),
            "differences": [d.as_dict() for d in self.differences],
            "totals": [t.as_dict() for t in self.totals],
            "odoo_calls": self.odoo_calls,
        }


def run_reconcile(
    config: Config,
    store: Store,
    scope: ReconcileScope | None = None,
    *,
    env: Mapping[str, str] | None = None,
    client: OdooClient | None = None,
) -> Reconciliation:
    scope = scope or ReconcileScope()
    with connected(config, env, client) as (odoo, odoo_database):
        before = odoo.calls
        result = _Reconciler(odoo, store, odoo_database, scope).run()
        result.odoo_calls = odoo.calls - before
        return result


@dataclass
class _Linked:
    stored: StoredRecord
    record: Record
    links: dict[str, Link]

    @property
    def document(self) -> Link | None:
        return self.links.get(DOCUMENT)


class _Reconciler:
    def __init__(self, client: OdooClient, store: Store, odoo_database: str, scope: ReconcileScope) -> None:
        self.client = client
        self.store = store
        self.odoo_database = odoo_database
        self.scope = scope
        self.result = Reconciliation(scope)
        self.totals: dict[tuple[str, str, str, str], MonthTotal] = {}
        self.context: dict[str, Any] = {}
        self.rounds_per_line: dict[int, bool] = {}
        self.default_company = 0
        self.partners: dict[str, int] = {}  # contact id → partner id, as linked

    def run(self) -> Reconciliation:
        companies = self.client.search_read("res.company", [], ["tax_calculation_rounding_method"])
        self.context = {"allowed_company_ids": [int(c["id"]) for c in companies]}
        self.rounds_per_line = {
            int(c["id"]): (c.get("tax_calculation_rounding_method") or "round_per_line") == "round_per_line"
            for c in companies
        }
        self.default_company = self.client.whoami().company_id
        chunk: list[_Linked] = []
        for stored, links in self.store.links.with_records(
            self.odoo_database, since=self.scope.since, until=self.scope.until
        ):
            record = parse_record(stored.document)
            owner = getattr(record, "owner_id", None)
            if self.scope.owners and (isinstance(record, Contact) or owner not in self.scope.owners):
                continue
            chunk.append(_Linked(stored, record, {link.role: link for link in links}))
            if len(chunk) >= CHUNK:
                self._compare(chunk)
                chunk = []
        if chunk:
            self._compare(chunk)
        for link in self.store.links.orphans(self.odoo_database):
            self.result.differences.append(
                Difference(
                    "orphan",
                    "",
                    f"record #{link.record_pk}",
                    _odoo(link),
                    f"odoosync links {_odoo(link)} to a record that is not in the local database any more",
                    "Check that the local database was not restored from an older backup; "
                    "the Odoo document itself is untouched",
                )
            )
        self.result.totals = sorted(self.totals.values(), key=lambda t: (t.owner or "", t.month, t.kind, t.currency))
        return self.result

    # -- one chunk --

    def _compare(self, chunk: list[_Linked]) -> None:
        contacts = sorted(
            {builders.contact_id_of(i.record) for i in chunk if not isinstance(i.record, Contact)} - set(self.partners)
        )
        if contacts:
            found = self.store.links.of_app_ids(self.odoo_database, RecordType.CONTACT, contacts)
            self.partners.update({app_id: link.odoo_id for app_id, link in found.items()})
        rows = self._read(chunk)
        for item in chunk:
            document = item.document
            if document is None:
                continue
            if document.synced_version < item.stored.version:
                self.result.not_compared += 1
                continue
            self.result.compared += 1
            self._check(item, document, rows.get((document.odoo_model, document.odoo_id)), rows)
        self._duplicates(chunk)

    def _read(self, chunk: Sequence[_Linked]) -> dict[tuple[str, int], dict[str, Any]]:
        wanted: dict[str, set[int]] = defaultdict(set)
        for item in chunk:
            for link in item.links.values():
                if link.odoo_model in FIELDS:
                    wanted[link.odoo_model].add(link.odoo_id)
        rows: dict[tuple[str, int], dict[str, Any]] = {}
        for model, ids in wanted.items():
            for row in self.client.search_read(
                model,
                [("id", "in", sorted(ids))],
                FIELDS[model],
                context={**self.context, "active_test": False},
            ):
                rows[(model, int(row["id"]))] = row
        return rows

    def _difference(self, item: _Linked, link: Link, kind: str, message: str, instruction: str) -> None:
        record = item.record
        self.result.differences.append(
            Difference(
                kind,
                record.record_type.value,
                record.id,
                _odoo(link),
                message,
                instruction,
                getattr(record, "owner_id", None),
                _month(record),
            )
        )

    def _check(
        self,
        item: _Linked,
        link: Link,
        row: dict[str, Any] | None,
        rows: Mapping[tuple[str, int], dict[str, Any]],
    ) -> None:
        record = item.record
        label = builders.record_label(record)
        what = WHAT[record.record_type]
        name = _name(row, link)
        if link.odoo_state in CANCELLED | {"reversed", "deleted"}:
            return  # odoosync itself cancelled or reversed it: nothing to hold against Odoo
        expected = self._expected_total(record, link)
        self._count(record, expected, row)
        if row is None:
            self._difference(
                item,
                link,
                "deleted",
                f"the {what} of {label} ({name}) was deleted in Odoo",
                "Make it again in Odoo by hand, or withdraw the record in the app; "
                "see odoosync status " + f"{record.record_type.value} {record.id}",
            )
            return
        if isinstance(record, Contact):
            if not row.get("active", True) and record.active:
                self._difference(
                    item,
                    link,
                    "archived",
                    f"partner {name} of {label} was archived in Odoo",
                    "Unarchive it in Odoo, or archive the contact in the app",
                )
            return
        state = row.get("state")
        if state in CANCELLED:
            self._difference(
                item,
                link,
                "cancelled",
                f"the {what} of {label} ({name}) was cancelled in Odoo",
                f"Reset {name} to draft in Odoo, or withdraw the record in the app",
            )
            return
        was = "draft" if link.odoo_state == "draft" else "posted"
        now = "draft" if state == "draft" else "posted"
        if was != now:
            self._difference(
                item,
                link,
                "posted" if now == "posted" else "draft",
                f"the {what} of {label} ({name}) was {'posted' if now == 'posted' else 'reset to draft'} in Odoo "
                f"(odoosync left it {was})",
                "Nothing to undo if that was meant; odoosync treats it as it is now from the next change on"
                if now == "posted"
                else f"Post {name} again in Odoo if it was reset by mistake",
            )
        total = _amount(row, record)
        if expected is not None and total is not None and total != expected:
            self._difference(
                item,
                link,
                "total",
                f"the {what} of {label} ({name}) totals {total} in Odoo, not the {expected} odoosync pushed",
                f"Correct {name} in Odoo (a posted one with a credit note), or the record in the app",
            )
        partner = row.get("partner_id")
        partner_id = int(partner[0]) if isinstance(partner, list | tuple) and partner else None
        wanted = self.partners.get(builders.contact_id_of(record))
        if wanted is not None and partner_id != wanted:
            self._difference(
                item,
                link,
                "partner",
                f"the {what} of {label} ({name}) is made out to "
                f"{partner[1] if isinstance(partner, list | tuple) and len(partner) > 1 else 'no partner'} in Odoo, "
                f"not the partner of contact {builders.contact_id_of(record)}",
                f"Set the partner of {name} back in Odoo, or correct the record in the app",
            )
        day = row.get("invoice_date") if link.odoo_model == MOVE else row.get("date")
        wanted_day = _day(record)
        if day and wanted_day and str(day) != wanted_day:
            self._difference(
                item,
                link,
                "date",
                f"the {what} of {label} ({name}) is dated {day} in Odoo, not {wanted_day}",
                f"Correct the date of {name} in Odoo, or the record in the app",
            )
        self._check_payment(item, link, row, rows)

    def _check_payment(
        self, item: _Linked, link: Link, row: Mapping[str, Any], rows: Mapping[tuple[str, int], dict[str, Any]]
    ) -> None:
        """An invoice odoosync paid (auto-post): its payment is still there and still pays it."""
        payment = item.links.get(PAYMENT)
        if payment is None or row.get("state") != "posted":
            return
        label = builders.record_label(item.record)
        name = _name(row, link)
        found = rows.get((payment.odoo_model, payment.odoo_id))
        if found is None or found.get("state") == "draft" or found.get("state") in CANCELLED:
            gone = "deleted" if found is None else ("reset to draft" if found["state"] == "draft" else "cancelled")
            self._difference(
                item,
                payment,
                "unpaid",
                f"the payment odoosync registered for {label} ({payment.odoo_name or payment.odoo_id}) was {gone} "
                "in Odoo",
                f"Register the payment of {name} again in Odoo",
            )
        elif row.get("payment_state") not in PAID_STATES and CREDIT_NOTE not in item.links:
            self._difference(
                item,
                link,
                "unpaid",
                f"the invoice of {label} ({name}) is {row.get('payment_state')} in Odoo; odoosync paid it with "
                f"{found.get('name') or payment.odoo_id}",
                f"Reconcile {found.get('name') or 'the payment'} with {name} again in Odoo",
            )

    def _duplicates(self, chunk: Sequence[_Linked]) -> None:
        """Records that have a second document in Odoo carrying their marker: made twice."""
        by_model: dict[str, dict[str, _Linked]] = defaultdict(dict)
        for item in chunk:
            document = item.document
            if document is not None and document.odoo_model in FIELDS:
                by_model[document.odoo_model][item.record.id] = item
        for model, items in by_model.items():
            known = {
                link.odoo_id for item in items.values() for link in item.links.values() if link.odoo_model == model
            }
            seen: dict[str, list[dict[str, Any]]] = defaultdict(list)
            memos = {i: builders.payment_memo(x.record) for i, x in items.items() if isinstance(x.record, Deposit)}
            found = search_markers(self.client, model, sorted(items), context=self.context, memos=memos)
            for marker, row in found:
                item = items[marker]
                if model == MOVE and row.get("move_type") != MOVE_TYPE.get(item.record.record_type):
                    continue
                if int(row["id"]) in known or row.get("state") in CANCELLED or row.get("active") is False:
                    continue
                seen[marker].append(row)
            for marker, extra in seen.items():
                item = items[marker]
                document = item.document
                assert document is not None
                names = ", ".join(f"{r.get('name') or 'no name'} (id {r['id']})" for r in extra)
                ids = ", ".join(str(r["id"]) for r in extra)
                linked = f"{document.odoo_name or 'no name'} (id {document.odoo_id})"
                self._difference(
                    item,
                    document,
                    "duplicate",
                    f"{builders.record_label(item.record)} is in Odoo more than once: {model} {document.odoo_id}, "
                    f"which odoosync keeps in line, and {model} {ids}, which carries its marker too",
                    _duplicate_advice(model, linked, names),
                )

    # -- figures --

    def _expected_total(self, record: Record, link: Link) -> Decimal | None:
        if isinstance(record, RentPayment):
            return record.amount_paid
        if isinstance(record, Deposit):
            return record.amount
        if isinstance(record, Expense):
            lines = [ScaledLine("expense", line.amount, line.vat_rate, i) for i, line in enumerate(record.lines)]
            company = link.company_id or self.default_company
            return total_of(lines, record.currency, per_line=self.rounds_per_line.get(company, True))
        return None

    def _count(self, record: Record, expected: Decimal | None, row: Mapping[str, Any] | None) -> None:
        if expected is None or isinstance(record, Contact):
            return
        kind = KIND_OF[record.record_type]
        owner = getattr(record, "owner_id", None)
        key = (owner or "", _month(record) or "", kind, record.currency)
        total = self.totals.get(key)
        if total is None:
            total = self.totals[key] = MonthTotal(owner, _month(record) or "", kind, record.currency)
        sign = Decimal(-1) if isinstance(record, Deposit) and record.direction != "in" else Decimal(1)
        total.documents += 1
        total.pushed += sign * expected
        if row is not None and row.get("state") not in CANCELLED:
            total.in_odoo += sign * (_amount(row, record) or ZERO)


def _amount(row: Mapping[str, Any], record: Record) -> Decimal | None:
    """The document's total as Odoo has it, at the currency's precision (Odoo answers with JSON floats)."""
    value = row.get("amount_total") if "amount_total" in row else row.get("amount")
    if value is None or isinstance(record, Contact):
        return None
    return money.round_money(Decimal(str(value)), record.currency)


def _name(row: Mapping[str, Any] | None, link: Link) -> str:
    """How Odoo names the document; a draft without a number ("/") by its id."""
    for name in ((row or {}).get("name"), link.odoo_name):
        if name and name != "/":
            return str(name)
    return f"draft #{link.odoo_id}"


def _day(record: Record) -> str | None:
    if isinstance(record, RentPayment):
        return record.paid_on.isoformat()
    if isinstance(record, Expense):
        return record.bill_date.isoformat()
    if isinstance(record, Deposit):
        return record.date.isoformat()
    return None


def _month(record: Record) -> str | None:
    day = _day(record)
    return day[:7] if day else None


def _odoo(link: Link) -> str:
    return f"{link.odoo_model} {link.odoo_id}" + (f" ({link.odoo_name})" if link.odoo_name else "")


def _duplicate_advice(model: str, linked: str, extra: str) -> str:
    """What a person can do with a record made twice: a partner is archived or merged (contacts have no cancel,
    and their invoices may point at either); a document is cancelled or deleted; a payment reset and cancelled."""
    if model == PARTNER:
        return (
            f"Keep {linked}: merge {extra} into it in Odoo (Contacts: select both, Action → Merge), or archive "
            f"{extra} if nothing points at it"
        )
    if model == PAYMENT_MODEL:
        return f"Keep {linked}: reset {extra} to draft and cancel it in Odoo, if it was not meant"
    return f"Keep {linked}: cancel or delete {extra} in Odoo, if it was not meant"
