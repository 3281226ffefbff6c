"""Every rule of ../shared/records.md, one case each: a valid base document and one change that breaks it."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoosync.domain import money
from odoosync.domain.records import (
    Contact,
    Deposit,
    RecordInvalid,
    RecordType,
    RentPayment,
    canonical_document,
    parse_record,
    parse_vat_rate,
)
from tests.conftest import SAMPLES

CONTACT = {
    "type": "contact",
    "id": "C-1001",
    "roles": ["tenant"],
    "name": "Abdullah Al-Harbi",
    "email": "a.harbi@example.sa",
    "lang": "ar",
    "vat": "300001000000013",
    "address": {"street": "King Fahd Rd", "city": "Riyadh", "zip": "12214", "country": "SA"},
    "updated_at": "2026-01-05T09:00:00+03:00",
}
RENT = {
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
    "currency": "SAR",
    "updated_at": "2026-03-03T12:00:00+03:00",
}
EXPENSE = {
    "type": "expense",
    "id": "EX-311",
    "status": "verified",
    "vendor_id": "C-5001",
    "bill_date": "2026-03-05",
    "lines": [{"category": "Plumbing", "description": "Leak repair", "amount": "230.00", "vat_rate": "15"}],
}
DEPOSIT = {
    "type": "deposit",
    "id": "DP-12",
    "direction": "in",
    "status": "recorded",
    "tenant_id": "C-1001",
    "amount": "10000.00",
    "date": "2026-03-01",
    "method": "cash",
}
BASES = {"contact": CONTACT, "rent_payment": RENT, "expense": EXPENSE, "deposit": DEPOSIT}


def changed(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `base` with the dotted `path` set to `value` (the sentinel DELETE removes it)."""
    document = copy.deepcopy(base)
    *parents, last = path.split(".")
    target: Any = document
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is DELETE:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return document


DELETE = object()


