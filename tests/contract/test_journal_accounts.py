"""Where Odoo books a document: the tax repartition lines behind its tax lines, the partner's receivable and
payable accounts (company-dependent) behind its receivable/payable line and a payment's counterpart, and
default_get, which gives the accounts a partner not yet created would get."""

from __future__ import annotations

from typing import Any

import pytest

from odoosync.sandbox import Sandbox
from tests.contract.client import OdooFault, RpcClient
from tests.contract.conftest import Target
from tests.contract.test_accounting import customer, invoice_values, journal, read, tax

REPARTITION = "account.tax.repartition.line"
PARTNER_ACCOUNTS = ["property_account_receivable_id", "property_account_payable_id"]


def repartition(odoo: Target, tax_id: int) -> dict[str, list[dict[str, Any]]]:
    """The tax's invoice and refund repartition lines, with the fields that link them to it in this version."""
    [row] = read(odoo, "account.tax", [tax_id], "invoice_repartition_line_ids", "refund_repartition_line_ids")
    links = ["invoice_tax_id", "refund_tax_id"] if odoo.version <= 16 else ["tax_id", "document_type"]
    fields = ["repartition_type", "account_id", "factor_percent", *links]
    return {
        document: read(odoo, REPARTITION, row[f"{document}_repartition_line_ids"], *fields)
        for document in ("invoice", "refund")
    }


def tax_line(lines: list[dict[str, Any]]) -> dict[str, Any]:
    [found] = [line for line in lines if line["repartition_type"] == "tax"]
    return found


def company_of(odoo: Target) -> int:
    [user] = odoo.client.call("res.users", "read", [odoo.client.uid], fields=["company_id"])
    return int(user["company_id"][0])


