"""One batch: the claimed jobs' records, each type in dependency order (contacts first, as every transaction
needs its partner). Per type: the records withdrawn in the app are withdrawn from Odoo, the others built; then the
linked ones are updated and the new ones created."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from odoosync.domain.errors import OdoosyncError
from odoosync.domain.jobs import Job, JobResult, Outcome
from odoosync.domain.records import SYNC_ORDER, Contact, Record, RecordType, RentPayment, is_eligible, parse_record
from odoosync.domain.versions import UNREADABLE
from odoosync.odoo import errors
from odoosync.sync.build import builders
from odoosync.sync.build.builders import Document
from odoosync.sync.build.facts import with_places
from odoosync.sync.push.context import Item, PushContext
from odoosync.sync.push.create import create
from odoosync.sync.push.update import update
from odoosync.sync.push.withdraw import withdraw


def push_batch(push: PushContext, jobs: Sequence[Job]) -> list[JobResult]:
    push.results = {}
    records = push.store.records.get_many([job.record_pk for job in jobs])
    links = push.store.links.of_records(push.odoo_database, [job.record_pk for job in jobs])
    items: dict[RecordType, list[Item]] = defaultdict(list)
    for job in jobs:
        stored = records[job.record_pk]
        try:
            if UNREADABLE in stored.document:
                raise ValueError(f"it cannot be read ({stored.document[UNREADABLE]})")
            record = parse_record(stored.document)
        except ValueError as error:  # RecordInvalid too: stored before a rule odoosync keeps now
            push.results[job.pk] = JobResult(
                job,
                Outcome.FAILED,
                error=f"the stored copy of {job.record_type.value} {job.record_id} is not a valid record: "
                f"{error}\nIngest the record again from the app (a corrected version), then run: odoosync "
                "queue retry --failed",
                error_kind="input",
            )
            continue
        items[job.record_type].append(Item(job, record, stored.version, links.get(job.record_pk)))
    for record_type in SYNC_ORDER:
        group = items.get(record_type, [])
        if group:
            try:
                _push_type(push, record_type, group)
            except errors.AuthError:
                raise
            except errors.OdooError as error:
                # A call that concerned the whole group (a read, a search) failed: each job hears why, and
                # keeps what it already made in Odoo, so the next attempt does not make it again.
                for item in group:
                    if item.job.pk not in push.results:
                        push.error(item, error)
                        push.keep_link(item)
    return [push.results[job.pk] for job in jobs]


def _push_type(push: PushContext, record_type: RecordType, group: list[Item]) -> None:
    eligible = [i for i in group if is_eligible(record_type, {"status": getattr(i.record, "status", None)})]
    withdrawn = [i for i in group if i not in eligible]
    for item in withdrawn:
        if item.link is None:
            push.done(item, None)  # never synced, not to be synced now
    withdraw(push, [i for i in withdrawn if i.link is not None])
    if record_type is RecordType.CONTACT:
        _places(push, [i.record for i in eligible])
    else:
        _resolve_partners(push, eligible)
    ready: list[Item] = []
    for item in eligible:
        if item.job.pk in push.results:
            continue
        try:
            item.document = _build(push, item)
        except OdoosyncError as error:
            push.error(item, error)
            continue
        for warning in item.document.warnings:
            if warning == "arabic_inactive":
                push.warn(
                    warning,
                    "Arabic is not active in Odoo: contacts with lang ar get Odoo's default language. "
                    "Run: odoosync setup language ar",
                )
        ready.append(item)
    gone = update(push, [i for i in ready if i.link is not None])
    if gone:
        create(push, gone)
    create(push, [i for i in ready if i.link is None])


def _places(push: PushContext, contacts: Sequence[Record]) -> None:
    pairs = [
        (c.address.country, c.address.state)
        for c in contacts
        if isinstance(c, Contact) and c.address and c.address.country
    ]
    if pairs:
        push.facts = with_places(push.client, push.facts, [(str(a), b) for a, b in pairs])


def _resolve_partners(push: PushContext, items: Sequence[Item]) -> None:
    wanted = {builders.contact_id_of(item.record) for item in items} - set(push.partners)
    if wanted:
        found = push.store.links.of_app_ids(push.odoo_database, RecordType.CONTACT, sorted(wanted))
        push.partners.update({app_id: link.odoo_id for app_id, link in found.items()})


def _build(push: PushContext, item: Item) -> Document:
    if isinstance(item.record, RentPayment):
        item.expected_total = item.record.amount_paid
    return builders.build_document(item.record, push.partners.get, push.facts)
