"""The engine's steps one at a time, over a `PushContext` whose client answers from a table: no sandbox, no store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from odoosync.config import Config
from odoosync.domain.jobs import Job, JobState
from odoosync.domain.links import Link
from odoosync.domain.records import RecordType, parse_record
from odoosync.odoo.client import OdooClient
from odoosync.odoo.versions import OdooVersion
from odoosync.store import Store
from odoosync.sync.build.builders import Company, Document, OdooFacts
from odoosync.sync.build.documents import MOVE
from odoosync.sync.push.context import Item, PushContext
from odoosync.sync.push.update import update
from odoosync.sync.push.withdraw import withdraw

FACTS = OdooFacts(
    version=OdooVersion(17, "17.0"),
    separation="off",
    default_company=1,
    companies={1: Company(1, "Saudi Test Co", "SAR", True, 5)},
    language="en",
    arabic_active=True,
    rent_product=7,
    currencies={"SAR": 148},
    countries={},
    states={},
    mappings={},
)
NOW = datetime(2026, 3, 3, tzinfo=UTC)


class TableClient:
    """Answers `search_read` from its rows by id, and notes every method called on a button."""

    def __init__(self, rows: dict[int, dict[str, Any]]):
        self.rows = rows
        self.buttons: list[tuple[str, str, list[int]]] = []

    def search_read(self, model: str, domain: list[Any], fields: list[str], **_: Any) -> list[dict[str, Any]]:
        [(_field, _in, ids)] = domain
        return [{"id": i, **self.rows[i]} for i in ids if i in self.rows]

    def call(self, model: str, method: str, ids: list[int], **_: Any) -> Any:
        self.buttons.append((model, method, ids))
        for i in ids:
            self.rows[i]["state"] = "cancel"
        return True


def push_over(client: TableClient) -> PushContext:
    # The steps below read neither the store nor the config's connection: nothing stands behind them.
    config = Config(path=Path("none"), exists=False)
    return PushContext(cast(OdooClient, client), cast(Store, None), config, FACTS, "db")


def rent_payment(pk: int, status: str, odoo_id: int) -> Item:
    record = parse_record(
        {
            "type": "rent_payment",
            "id": f"RP-{pk}",
            "status": status,
            "tenant_id": "C-1001",
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "charges": [{"kind": "rent", "amount": "5000.00", "vat_rate": "exempt"}],
            "amount_paid": "5000.00",
            "paid_on": "2026-03-03",
            "method": "bank_transfer",
        }
    )
    job = Job(pk, pk, RecordType.RENT_PAYMENT, f"RP-{pk}", 2, JobState.RUNNING, 1, NOW, None, None, NOW, NOW)
    link = Link(pk, MOVE, odoo_id, None, 1, "draft", 1)
    return Item(job, record, 2, link)


def test_withdraw_cancels_the_drafts_in_one_call_and_takes_odoo_s_word_for_the_others() -> None:
    client = TableClient({501: {"state": "draft"}, 502: {"state": "draft"}, 503: {"state": "cancel"}})
    push = push_over(client)
    items = [rent_payment(1, "void", 501), rent_payment(2, "void", 502), rent_payment(3, "void", 503)]
    items.append(rent_payment(4, "void", 504))  # deleted in Odoo

    withdraw(push, items)

    assert client.buttons == [(MOVE, "button_cancel", [501, 502])]
    states = {pk: (result.links[0].odoo_state, result.links[0].synced_version) for pk, result in push.results.items()}
    assert states == {1: ("cancel", 2), 2: ("cancel", 2), 3: ("cancel", 1), 4: ("deleted", 1)}


def test_update_gives_back_what_was_deleted_in_odoo_for_the_caller_to_create() -> None:
    push = push_over(TableClient({}))
    item = rent_payment(1, "approved", 501)
    item.document = Document(MOVE, 1, {"partner_id": 9}, "RP-1")

    gone = update(push, [item])

    assert gone == [item]
    assert item.link is None
    assert push.results == {}
    assert push.warnings == ["the Odoo invoice of rent payment RP-1 was deleted in Odoo; odoosync creates it again"]
