"""backfill --adopt: link what someone already keyed into Odoo by hand instead of making it twice.

Before a backfill queues a record, Odoo is searched first for what an earlier install of odoosync made, by the
marker it left (build/markers.py: a partner's ref, a document's source, a payment's memo), then for its hand-made
counterpart:
- a contact: an active partner with the same VAT number, else the same email, else the same name and phone;
- a rent payment: a customer invoice of its tenant's partner, dated the day it was paid, for the amount paid
  (and, when the payment has a reference, carrying it as reference or payment reference);
- an expense: a vendor bill of its vendor's partner, of its bill date and total (and its bill number as ref);
- a deposit: a payment of its tenant's partner, of its date, amount and direction.
Exactly one match: the record is linked to it (its version counts as synced; the document stays as the person
made it, and a later edit in the app updates it like any synced document). Several: the record waits for a
person (odoosync adopt list | accept | reject) and is not queued. None: it is queued, as a plain backfill does.
An Odoo record linked already, or matched by another record of the same backfill, is never linked twice.

Per chunk of records one search per model: a few calls per thousand records. The links, the records kept for a
person and the jobs are written in one transaction: nothing half-done.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from odoosync.config import Config
from odoosync.domain import money
from odoosync.domain.adoptions import Adoption, AdoptionState, Candidate
from odoosync.domain.errors import InvalidChoice, NotFound
from odoosync.domain.links import Link
from odoosync.domain.records import SYNC_ORDER, Contact, Deposit, Expense, Record, RecordType, RentPayment, parse_record
from odoosync.domain.scaling import ScaledLine, total_of
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.build import builders
from odoosync.sync.build.documents import CANCELLED, MODEL_OF, MOVE, MOVE_TYPE, PARTNER
from odoosync.sync.build.markers import search_markers
from odoosync.sync.ingest.switch import SyncDisabled, eligible_since, sync_switch
from odoosync.sync.setup.connection import connected, database_key, endpoint_of

SEARCH_CHUNK = 200  # records per search: the name and email leaves make the domain grow with it


@dataclass
class AdoptTally:
    eligible: int = 0
    adopted: int = 0
    ambiguous: int = 0
    queued: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class AdoptReport:
    since: date
    dry_run: bool
    by_type: dict[str, AdoptTally] = field(default_factory=dict)
    adopted: list[dict[str, Any]] = field(default_factory=list)  # type, id, odoo model, id, name, matched on
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    odoo_calls: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "dry_run": self.dry_run,
            "by_type": {name: tally.as_dict() for name, tally in self.by_type.items()},
            "adopted": self.adopted,
            "ambiguous": self.ambiguous,
            "odoo_calls": self.odoo_calls,
        }


def backfill_adopting(
    config: Config,
    store: Store,
    *,
    since: date,
    types: tuple[RecordType, ...] = (),
    dry_run: bool = False,
    env: Mapping[str, str] | None = None,
    client: OdooClient | None = None,
) -> AdoptReport:
    if not sync_switch(store).enabled and not dry_run:
        raise SyncDisabled(
            "syncing is off, so a backfill would queue jobs that never run",
            f"Run: odoosync enable, then odoosync backfill --since {since.isoformat()} --adopt",
        )
    with connected(config, env, client) as (odoo, odoo_database):
        before = odoo.calls
        report = _Adopter(odoo, store, odoo_database, AdoptReport(since, dry_run)).run(since, types)
        report.odoo_calls = odoo.calls - before
        return report


# --- matching ----------------------------------------------------------------------------------------------


def _digits(text: str | None) -> str:
    """A phone number's digits, the last nine: "+966 50 123 4567" and "0501234567" are one number."""
    return re.sub(r"\D", "", text or "")[-9:]


def _vat(text: str | None) -> str:
    return re.sub(r"[\s.-]", "", text or "").upper()


def _fold(text: Any) -> str:
    return str(text or "").strip().casefold()


