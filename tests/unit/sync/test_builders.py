"""The builders: a record + Odoo facts + mappings → Odoo values. Pure, no I/O."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odoosync.domain.mappings import ANY_COMPANY, MappingKind
from odoosync.domain.records import Contact, Deposit, Expense, RentPayment, parse_record
from odoosync.domain.scaling import ScaledLine, total_of
from odoosync.odoo.versions import OdooVersion
from odoosync.sync.build.builders import (
    Company,
    MissingSetup,
    OdooFacts,
    bill_document,
    invoice_document,
    partner_document,
    payment_document,
)

SALE_15, SALE_EXEMPT, BUY_15 = 11, 12, 21
FACTS = OdooFacts(
    version=OdooVersion(17, "17.0"),
    separation="off",
    default_company=1,
    companies={1: Company(1, "Saudi Test Co", "SAR", True, 5), 2: Company(2, "Second Co", "SAR", True, 6)},
    language="en",
    arabic_active=True,
    rent_product=7,
    currencies={"SAR": 148, "KWD": 90},
    countries={"SA": 192},
    states={("SA", "riyadh"): 1500},
    mappings={
        (MappingKind.VAT_SALE, ANY_COMPANY, "15"): SALE_15,
        (MappingKind.VAT_SALE, ANY_COMPANY, "exempt"): SALE_EXEMPT,
        (MappingKind.VAT_PURCHASE, ANY_COMPANY, "15"): BUY_15,
        (MappingKind.CATEGORY, ANY_COMPANY, "plumbing"): 501,
        (MappingKind.METHOD, ANY_COMPANY, "cash"): 9,
        (MappingKind.OWNER_ANALYTIC, ANY_COMPANY, "C-9001"): 77,
        (MappingKind.OWNER_COMPANY, ANY_COMPANY, "C-9001"): 2,
    },
    method_lines={(9, "in"): 31, (9, "out"): 32},
)


def record(document: dict[str, Any]) -> Any:
    return parse_record(document)


PAYMENT = {
    "type": "rent_payment",
    "id": "RP-2026-0042",
    "status": "approved",
    "tenant_id": "C-1001",
    "owner_id": "C-9001",
    "property": "Olaya Tower",
    "unit": "4B",
    "period_start": "2026-03-01",
    "period_end": "2026-03-31",
    "charges": [
        {"kind": "rent", "amount": "5000.00", "vat_rate": "exempt"},
        {"kind": "services", "amount": "500.00", "vat_rate": "15"},
    ],
    "amount_paid": "5575.00",
    "paid_on": "2026-03-03",
    "method": "bank_transfer",
    "reference": "TRX-88123",
}


def test_a_contact_becomes_a_partner_marked_with_its_id() -> None:
    contact = record(
        {
            "type": "contact",
            "id": "C-1001",
            "roles": ["tenant", "vendor"],
            "name": "Abdullah Al-Harbi",
            "email": "a@example.sa",
            "mobile": "+966500000009",
            "lang": "ar",
            "address": {"street": "King Fahd Rd", "city": "Riyadh", "state": "Riyadh", "country": "SA"},
        }
    )
    document = partner_document(contact, FACTS)
    assert document.model == "res.partner"
    assert document.marker == "C-1001"
    values = document.values
    assert values["ref"] == "C-1001"
    assert values["lang"] == "ar_001"
    assert values["country_id"] == 192
    assert values["state_id"] == 1500
    assert values["mobile"] == "+966500000009"
    assert values["phone"] is False
    assert values["customer_rank"] == 1
    assert values["supplier_rank"] == 1
    assert values["active"] is True
    assert document.warnings == ()


def test_arabic_inactive_leaves_the_language_to_odoo_with_a_warning() -> None:
    contact = record({"type": "contact", "id": "C-1", "roles": ["owner"], "name": "X", "lang": "ar"})
    document = partner_document(contact, replace(FACTS, arabic_active=False))
    assert "lang" not in document.values
    assert document.warnings == ("arabic_inactive",)
    english = record({"type": "contact", "id": "C-2", "roles": ["owner"], "name": "Y", "lang": "en"})
    assert partner_document(english, replace(FACTS, arabic_active=False)).values["lang"] == "en_US"


def test_odoo_19_has_one_phone_number() -> None:
    contact = record({"type": "contact", "id": "C-1", "roles": ["tenant"], "name": "X", "mobile": "+9665"})
    values = partner_document(contact, replace(FACTS, version=OdooVersion(19, "19.0"))).values
    assert "mobile" not in values
    assert values["phone"] == "+9665"


def test_an_archived_contact_is_an_archived_partner() -> None:
    contact = record({"type": "contact", "id": "C-1", "roles": ["tenant"], "name": "X", "active": False})
    assert partner_document(contact, FACTS).values["active"] is False


def test_a_rent_payment_becomes_an_invoice_with_labelled_taxed_lines() -> None:
    payment: RentPayment = record(PAYMENT)
    document = invoice_document(payment, 55, FACTS)
    header = document.values
    assert header["move_type"] == "out_invoice"
    assert header["partner_id"] == 55
    assert header["journal_id"] == 5
    assert header["company_id"] == 1
    assert header["currency_id"] == 148
    assert header["invoice_date"] == "2026-03-03"
    assert header["invoice_origin"] == header["ref"] == "RP-2026-0042"
    assert header["payment_reference"] == "TRX-88123"
    rent, services = document.lines
    assert rent["name"] == "Rent — Olaya Tower 4B — 2026-03-01 → 2026-03-31"
    assert rent["product_id"] == 7
    assert rent["price_unit"] == Decimal("5000.00")
    assert rent["tax_ids"] == [(6, 0, [SALE_EXEMPT])]
    assert services["name"] == "Services — Olaya Tower 4B — 2026-03-01 → 2026-03-31"
    assert "product_id" not in services
    assert services["tax_ids"] == [(6, 0, [SALE_15])]
    assert "analytic_distribution" not in rent
    created = document.create_values()["invoice_line_ids"]
    assert [command[:2] for command in created] == [(0, 0), (0, 0)]
    updated = document.update_values()["invoice_line_ids"]
    assert updated[0] == (5, 0, 0)
    assert len(updated) == 3


def test_arabic_labels() -> None:
    document = invoice_document(record(PAYMENT), 55, replace(FACTS, language="ar"))
    assert document.lines[0]["name"] == "إيجار — Olaya Tower 4B — من 2026-03-01 إلى 2026-03-31"
    assert document.lines[1]["name"].startswith("خدمات — ")


def test_owner_separation_by_analytic_and_by_company() -> None:
    analytic = invoice_document(record(PAYMENT), 55, replace(FACTS, separation="by_analytic"))
    assert all(line["analytic_distribution"] == {"77": 100} for line in analytic.lines)
    by_company = invoice_document(record(PAYMENT), 55, replace(FACTS, separation="by_company"))
    assert by_company.company_id == 2
    assert by_company.values["journal_id"] == 6
    unmapped = record({**PAYMENT, "owner_id": "C-9999"})
    with pytest.raises(MissingSetup, match=r"owner C-9999 .* has no company mapping") as caught:
        invoice_document(unmapped, 55, replace(FACTS, separation="by_company"))
    assert caught.value.instruction is not None
    assert "odoosync owners map C-9999 --company" in caught.value.instruction


def test_a_missing_tax_mapping_names_the_rate_and_the_command() -> None:
    charges = [{"kind": "rent", "amount": "100.00", "vat_rate": "5"}]
    payment = record({**PAYMENT, "charges": charges, "amount_paid": "105.00"})
    with pytest.raises(MissingSetup) as caught:
        invoice_document(payment, 1, FACTS)
    assert 'VAT rate "5" has no sale tax mapping' in caught.value.reason
    assert (
        caught.value.instruction == 'Run: odoosync map set vat "5" --sale-tax TAX, then odoosync queue retry --failed'
    )


def test_no_rent_product_is_a_setup_problem() -> None:
    with pytest.raises(MissingSetup, match="no Rent product"):
        invoice_document(record(PAYMENT), 55, replace(FACTS, rent_product=None))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["rent", "services"]), st.integers(1, 2_000_000), st.sampled_from(["15", "exempt"])),
        min_size=1,
        max_size=4,
    ),
    st.integers(min_value=1, max_value=10_000),
)
def test_the_invoice_lines_total_the_amount_paid(raw: list[tuple[str, int, str]], basis_points: int) -> None:
    charges = [{"kind": k, "amount": str(Decimal(units) / 100), "vat_rate": r} for k, units, r in raw]
    lines = [ScaledLine(c["kind"], Decimal(c["amount"]), c["vat_rate"], i) for i, c in enumerate(charges)]
    due = total_of(lines, "SAR")
    paid = (due * basis_points / 10_000).quantize(Decimal("0.01"))
    if paid <= 0:
        return
    document = invoice_document(record({**PAYMENT, "charges": charges, "amount_paid": str(paid)}), 1, FACTS)
    rate_of = {SALE_15: "15", SALE_EXEMPT: "exempt"}
    built = [ScaledLine("x", line["price_unit"], rate_of[line["tax_ids"][0][2][0]], None) for line in document.lines]
    assert total_of(built, "SAR") == paid
    assert all(line["tax_ids"] for line in document.lines)


def test_an_expense_becomes_a_vendor_bill() -> None:
    expense: Expense = record(
        {
            "type": "expense",
            "id": "EX-311",
            "status": "verified",
            "vendor_id": "C-5001",
            "property": "Olaya Tower",
            "unit": "4B",
            "bill_reference": "INV-5531",
            "bill_date": "2026-03-05",
            "due_date": "2026-04-05",
            "lines": [{"category": "Plumbing ", "description": "Leak repair", "amount": "230.00", "vat_rate": "15"}],
        }
    )
    document = bill_document(expense, 66, FACTS)
    assert document.values["move_type"] == "in_invoice"
    assert document.values["ref"] == "INV-5531"  # the vendor's bill number
    assert document.values["invoice_origin"] == "EX-311"  # the marker
    assert document.values["invoice_date_due"] == "2026-04-05"
    [line] = document.lines
    assert line["account_id"] == 501
    assert line["tax_ids"] == [(6, 0, [BUY_15])]
    assert line["name"] == "Leak repair — Olaya Tower 4B"


def test_an_unmapped_category_says_what_to_run() -> None:
    expense = record(
        {
            "type": "expense",
            "id": "EX-1",
            "status": "verified",
            "vendor_id": "C-5001",
            "bill_date": "2026-03-05",
            "lines": [{"category": "Painting", "amount": "10.00", "vat_rate": "15"}],
        }
    )
    with pytest.raises(MissingSetup) as caught:
        bill_document(expense, 66, FACTS)
    assert str(caught.value) == (
        'Expense category "painting" has no account mapping (company Saudi Test Co), needed by expense EX-1\n'
        'Run: odoosync map set category "painting" --account <code>, then odoosync queue retry --failed'
    )


@pytest.mark.parametrize(("major", "field"), [(17, "ref"), (18, "memo")])
def test_a_deposit_becomes_a_payment_with_its_id_in_the_memo(major: int, field: str) -> None:
    deposit: Deposit = record(
        {
            "type": "deposit",
            "id": "DP-12",
            "direction": "out",
            "status": "recorded",
            "tenant_id": "C-1001",
            "amount": "10000.00",
            "date": "2026-03-01",
            "method": "Cash",
            "reference": "DEP-1",
        }
    )
    document = payment_document(deposit, 55, replace(FACTS, version=OdooVersion(major, f"{major}.0")))
    values = document.values
    assert values[field] == "DP-12 · DEP-1"
    assert values["payment_type"] == "outbound"
    assert values["partner_type"] == "customer"
    assert values["journal_id"] == 9
    assert values["payment_method_line_id"] == 32
    assert values["amount"] == Decimal("10000.00")


def test_contact_model_is_the_one_parsed() -> None:
    assert isinstance(record({"type": "contact", "id": "C", "roles": ["tenant"], "name": "N"}), Contact)


def test_a_deposit_account_replaces_the_receivable_per_company() -> None:
    deposit = record(
        {
            "type": "deposit",
            "id": "DP-1",
            "direction": "in",
            "status": "recorded",
            "tenant_id": "C-1",
            "owner_id": "C-9001",
            "amount": "100.00",
            "date": "2026-03-01",
            "method": "cash",
        }
    )
    facts = replace(FACTS, deposit_account="201100", deposit_accounts={1: 301})
    assert payment_document(deposit, 5, facts).values["destination_account_id"] == 301
    assert "destination_account_id" not in payment_document(deposit, 5, FACTS).values
    elsewhere = replace(
        facts, separation="by_company", mappings={**FACTS.mappings, (MappingKind.METHOD, 2, "cash"): 19}
    )
    with pytest.raises(MissingSetup, match="has no receivable or payable account in company Second Co"):
        payment_document(deposit, 5, elsewhere)
