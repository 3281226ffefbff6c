"""Matching a move's open items with others' (account.partial.reconcile), undoing it, and what it changes: the
residual and payment state of the moves, the invoices a payment pays."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from odoosync.sandbox.models.move_types import INVOICE_TYPES
from odoosync.sandbox.orm.database import Database, Row
from odoosync.sandbox.orm.model import Model, rpc


def reconcile(db: Database, first: Row, second: Row) -> None:
    """Match two open items of opposite signs by the smaller of their residuals."""
    amount = min(abs(first["amount_residual"]), abs(second["amount_residual"]))
    if not amount or (first["amount_residual"] > 0) == (second["amount_residual"] > 0):
        return
    for line, other in ((first, second), (second, first)):
        step = amount if line["amount_residual"] > 0 else -amount
        db.update(
            "account.move.line",
            line["id"],
            {
                "amount_residual": line["amount_residual"] - step,
                "reconcile_with": [*line.get("reconcile_with", []), other["id"]],
                # account.partial.reconcile, as far as undoing it needs: (the other line, what it took off this one)
                "partials": [*line.get("partials", []), (other["id"], step)],
            },
        )


def unreconcile(db: Database, line_ids: Iterable[int]) -> set[int]:
    """remove_move_reconcile: every match of these lines undone, on both sides. Answers the moves touched."""
    lines = db.table("account.move.line")
    touched: set[int] = set()
    for line_id in line_ids:
        line = lines[line_id]
        for other_id, step in line.get("partials", ()):
            other = lines[other_id]
            back = sum((s for o, s in other.get("partials", ()) if o == line_id), Decimal(0))
            db.update(
                "account.move.line",
                other_id,
                {
                    "amount_residual": other["amount_residual"] + back,
                    "reconcile_with": [o for o in other.get("reconcile_with", ()) if o != line_id],
                    "partials": [(o, s) for o, s in other.get("partials", ()) if o != line_id],
                },
            )
            db.update(
                "account.move.line",
                line_id,
                {
                    "amount_residual": lines[line_id]["amount_residual"] + step,
                    "reconcile_with": [o for o in lines[line_id].get("reconcile_with", ()) if o != other_id],
                    "partials": [(o, s) for o, s in lines[line_id].get("partials", ()) if o != other_id],
                },
            )
            touched |= {line["move_id"], other["move_id"]}
    return touched


class MoveMatching(Model):
    """The part of account.move that matches its open items with others' and keeps the payment state."""

    @rpc
    def js_assign_outstanding_line(self, ids: list[int], line_id: int) -> bool:
        """The invoice's "Add" button on an outstanding credit or payment: match that line with the invoice's
        open lines of the same account."""
        [move] = self.browse(ids)
        db = self.env.db
        outstanding = db.table("account.move.line")[line_id]
        for line in db.children("account.move.line", "move_id", [move["id"]]):
            if line["account_id"] == outstanding["account_id"] and line["amount_residual"] != 0:
                reconcile(db, db.table("account.move.line")[line_id], line)
        self.after_matching({move["id"], outstanding["move_id"]})
        return True

    def after_matching(self, move_ids: Iterable[int]) -> None:
        """What matching lines, or undoing it, changes: a move's residual and payment state; a payment's
        `is_reconciled` and the invoices it pays."""
        db = self.env.db
        lines = db.table("account.move.line")
        for move_id in sorted(set(move_ids)):
            terms = [
                line
                for line in db.children("account.move.line", "move_id", [move_id])
                if line.get("display_type") == "payment_term"
            ]
            residual = abs(sum((t["amount_residual"] for t in terms), Decimal(0)))
            db.update("account.move", move_id, {"amount_residual": residual})
            self._update_payment_state(move_id)
            payment = self.table[move_id].get("payment_id")
            if payment:
                paid = {lines[other]["move_id"] for t in terms for other in t.get("reconcile_with", ())}
                invoices = {m for m in paid if self.table[m]["move_type"] in INVOICE_TYPES}
                if self.env.version >= 18:
                    # From 18 a payment keeps the invoices it was made for (`invoice_ids`), matched or not any
                    # more: real 18 and 19 list them after the payment is reset to draft.
                    invoices |= set(db.table("account.payment")[payment].get("reconciled_invoice_ids") or ())
                matched = bool(terms) and all(t["amount_residual"] == 0 for t in terms)
                values: Row = {"is_reconciled": matched, "reconciled_invoice_ids": tuple(sorted(invoices))}
                state = db.table("account.payment")[payment]["state"]
                if self.env.version >= 18 and state in ("in_process", "paid"):
                    # _compute_state: "paid" once every invoice it was made for is paid (the outstanding line is
                    # never matched with a bank statement here).
                    paid_all = invoices and all(self.table[m]["payment_state"] == "paid" for m in invoices)
                    values["state"] = "paid" if paid_all else "in_process"
                db.update("account.payment", payment, values)

    def _reconcile_with_origin(self, move: Row) -> None:
        """_reconcile_reversed_moves: a posted credit note is matched with the invoice it reverses."""
        origin = self.table[move["reversed_entry_id"]]
        if origin["state"] != "posted":
            return
        terms = [
            line
            for line in self.env.db.children("account.move.line", "move_id", [origin["id"], move["id"]])
            if line.get("display_type") == "payment_term"
        ]
        # Only what is still open is matched (`.filtered(lambda l: not l.reconciled)`): the credit note of an
        # invoice already paid stays open, and the invoice stays paid.
        mine = [line for line in terms if line["move_id"] == move["id"] and line["amount_residual"] != 0]
        theirs = [line for line in terms if line["move_id"] == origin["id"] and line["amount_residual"] != 0]
        if not (mine and theirs):
            return
        reconcile(self.env.db, theirs[0], mine[0])
        self.after_matching({origin["id"], move["id"]})

    def _unmatch(self, move: Row) -> None:
        lines = [line["id"] for line in self.env.db.children("account.move.line", "move_id", [move["id"]])]
        self.after_matching(unreconcile(self.env.db, lines))

    def _update_payment_state(self, move_id: int) -> None:
        move = self.table[move_id]
        state = "not_paid"
        if move["state"] == "posted" and move["move_type"] in INVOICE_TYPES:
            if move["amount_residual"] == 0 and move["amount_total"] != 0:
                # _compute_payment_state: "reversed" when it was matched with credit notes only.
                db = self.env.db
                partners = {
                    other
                    for line in db.children("account.move.line", "move_id", [move_id])
                    for other in line.get("reconcile_with", ())
                }
                partner_moves = {db.table("account.move.line")[other]["move_id"] for other in partners}
                refunds = [db.table("account.move")[m]["move_type"].endswith("_refund") for m in partner_moves]
                state = "reversed" if refunds and all(refunds) else "paid"
            elif move["amount_residual"] != move["amount_total"]:
                state = "partial"
        self.env.db.update("account.move", move_id, {"payment_state": state})