def move_lines(odoo: Target, move: int, kind: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = odoo.client.call(
        "account.move.line",
        "search_read",
        [["move_id", "=", move], ["display_type", "=", kind]],
        fields=["account_id", "balance", "tax_line_id", "tax_repartition_line_id"],
    )
    return rows


def new_receivable(odoo: Target) -> int:
    """A receivable account of the test's own (a code no chart uses, from the test's prefix)."""
    code = f"1219{int(odoo.prefix[-8:], 16) % 100:02d}"
    values = {"code": code, "name": f"{odoo.prefix} receivable", "account_type": "asset_receivable", "reconcile": True}
    created = odoo.client.call("account.account", "create", values)
    assert isinstance(created, int)
    return created


def credit_note(odoo: Target, move: int) -> int:
    context = {"active_model": "account.move", "active_ids": [move]}
    [original] = read(odoo, "account.move", [move], "journal_id")
    values = {"reason": f"{odoo.prefix} note", "journal_id": original["journal_id"][0]}
    wizard = odoo.client.call("account.move.reversal", "create", values, context=context)
    method = "refund_moves" if odoo.version >= 17 else "reverse_moves"
    action = odoo.client.call("account.move.reversal", method, [wizard])
    return int(action["res_id"])


# --- tax repartition lines -------------------------------------------------------------------------------


def test_a_tax_has_a_base_and_a_tax_line_for_invoices_and_for_refunds(odoo: Target) -> None:
    """account_tax.py: 16 links a line through invoice_tax_id or refund_tax_id, 17+ through tax_id and
    document_type. The base line has no account; the tax line carries the VAT account, at 100 %."""
    sale_tax = tax(odoo)
    lines = repartition(odoo, sale_tax)
    for document, group in lines.items():
        assert sorted(line["repartition_type"] for line in group) == ["base", "tax"]
        assert [line["factor_percent"] for line in group] == [100.0, 100.0]
        [base] = [line for line in group if line["repartition_type"] == "base"]
        assert base["account_id"] is False
        assert tax_line(group)["account_id"]
        for line in group:
            if odoo.version <= 16:
                other = "refund" if document == "invoice" else "invoice"
                assert line[f"{document}_tax_id"][0] == sale_tax
                assert line[f"{other}_tax_id"] is False
            else:
                assert line["tax_id"][0] == sale_tax
                assert line["document_type"] == document
    assert tax_line(lines["invoice"])["account_id"] == tax_line(lines["refund"])["account_id"]


def test_searching_repartition_lines_by_tax_id_is_ignored_on_16(odoo: Target) -> None:
    """16: tax_id and document_type are computed, not stored, without a search method; Odoo logs "Non-stored
    field … cannot be searched." and drops the leaf, so the domain matches every line."""
    sale_tax = tax(odoo)
    mine = odoo.client.call(REPARTITION, "search_count", [["tax_id", "=", sale_tax]])
    if odoo.version <= 16:
        assert mine == odoo.client.call(REPARTITION, "search_count", [])
        assert odoo.client.call(REPARTITION, "search_count", [["invoice_tax_id", "=", sale_tax]]) == 2
    else:
        assert mine == 4
        refunds = [["tax_id", "=", sale_tax], ["document_type", "=", "refund"]]
        assert odoo.client.call(REPARTITION, "search_count", refunds) == 2


def test_tax_lines_are_booked_on_the_repartition_account_of_the_document(odoo: Target) -> None:
    """An invoice's tax line takes the account of the tax's invoice repartition line of type tax, a credit
    note's that of its refund line; each tax line names its repartition line."""
    sale_tax = tax(odoo)
    lines = repartition(odoo, sale_tax)
    invoice = odoo.client.call("account.move", "create", invoice_values(odoo, customer(odoo), 869.57))
    odoo.client.call("account.move", "action_post", [invoice])
    [booked] = move_lines(odoo, invoice, "tax")
    assert booked["account_id"][0] == tax_line(lines["invoice"])["account_id"][0]
    assert booked["tax_repartition_line_id"][0] == tax_line(lines["invoice"])["id"]
    assert booked["tax_line_id"][0] == sale_tax
    assert booked["balance"] == -130.44
    refund = credit_note(odoo, invoice)
    [returned] = move_lines(odoo, refund, "tax")
    assert returned["account_id"][0] == tax_line(lines["refund"])["account_id"][0]
    assert returned["tax_repartition_line_id"][0] == tax_line(lines["refund"])["id"]
    assert returned["balance"] == 130.44


def test_a_tax_made_without_lines_gets_them_and_books_on_the_invoice_lines_account(odoo: Target) -> None:
    """A tax created with no distribution gets a base and a tax line per document type, without accounts
    (16: account.tax default_get; 17+: _compute_*_repartition_line_ids); its tax line then goes to the account
    of the invoice line it comes from (_get_aml_target_tax_account … or the base line's account)."""
    made = odoo.client.call(
        "account.tax",
        "create",
        {"name": f"{odoo.prefix} 10%", "amount": 10.0, "type_tax_use": "sale", "amount_type": "percent"},
    )
    for group in repartition(odoo, made).values():
        assert sorted((line["repartition_type"], line["account_id"]) for line in group) == [
            ("base", False),
            ("tax", False),
        ]
    values = invoice_values(odoo, customer(odoo), 200.0)
    values["invoice_line_ids"][0][2]["tax_ids"] = [(6, 0, [made])]
    move = odoo.client.call("account.move", "create", values)
    [product] = move_lines(odoo, move, "product")
    [booked] = move_lines(odoo, move, "tax")
    assert booked["account_id"] == product["account_id"]
    assert booked["balance"] == -20.0


def test_tax_lines_must_take_the_whole_tax_from_18(odoo: Target) -> None:
    """_validate_repartition_lines: from 18 the tax lines' positive factors must add up to 100 %; 16 and 17 have
    no such check (real 17.0 makes the tax; the sandbox refused it from 17)."""
    values: dict[str, Any] = {"name": f"{odoo.prefix} 60", "amount": 10.0, "type_tax_use": "sale"}
    for document in ("invoice", "refund"):
        kind = {} if odoo.version <= 16 else {"document_type": document}
        values[f"{document}_repartition_line_ids"] = [
            (0, 0, {"repartition_type": "base", **kind}),
            (0, 0, {"repartition_type": "tax", "factor_percent": 60.0, **kind}),
        ]
    if odoo.version <= 17:
        made = odoo.client.call("account.tax", "create", values)
        assert tax_line(repartition(odoo, made)["invoice"])["factor_percent"] == 60.0
        odoo.client.call("account.tax", "write", [made], {"active": False})  # out of the way of later runs
        return
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("account.tax", "create", values)
    assert caught.value.name == "odoo.exceptions.ValidationError"
    assert caught.value.message == "Invoice and credit note distribution should have a total factor (+) equals to 100."


# --- partners' receivable and payable accounts -----------------------------------------------------------


def test_a_new_partner_has_the_companys_receivable_and_payable_accounts(odoo: Target) -> None:
    context = {"allowed_company_ids": [company_of(odoo)]}
    partner = customer(odoo)
    [row] = odoo.client.call("res.partner", "read", [partner], fields=PARTNER_ACCOUNTS, context=context)
    receivable, payable = row["property_account_receivable_id"], row["property_account_payable_id"]
    kinds = read(odoo, "account.account", [receivable[0], payable[0]], "account_type")
    assert [kind["account_type"] for kind in kinds] == ["asset_receivable", "liability_payable"]
    defaults = odoo.client.call("res.partner", "default_get", PARTNER_ACCOUNTS, context=context)
    assert defaults == {"property_account_receivable_id": receivable[0], "property_account_payable_id": payable[0]}


def test_res_partner_default_get_takes_default_fields_up_to_18_and_fields_in_19(odoo: Target) -> None:
    """res_partner.py overrides default_get: default_get(self, default_fields) up to 18, default_get(self, fields)
    in 19. The name counts for a keyword argument (JSON-RPC kwargs, and every JSON-2 argument): `fields_list`, the
    ORM's own name up to 18, is refused on res.partner in every version. Names that are not fields are skipped; a
    default_<name> of the context wins."""
    client = odoo.client
    expected = client.call("res.partner", "default_get", PARTNER_ACCOUNTS)
    assert set(expected) == set(PARTNER_ACCOUNTS)
    assert all(isinstance(value, int) for value in expected.values())
    right = "fields" if odoo.version >= 19 else "default_fields"
    assert client.call("res.partner", "default_get", **{right: [*PARTNER_ACCOUNTS, "no_such_field"]}) == expected
    for wrong in ("fields_list", "default_fields" if odoo.version >= 19 else "fields"):
        with pytest.raises(OdooFault) as caught:
            client.call("res.partner", "default_get", **{wrong: PARTNER_ACCOUNTS})
        assert caught.value.name == "builtins.TypeError"
    payable = expected["property_account_payable_id"]
    context = {"default_property_account_receivable_id": payable}
    chosen = client.call("res.partner", "default_get", ["property_account_receivable_id"], context=context)
    assert chosen == {"property_account_receivable_id": payable}
    if odoo.version >= 19:
        answer = client.json2("res.partner", "default_get", fields=PARTNER_ACCOUNTS)
        assert answer.status_code == 200
        assert answer.json() == expected
        assert client.json2("res.partner", "default_get", fields_list=PARTNER_ACCOUNTS).status_code == 422


def test_an_invoice_and_its_payment_use_the_receivable_account_written_on_the_partner(odoo: Target) -> None:
    """account_move_line.py _compute_account_id (payment_term) and account_payment.py
    _compute_destination_account_id read the partner's account with the document's company."""
    context = {"allowed_company_ids": [company_of(odoo)]}
    own = new_receivable(odoo)
    partner = customer(odoo)
    odoo.client.call("res.partner", "write", [partner], {"property_account_receivable_id": own}, context=context)
    [row] = odoo.client.call("res.partner", "read", [partner], fields=PARTNER_ACCOUNTS, context=context)
    assert row["property_account_receivable_id"][0] == own
    move = odoo.client.call("account.move", "create", invoice_values(odoo, partner, 100.0))
    odoo.client.call("account.move", "action_post", [move])
    [term] = move_lines(odoo, move, "payment_term")
    assert (term["account_id"][0], term["balance"]) == (own, 115.0)
    payment = odoo.client.call(
        "account.payment",
        "create",
        {"payment_type": "inbound", "partner_type": "customer", "partner_id": partner, "amount": 1.0},
    )
    assert read(odoo, "account.payment", [payment], "destination_account_id")[0]["destination_account_id"][0] == own
    wizard = odoo.client.call(
        "account.payment.register",
        "create",
        {"journal_id": journal(odoo, "bank"), "payment_date": "2026-03-03"},
        context={"active_model": "account.move", "active_ids": [move]},
    )
    odoo.client.call("account.payment.register", "action_create_payments", [wizard])
    [paid] = odoo.client.call("account.payment", "search", [["partner_id", "=", partner], ["amount", "=", 115.0]])
    assert read(odoo, "account.payment", [paid], "destination_account_id")[0]["destination_account_id"][0] == own
    assert read(odoo, "account.move", [move], "payment_state")[0]["payment_state"] in ("paid", "in_payment")


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_a_partners_accounts_depend_on_the_company_of_the_context(version: int) -> None:
    """Sandbox only (two companies): a company-dependent value is read and written in the context's company
    (allowed_company_ids[0]), each company with its own default."""
    with Sandbox(version, companies=2) as sandbox:
        client = RpcClient(sandbox.url, sandbox.database, sandbox.login, sandbox.api_key)
        first, second = {"allowed_company_ids": [1]}, {"allowed_company_ids": [2]}
        partner = client.call("res.partner", "create", {"name": "ODOOSYNC-TEST two companies"})

        def receivable(context: dict[str, Any]) -> int:
            [row] = client.call("res.partner", "read", [partner], fields=PARTNER_ACCOUNTS, context=context)
            return int(row["property_account_receivable_id"][0])

        [default_1] = client.call("account.account", "search", [["code", "=", "102011"]], context=first)
        [default_2] = client.call("account.account", "search", [["code", "=", "102011"]], context=second)
        assert default_1 != default_2
        assert (receivable(first), receivable(second)) == (default_1, default_2)
        assert client.call("res.partner", "default_get", ["property_account_receivable_id"], context=second) == {
            "property_account_receivable_id": default_2
        }
        own = client.call(
            "account.account",
            "create",
            {"code": "121050", "name": "Owner 2 tenants", "account_type": "asset_receivable", "reconcile": True},
            context=second,
        )
        client.call("res.partner", "write", [partner], {"property_account_receivable_id": own}, context=second)
        assert (receivable(first), receivable(second)) == (default_1, own)
        line = {"name": "rent", "price_unit": 100.0}
        values = {"move_type": "out_invoice", "partner_id": partner, "invoice_line_ids": [(0, 0, line)]}
        for context, expected in ((first, default_1), (second, own)):
            move = client.call("account.move", "create", values, context=context)
            [term] = client.call(
                "account.move.line",
                "search_read",
                [["move_id", "=", move], ["display_type", "=", "payment_term"]],
                fields=["account_id"],
                context=context,
            )
            assert term["account_id"][0] == expected
        client.close()


# --- where a payment's money goes ---------------------------------------------------------------------------


def company_outstanding(odoo: Target, company: int, direction: str) -> int:
    """The company's outstanding receipts (inbound) or payments (outbound) account: fields of res.company up to
    17; from 18 the chart's accounts of the same XML ids, read through ir.model.data."""
    field = f"account_journal_payment_{'debit' if direction == 'inbound' else 'credit'}_account_id"
    if odoo.version <= 17:
        [row] = read(odoo, "res.company", [company], field)
        return int(row[field][0])
    [found] = odoo.client.call(
        "ir.model.data",
        "search_read",
        [["module", "=", "account"], ["name", "=", f"{company}_{field}"]],
        fields=["model", "res_id"],
    )
    assert found["model"] == "account.account"
    return int(found["res_id"])


@pytest.mark.parametrize("direction", ["inbound", "outbound"])
def test_a_payment_books_on_the_companys_outstanding_account_when_its_method_line_has_none(
    odoo: Target, direction: str
) -> None:
    """account_payment.py: outstanding_account_id is the method line's payment_account_id, else the company's
    outstanding account (16/17 its fields; 18+ `_get_outstanding_account`, the chart's XML id): not the bank
    journal's own account, where the Saudi chart's bank journal leaves its method lines without one. The plan's
    journal impact reads the same."""
    company = company_of(odoo)
    bank = journal(odoo, "bank")
    lines = odoo.client.call(
        "account.payment.method.line",
        "search_read",
        [["journal_id", "=", bank], ["payment_type", "=", direction]],
        fields=["payment_account_id"],
    )
    assert lines, f"the bank journal has no {direction} method line"
    assert all(line["payment_account_id"] is False for line in lines)
    [bank_row] = read(odoo, "account.journal", [bank], "default_account_id")
    outstanding = company_outstanding(odoo, company, direction)
    assert outstanding != bank_row["default_account_id"][0]
    payment = odoo.client.call(
        "account.payment",
        "create",
        {
            "payment_type": direction,
            "partner_type": "customer",
            "partner_id": customer(odoo),
            "amount": 10.0,
            "journal_id": bank,
            "payment_method_line_id": lines[0]["id"],
        },
    )
    odoo.client.call("account.payment", "action_post", [payment])
    [posted] = read(odoo, "account.payment", [payment], "move_id", "destination_account_id")
    entry = odoo.client.call(
        "account.move.line", "search_read", [["move_id", "=", posted["move_id"][0]]], fields=["account_id", "balance"]
    )
    sign = 1.0 if direction == "inbound" else -1.0
    assert sorted((line["account_id"][0], line["balance"]) for line in entry) == sorted(
        [(outstanding, 10.0 * sign), (posted["destination_account_id"][0], -10.0 * sign)]
    )
