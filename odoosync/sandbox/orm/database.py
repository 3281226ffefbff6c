"""All tables of one Odoo database, and the transaction every RPC call runs in.

Records are dicts in per-model tables. Every RPC call runs as one transaction (`Database.transaction`): changes
go through `insert`/`update`/`delete`, which keep an undo log, and any error rolls the whole call back, as a
PostgreSQL transaction does in Odoo (odoo/service/model.py runs each call in one cursor). Ids are not given back
on rollback, as PostgreSQL sequences are not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from odoosync.sandbox.orm.model import Model

Row = dict[str, Any]


class Database:
    """All tables of one Odoo database, one lock, the undo log of the call in progress, and the indexes that
    keep lookups by a parent (lines of a move) from scanning whole tables as the database grows."""

    # (model, field) pairs looked up by equality on hot paths.
    INDEXED: ClassVar[tuple[tuple[str, str], ...]] = (
        ("account.move.line", "move_id"),
        ("account.move", "reversed_entry_id"),
        ("account.move", "name"),
        ("account.payment.method.line", "journal_id"),
        ("_sequence", "prefix"),
    )

    def __init__(self, name: str, version: int) -> None:
        self.name = name
        self.version = version
        self.tables: dict[str, dict[int, Row]] = {}
        self.next_id: dict[str, int] = {}
        self.lock = threading.RLock()
        self._undo: list[Callable[[], None]] | None = None
        self.registry: dict[str, type[Model]] = {}
        self.indexes: dict[str, dict[str, dict[Any, set[int]]]] = {}
        for model, field in self.INDEXED:
            self.indexes.setdefault(model, {})[field] = {}
        # The per-company default of company-dependent fields, (model, field, company) → stored value: what a
        # chart of accounts sets as an ir.property without a record (up to 17) or an ir.default of the company
        # (from 18). Set by the seed; not exposed (the sandbox has neither model).
        self.company_defaults: dict[tuple[str, str, int], Any] = {}

    def table(self, model: str) -> dict[int, Row]:
        return self.tables.setdefault(model, {})

    def lookup(self, model: str, field: str, value: Any) -> set[int]:
        """Ids of the rows whose indexed `field` equals `value`."""
        return self.indexes[model][field].get(value, set())

    def children(self, model: str, field: str, parent_ids: Iterable[int]) -> list[Row]:
        """The rows of `model` whose indexed `field` points at one of `parent_ids`, in id order."""
        table = self.table(model)
        ids: set[int] = set()
        for parent in parent_ids:
            ids |= self.lookup(model, field, parent)
        return [table[i] for i in sorted(ids)]

    def next_number(self, prefix: str) -> int:
        """The next number of a gap-less sequence; kept in a table so that a rolled-back call gives it back."""
        found = self.lookup("_sequence", "prefix", prefix)
        if found:
            row = self.table("_sequence")[next(iter(found))]
            self.update("_sequence", row["id"], {"number": row["number"] + 1})
            return int(row["number"])
        self.insert("_sequence", {"prefix": prefix, "number": 1})
        return 1

    def sequence_used(self, prefix: str) -> bool:
        return bool(self.lookup("_sequence", "prefix", prefix))

    def is_indexed(self, model: str, field: str) -> bool:
        return field in self.indexes.get(model, {})

    def _index(self, model: str, row: Row, *, add: bool) -> None:
        for field, index in self.indexes.get(model, {}).items():
            value = row.get(field)
            if value is None:
                continue
            if add:
                index.setdefault(value, set()).add(row["id"])
            else:
                index.get(value, set()).discard(row["id"])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            if self._undo is not None:  # nested: part of the outer call
                yield
                return
            self._undo = []
            try:
                yield
            except BaseException:
                for undo in reversed(self._undo):
                    undo()
                raise
            finally:
                self._undo = None

    def insert(self, model: str, row: Row) -> int:
        table = self.table(model)
        new_id = self.next_id.get(model, 1)
        self.next_id[model] = new_id + 1
        row["id"] = new_id
        table[new_id] = row
        self._index(model, row, add=True)
        if self._undo is not None:
            self._undo.append(lambda: self._forget(model, new_id))
        return new_id

    def _forget(self, model: str, record_id: int) -> None:
        row = self.table(model).pop(record_id, None)
        if row is not None:
            self._index(model, row, add=False)

    def _restore(self, model: str, row: Row) -> None:
        self.table(model)[row["id"]] = row
        self._index(model, row, add=True)

    def update(self, model: str, record_id: int, changes: Row) -> None:
        row = self.table(model)[record_id]
        if self._undo is not None:
            before = {key: row[key] for key in changes if key in row}
            absent = [key for key in changes if key not in row]

            def undo() -> None:
                self._index(model, row, add=False)
                row.update(before)
                for key in absent:
                    row.pop(key, None)
                self._index(model, row, add=True)

            self._undo.append(undo)
        self._index(model, row, add=False)
        row.update(changes)
        self._index(model, row, add=True)

    def delete(self, model: str, record_id: int) -> None:
        row = self.table(model).pop(record_id)
        self._index(model, row, add=False)
        if self._undo is not None:
            self._undo.append(lambda: self._restore(model, row))