def problems_of(document: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(RecordInvalid) as caught:
        parse_record(document)
    return [(p.field, p.message) for p in caught.value.problems]


@pytest.mark.parametrize("kind", list(BASES))
def test_the_bases_are_valid(kind: str) -> None:
    record = parse_record(BASES[kind])
    assert record.record_type == RecordType(kind)


INVALID = [
    # common rules
    ("contact", "type", "invoice", "type", "unknown record type 'invoice'"),
    ("contact", "type", DELETE, "type", "is required"),
    ("contact", "id", DELETE, "id", "is required"),
    ("contact", "id", "  ", "id", "must not be empty"),
    ("contact", "emial", "x@example.sa", "emial", "is not a known field"),
    ("contact", "updated_at", "2026-01-05T09:00:00", "updated_at", "needs a UTC offset"),
    ("contact", "updated_at", "yesterday", "updated_at", "ISO 8601 timestamp"),
    ("rent_payment", "currency", "sar", "currency", "unknown ISO 4217 currency code 'sar'"),
    ("rent_payment", "currency", 682, "currency", "valid string"),
    ("rent_payment", "currency", "XYZ", "currency", "unknown ISO 4217 currency code 'XYZ'"),
    # contact
    ("contact", "roles", [], "roles", "must not be empty"),
    ("contact", "roles", ["landlord"], "roles[0]", "must be one of 'tenant', 'vendor' or 'owner'"),
    ("contact", "name", DELETE, "name", "is required"),
    ("contact", "vat", "12345", "vat", "15 digits, first and last 3"),
    ("contact", "vat", "400001000000013", "vat", "15 digits, first and last 3"),
    ("contact", "vat", "300001000000014", "vat", "15 digits, first and last 3"),
    ("contact", "lang", "fr", "lang", "must be one of 'en' or 'ar'"),
    ("contact", "email", "not-an-email", "email", "is not an email address"),
    ("contact", "address.country", "Saudi Arabia", "address.country", "ISO 3166-1 alpha-2"),
    ("contact", "address.planet", "Earth", "address.planet", "is not a known field"),
    ("contact", "is_company", "maybe", "is_company", "must be true or false"),
    # rent payment
    (
        "rent_payment",
        "status",
        "paid",
        "status",
        "must be one of 'pending', 'approved', 'rejected' or 'void'",
    ),
    ("rent_payment", "tenant_id", DELETE, "tenant_id", "is required"),
    ("rent_payment", "charges", [], "charges", "must not be empty"),
    ("rent_payment", "charges.0.amount", "-5.00", "charges[0].amount", "must not be negative, got -5.00"),
    ("rent_payment", "charges.1.amount", "1.005", "charges[1].amount", "more decimals than SAR allows (2)"),
    ("rent_payment", "charges.0.kind", "parking", "charges[0].kind", "must be one of 'rent' or 'services'"),
    ("rent_payment", "charges.0.vat_rate", "high", "charges[0].vat_rate", "rate code"),
    ("rent_payment", "charges.0.vat_rate", "150", "charges[0].vat_rate", "between 0 and 100"),
    ("rent_payment", "period_start", "2026-02-30", "period_start", "is not a real date: '2026-02-30'"),
    ("rent_payment", "period_end", "31/03/2026", "period_end", "YYYY-MM-DD"),
    ("rent_payment", "period_end", "2026-02-01", "period_end", "is before period_start"),
    ("rent_payment", "amount_paid", "0", "amount_paid", "must be more than zero"),
    ("rent_payment", "amount_paid", "5575.01", "amount_paid", "more than the total due 5575.00 SAR"),
    ("rent_payment", "amount_paid", 5575.0, "amount_paid", "not a float"),
    ("rent_payment", "method", DELETE, "method", "is required"),
    ("rent_payment", "paid_on", DELETE, "paid_on", "is required"),
    # expense
    ("expense", "status", "approved", "status", "'submitted', 'verified', 'rejected' or 'void'"),
    ("expense", "bill_date", "2026-13-01", "bill_date", "is not a real date"),
    ("expense", "due_date", "soon", "due_date", "YYYY-MM-DD"),
    ("expense", "lines", [], "lines", "must not be empty"),
    ("expense", "lines.0.category", "", "lines[0].category", "must not be empty"),
    ("expense", "lines.0.amount", "10.005", "lines[0].amount", "more decimals than SAR allows (2): 10.005"),
    ("expense", "vendor_id", DELETE, "vendor_id", "is required"),
    # deposit
    ("deposit", "direction", "sideways", "direction", "must be one of 'in' or 'out'"),
    ("deposit", "status", "approved", "status", "must be one of 'recorded' or 'void'"),
    ("deposit", "amount", "0.00", "amount", "must be more than zero"),
    ("deposit", "amount", "-1", "amount", "must not be negative"),
    ("deposit", "amount", "ten", "amount", "decimal amount like"),
    ("deposit", "date", "2026-04-31", "date", "is not a real date"),
]


@pytest.mark.parametrize(("kind", "path", "value", "field", "fragment"), INVALID)
def test_each_rule_names_its_field_and_problem(kind: str, path: str, value: Any, field: str, fragment: str) -> None:
    problems = problems_of(changed(BASES[kind], path, value))
    assert any(f == field and fragment in m for f, m in problems), problems


def test_all_problems_of_a_document_are_reported_together() -> None:
    document = changed(changed(RENT, "paid_on", "2026-02-30"), "charges.0.amount", "-1")
    document["colour"] = "blue"
    fields = {field for field, _ in problems_of(document)}
    assert fields == {"paid_on", "charges[0].amount", "colour"}


def test_an_invalid_record_keeps_its_type_and_id_for_the_report() -> None:
    with pytest.raises(RecordInvalid) as caught:
        parse_record(changed(DEPOSIT, "direction", "sideways"))
    assert (caught.value.record_type, caught.value.record_id) == ("deposit", "DP-12")


def test_three_decimal_currencies_take_three_decimals() -> None:
    record = parse_record(changed(changed(DEPOSIT, "currency", "KWD"), "amount", "125.125"))
    assert isinstance(record, Deposit)
    assert record.amount == Decimal("125.125")
    problems = problems_of(changed(changed(DEPOSIT, "currency", "KWD"), "amount", "125.1255"))
    assert problems == [("amount", "has more decimals than KWD allows (3): 125.1255")]


def test_json_numbers_are_exact_decimals() -> None:
    document = json.loads(
        json.dumps(DEPOSIT).replace('"10000.00"', "10000.10"), parse_float=Decimal
    )  # what ingest does
    record = parse_record(document)
    assert isinstance(record, Deposit)
    assert record.amount == Decimal("10000.10")


def test_the_saudi_vat_rule_applies_only_to_saudi_contacts() -> None:
    foreign = changed(changed(CONTACT, "address.country", "AE"), "vat", "100000000000003")
    assert isinstance(parse_record(foreign), Contact)
    assert isinstance(parse_record(changed(CONTACT, "address", DELETE)), Contact)


def test_overpayment_compares_with_tax_rounded_per_line() -> None:
    # 333.33 at 15 % is 49.9995 of VAT, which Odoo rounds to 50.00 on the line: 383.33 is due, not 383.3295.
    document = changed(RENT, "charges", [{"kind": "rent", "amount": "333.33", "vat_rate": "15"}])
    record = parse_record(changed(document, "amount_paid", "383.33"))
    assert isinstance(record, RentPayment)
    assert record.total_due == Decimal("383.33")
    assert problems_of(changed(document, "amount_paid", "383.34"))[0][0] == "amount_paid"


def test_canonical_form_normalises_amounts_and_rate_codes() -> None:
    document = changed(changed(EXPENSE, "lines.0.amount", 230), "lines.0.vat_rate", 15)
    canonical = canonical_document(parse_record(document))
    assert canonical["lines"][0]["amount"] == "230.00"
    assert canonical["lines"][0]["vat_rate"] == "15"
    assert canonical["currency"] == "SAR"
    assert "due_date" not in canonical
    assert parse_record(canonical) == parse_record(document)


def test_record_dates_are_the_backfill_dates() -> None:
    assert parse_record(RENT).record_date == date(2026, 3, 3)
    assert parse_record(EXPENSE).record_date == date(2026, 3, 5)
    assert parse_record(DEPOSIT).record_date == date(2026, 3, 1)
    assert parse_record(CONTACT).record_date is None


def test_every_sample_is_valid_and_round_trips() -> None:
    for path in ("portfolio.ndjson", "edits.ndjson"):
        for line in (SAMPLES / path).read_text().splitlines():
            record = parse_record(json.loads(line, parse_float=Decimal))
            assert parse_record(canonical_document(record)) == record


BAD_SAMPLE_PROBLEMS = {
    1: ("charges[0].amount", "must not be negative"),
    2: ("bill_date", "is not a real date"),
    3: ("vat", "a Saudi VAT number has 15 digits"),
    4: ("direction", "must be one of 'in' or 'out'"),
    5: ("amount_paid", "more than the total due 1150.00 SAR"),
    6: ("emial", "is not a known field"),
    8: ("type", "unknown record type 'invoice'"),
    9: ("lines[0].amount", "more decimals than SAR allows"),
}


def test_the_bad_samples_are_each_refused_for_their_reason() -> None:
    lines = (SAMPLES / "bad.ndjson").read_text().splitlines()
    for number, line in enumerate(lines, start=1):
        if number == 7:
            with pytest.raises(json.JSONDecodeError):
                json.loads(line)
            continue
        field, fragment = BAD_SAMPLE_PROBLEMS[number]
        problems = problems_of(json.loads(line, parse_float=Decimal))
        assert any(f == field and fragment in m for f, m in problems), (number, problems)


charges = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["rent", "services"]),
            "amount": st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
            "vat_rate": st.sampled_from(["15", "5", "0", "exempt"]),
        }
    ),
    min_size=1,
    max_size=4,
)


