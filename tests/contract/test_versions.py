"""Every row of odoo/versions.py, checked against the server: the fields and methods each property names exist
there (and the ones of the other versions do not), so that the table is what real 16, 17, 18 and 19 say, not
only what their source reads as."""

from __future__ import annotations

from typing import Any

import pytest

from odoosync.odoo.versions import OdooVersion
from tests.contract.client import OdooFault
from tests.contract.conftest import Target
from tests.contract.test_accounting import customer, invoice_values


def fields_of(odoo: Target, model: str) -> dict[str, Any]:
    found: dict[str, Any] = odoo.client.call(model, "fields_get", attributes=["type", "store"])
    return found


def answer_or_fault(odoo: Target, model: str, method: str, *args: Any) -> Any:
    """The call's answer, or the name of Odoo's exception when it refuses."""
    try:
        return odoo.client.call(model, method, *args)
    except OdooFault as fault:
        return fault.name


def version_of(odoo: Target) -> OdooVersion:
    return OdooVersion.from_info(odoo.client.common("version"))


def test_the_version_is_read_from_common_version(odoo: Target) -> None:
    version = version_of(odoo)
    assert version.major == odoo.version
    assert version.supported
    assert version.has_json2 == (odoo.version >= 19)
    assert version.jsonrpc_deprecated == (odoo.version >= 19)


def test_payment_memo_field(odoo: Target) -> None:
    fields = fields_of(odoo, "account.payment")
    memo, other = version_of(odoo).payment_memo, {"ref": "memo", "memo": "ref"}[version_of(odoo).payment_memo]
    assert fields[memo]["type"] == "char"
    assert other not in fields or not fields[other]["store"]


def test_product_type_field(odoo: Target) -> None:
    fields = fields_of(odoo, "product.product")
    assert fields[version_of(odoo).product_type]["type"] == "selection"
    assert ("detailed_type" in fields) == (odoo.version <= 17)


def test_account_company_field(odoo: Target) -> None:
    fields = fields_of(odoo, "account.account")
    expected = "many2one" if odoo.version <= 17 else "many2many"
    assert fields[version_of(odoo).account_company]["type"] == expected


def test_account_usable_field(odoo: Target) -> None:
    fields = fields_of(odoo, "account.account")
    name, value = version_of(odoo).account_usable
    assert fields[name]["type"] == "boolean"
    assert ("deprecated" in fields) == (odoo.version <= 18)
    assert odoo.client.call("account.account", "search_count", [[name, "=", value]]) > 0


def test_tax_price_include_field(odoo: Target) -> None:
    fields = fields_of(odoo, "account.tax")
    name = version_of(odoo).tax_price_include
    assert fields[name]["type"] == ("boolean" if odoo.version <= 17 else "selection")
    assert fields[name]["store"]


def test_tax_label_fields(odoo: Target) -> None:
    fields = fields_of(odoo, "account.tax")
    assert all(fields[name]["type"] == "char" for name in version_of(odoo).tax_label_fields)
    assert ("invoice_label" in fields) == (odoo.version >= 17)


def test_partner_mobile_and_api_key_expiry(odoo: Target) -> None:
    version = version_of(odoo)
    assert ("mobile" in fields_of(odoo, "res.partner")) == version.partner_has_mobile
    assert ("expiration_date" in fields_of(odoo, "res.users.apikeys")) == version.api_key_expiry


def test_posted_payment_state_and_draft_name(odoo: Target) -> None:
    version = version_of(odoo)
    [bank] = odoo.client.call("account.journal", "search", [["type", "=", "bank"]], limit=1)
    values = {
        "payment_type": "inbound",
        "partner_type": "customer",
        "partner_id": customer(odoo),
        "amount": 10.0,
        "journal_id": bank,
        version.payment_memo: f"{odoo.prefix} deposit",
    }
    payment = odoo.client.call("account.payment", "create", values)
    odoo.client.call("account.payment", "action_post", [payment])
    [row] = odoo.client.call("account.payment", "read", [payment], fields=["state"])
    assert row["state"] == version.posted_payment_state
    # A draft invoice (not the first of its period up to 17, which is named already) reads as '/' or False.
    first, second = odoo.client.call("account.move", "create", [invoice_values(odoo, customer(odoo), 5.0)] * 2)
    [row] = odoo.client.call("account.move", "read", [second], fields=["name"])
    assert row["name"] == version.draft_name
    odoo.client.call("account.move", "button_cancel", [first, second])


def test_credit_note_method(odoo: Target) -> None:
    """16's wizard has refund_method and one button, reverse_moves; 17 added refund_moves (reverse_moves stays,
    called by it). A wizard id that does not exist tells a method that exists from one that does not."""
    version = version_of(odoo)
    fields = fields_of(odoo, "account.move.reversal")
    assert ("refund_method" in fields) == (odoo.version <= 16)
    # Real 17+ answer an empty action for a wizard that does not exist; 16 and the sandbox, MissingError.
    outcome = answer_or_fault(odoo, "account.move.reversal", version.credit_note_method, [2_000_000_000])
    assert outcome == "odoo.exceptions.MissingError" or outcome["res_model"] == "account.move"
    if odoo.version <= 16:
        with pytest.raises(OdooFault) as caught:
            odoo.client.call("account.move.reversal", "refund_moves", [2_000_000_000])
        assert caught.value.name == "builtins.AttributeError"


def test_has_group_convention(odoo: Target) -> None:
    ids = [[odoo.client.uid]] if version_of(odoo).has_group_on_records else []
    assert odoo.client.call("res.users", "has_group", *ids, group_ext_id="account.group_account_invoice") is True


def test_name_search_domain_keyword(odoo: Target) -> None:
    keyword = version_of(odoo).name_search_domain
    found = odoo.client.call("res.country", "name_search", "Saudi", **{keyword: [["code", "=", "SA"]]})
    assert [name for _, name in found] == ["Saudi Arabia"]
    other = "domain" if keyword == "args" else "args"
    with pytest.raises(OdooFault):
        odoo.client.call("res.country", "name_search", "Saudi", **{other: [["code", "=", "SA"]]})


def test_partner_default_get_argument(odoo: Target) -> None:
    keyword = version_of(odoo).partner_default_get_argument
    assert isinstance(odoo.client.call("res.partner", "default_get", **{keyword: ["lang"]}), dict)


def test_outstanding_accounts_on_company(odoo: Target) -> None:
    """Where a payment books when its method line has no account: res.company's fields up to 17; from 18 the
    fields are gone and the chart's XML ids name the accounts (as `odoosync plan` reads them), which 17's charts
    already make."""
    on_company = version_of(odoo).outstanding_accounts_on_company
    fields = fields_of(odoo, "res.company")
    for name in ("account_journal_payment_debit_account_id", "account_journal_payment_credit_account_id"):
        assert (name in fields) == on_company
    [user] = odoo.client.call("res.users", "read", [odoo.client.uid], fields=["company_id"])
    names = [f"{user['company_id'][0]}_account_journal_payment_{side}_account_id" for side in ("debit", "credit")]
    found = odoo.client.call(
        "ir.model.data", "search_read", [["module", "=", "account"], ["name", "in", names]], fields=["name"]
    )
    assert len(found) == (2 if odoo.version >= 17 else 0)
