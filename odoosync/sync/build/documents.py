"""What each record type becomes in Odoo: its model, its move type, the word messages use for it, and the
states that matter to more than one step."""

from __future__ import annotations

from odoosync.domain.records import RecordType

PARTNER, MOVE, PAYMENT = "res.partner", "account.move", "account.payment"
MODEL_OF = {
    RecordType.CONTACT: PARTNER,
    RecordType.RENT_PAYMENT: MOVE,
    RecordType.EXPENSE: MOVE,
    RecordType.DEPOSIT: PAYMENT,
}
MOVE_TYPE = {RecordType.RENT_PAYMENT: "out_invoice", RecordType.EXPENSE: "in_invoice"}
WHAT = {
    RecordType.CONTACT: "partner",
    RecordType.RENT_PAYMENT: "invoice",
    RecordType.EXPENSE: "bill",
    RecordType.DEPOSIT: "payment",
}
# An invoice's payment_state once its payment is registered ("in_payment" until the bank statement matches it).
PAID_STATES = frozenset({"paid", "in_payment"})
# A cancelled move or payment: payments say "canceled" from Odoo 18.
CANCELLED = frozenset({"cancel", "canceled"})
