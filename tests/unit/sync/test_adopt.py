"""The adoption rules, without Odoo: which hand-made partner or document a record matches."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from odoosync.domain.records import Contact, Deposit, RentPayment, parse_record
from odoosync.sync.checks.adopt import document_matches, partner_matches


def contact(**changes: Any) -> Contact:
    document = {
        "type": "contact",
        "id": "C-1",
        "roles": ["tenant"],
        "name": "Sara Al-Otaibi",
        "updated_at": "2026-01-01T00:00:00+03:00",
        **changes,
    }
    record = parse_record(document)
    assert isinstance(record, Contact)
    return record


def test_a_vat_number_wins_over_email_and_name() -> None:
    partners = [
        {"id": 1, "name": "Someone", "vat": "300 001 000 005 003"},
        {"id": 2, "name": "Sara Al-Otaibi", "email": "sara@example.sa", "phone": "0500000002"},
    ]
    sara = contact(vat="300001000005003", email="sara@example.sa", phone="+966500000002")
    assert partner_matches(sara, partners) == ("VAT number", [partners[0]])


def test_then_the_email_whatever_its_case_then_the_name_with_a_phone() -> None:
    partners = [
        {"id": 1, "name": "S. Otaibi", "email": "SARA@Example.sa"},
        {"id": 2, "name": "sara al-otaibi", "phone": "+966 50 000 0002"},
    ]
    assert partner_matches(contact(email="sara@example.sa"), partners) == ("email", [partners[0]])
    assert partner_matches(contact(phone="0500000002"), partners) == ("name and phone", [partners[1]])
    # A name alone is not enough, nor a phone under another name.
    assert partner_matches(contact(), partners) == ("", [])
    assert partner_matches(contact(name="Other", phone="0500000002"), partners) == ("", [])


def test_every_partner_that_matches_is_returned_so_that_a_person_can_choose() -> None:
    partners = [{"id": 1, "name": "A", "email": "x@example.sa"}, {"id": 2, "name": "B", "email": "X@example.sa"}]
    assert partner_matches(contact(email="x@example.sa"), partners)[1] == partners


def rent(**changes: Any) -> RentPayment:
    document = {
        "type": "rent_payment",
        "id": "RP-1",
        "status": "approved",
        "tenant_id": "C-1",
        "owner_id": "O-1",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "paid_on": "2026-01-05",
        "method": "cash",
        "currency": "SAR",
        "amount_paid": "1150.00",
        "charges": [{"kind": "rent", "amount": "1000.00", "vat_rate": "15"}],
        "updated_at": "2026-01-05T00:00:00+03:00",
        **changes,
    }
    record = parse_record(document)
    assert isinstance(record, RentPayment)
    return record


def test_a_document_matches_on_partner_date_amount_and_reference() -> None:
    row = {"id": 9, "partner_id": [7, "Sara"], "invoice_date": "2026-01-05", "amount_total": 1150.0, "state": "posted"}
    payment = rent()
    assert document_matches(payment, 7, Decimal("1150.00"), [row]) == [row]
    assert document_matches(payment, 8, Decimal("1150.00"), [row]) == []  # another partner
    assert document_matches(payment, 7, Decimal("1150.00"), [{**row, "invoice_date": "2026-01-06"}]) == []
    assert document_matches(payment, 7, Decimal("1150.00"), [{**row, "amount_total": 1150.01}]) == []
    assert document_matches(payment, 7, Decimal("1150.00"), [{**row, "state": "cancel"}]) == []
    with_reference = rent(reference="TRX-1")
    assert document_matches(with_reference, 7, Decimal("1150.00"), [row]) == []
    assert document_matches(with_reference, 7, Decimal("1150.00"), [{**row, "payment_reference": "TRX-1"}])


def test_a_payment_matches_on_its_direction_too() -> None:
    document = {
        "type": "deposit",
        "id": "DP-1",
        "status": "recorded",
        "tenant_id": "C-1",
        "direction": "out",
        "date": "2026-01-05",
        "amount": "500.00",
        "method": "cash",
        "currency": "SAR",
        "updated_at": "2026-01-05T00:00:00+03:00",
    }
    deposit = parse_record(document)
    assert isinstance(deposit, Deposit)
    row = {"id": 3, "partner_id": [7, "Sara"], "date": "2026-01-05", "amount": 500.0, "payment_type": "outbound"}
    assert document_matches(deposit, 7, Decimal("500.00"), [row]) == [row]
    assert document_matches(deposit, 7, Decimal("500.00"), [{**row, "payment_type": "inbound"}]) == []
