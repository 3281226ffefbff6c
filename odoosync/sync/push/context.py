"""What the steps of a push share: the run's client, store, config and Odoo facts, what the run learns on the way
(the partners it made, its warnings), and the batch's outcomes as the steps decide them: done, failed, retry.

Each step (create, post and pay, update, reverse, withdraw) is a function of this context and the batch's items,
so that it reads, and can be tested, on its own."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from odoosync.config import Config
from odoosync.domain.errors import OdoosyncError
from odoosync.domain.jobs import Job, JobResult, Outcome
from odoosync.domain.links import Link
from odoosync.domain.records import Contact, Record
from odoosync.odoo import errors
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.build import builders
from odoosync.sync.build.builders import Document, MissingSetup, OdooFacts, WaitingFor
from odoosync.sync.build.documents import WHAT

log = logging.getLogger("odoosync.sync")


@dataclass
class Item:
    """One job in a batch: its record, what it becomes in Odoo, and where it stands."""

    job: Job
    record: Record
    version: int
    link: Link | None
    document: Document | None = None
    expected_total: Decimal | None = None
    paid: bool = False  # its invoice is paid (or in payment) in Odoo
    # A posted credit note whose open amount pays the new invoice: the reversed one had been paid, and that
    # money was received once.
    settle_with: int | None = None
    extra_links: list[Link] = field(default_factory=list)  # the payment registered for it, a credit note…

    @property
    def currency(self) -> str:
        return str(getattr(self.record, "currency", "SAR"))  # a contact has none

    @property
    def label(self) -> str:
        return builders.record_label(self.record)


class PushContext:
    """One run's push: created once per run, its outcomes (`results`) started afresh for each batch."""

    def __init__(self, client: OdooClient, store: Store, config: Config, facts: OdooFacts, odoo_database: str):
        self.client = client
        self.store = store
        self.config = config
        self.facts = facts
        self.odoo_database = odoo_database
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self.partners: dict[str, int] = {}  # contact id → partner id, learnt in this run
        self.results: dict[int, JobResult] = {}

    # -- outcomes --

    def done(self, item: Item, link: Link | None) -> None:
        if link is not None and isinstance(item.record, Contact):
            self.partners[item.record.id] = link.odoo_id  # the same batch's transactions use it
        self.results[item.job.pk] = JobResult(
            item.job, Outcome.DONE, links=((link,) if link else ()) + tuple(item.extra_links)
        )

    def fail(self, item: Item, message: str, kind: str, link: Link | None = None) -> None:
        self.results[item.job.pk] = JobResult(
            item.job, Outcome.FAILED, error=message, error_kind=kind, links=(link,) if link else ()
        )

    def retry(self, item: Item, error: OdoosyncError, kind: str, *, search_first: bool = False) -> None:
        worker = self.config.worker
        attempts = item.job.attempts
        if kind != "waiting" and attempts >= worker.max_attempts:
            # Attempts cut short by a dead worker are not Odoo's failures: they do not count towards the cap.
            attempts -= sum(1 for a in self.store.jobs.attempts(item.job.pk) if a.outcome == "interrupted")
        if kind != "waiting" and attempts >= worker.max_attempts:
            self.fail(
                item,
                f"gave up after {attempts} attempts: {error.reason}\n"
                "Check that Odoo is reachable and not overloaded, then run: odoosync queue retry --failed",
                "gave_up",
            )
            return
        delay = min(worker.backoff_base_seconds * 2 ** max(attempts - 1, 0), worker.backoff_max_seconds)
        self.results[item.job.pk] = JobResult(
            item.job,
            Outcome.RETRY,
            error=str(error),
            error_kind=kind,
            retry_at=datetime.now(UTC) + timedelta(seconds=delay),
            search_first=search_first or item.job.search_first,
        )

    def error(self, item: Item, error: OdoosyncError) -> None:
        """Sort an error into retry later, wait, or fail (with what to do)."""
        if isinstance(error, errors.AuthError):
            raise error  # the key, not the record: stop the run
        if isinstance(error, WaitingFor):
            self.retry(item, error, "waiting")
        elif isinstance(error, MissingSetup):
            self.fail(item, str(error), "setup")
        elif isinstance(error, errors.OutcomeUnknown):
            self.retry(item, error, "transient", search_first=True)
        elif isinstance(error, errors.TransientError):
            self.retry(item, error, "transient")
        elif isinstance(error, errors.OdooError):
            what = WHAT[item.job.record_type]
            self.fail(
                item,
                f"Odoo refused the {what} of {item.label}: {error.reason}\n"
                + (
                    error.instruction
                    or "Correct the record in the app (or the setting in Odoo it names), then "
                    "run: odoosync queue retry --failed"
                ),
                "odoo",
            )
        else:
            self.fail(item, str(error), "error")

    def warn(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(message)
            log.info(message)

    def keep_link(self, item: Item) -> None:
        """A failed job still remembers what it made in Odoo: the next attempt continues from there."""
        if item.link is not None:
            links = (item.link, *item.extra_links)
            self.results[item.job.pk] = replace(self.results[item.job.pk], links=links)

    def in_parts(self, items: list[Item], call: Callable[[list[Item]], None], step: str) -> list[Item]:
        """Do `call` for the items together; when Odoo refuses, split them until the one it refuses is alone: that
        one fails, keeping what it already made in Odoo, the others go on. Returns the items it worked for."""
        if not items:
            return []
        try:
            call(items)
        except errors.AuthError:
            raise
        except (errors.TransientError, errors.OutcomeUnknown) as error:
            for item in items:
                self.error(item, error)
                self.keep_link(item)
            return []
        except errors.OdooError as error:
            if len(items) == 1:
                self.step_failed(items[0], step, error)
                return []
            middle = len(items) // 2
            return self.in_parts(items[:middle], call, step) + self.in_parts(items[middle:], call, step)
        return items

    def step_failed(self, item: Item, step: str, error: OdoosyncError) -> None:
        """A step after the create failed: the reason, how far the document got, and what to do."""
        what = WHAT[item.job.record_type]
        link = item.link
        reached = "not in Odoo yet"
        if link is not None and not link.odoo_name:
            # A number is given when posting: say it, so the person finds the document (a read, rarely needed).
            with contextlib.suppress(errors.OdooError):
                [row] = self.client.read(link.odoo_model, [link.odoo_id], ["name"], context=self.in_all_companies())
                if row.get("name") and row["name"] != "/":
                    link = item.link = replace(link, odoo_name=str(row["name"]))
        if link is not None:
            name = link.odoo_name or f"id {link.odoo_id}"
            reached = f"it is in Odoo as {name}, {'posted' if link.odoo_state == 'posted' else 'a draft'}"
        refused = f"cannot {step}" if isinstance(error, MissingSetup) else f"Odoo refused to {step}"
        self.fail(
            item,
            f"{refused} the {what} of {item.label} ({reached}): {error.reason}\n"
            + (
                error.instruction
                or "Fix what Odoo names, then run: odoosync queue retry --failed "
                "(the next attempt goes on from where this one stopped)"
            ),
            "odoo",
        )
        self.keep_link(item)

    # -- the Odoo context of a call --

    def in_company(self, company: int) -> dict[str, Any]:
        return {"allowed_company_ids": [company]} if company else {}

    def in_all_companies(self) -> dict[str, Any]:
        return {"allowed_company_ids": sorted(self.facts.companies)}
