"""A payment's memo is given to the deposit it belongs to exactly, whatever the deposit ids contain."""

from __future__ import annotations

from odoosync.sync.build.markers import memo_markers


def test_a_memo_belongs_to_the_deposit_whose_memo_it_is_not_to_a_shorter_id_it_starts_with() -> None:
    markers = ["DP-7", "DP-7 · A"]
    memos = {"DP-7": "DP-7 · March", "DP-7 · A": "DP-7 · A · March"}
    assert memo_markers("DP-7 · March", markers, memos) == ["DP-7"]
    assert memo_markers("DP-7 · A · March", markers, memos) == ["DP-7 · A"]
    # Searched alone, DP-7 does not take DP-7 · A's payment, nor DP-7 · A DP-7's.
    assert memo_markers("DP-7 · A · March", ["DP-7"], {"DP-7": "DP-7 · March"}) == []
    assert memo_markers("DP-7 · March", ["DP-7 · A"], {"DP-7 · A": "DP-7 · A · March"}) == []


def test_two_deposits_whose_memos_are_the_same_both_get_a_chance() -> None:
    """DP-7 with reference "A" and DP-7 · A without one: one memo, two payments; the caller gives one to each."""
    memos = {"DP-7": "DP-7 · A", "DP-7 · A": "DP-7 · A"}
    assert memo_markers("DP-7 · A", ["DP-7", "DP-7 · A"], memos) == ["DP-7 · A", "DP-7"]


def test_without_known_memos_the_longest_id_the_memo_starts_with_comes_first() -> None:
    markers = ["DP-7", "DP-7 · A", "DP-70"]
    assert memo_markers("DP-7 · A · March", markers, {}) == ["DP-7 · A", "DP-7"]
    assert memo_markers("DP-70", markers, {}) == ["DP-70"]
    assert memo_markers("DP-7", markers, {}) == ["DP-7"]
    assert memo_markers("DP-700 · x", markers, {}) == []
