"""Where the sandbox books things: repartition lines, company-dependent partner accounts and default_get, down
to the cases the contract tests do not reach (several tax lines, no company default, edits of a draft)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from odoosync.sandbox.errors import ValidationError
from odoosync.sandbox.instance import OdooInstance
from odoosync.sandbox.seed import seed

Call = Callable[..., Any]


def sandbox(version: int, companies: int = 1) -> tuple[OdooInstance, Call]:
    instance = OdooInstance(version)
    seed(instance, companies=companies)

    def call(model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return instance.execute_kw(2, model, method, list(args), kwargs)

    return instance, call


def account(call: Call, code: str, kind: str = "asset_receivable") -> int:
    values = {"code": code, "name": f"Account {code}", "account_type": kind, "reconcile": kind != "liability_current"}
    created = call("account.account", "create", values)
    assert isinstance(created, int)
    return created


def lines_of(call: Call, move: int, kind: str) -> list[tuple[int, float]]:
    rows = call(
        "account.move.line",
        "search_read",
        [["move_id", "=", move], ["display_type", "=", kind]],
        fields=["account_id", "balance"],
    )
    return [(row["account_id"][0], row["balance"]) for row in rows]


def invoice(call: Call, partner: int, price: float, tax: int | None = None) -> int:
    line: dict[str, Any] = {"name": "rent", "price_unit": price}
    if tax:
        line["tax_ids"] = [(6, 0, [tax])]
    created = call(
        "account.move",
        "create",
        {"move_type": "out_invoice", "partner_id": partner, "invoice_line_ids": [(0, 0, line)]},
    )
    assert isinstance(created, int)
    return created


@pytest.mark.parametrize("version", [17, 19])
def test_a_tax_split_over_two_tax_lines_books_both_and_keeps_the_whole_amount(version: int) -> None:
    """Two tax lines of 50 % on two accounts: 15 % of 869.56 is 130.43, 65.215 on each side rounds to 65.22
    twice, and the cent too many comes off the first line, as account_tax.py spreads the rounding delta over the
    repartition lines largest first (the sandbox splits the move's tax; Odoo each invoice line's, the same for
    one line)."""
    _, call = sandbox(version)
    output, deferred = account(call, "202901", "liability_current"), account(call, "202902", "liability_current")
    lines: dict[str, Any] = {}
    for document in ("invoice", "refund"):
        half = {"repartition_type": "tax", "factor_percent": 50.0, "document_type": document}
        lines[f"{document}_repartition_line_ids"] = [
            (0, 0, {"repartition_type": "base", "document_type": document}),
            (0, 0, {**half, "account_id": output}),
            (0, 0, {**half, "account_id": deferred}),
        ]
    split = call("account.tax", "create", {"name": "15% split", "amount": 15.0, **lines})
    move = invoice(call, call("res.partner", "create", {"name": "tenant"}), 869.56, split)
    assert lines_of(call, move, "tax") == [(output, -65.21), (deferred, -65.22)]
    [row] = call("account.move", "read", [move], fields=["amount_tax", "amount_total"])
    assert (row["amount_tax"], row["amount_total"]) == (130.43, 999.99)


@pytest.mark.parametrize(("version", "message"), [(16, None), (17, None), (18, "(+)")])
def test_tax_lines_must_add_up_to_100_percent_from_18(version: int, message: str | None) -> None:
    _, call = sandbox(version)
    kind = (lambda document: {}) if version <= 16 else (lambda document: {"document_type": document})
    values: dict[str, Any] = {"name": "odd", "amount": 5.0}
    for document in ("invoice", "refund"):
        values[f"{document}_repartition_line_ids"] = [
            (0, 0, {"repartition_type": "base", **kind(document)}),
            (0, 0, {"repartition_type": "tax", "factor_percent": 60.0, **kind(document)}),
            (0, 0, {"repartition_type": "tax", "factor_percent": -100.0, **kind(document)}),
        ]
    if message is None:
        assert call("account.tax", "create", values)
        return
    with pytest.raises(ValidationError, match=r"total factor \(\+\) equals to 100"):
        call("account.tax", "create", values)


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_the_distributions_must_match(version: int) -> None:
    """_validate_repartition_lines, in its order: one base line each, as many lines on both sides, a tax line
    each. An invoice side of one base line against the refund side's default two fails on the count."""
    _, call = sandbox(version)
    kind = (lambda document: {}) if version <= 16 else (lambda document: {"document_type": document})
    values: dict[str, Any] = {
        "name": "lopsided",
        "invoice_repartition_line_ids": [(0, 0, {"repartition_type": "base", **kind("invoice")})],
    }
    with pytest.raises(ValidationError, match="should have the same number of lines"):
        call("account.tax", "create", values)
    values["refund_repartition_line_ids"] = [(0, 0, {"repartition_type": "base", **kind("refund")})]
    with pytest.raises(ValidationError, match="repartition should have at least one tax repartition line"):
        call("account.tax", "create", values)


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_unlinking_a_tax_takes_its_lines(version: int) -> None:
    _, call = sandbox(version)
    made = call("account.tax", "create", {"name": "gone", "amount": 1.0})
    before = call("account.tax.repartition.line", "search_count", [])
    call("account.tax", "unlink", [made])
    assert call("account.tax.repartition.line", "search_count", []) == before - 4


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_default_get_answers_as_convert_to_write(version: int) -> None:
    """Floats for amounts, ids for many2one, one (6, 0, ids) command for many2many; no key for a field without a
    default; a default_<name> of the context is converted like the others."""
    _, call = sandbox(version)
    assert call("product.product", "default_get", ["list_price", "default_code"]) == {"list_price": 1.0}
    if version >= 18:
        assert call("account.account", "default_get", ["company_ids"]) == {"company_ids": [[6, 0, [1]]]}
    [country] = call("res.country", "search", [["code", "=", "SA"]])
    context = {"default_country_id": [country, "Saudi Arabia"], "default_nonsense": 7}
    assert call("res.partner", "default_get", ["country_id", "nonsense"], context=context) == {
        "country_id": country,
        "nonsense": 7,
    }


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_default_get_takes_the_orms_argument_name_unless_the_model_has_its_own(version: int) -> None:
    """models.py default_get(self, fields_list) up to 18, (self, fields) in 19; res.partner's override takes
    default_fields up to 18 and adds lang (the context's, if installed) when asked."""
    _, call = sandbox(version)
    generic = "fields" if version >= 19 else "fields_list"
    assert call("product.product", "default_get", **{generic: ["list_price"]}) == {"list_price": 1.0}
    if version <= 18:
        asked = {"default_fields": ["lang"]}
        assert call("res.partner", "default_get", **asked) == {"lang": None}
        assert call("res.partner", "default_get", **asked, context={"lang": "en_US"}) == {"lang": "en_US"}
        assert call("res.partner", "default_get", **asked, context={"lang": "ar_001"}) == {"lang": None}


