"""What doctor says of a user's API keys, and of JSON-RPC by version: pure rules on what Odoo answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from odoosync.odoo.versions import OdooVersion
from odoosync.sync.checks.doctor import key_findings

NOW = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def key(name: str, expires_in: timedelta | None, scope: str | bool = False) -> dict[str, Any]:
    """A res.users.apikeys row as Odoo reads it: UTC, "YYYY-MM-DD HH:MM:SS", False for no expiry."""
    expiry = f"{NOW + expires_in:%Y-%m-%d %H:%M:%S}" if expires_in is not None else False
    return {"id": 1, "name": name, "scope": scope, "expiration_date": expiry}


def test_a_lone_key_expiring_within_14_days_is_a_warning_with_its_date() -> None:
    [finding] = key_findings([key("odoosync", timedelta(days=3, hours=2))], "acc@example.sa", NOW)
    assert finding.status == "warning"
    assert (
        finding.message == "the only API key of acc@example.sa ('odoosync') expires on 2026-05-04 11:30 UTC, in 3 days"
    )
    assert finding.instruction is not None
    assert finding.instruction.startswith("Create a new key in Odoo (Preferences → Account Security → New API Key)")


@pytest.mark.parametrize(
    ("left", "said"),
    [(timedelta(days=14), "in 14 days"), (timedelta(days=1), "in 1 day"), (timedelta(hours=5), "within a day")],
)
def test_the_warning_starts_14_days_ahead(left: timedelta, said: str) -> None:
    [finding] = key_findings([key("odoosync", left)], "acc", NOW)
    assert (finding.status, finding.message.endswith(said)) == ("warning", True)


def test_a_key_expiring_later_is_fine_and_says_when() -> None:
    [finding] = key_findings([key("odoosync", timedelta(days=14, seconds=1))], "acc", NOW)
    assert (finding.status, finding.message) == ("ok", "the API key of acc expires on 2026-05-15 09:30 UTC")


def test_with_several_keys_it_names_the_first_to_expire_and_says_it_may_not_be_ours() -> None:
    keys = [key("far", timedelta(days=80)), key("soon", timedelta(days=2)), key("forever", None)]
    [finding] = key_findings(keys, "acc", NOW)
    assert finding.status == "warning"
    assert finding.message == (
        "an API key of acc ('soon') expires on 2026-05-03 09:30 UTC, in 2 days; Odoo does not say which key odoosync "
        "uses, and the user has 2 other valid key(s)"
    )
    [finding] = key_findings([keys[0], keys[2]], "acc", NOW)
    assert (finding.status, finding.message) == (
        "ok",
        "the first of the 2 API keys of acc to expire does so on 2026-07-20 09:30 UTC",
    )


def test_persistent_keys_are_fine() -> None:
    assert [f.message for f in key_findings([key("admin key", None)], "acc", NOW)] == [
        "the API key of acc does not expire"
    ]
    assert [f.message for f in key_findings([key("a", None), key("b", None)], "acc", NOW)] == [
        "no API key of acc expires"
    ]


def test_keys_that_cannot_be_in_use_are_left_out() -> None:
    # Odoo refuses an expired key at login, and a key of another scope for RPC: neither is odoosync's.
    expired = key("old", -timedelta(hours=1))
    other_scope = key("outlook", timedelta(days=1), scope="odoo.plugin.outlook")
    assert key_findings([expired, other_scope], "acc", NOW) == []
    [finding] = key_findings([expired, other_scope, key("rpc", timedelta(days=30), scope="rpc")], "acc", NOW)
    assert (finding.status, finding.message) == ("ok", "the API key of acc expires on 2026-05-31 09:30 UTC")


def test_no_key_no_finding() -> None:
    assert key_findings([], "acc", NOW) == []  # e.g. a password login over JSON-RPC


@pytest.mark.parametrize(
    ("label", "major", "deprecated", "removal", "expiry"),
    [
        ("16.0", 16, False, None, False),
        ("17.0+e-20240101", 17, False, None, False),
        ("18.0", 18, False, None, True),
        ("19.0", 19, True, "Odoo 22 (fall 2028) and Odoo Online 21.1 (winter 2027)", True),
        ("saas~19.1+e", 19, True, "Odoo Online 21.1 (winter 2027)", True),
    ],
)
def test_jsonrpc_removal_and_key_expiry_by_version(
    label: str, major: int, deprecated: bool, removal: str | None, expiry: bool
) -> None:
    version = OdooVersion(major, label)
    assert version.jsonrpc_deprecated is deprecated
    assert version.api_key_expiry is expiry
    if removal:
        assert version.jsonrpc_removal == removal