@given(charges, st.sampled_from(["SAR", "KWD"]), st.integers(min_value=1, max_value=100))
def test_any_payment_up_to_the_total_due_is_accepted_and_above_it_refused(
    charge_list: list[dict[str, Any]], currency: str, percent_paid: int
) -> None:
    for charge in charge_list:
        charge["amount"] = str(money.round_money(charge["amount"], currency))
    base = {**RENT, "currency": currency, "charges": charge_list}
    total = sum(
        (
            Decimal(c["amount"])
            + money.round_money(
                Decimal(c["amount"]) * (0 if c["vat_rate"] == "exempt" else Decimal(c["vat_rate"])) / 100,
                currency,
            )
            for c in charge_list
        ),
        Decimal(0),
    )
    paid = money.round_money(total * percent_paid / 100, currency)
    if paid > 0:
        record = parse_record({**base, "amount_paid": str(paid)})
        assert isinstance(record, RentPayment)
        assert record.total_due == total
    over = {**base, "amount_paid": str(total + money.unit(currency))}
    assert problems_of(over)[0][0] == "amount_paid"


def test_one_zero_rate_whatever_its_spelling() -> None:
    assert {parse_vat_rate(v) for v in ("0", "-0", "0.0", 0, "-0.00")} == {"0"}
    assert parse_vat_rate("15.0") == "15"