@pytest.mark.parametrize(("version", "answer"), [(16, {"property_account_receivable_id": False}), (18, {})])
def test_a_company_without_a_default_account(version: int, answer: dict[str, Any]) -> None:
    """Up to 17 the field's default is ir.property._get, so the key comes back False; from 18 the ir.default is
    the only fallback and, without one, the key is left out."""
    instance, call = sandbox(version)
    instance.db.company_defaults.clear()
    assert call("res.partner", "default_get", ["property_account_receivable_id"]) == answer
    partner = call("res.partner", "create", {"name": "no default"})
    move = invoice(call, partner, 10.0)
    # Nothing on the partner or the company: the company's first receivable account (the fallback).
    [receivable] = call("account.account", "search", [["account_type", "=", "asset_receivable"]], limit=1)
    assert lines_of(call, move, "payment_term") == [(receivable, 10.0)]


@pytest.mark.parametrize("version", [16, 17])
def test_a_value_written_as_false_stays_false(version: int) -> None:
    """ir_property.py _set_multi keeps a property for a value that differs from the default, False included."""
    _, call = sandbox(version)
    partner = call("res.partner", "create", {"name": "emptied", "property_account_receivable_id": False})
    [row] = call("res.partner", "read", [partner], fields=["property_account_receivable_id"])
    assert row["property_account_receivable_id"] is False


