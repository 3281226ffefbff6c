"""A default chosen by id is kept by id when its code and name are not its own (two "Rent" products with one code:
on a database where two set-ups met, say)."""

from __future__ import annotations

import json
from collections.abc import Callable

from odoosync.sandbox import Sandbox
from tests.acceptance.conftest import cli
from tests.contract.client import RpcClient


def test_a_product_chosen_by_id_among_twins_is_kept_by_id(connect_to: Callable[[Sandbox], None]) -> None:
    with Sandbox(17) as sandbox:
        client = RpcClient(sandbox.url, sandbox.database, sandbox.login, sandbox.api_key)
        twin = {"name": "Rent", "default_code": "RENT", "detailed_type": "service", "sale_ok": True}
        first, second = client.call("product.product", "create", [twin, twin])
        client.close()
        connect_to(sandbox)
        code, _, err = cli("defaults", "set", "--rent-product", "RENT")
        assert code == 2
        assert "'RENT' is ambiguous: 2 match" in err
        assert "They share the code 'RENT': give the id of the one you mean." in err  # not "give the code"
        code, _, err = cli("defaults", "set", "--rent-product", str(second))
        assert code == 0, err
        shown = json.loads(cli("defaults", "show", "--json")[1])
        assert shown["rent_product"] == str(second)
        _, out, err = cli("doctor", "--json")
        assert not [f for f in json.loads(out)["findings"] if "Rent product" in f["message"]], err
        assert first != second
