"""The kinds of account.move: which are invoices, which sell, which refund, and on which side each puts its
product lines."""

MOVE_TYPES = [
    ("entry", "Journal Entry"),
    ("out_invoice", "Customer Invoice"),
    ("out_refund", "Customer Credit Note"),
    ("in_invoice", "Vendor Bill"),
    ("in_refund", "Vendor Credit Note"),
    ("out_receipt", "Sales Receipt"),
    ("in_receipt", "Purchase Receipt"),
]
SALE_TYPES = {"out_invoice", "out_refund", "out_receipt"}
INVOICE_TYPES = SALE_TYPES | {"in_invoice", "in_refund", "in_receipt"}
# Which side the product lines take: income is credited on a customer invoice, expense debited on a bill.
PRODUCT_SIGN = {
    "out_invoice": -1,
    "out_receipt": -1,
    "in_refund": -1,
    "in_invoice": 1,
    "in_receipt": 1,
    "out_refund": 1,
}
REFUND_TYPES = {"out_refund", "in_refund"}
