"""Creating: the records never synced, per Odoo model and company, in one `create` call with the list of
values. A call refused because of one record is split in halves until that record is alone: it fails with Odoo's
reason, the others go on. A create whose outcome is unknown (a timeout after sending, or a worker killed: its lease
expired) is followed by a search for the records' markers; what is found is linked, never created twice
(design.md, Idempotency). Then invoices and bills are posted and paid, payments posted, and the group read back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from odoosync.domain.links import REVERSED, Link
from odoosync.domain.records import Deposit
from odoosync.odoo import errors
from odoosync.sync.build import builders
from odoosync.sync.build.documents import MODEL_OF, MOVE, MOVE_TYPE, PAYMENT
from odoosync.sync.build.markers import search_markers
from odoosync.sync.push.context import Item, PushContext
from odoosync.sync.push.post_and_pay import post_and_pay, post_payments
from odoosync.sync.push.reading import read_back
from odoosync.sync.push.update import update


def create(push: PushContext, items: list[Item]) -> None:
    if not items:
        return
    searching = [i for i in items if i.job.search_first]
    if searching:
        found = _find(push, searching)
        for item in searching:
            if item.job.pk in found:
                item.link = _link(item, found[item.job.pk])
        gone = update(push, [i for i in searching if i.link is not None])
        if gone:
            create(push, gone)
    groups: dict[tuple[str, int], list[Item]] = defaultdict(list)
    for item in items:
        if item.link is None and item.job.pk not in push.results:
            assert item.document is not None
            groups[(item.document.model, item.document.company_id)].append(item)
    for (model, company), group in groups.items():
        created = _create_group(push, model, company, group)
        if model == PAYMENT:
            created = post_payments(push, created)
        elif model == MOVE:
            created = post_and_pay(push, created)
        read_back(push, model, created)


def _create_group(push: PushContext, model: str, company: int, items: list[Item], retried: bool = False) -> list[Item]:
    """Create the group in one call; split it to isolate a record Odoo refuses. Returns the items created."""
    try:
        ids = push.client.create(
            model,
            [i.document.create_values() for i in items if i.document is not None],
            context=push.in_company(company),
        )
    except errors.AuthError:
        raise
    except errors.OutcomeUnknown as error:
        # Odoo may have created them: look before creating again.
        try:
            found = _find(push, items)
        except errors.AuthError:
            raise
        except errors.OdooError as failure:
            for item in items:
                push.retry(item, failure, "transient", search_first=True)
            return []
        done = []
        for item in items:
            if item.job.pk in found:
                item.link = _link(item, found[item.job.pk])
                done.append(item)
        rest = [i for i in items if i.link is None]
        if rest and not retried:
            return done + _create_group(push, model, company, rest, retried=True)
        for item in rest:
            push.error(item, error)
        return done
    except errors.TransientError as error:
        for item in items:
            push.error(item, error)
        return []
    except errors.OdooError as error:
        if len(items) == 1:
            push.error(items[0], error)
            return []
        middle = len(items) // 2
        return _create_group(push, model, company, items[:middle]) + _create_group(push, model, company, items[middle:])
    for item, odoo_id in zip(items, ids, strict=True):
        item.link = _link(item, odoo_id)
    return items


def _find(push: PushContext, items: Sequence[Item]) -> dict[int, int]:
    """Search Odoo for the markers of these items: job pk → the Odoo id that carries its marker."""
    found: dict[int, int] = {}
    by_model: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_model[MODEL_OF[item.job.record_type]].append(item)
    for model, group in by_model.items():
        markers = {item.record.id: item for item in group}
        memos = {i.record.id: builders.payment_memo(i.record) for i in group if isinstance(i.record, Deposit)}
        rows = search_markers(push.client, model, sorted(markers), context=push.in_all_companies(), memos=memos)
        hits = [(marker, int(row["id"])) for marker, row in rows]
        if model == MOVE:
            # A document a credit note reversed keeps its marker: it is not the record's document any more.
            reversed_ids = {link.odoo_id for i in group for link in i.extra_links if link.role == REVERSED} | {
                link.odoo_id
                for link in push.store.links.of_records(
                    push.odoo_database, [i.job.record_pk for i in group], role=REVERSED
                ).values()
            }
            hits = [
                (marker, int(row["id"]))
                for marker, row in rows
                if row["move_type"] == MOVE_TYPE[markers[marker].job.record_type] and int(row["id"]) not in reversed_ids
            ]
        taken = set(found.values())
        for marker, odoo_id in hits:
            # The first one made, should there be two; and never one Odoo record for two records.
            if markers[marker].job.pk not in found and odoo_id not in taken:
                found[markers[marker].job.pk] = odoo_id
                taken.add(odoo_id)
    return found


def _link(item: Item, odoo_id: int, state: str | None = None, name: str | None = None) -> Link:
    return Link(
        record_pk=item.job.record_pk,
        odoo_model=MODEL_OF[item.job.record_type],
        odoo_id=odoo_id,
        odoo_name=name,
        company_id=item.document.company_id if item.document and item.document.company_id else None,
        odoo_state=state,
        synced_version=item.version,
    )
