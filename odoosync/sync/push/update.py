"""Updating the records synced before: a partner's changed fields are written; a draft invoice or bill gets its
header with its lines replaced; a posted one is never modified (reverse.py, on_posted_change); a posted payment
stays as it is. A document deleted in Odoo is made again: `update` returns those, for the caller to create."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from odoosync.odoo import errors
from odoosync.sync.build import builders
from odoosync.sync.build.documents import MODEL_OF, MOVE, PAID_STATES, PARTNER, PAYMENT, WHAT
from odoosync.sync.push.context import Item, PushContext
from odoosync.sync.push.post_and_pay import post_and_pay, post_payments
from odoosync.sync.push.reading import read_back, read_current
from odoosync.sync.push.reverse import posted_change


def update(push: PushContext, items: list[Item]) -> list[Item]:
    """Update the items in Odoo; returns those deleted there, to be created again."""
    if not items:
        return []
    by_model: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_model[MODEL_OF[item.job.record_type]].append(item)
    for model, group in by_model.items():
        fields = {
            PARTNER: None,
            MOVE: ["state", "name", "payment_state", "journal_id"],
            PAYMENT: ["state", "name"],
        }[model]
        current = read_current(push, model, group, fields)
        changed: list[Item] = []
        for item in group:
            assert item.link is not None
            assert item.document is not None
            row = current.get(item.link.odoo_id)
            if row is None:
                # Deleted in Odoo: made again, and the attempt says so.
                push.warn(
                    f"gone-{item.job.pk}",
                    f"the Odoo {WHAT[item.job.record_type]} of {item.label} was deleted in Odoo; "
                    "odoosync creates it again",
                )
                item.link = None
                continue
            try:
                if model == PARTNER:
                    values = builders.partner_changes(row, item.document.values)
                    if values:
                        push.client.write(PARTNER, [item.link.odoo_id], values)
                elif model == MOVE:
                    item.paid = row.get("payment_state") in PAID_STATES
                    if row.get("state") == "posted" and item.link.synced_version == item.version:
                        # Unchanged since odoosync made it: a step of auto-post is left (pay it), or none.
                        item.link = replace(item.link, odoo_state="posted")
                    elif not _writable(push, item, row):
                        continue
                    else:
                        push.client.write(
                            MOVE,
                            [item.link.odoo_id],
                            item.document.update_values(),
                            context=push.in_company(item.document.company_id),
                        )
                        item.link = replace(item.link, odoo_state="draft")
                elif not _payment_in_line(push, item, row):
                    continue
            except errors.AuthError:
                raise
            except errors.OdooError as error:
                push.error(item, error)
                continue
            item.link = replace(item.link, synced_version=item.version)
            changed.append(item)
        if model == PAYMENT:
            changed = post_payments(push, changed)
        elif model == MOVE:
            changed = post_and_pay(push, changed)
        read_back(push, model, changed)
    # Those deleted in Odoo go back to being created.
    return [i for i in items if i.link is None and i.job.pk not in push.results]


def _writable(push: PushContext, item: Item, row: Mapping[str, Any]) -> bool:
    """A draft may be written; a posted document is handled by on_posted_change; a cancelled one fails."""
    state = row.get("state")
    if state == "draft":
        return True
    if state == "posted":
        posted_change(push, item, row, withdrawn=False)
        return False
    name = row.get("name") or f"#{row['id']}"
    push.fail(
        item,
        f"{item.record.id} changed, but its {WHAT[item.job.record_type]} {name} was cancelled in Odoo.\n"
        f"Reset {name} to draft in Odoo, then run: odoosync queue retry --failed",
        "cancelled",
    )
    return False


def _payment_in_line(push: PushContext, item: Item, row: Mapping[str, Any]) -> bool:
    """A posted payment stays as it is: fine when the deposit still says the same, a failure otherwise."""
    state = row.get("state")
    if state == "draft":
        assert item.link is not None
        assert item.document is not None
        push.client.write(PAYMENT, [item.link.odoo_id], item.document.values, context=push.in_all_companies())
        item.link = replace(item.link, odoo_state="draft")
        return True
    assert item.link is not None
    if item.link.synced_version == item.version:
        item.link = replace(item.link, odoo_state=str(state))
        return True
    push.fail(
        item,
        f"{item.record.id} changed after payment {row.get('name')} was posted; odoosync does not modify "
        "posted payments.\nCorrect the payment in Odoo, or record the change in the app as a new deposit",
        "posted",
    )
    return False
