"""How a stored reference (a default's code, id or name) picks its Odoo object: in the order `defaults set`
resolved it, so that a second object sharing the name does not make it ambiguous."""

from __future__ import annotations

from odoosync.sync.build.facts import matching_rows

RENT = {"id": 1, "name": "Rent", "default_code": "RENT"}
ANOTHER_RENT = {"id": 2, "name": "Rent", "default_code": "RENT-2"}


def test_the_code_wins_over_a_shared_name() -> None:
    assert matching_rows([RENT, ANOTHER_RENT], "RENT", "default_code") == [RENT]


def test_an_id_names_one_object() -> None:
    assert matching_rows([RENT, ANOTHER_RENT], "2", "default_code") == [ANOTHER_RENT]


def test_a_name_alone_shared_by_two_is_ambiguous() -> None:
    assert matching_rows([RENT, ANOTHER_RENT], "rent", "default_code") == [RENT, ANOTHER_RENT]


def test_nothing_matches() -> None:
    assert matching_rows([RENT], "Lease", "default_code") == []
