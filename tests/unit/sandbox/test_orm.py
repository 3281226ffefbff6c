"""The sandbox's storage: one transaction per call, indexes and sequences that follow rollbacks."""

from __future__ import annotations

import pytest

from odoosync.sandbox.orm.database import Database
from odoosync.sandbox.orm.domains import compare, evaluate


def test_a_rolled_back_call_leaves_rows_indexes_and_sequences_as_they_were() -> None:
    db = Database("t", 17)
    with db.transaction():
        kept = db.insert("account.move.line", {"move_id": 1, "name": "kept"})
        assert db.next_number("INV/2026/") == 1

    def failing_call() -> None:
        with db.transaction():
            db.insert("account.move.line", {"move_id": 1, "name": "dropped"})
            db.update("account.move.line", kept, {"move_id": 2})
            assert db.next_number("INV/2026/") == 2
            db.delete("account.move.line", kept)
            raise RuntimeError("the call fails")

    with pytest.raises(RuntimeError):
        failing_call()
    assert [row["name"] for row in db.children("account.move.line", "move_id", [1])] == ["kept"]
    assert db.children("account.move.line", "move_id", [2]) == []
    with db.transaction():
        assert db.next_number("INV/2026/") == 2  # gap-less: the failed call's number is given back


def test_an_update_moves_a_row_between_index_entries() -> None:
    db = Database("t", 17)
    with db.transaction():
        line = db.insert("account.move.line", {"move_id": 1})
        db.update("account.move.line", line, {"move_id": 3})
    assert db.children("account.move.line", "move_id", [1]) == []
    assert [row["id"] for row in db.children("account.move.line", "move_id", [3])] == [line]


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ([], True),
        ([("a", "=", 1)], True),
        ([("a", "=", 1), ("b", "=", 9)], False),  # side by side: an implicit '&'
        (["|", ("a", "=", 2), ("b", "=", 2)], True),
        (["!", ("a", "=", 1)], False),
        (["&", "|", ("a", "=", 2), ("b", "=", 2), ("a", "=", 1)], True),
    ],
)
def test_domains_in_prefix_notation(domain: list[object], expected: bool) -> None:
    row = {"a": 1, "b": 2}
    assert evaluate(domain, lambda leaf: compare(row[leaf[0]], leaf[1], leaf[2], None)) is expected


@pytest.mark.parametrize(
    ("actual", "operator", "value", "expected"),
    [
        (None, "=", False, True),
        ("x", "!=", False, True),
        ((1, 2), "in", [2], True),
        ((1, 2), "=", 3, False),
        ("Olaya Tower", "ilike", "olaya", True),
        ("Olaya Tower", "=like", "Olaya%", True),
        ("Olaya Tower", "=like", "olaya%", False),
        ("Olaya Tower", "not ilike", "tower", False),
        (None, "<", 3, False),
        (None, "in", [False, 1], True),
    ],
)
def test_comparisons(actual: object, operator: str, value: object, expected: bool) -> None:
    assert compare(actual, operator, value, None) is expected