@pytest.mark.parametrize("version", [17, 18])
def test_the_receivable_line_keeps_its_account_until_the_partner_changes(version: int) -> None:
    """_compute_account_id runs for a new payment term line (taking the move's previous term line's account if
    there is one) and again when the partner changes (_inverse_partner_id); editing the lines keeps it."""
    _, call = sandbox(version)
    first, second = account(call, "121101"), account(call, "121102")
    partner = call("res.partner", "create", {"name": "tenant", "property_account_receivable_id": first})
    move = invoice(call, partner, 100.0)
    call("res.partner", "write", [partner], {"property_account_receivable_id": second})
    [line] = call("account.move", "read", [move], fields=["invoice_line_ids"])[0]["invoice_line_ids"]
    call("account.move", "write", [move], {"invoice_line_ids": [(1, line, {"price_unit": 200.0})]})
    assert lines_of(call, move, "payment_term") == [(first, 200.0)]
    other = call("res.partner", "create", {"name": "other tenant"})
    call("account.move", "write", [move], {"partner_id": other})
    [default] = call("account.account", "search", [["code", "=", "102011"]])
    assert lines_of(call, move, "payment_term") == [(default, 200.0)]
    call("account.move", "write", [move], {"partner_id": partner})
    assert lines_of(call, move, "payment_term") == [(second, 200.0)]


@pytest.mark.parametrize("version", [16, 19])
def test_a_credit_note_keeps_the_receivable_account_of_its_invoice(version: int) -> None:
    """The reversal is made from the invoice's copied lines, accounts included."""
    _, call = sandbox(version)
    first, second = account(call, "121201"), account(call, "121202")
    partner = call("res.partner", "create", {"name": "tenant", "property_account_receivable_id": first})
    move = invoice(call, partner, 100.0)
    call("account.move", "action_post", [move])
    call("res.partner", "write", [partner], {"property_account_receivable_id": second})
    context = {"active_model": "account.move", "active_ids": [move]}
    [journal] = call("account.move", "read", [move], fields=["journal_id"])
    wizard = call(
        "account.move.reversal", "create", {"reason": "r", "journal_id": journal["journal_id"][0]}, context=context
    )
    action = call("account.move.reversal", "refund_moves" if version >= 17 else "reverse_moves", [wizard])
    assert lines_of(call, action["res_id"], "payment_term") == [(first, -100.0)]


@pytest.mark.parametrize("version", [17, 18])
def test_a_payments_counterpart_follows_its_partner_and_type(version: int) -> None:
    """destination_account_id is computed and stored (readonly=False): again when partner_id, partner_type or
    journal_id change, unless the same write sets it."""
    _, call = sandbox(version)
    own = account(call, "121301")
    tenant = call("res.partner", "create", {"name": "tenant", "property_account_receivable_id": own})
    anyone = call("res.partner", "create", {"name": "anyone"})
    payment = call("account.payment", "create", {"partner_type": "customer", "partner_id": anyone, "amount": 5.0})

    def destination() -> int:
        [row] = call("account.payment", "read", [payment], fields=["destination_account_id"])
        return int(row["destination_account_id"][0])

    [receivable] = call("account.account", "search", [["code", "=", "102011"]])
    [payable] = call("account.account", "search", [["code", "=", "201002"]])
    assert destination() == receivable
    call("account.payment", "write", [payment], {"partner_id": tenant})
    assert destination() == own
    call("account.payment", "write", [payment], {"partner_type": "supplier"})
    assert destination() == payable
    call("account.payment", "write", [payment], {"partner_type": "customer", "destination_account_id": payable})
    assert destination() == payable