def partner_matches(contact: Contact, partners: Sequence[Mapping[str, Any]]) -> tuple[str, list[Mapping[str, Any]]]:
    """What a contact matches on, and the partners it matches: the same VAT number, else the same email, else the
    same name and phone. Pure: tested on its own."""
    if contact.vat:
        found = [p for p in partners if p.get("vat") and _vat(p["vat"]) == _vat(contact.vat)]
        if found:
            return "VAT number", found
    if contact.email:
        found = [p for p in partners if p.get("email") and _fold(p["email"]) == _fold(contact.email)]
        if found:
            return "email", found
    phones = {_digits(n) for n in (contact.phone, contact.mobile) if _digits(n)}
    if phones:
        found = [
            p
            for p in partners
            if _fold(p.get("name")) == _fold(contact.name)
            and phones & {_digits(p.get(n)) for n in ("phone", "mobile") if _digits(p.get(n))}
        ]
        if found:
            return "name and phone", found
    return "", []


def document_matches(
    record: Record, partner: int, expected: Decimal, rows: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The hand-made documents a transaction matches: its partner, date and amount (and reference for invoices
    and bills). Pure."""
    found = []
    for row in rows:
        if _id(row.get("partner_id")) != partner or row.get("state") in CANCELLED:
            continue
        if isinstance(record, RentPayment | Expense):
            if str(row.get("invoice_date")) != _day(record) or _money(row.get("amount_total"), record) != expected:
                continue
            references = (row.get("ref"), row.get("payment_reference"))
            if isinstance(record, RentPayment) and record.reference and record.reference not in references:
                continue
            if isinstance(record, Expense) and record.bill_reference and row.get("ref") != record.bill_reference:
                continue
        elif isinstance(record, Deposit):
            direction = "inbound" if record.direction == "in" else "outbound"
            if str(row.get("date")) != _day(record) or _money(row.get("amount"), record) != expected:
                continue
            if row.get("payment_type") != direction:
                continue
        found.append(row)
    return found


def _marked_detail(row: Mapping[str, Any]) -> str:
    return " · ".join(str(row[key]) for key in ("ref", "invoice_origin", "state") if row.get(key))


def _partner_detail(row: Mapping[str, Any]) -> str:
    return " · ".join(str(row[key]) for key in ("vat", "email", "phone") if row.get(key))


def _id(value: Any) -> int | None:
    if isinstance(value, list | tuple):
        return int(value[0]) if value else None
    return int(value) if value else None


def _money(value: Any, record: Record) -> Decimal | None:
    if value is None or isinstance(record, Contact):
        return None
    return money.round_money(Decimal(str(value)), record.currency)


def _day(record: Record) -> str:
    if isinstance(record, RentPayment):
        return record.paid_on.isoformat()
    if isinstance(record, Expense):
        return record.bill_date.isoformat()
    assert isinstance(record, Deposit)
    return record.date.isoformat()


@dataclass
class _Fresh:
    pk: int
    version: int
    record: Record


class _Adopter:
    def __init__(self, client: OdooClient, store: Store, odoo_database: str, report: AdoptReport) -> None:
        self.client = client
        self.store = store
        self.odoo_database = odoo_database
        self.report = report
        self.links: list[Link] = []
        self.pending: list[tuple[int, int, str, list[Candidate]]] = []
        self.queue: list[tuple[int, int]] = []
        self.claimed: dict[tuple[str, int], str] = {}  # (model, id) → the record of this backfill that took it
        self.partners: dict[str, int] = {}  # contact id → partner id, linked or adopted now

    def run(self, since: date, types: tuple[RecordType, ...]) -> AdoptReport:
        companies = self.client.search_read("res.company", [], ["tax_calculation_rounding_method", "partner_id"])
        self.context = {"allowed_company_ids": [int(c["id"]) for c in companies]}
        self.company_partners = {_id(c.get("partner_id")) for c in companies}
        self.rounds_per_line = {
            int(c["id"]): (c.get("tax_calculation_rounding_method") or "round_per_line") == "round_per_line"
            for c in companies
        }
        self.default_company = self.client.whoami().company_id
        fresh: dict[RecordType, list[_Fresh]] = defaultdict(list)
        for record_type in SYNC_ORDER:
            if not types or record_type in types:
                self.report.by_type[record_type.value] = AdoptTally()
        for record_type, chunk in eligible_since(self.store, since, types):
            self.report.by_type[record_type.value].eligible += len(chunk)
            new = self.store.jobs.new_versions(chunk, odoo_database=self.odoo_database)
            stored = self.store.records.get_many([pk for pk, _ in new])
            fresh[record_type] += [_Fresh(pk, version, parse_record(stored[pk].document)) for pk, version in new]
        for record_type in SYNC_ORDER:
            items = fresh.get(record_type, [])
            for start in range(0, len(items), SEARCH_CHUNK):
                part = self._by_marker(record_type, items[start : start + SEARCH_CHUNK])
                if not part:
                    continue
                if record_type is RecordType.CONTACT:
                    self._contacts(part)
                else:
                    self._transactions(record_type, part)
        if not self.report.dry_run:
            self.store.adoptions.record(self.odoo_database, links=self.links, pending=self.pending, queue=self.queue)
        return self.report

    # -- deciding --

    def _taken(self, model: str, rows: Sequence[Mapping[str, Any]]) -> set[int]:
        """Which of a search's rows are linked to some record already: one query per search, not per record."""
        ids = [int(row["id"]) for row in rows]
        return self.store.links.taken(self.odoo_database, model, ids) if ids else set()

    def _decide(
        self,
        item: _Fresh,
        model: str,
        rows: Sequence[Mapping[str, Any]],
        matched_on: str,
        describe: Any,
        *,
        taken: set[int],
    ) -> int | None:
        """Link the one match, keep several for a person, queue when none. Returns the Odoo id linked."""
        tally = self.report.by_type[item.record.record_type.value]
        free = [row for row in rows if int(row["id"]) not in taken]
        mine = [row for row in free if (model, int(row["id"])) not in self.claimed]
        label = builders.record_label(item.record)
        if len(mine) == 1 and len(free) == 1:
            row = mine[0]
            odoo_id = int(row["id"])
            self.claimed[(model, odoo_id)] = label
            state = "active" if model == PARTNER else str(row.get("state") or "") or None
            name = str(row.get("name") or "") or None
            name = None if name == "/" else name  # a draft's no-number
            self.links.append(
                Link(
                    item.pk,
                    model,
                    odoo_id,
                    name if name != "/" else None,
                    _id(row.get("company_id")),
                    state,
                    item.version,
                )
            )
            tally.adopted += 1
            self.report.adopted.append(
                {
                    "type": item.record.record_type.value,
                    "id": item.record.id,
                    "odoo_model": model,
                    "odoo_id": odoo_id,
                    "name": name,
                    "matched_on": matched_on,
                }
            )
            return odoo_id
        if free:
            # Several, or one another record of this backfill matched too: a person decides.
            candidates = [Candidate(int(row["id"]), str(row.get("name") or ""), describe(row)) for row in free]
            self.pending.append((item.pk, item.version, model, candidates))
            tally.ambiguous += 1
            self.report.ambiguous.append(
                {
                    "type": item.record.record_type.value,
                    "id": item.record.id,
                    "odoo_model": model,
                    "matched_on": matched_on,
                    "candidates": [c.as_dict() for c in candidates],
                }
            )
            return None
        self.queue.append((item.pk, item.version))
        tally.queued += 1
        return None

    # -- odoosync's own markers --

    def _by_marker(self, record_type: RecordType, items: Sequence[_Fresh]) -> list[_Fresh]:
        """What an earlier install of odoosync made carries the record's marker (a partner's ref, a document's
        source, a payment's memo): that is the surest match of all, found first, whatever else the record has or
        lacks. Returns the items no marker found, for the other ways of matching."""
        model = MODEL_OF[record_type]
        memos = {i.record.id: builders.payment_memo(i.record) for i in items if isinstance(i.record, Deposit)}
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for marker, row in search_markers(
            self.client, model, [i.record.id for i in items], context=self.context, memos=memos
        ):
            if row.get("state") in CANCELLED or row.get("payment_state") == "reversed":
                continue  # not the record's document any more: a credit note reversed it, or it was cancelled
            if model == MOVE and row.get("move_type") != MOVE_TYPE[record_type]:
                continue
            found[marker].append(row)
        taken = self._taken(model, [row for rows in found.values() for row in rows])
        rest = []
        for item in items:
            rows = [row for row in found.get(item.record.id, []) if int(row["id"]) not in taken]
            if not rows:
                rest.append(item)
                continue
            marker = builders.record_label(item.record)
            odoo_id = self._decide(item, model, rows, f"odoosync's marker ({marker})", _marked_detail, taken=taken)
            if odoo_id is not None and record_type is RecordType.CONTACT:
                self.partners[item.record.id] = odoo_id
        return rest

    # -- contacts --

    def _contacts(self, items: Sequence[_Fresh]) -> None:
        contacts = [i.record for i in items if isinstance(i.record, Contact)]
        leaves: list[Any] = []
        vats = sorted({c.vat for c in contacts if c.vat} | {_vat(c.vat) for c in contacts if c.vat})
        if vats:
            leaves.append(("vat", "in", vats))
        leaves += [("email", "=ilike", c.email) for c in contacts if c.email]
        leaves += [("name", "=ilike", c.name) for c in contacts if c.phone or c.mobile]
        rows: list[dict[str, Any]] = []
        if leaves:
            domain: list[Any] = ["|"] * (len(leaves) - 1) + leaves
            fields = ["name", "vat", "email", "phone", "ref", "company_id"]
            if self.client.version.partner_has_mobile:
                fields.append("mobile")
            rows = [
                row
                for row in self.client.search_read(PARTNER, domain, fields, order="id", context=self.context)
                if int(row["id"]) not in self.company_partners
            ]
        taken = self._taken(PARTNER, rows)
        for item in items:
            assert isinstance(item.record, Contact)
            matched_on, found = partner_matches(item.record, rows)
            odoo_id = self._decide(item, PARTNER, found, matched_on, _partner_detail, taken=taken)
            if odoo_id is not None:
                self.partners[item.record.id] = odoo_id

    # -- transactions --

    def _transactions(self, record_type: RecordType, items: Sequence[_Fresh]) -> None:
        wanted = sorted({builders.contact_id_of(i.record) for i in items} - set(self.partners))
        if wanted:
            found = self.store.links.of_app_ids(self.odoo_database, RecordType.CONTACT, wanted)
            self.partners.update({app_id: link.odoo_id for app_id, link in found.items()})
        # A record whose contact is not in Odoo yet has nothing to adopt: odoosync makes both.
        known = [i for i in items if builders.contact_id_of(i.record) in self.partners]
        for item in items:
            if item not in known:
                self.queue.append((item.pk, item.version))
                self.report.by_type[record_type.value].queued += 1
        if not known:
            return
        partners = sorted({self.partners[builders.contact_id_of(i.record)] for i in known})
        days = sorted({_day(i.record) for i in known})
        model = MODEL_OF[record_type]
        if model == MOVE:
            domain: list[Any] = [
                ("move_type", "=", MOVE_TYPE[record_type]),
                ("partner_id", "in", partners),
                ("invoice_date", "in", days),
            ]
            fields = [
                "name",
                "partner_id",
                "invoice_date",
                "amount_total",
                "ref",
                "state",
                "company_id",
                "invoice_origin",
            ]
            if record_type is RecordType.RENT_PAYMENT:
                fields.append("payment_reference")
        else:
            domain = [("partner_id", "in", partners), ("date", "in", days)]
            fields = ["name", "partner_id", "date", "amount", "payment_type", "state", "company_id"]
        rows = self.client.search_read(model, domain, fields, order="id", context=self.context)
        taken = self._taken(model, rows)
        for item in known:
            record = item.record
            # A document another record's marker names is odoosync's (or linked to that record), not hand-made.
            hand_made = [r for r in rows if not r.get("invoice_origin") or r["invoice_origin"] == record.id]
            expected = self._expected(record)
            matches = document_matches(record, self.partners[builders.contact_id_of(record)], expected, hand_made)
            amount = "amount_total" if model == MOVE else "amount"
            self._decide(
                item,
                model,
                matches,
                "partner, date and amount",
                lambda r, amount=amount, day=("invoice_date" if model == MOVE else "date"): (
                    f"{r.get(day)} · {r.get(amount)} · {r.get('state')}"
                ),
                taken=taken,
            )

    def _expected(self, record: Record) -> Decimal:
        if isinstance(record, RentPayment):
            return record.amount_paid
        if isinstance(record, Deposit):
            return record.amount
        assert isinstance(record, Expense)
        lines = [ScaledLine("expense", line.amount, line.vat_rate, i) for i, line in enumerate(record.lines)]
        return total_of(lines, record.currency, per_line=self.rounds_per_line.get(self.default_company, True))


# --- a person decides --------------------------------------------------------------------------------------


def list_adoptions(config: Config, store: Store, *, every: bool = False) -> list[Adoption]:
    odoo_database = _database(config)
    return store.adoptions.list(odoo_database, states=() if every else (AdoptionState.PENDING,))


def accept(config: Config, store: Store, record_type: RecordType, record_id: str, odoo_id: int | None) -> Adoption:
    """Link the record to one of its candidates (the only one when there is just one)."""
    odoo_database = _database(config)
    adoption = _pending(store, odoo_database, record_type, record_id)
    ids = [c.odoo_id for c in adoption.candidates]
    if odoo_id is None:
        if len(ids) != 1:
            raise InvalidChoice(
                f"{_label(record_type, record_id)} has {len(ids)} candidates: say which",
                f"Run: odoosync adopt accept {record_type.value} {record_id} --odoo-id ID "
                f"(one of {', '.join(map(str, ids))}; see odoosync adopt list)",
            )
        odoo_id = ids[0]
    if odoo_id not in ids:
        raise InvalidChoice(
            f"{odoo_id} is not a candidate of {_label(record_type, record_id)}",
            f"Choose one of {', '.join(map(str, ids))} (odoosync adopt list), or odoosync adopt reject "
            f"{record_type.value} {record_id} to have odoosync make its own",
        )
    if store.links.taken(odoo_database, adoption.odoo_model, [odoo_id]):
        raise InvalidChoice(
            f"{adoption.odoo_model} {odoo_id} is linked to another record already",
            f"Choose another candidate, or odoosync adopt reject {record_type.value} {record_id}",
        )
    name = next(c.name for c in adoption.candidates if c.odoo_id == odoo_id)
    state = "active" if adoption.odoo_model == PARTNER else None
    link = Link(adoption.record_pk, adoption.odoo_model, odoo_id, name or None, None, state, adoption.record_version)
    store.adoptions.decide(odoo_database, adoption, link=link, queue_version=_newer(store, adoption))
    if adoption.record_type is RecordType.CONTACT:
        store.jobs.wake_waiting(datetime.now(UTC))  # its transactions waited for it: they go on at the next sync
    return _current(store, odoo_database, record_type, record_id)


def reject(config: Config, store: Store, record_type: RecordType, record_id: str) -> Adoption:
    """None of the candidates: odoosync makes its own (the record is queued)."""
    odoo_database = _database(config)
    adoption = _pending(store, odoo_database, record_type, record_id)
    stored = store.records.get(record_type, record_id)
    assert stored is not None
    store.adoptions.decide(odoo_database, adoption, link=None, queue_version=stored.version)
    return _current(store, odoo_database, record_type, record_id)


def _newer(store: Store, adoption: Adoption) -> int | None:
    """A version stored after the backfill matched it: queued, so that the adopted document is brought in line."""
    stored = store.records.get(adoption.record_type, adoption.record_id)
    return stored.version if stored is not None and stored.version > adoption.record_version else None


def _label(record_type: RecordType, record_id: str) -> str:
    return f"{record_type.value.replace('_', ' ')} {record_id}"


def _database(config: Config) -> str:
    endpoint = endpoint_of(config)
    return database_key(endpoint.url, endpoint.database)


def _pending(store: Store, odoo_database: str, record_type: RecordType, record_id: str) -> Adoption:
    adoption = store.adoptions.get(odoo_database, record_type, record_id)
    if adoption is None or adoption.state is not AdoptionState.PENDING:
        raise NotFound(
            f"{_label(record_type, record_id)} is not waiting for an adoption decision",
            "See the ones that are: odoosync adopt list",
        )
    return adoption


def _current(store: Store, odoo_database: str, record_type: RecordType, record_id: str) -> Adoption:
    adoption = store.adoptions.get(odoo_database, record_type, record_id)
    assert adoption is not None
    return adoption
