"""The demo: the whole product in one run, against the bundled Odoo sandbox, in a folder of its own.

Starts the sandbox on a free loopback port, connects to it, ingests the sample portfolio, applies the Setup
Assistant's plan, creates the Rent product, enables syncing with a backfill, syncs, ingests the edits and syncs
again, then reads back what Odoo holds. Nothing of the person's own configuration or database is touched: the
demo's config, key file and SQLite database live in `workdir`, and no environment variable is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from odoosync.config import Config, load_config, save_config_values
from odoosync.domain.records import SYNCING_STATUS, RecordType, is_eligible
from odoosync.sandbox import Sandbox
from odoosync.store import Store
from odoosync.sync.checks.queue import queue_summary
from odoosync.sync.checks.status import RecordStatus, record_status
from odoosync.sync.ingest.records import ingest_files
from odoosync.sync.ingest.switch import enable, odoo_database_of
from odoosync.sync.push.drain import SyncReport, run_sync
from odoosync.sync.setup.arabic_and_rent import activate_arabic, setup_rent_product
from odoosync.sync.setup.assistant import apply_plan, read_plan, suggest, write_plan
from odoosync.sync.setup.connection import KeySource, connect, open_client

# The demo's own variable for the key: an ODOOSYNC_API_KEY of the person's real Odoo must not leak in.
DEMO_KEY_VARIABLE = "ODOOSYNC_DEMO_API_KEY"
BACKFILL_SINCE = date(2025, 1, 1)
CHIPS = (
    (RecordType.RENT_PAYMENT, "RP-2026-0001"),
    (RecordType.RENT_PAYMENT, "RP-2026-0003"),
    (RecordType.EXPENSE, "EX-302"),
    (RecordType.CONTACT, "C-1012"),
)
SHOWN = 6  # documents of each kind listed


def sample(name: str) -> Path:
    """A sample file shipped with odoosync (the portfolio, its edits, the bad lines)."""
    return Path(str(resources.files("odoosync") / "samples" / name))


@dataclass
class OdooListing:
    """What Odoo holds after the demo, the way Odoo lists it: the first few of each, and how many."""

    invoices: list[dict[str, Any]] = field(default_factory=list)
    bills: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    partners: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "invoices": self.invoices,
            "bills": self.bills,
            "payments": self.payments,
            "partners": self.partners,
            "counts": self.counts,
        }


@dataclass
class DemoReport:
    workdir: Path
    config_path: Path
    odoo_url: str
    odoo_version: int
    first_sync: SyncReport
    second_sync: SyncReport
    queue: dict[str, dict[str, int]]
    chips: list[RecordStatus]
    odoo: OdooListing
    # What the first sync left out by the records' status in the app: record type → status → records.
    not_eligible: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "workdir": str(self.workdir),
            "config": str(self.config_path),
            "odoo": {"url": self.odoo_url, "version": self.odoo_version},
            "first_sync": self.first_sync.as_dict(),
            "not_eligible": self.not_eligible,
            "second_sync": self.second_sync.as_dict(),
            "queue": self.queue,
            "chips": [chip.as_dict() for chip in self.chips],
            "odoo_records": self.odoo.as_dict(),
        }


Step = Callable[[str], None]


def run_demo(workdir: Path, sandbox: Sandbox, *, step: Step | None = None) -> DemoReport:
    """Run the demo against a started sandbox; `step` hears each step as it begins."""
    say = step or (lambda _text: None)
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "config.toml"
    save_config_values(
        config_path,
        {"database.url": f"sqlite:///{workdir / 'odoosync.db'}", "odoo.api_key_env": DEMO_KEY_VARIABLE},
    )
    say(f"connect to the Odoo {sandbox.version} sandbox at {sandbox.url}")
    connect(
        _config(config_path),
        url=sandbox.url,
        database=sandbox.database,
        login=sandbox.login,
        key=KeySource(typed=sandbox.api_key),
        env={},
    )
    config = _config(config_path)
    with Store.open(config.database_url) as store:
        say("ingest the sample portfolio (21 contacts, 48 rent payments, 24 expenses, 9 deposits)")
        ingest_files(store, [sample("portfolio.ndjson")])
        say("apply the Setup Assistant's plan: categories, payment methods, VAT rates")
        plan = workdir / "plan.toml"
        write_plan(plan, suggest(config, store, create_missing_accounts=True))
        apply_plan(config, store, read_plan(plan).entries)
        say("install Arabic in Odoo and create the Rent product")
        activate_arabic(config)
        setup_rent_product(config, store, create=True)
        config = _config(config_path)
        say(f"enable syncing with a backfill since {BACKFILL_SINCE}")
        enable(store, backfill_since=BACKFILL_SINCE, odoo_database=odoo_database_of(config))
        say("sync")
        first = run_sync(config, store, env={})
        not_eligible = _not_eligible(store)
        say("ingest the edits (an email, a payment reference, a voided expense, an archived contact) and sync")
        ingest_files(store, [sample("edits.ndjson")])
        second = run_sync(config, store, env={})
        queue = queue_summary(store)
        chips = [record_status(store, config, record_type, record_id) for record_type, record_id in CHIPS]
    return DemoReport(
        workdir=workdir,
        config_path=config_path,
        odoo_url=sandbox.url,
        odoo_version=sandbox.version,
        first_sync=first,
        second_sync=second,
        queue=queue,
        chips=chips,
        odoo=_listing(config),
        not_eligible=not_eligible,
    )


def _not_eligible(store: Store) -> dict[str, dict[str, int]]:
    """The stored records that stay out of Odoo by their status in the app (a payment pending, an expense
    submitted…), counted by type and status: the demo's ingest counts them, its sync does not."""
    found: dict[str, dict[str, int]] = {}
    for record_type in SYNCING_STATUS:
        for stored in store.records.stream(record_type):
            if not is_eligible(record_type, stored.document):
                statuses = found.setdefault(record_type.value, {})
                status = str(stored.document.get("status"))
                statuses[status] = statuses.get(status, 0) + 1
    return found


def _config(path: Path) -> Config:
    return load_config(path, env={})


def _listing(config: Config) -> OdooListing:
    listing = OdooListing()
    with open_client(config, env={}) as client:
        memo = client.version.payment_memo
        for kind, move_type in (("invoices", "out_invoice"), ("bills", "in_invoice")):
            domain = [("move_type", "=", move_type)]
            rows = client.search_read(
                "account.move",
                domain,
                ["name", "partner_id", "invoice_date", "amount_total", "state", "invoice_origin"],
                limit=SHOWN,
                order="id",
            )
            setattr(listing, kind, [_plain(row) for row in rows])
            listing.counts[kind] = int(client.call("account.move", "search_count", domain=domain))
        rows = client.search_read(
            "account.payment", [], ["name", "partner_id", "date", "amount", "state", memo], limit=SHOWN, order="id"
        )
        listing.payments = [_plain(row) | {"memo": row.get(memo)} for row in rows]
        listing.counts["payments"] = int(client.call("account.payment", "search_count", domain=[]))
        partners = [("ref", "!=", False)]
        rows = client.search_read(
            "res.partner",
            partners,
            ["name", "ref", "lang", "active"],
            limit=SHOWN,
            order="id",
            context={"active_test": False},
        )
        listing.partners = [_plain(row) for row in rows]
        listing.counts["partners"] = int(
            client.call("res.partner", "search_count", domain=partners, context={"active_test": False})
        )
    return listing


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A many2one as its display name, False as None: what a person reads."""
    return {
        key: (value[1] if isinstance(value, list) and len(value) == 2 else (None if value is False else value))
        for key, value in row.items()
    }
