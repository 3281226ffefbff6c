"""res.users.apikeys: what a user reads of their API keys, from 18 their expiration, and expired keys refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from odoosync.sandbox import Sandbox
from tests.contract.client import OdooFault, RpcClient
from tests.contract.conftest import Target

KEY_FIELDS = ["name", "user_id", "scope", "create_date"]
ODOO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def test_the_fields_and_expiration_date_from_18(odoo: Target) -> None:
    fields = odoo.client.call("res.users.apikeys", "fields_get", attributes=["type", "readonly"])
    assert set(KEY_FIELDS) <= set(fields)
    assert (fields["create_date"]["type"], fields["user_id"]["type"]) == ("datetime", "many2one")
    assert ("expiration_date" in fields) == (odoo.version >= 18)
    if odoo.version >= 18:
        assert fields["expiration_date"] == {"type": "datetime", "readonly": True}


def test_a_user_reads_their_own_keys_with_their_expiry(odoo: Target) -> None:
    client = odoo.client
    fields = [*KEY_FIELDS, "expiration_date"] if odoo.version >= 18 else KEY_FIELDS
    rows = client.call("res.users.apikeys", "search_read", [["user_id", "=", client.uid]], fields=fields)
    assert rows, "the key these tests use is one of the user's keys"
    for row in rows:
        assert row["user_id"][0] == client.uid
        assert ODOO_DATETIME.match(row["create_date"])
        if odoo.version >= 18:
            assert row["expiration_date"] is False or ODOO_DATETIME.match(row["expiration_date"])


def test_reading_expiration_date_before_18_is_an_error(odoo: Target) -> None:
    if odoo.version >= 18:
        pytest.skip("the field exists from 18")
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("res.users.apikeys", "search_read", [], fields=["expiration_date"])
    assert caught.value.name == "builtins.ValueError"


def test_no_one_creates_or_changes_keys_through_the_orm(odoo: Target) -> None:
    client = odoo.client
    with pytest.raises(OdooFault) as caught:
        client.call("res.users.apikeys", "create", {"name": f"{odoo.prefix} key", "user_id": client.uid})
    assert caught.value.name == "odoo.exceptions.AccessError"
    assert caught.value.message.startswith(
        "You are not allowed to create 'Users API Keys' (res.users.apikeys) records."
    )
    [mine, *_] = client.call("res.users.apikeys", "search", [["user_id", "=", client.uid]])
    with pytest.raises(OdooFault) as caught:
        client.call("res.users.apikeys", "write", [mine], {"name": f"{odoo.prefix} renamed"})
    assert caught.value.message.startswith("You are not allowed to modify 'Users API Keys'")


def test_a_user_who_is_not_an_administrator_finds_only_their_own_keys(sandbox_only: Sandbox) -> None:
    key = sandbox_only.add_user("clerk@example.sa", "Clerk")
    clerk = RpcClient(sandbox_only.url, sandbox_only.database, "clerk@example.sa", key)
    # An internal user without the Settings (base.group_system) right.
    sandbox_only.instance.db.update("res.users", clerk.uid, {"groups": frozenset({"base.group_user"})})
    try:
        found = clerk.call("res.users.apikeys", "search_read", [], fields=["user_id"])
        assert [row["user_id"][0] for row in found] == [clerk.uid]
    finally:
        clerk.close()
    admin = RpcClient(sandbox_only.url, sandbox_only.database, sandbox_only.login, sandbox_only.api_key)
    try:  # an administrator finds every user's keys (the api_key_admin rule)
        assert {
            row["user_id"][0] for row in admin.call("res.users.apikeys", "search_read", [], fields=["user_id"])
        } == {
            admin.uid,
            clerk.uid,
        }
    finally:
        admin.close()


def test_an_expired_key_is_refused_from_18(sandbox_only: Sandbox, odoo: Target) -> None:
    if odoo.version < 18:
        pytest.skip("API keys expire from Odoo 18")
    now = dt.datetime.now(dt.UTC)
    expired = sandbox_only.instance.generate_api_key(sandbox_only.login, "old", expiration_date=now - dt.timedelta(1))
    valid = sandbox_only.instance.generate_api_key(sandbox_only.login, "new", expiration_date=now + dt.timedelta(5))
    client = odoo.client
    assert client.common("authenticate", client.database, client.login, expired, {}) is False
    assert client.common("authenticate", client.database, client.login, valid, {}) == client.uid
    if odoo.version >= 19:
        assert client.json2("res.users", "context_get", key=expired).status_code == 401
        assert client.json2("res.users", "context_get", key=valid).status_code == 200
    # Listed until Odoo's autovacuum deletes it, with the date it expired.
    rows = client.call(
        "res.users.apikeys", "search_read", [["name", "in", ["old", "new"]]], fields=["name", "expiration_date"]
    )
    expiries = {row["name"]: dt.datetime.fromisoformat(row["expiration_date"]) for row in rows}
    assert expiries["old"] < now.replace(tzinfo=None) < expiries["new"]
