"""account.payment, the payment register wizard, and the reversal (credit note) wizard."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from odoosync.sandbox.errors import ServerError, UserError
from odoosync.sandbox.models.move_lines import partner_account
from odoosync.sandbox.models.move_types import SALE_TYPES
from odoosync.sandbox.models.moves import Move, context_today
from odoosync.sandbox.models.reconciliation import reconcile
from odoosync.sandbox.orm.database import Row
from odoosync.sandbox.orm.fields import Boolean, Char, Date, Many2many, Many2one, Monetary, Selection
from odoosync.sandbox.orm.model import Model, rpc

# account_payment.py: up to 17 a payment is its journal entry (_inherits account.move) and shares its state;
# from 18 it has states of its own and a posted payment waits "in process" until matched with the bank.
STATES_UP_TO_17 = [("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")]
STATES_FROM_18 = [
    ("draft", "Draft"),
    ("in_process", "In Process"),
    ("paid", "Paid"),
    ("canceled", "Canceled"),
    ("rejected", "Rejected"),
]
# The company's accounts a payment books on when its method line has none, by payment type.
OUTSTANDING_FIELDS = {
    "inbound": "account_journal_payment_debit_account_id",
    "outbound": "account_journal_payment_credit_account_id",
}


def _posted_state(version: int) -> str:
    return "posted" if version <= 17 else "in_process"


def _cancelled_state(version: int) -> str:
    return "cancel" if version <= 17 else "canceled"


class Payment(Model):
    _name = "account.payment"
    _order = "date desc, name desc"
    name = Char(readonly=True)
    payment_type = Selection([("outbound", "Send"), ("inbound", "Receive")], required=True, default="inbound")
    partner_type = Selection([("customer", "Customer"), ("supplier", "Vendor")], default="customer")
    partner_id = Many2one("res.partner")
    amount = Monetary()
    currency_id = Many2one("res.currency")
    journal_id = Many2one("account.journal")
    payment_method_line_id = Many2one("account.payment.method.line")
    # account_payment.py: computed from the partner's receivable/payable, stored, writable (readonly=False).
    destination_account_id = Many2one("account.account")
    date = Date()
    ref = Char(until=17)
    memo = Char(since=18)
    state = Selection(STATES_UP_TO_17, default="draft", until=17, readonly=True)
    state_18 = Selection(STATES_FROM_18, default="draft", since=18, readonly=True)
    company_id = Many2one("res.company", readonly=True)
    move_id = Many2one("account.move", readonly=True)
    is_reconciled = Boolean(readonly=True)
    # account_payment.py: computed (not stored) from the reconciliation; here kept when the wizard pays invoices.
    reconciled_invoice_ids = Many2many("account.move", readonly=True)

    @classmethod
    def for_version(cls, version: int) -> type[Model]:
        # One `state` field whose values depend on the version: expose the right one under that name.
        model = super().for_version(version)
        fields = dict(model._fields)
        if version >= 18:
            state = fields.pop("state_18")
            state.name = "state"
            fields["state"] = state
        model._fields = fields
        return model

    def prepare_create(self, values: Row) -> Row:
        row = super().prepare_create(values)
        journal = self._journal(row)
        row["journal_id"] = journal["id"]
        row["company_id"] = journal["company_id"]
        company = self.env.db.table("res.company")[journal["company_id"]]
        row["currency_id"] = row.get("currency_id") or journal.get("currency_id") or company["currency_id"]
        row["date"] = row.get("date") or context_today(self.env)
        if not row.get("payment_method_line_id"):
            lines = self.env.db.table("account.payment.method.line").values()
            match = [
                line
                for line in lines
                if line["journal_id"] == journal["id"] and line["payment_type"] == row["payment_type"]
            ]
            if not match:
                raise UserError(f"Please define a payment method line on your journal {journal['name']}.")
            row["payment_method_line_id"] = match[0]["id"]
        row["state"] = "draft"
        row["name"] = "/" if self.env.version <= 17 else None
        if row["amount"] < 0:
            raise UserError("The payment amount cannot be negative.")
        if not row.get("destination_account_id"):
            row["destination_account_id"] = self._destination_account(row)
        return row

    def _destination_account(self, row: Row) -> int | None:
        """account_payment.py _compute_destination_account_id (stored, writable): the partner's receivable
        (customer) or payable (vendor) account in the payment's company, else the company's first such account."""
        if row.get("partner_type") not in ("customer", "supplier"):
            return None
        receivable = row["partner_type"] == "customer"
        return partner_account(self.env, row.get("partner_id"), row["company_id"], receivable=receivable)

    def after_write(self, ids: list[int], values: Row) -> None:
        # Computed again when what it depends on changes, unless the same write sets it.
        if "destination_account_id" in values or not {"journal_id", "partner_id", "partner_type"} & set(values):
            return
        for row in self.browse(ids):
            if "journal_id" in values:
                journal = self.env.db.table("account.journal")[row["journal_id"]]
                self.env.db.update(self._name, row["id"], {"company_id": journal["company_id"]})
            self.env.db.update(self._name, row["id"], {"destination_account_id": self._destination_account(row)})

    def _journal(self, row: Row) -> Row:
        journals = self.env.db.table("account.journal")
        if row.get("journal_id"):
            journal = journals[row["journal_id"]]
            if journal["type"] not in ("bank", "cash"):
                raise UserError("A payment must belong to a bank or cash journal.")
            return journal
        company = self.env.company_id
        for journal in journals.values():
            if journal["type"] in ("bank", "cash") and journal["company_id"] == company:
                return journal
        raise UserError("No bank or cash journal found in this company.")

    def read_row(self, row: Row, fields: list[str] | None) -> Row:
        out = super().read_row(row, fields)
        if "state" in out:
            out["state"] = row["state"]
        return out

    # --- the state machine ---

    @rpc
    def action_post(self, ids: list[int]) -> None:
        for payment in self.browse(ids):
            if payment["state"] != "draft":
                raise UserError("Only a draft payment can be posted.")
            if payment["amount"] == 0:
                raise UserError("The payment amount cannot be zero.")
            move_id = payment.get("move_id") or self._make_entry(payment)
            moves = self._moves()
            moves._post(moves.table[move_id])
            name = moves.table[move_id]["name"]
            self.env.db.update(
                "account.payment",
                payment["id"],
                {"state": _posted_state(self.env.version), "move_id": move_id, "name": name},
            )
        # account_payment.py action_post returns None: JSON-RPC then answers without a `result` key.

    def _moves(self) -> Move:
        moves = self.env["account.move"]
        assert isinstance(moves, Move)
        return moves

    def _outstanding_account(self, payment: Row) -> int:
        """Where a payment books when its method line has no account (account_payment.py): the company's
        outstanding receipts or payments account up to 17; from 18 `_get_outstanding_account`, the chart's account
        of that XML id, else the company's transfer account (not kept here)."""
        field = OUTSTANDING_FIELDS[payment["payment_type"]]
        company = payment["company_id"]
        if self.env.version <= 17:
            account = self.env.db.table("res.company")[company].get(field)
        else:
            name = f"{company}_{field}"
            account = next(
                (
                    row["res_id"]
                    for row in self.env.db.table("ir.model.data").values()
                    if row["module"] == "account" and row["name"] == name
                ),
                None,
            )
        if not account:
            raise UserError("No outstanding account could be found to make the payment")
        return int(account)

    def _make_entry(self, payment: Row) -> int:
        """The payment's journal entry: the outstanding account against the partner's receivable/payable."""
        db = self.env.db
        method_line = db.table("account.payment.method.line")[payment["payment_method_line_id"]]
        journal = db.table("account.journal")[payment["journal_id"]]
        liquidity = method_line.get("payment_account_id") or self._outstanding_account(payment)
        counterpart = payment.get("destination_account_id") or self._destination_account(payment)
        sign = Decimal(1) if payment["payment_type"] == "inbound" else Decimal(-1)
        amount = payment["amount"] * sign
        move_id = db.insert(
            "account.move",
            {
                "name": "/" if self.env.version <= 17 else None,
                "move_type": "entry",
                "state": "draft",
                "partner_id": payment.get("partner_id"),
                "journal_id": journal["id"],
                "company_id": payment["company_id"],
                "currency_id": payment["currency_id"],
                "date": payment["date"],
                "ref": payment.get("ref") or payment.get("memo"),
                "amount_total": abs(amount),
                "amount_untaxed": abs(amount),
                "amount_tax": Decimal(0),
                "amount_residual": Decimal(0),
                "payment_state": "not_paid",
                "payment_id": payment["id"],
            },
        )
        moves = self._moves()
        move = moves.table[move_id]
        label = payment.get("ref") or payment.get("memo") or ""
        moves._add_line(move, label, kind="product", account=liquidity, balance=amount)
        moves._add_line(move, label, kind="payment_term", account=counterpart, balance=-amount)
        return move_id

    @rpc
    def action_draft(self, ids: list[int]) -> None:
        for payment in self.browse(ids):
            # move_id.button_draft(): its matches with invoices are undone, so they are open again.
            if payment.get("move_id"):
                self._moves().button_draft([payment["move_id"]])
            self.env.db.update("account.payment", payment["id"], {"state": "draft"})

    @rpc
    def action_cancel(self, ids: list[int]) -> None:
        moves = self._moves()
        for payment in self.browse(ids):
            self.env.db.update("account.payment", payment["id"], {"state": _cancelled_state(self.env.version)})
            move = moves.table.get(payment.get("move_id") or 0)
            if move is None:
                continue
            if self.env.version >= 18 and move["state"] == "draft":
                # From 18 a draft entry is deleted, its matches with it.
                moves._unmatch(move)
                for line in self.env.db.children("account.move.line", "move_id", [move["id"]]):
                    self.env.db.delete("account.move.line", line["id"])
                self.env.db.delete("account.move", move["id"])
                self.env.db.update("account.payment", payment["id"], {"move_id": False})
            else:
                moves.button_cancel([move["id"]])


class PaymentRegister(Model):
    """The "Register Payment" wizard: created over the invoices in `active_ids`, then action_create_payments."""

    _name = "account.payment.register"
    journal_id = Many2one("account.journal")
    payment_method_line_id = Many2one("account.payment.method.line")
    payment_date = Date()
    communication = Char()
    group_payment = Boolean(default=False)
    amount = Monetary()
    line_ids = Many2many("account.move.line")

    def prepare_create(self, values: Row) -> Row:
        row = super().prepare_create(values)
        if self.env.context.get("active_model") not in ("account.move", "account.move.line"):
            raise UserError(
                "The register payment wizard should only be called on account.move or account.move.line records."
            )
        moves = self.env["account.move"].browse(self.env.context.get("active_ids") or [])
        if not moves:
            raise UserError("There is nothing left to pay.")
        for move in moves:
            if move["state"] != "posted":
                raise UserError("You can only register payment for posted journal entries.")
        lines = [
            line["id"]
            for line in self.env.db.children("account.move.line", "move_id", [m["id"] for m in moves])
            if line.get("display_type") == "payment_term" and line["amount_residual"] != 0
        ]
        if not lines:
            raise UserError(
                "You can't register a payment because there is nothing left to pay on the selected journal items."
            )
        row["line_ids"] = tuple(lines)
        row["payment_date"] = row.get("payment_date") or context_today(self.env)
        return row

    @rpc
    def action_create_payments(self, ids: list[int]) -> Any:
        payments_model = self.env["account.payment"]
        assert isinstance(payments_model, Payment)
        created: list[int] = []
        for wizard in self.browse(ids):
            lines = self.env["account.move.line"].browse(wizard["line_ids"])
            groups: dict[Any, list[Row]] = {}
            for line in lines:
                # _get_line_batch_key: lines are paid together per partner and account (among others).
                key = (line["partner_id"], line["account_id"]) if wizard["group_payment"] else line["id"]
                groups.setdefault(key, []).append(line)
            for group in groups.values():
                created.append(self._pay(wizard, group, payments_model, single=len(groups) == 1))
        if len(created) == 1:
            return {
                "name": "Payments",
                "type": "ir.actions.act_window",
                "res_model": "account.payment",
                "context": {"create": False},
                "view_mode": "form",
                "res_id": created[0],
            }
        return {
            "name": "Payments",
            "type": "ir.actions.act_window",
            "res_model": "account.payment",
            "context": {"create": False},
            "view_mode": "tree,form" if self.env.version <= 17 else "list,form",
            "domain": [["id", "in", created]],
        }

    def _pay(self, wizard: Row, lines: list[Row], payments: Payment, *, single: bool) -> int:
        db = self.env.db
        moves = [db.table("account.move")[line["move_id"]] for line in lines]
        sale = moves[0]["move_type"] in SALE_TYPES
        residual = sum((line["amount_residual"] for line in lines), Decimal(0))
        amount = wizard["amount"] if single and wizard.get("amount") else abs(residual)
        inbound = residual > 0
        memo_field = "ref" if self.env.version <= 17 else "memo"
        values = {
            "payment_type": "inbound" if inbound else "outbound",
            "partner_type": "customer" if sale else "supplier",
            "partner_id": lines[0]["partner_id"],
            "amount": amount,
            "date": wizard["payment_date"],
            # _get_batch_communication: the labels of the receivable lines, which after posting carry the
            # invoice's payment reference (posting sets it to the number when empty), sorted, joined by spaces.
            memo_field: wizard.get("communication")
            or " ".join(sorted({str(m.get("payment_reference") or m["name"]) for m in moves})),
        }
        # _create_payment_vals_from_wizard / _from_batch: the payment's counterpart is the paid lines' account.
        values["destination_account_id"] = lines[0]["account_id"]
        if wizard.get("journal_id"):
            values["journal_id"] = wizard["journal_id"]
        if wizard.get("payment_method_line_id"):
            values["payment_method_line_id"] = wizard["payment_method_line_id"]
        payment_id = payments.create(values)
        assert isinstance(payment_id, int)
        payments.action_post([payment_id])
        payment = payments.table[payment_id]
        counterpart = next(
            line
            for line in db.children("account.move.line", "move_id", [payment["move_id"]])
            if line.get("display_type") == "payment_term"
        )
        for line in lines:
            reconcile(self.env.db, line, counterpart)
        payments._moves().after_matching({*(m["id"] for m in moves), payment["move_id"]})
        return payment_id


class MoveReversal(Model):
    """The credit note wizard: reverses posted invoices or bills."""

    _name = "account.move.reversal"
    move_ids = Many2many("account.move")
    reason = Char()
    date = Date()
    # Required, and computed from move_ids in the source; but a wizard created through the external API, with
    # move_ids from the context or given, is refused without one by real 16 to 19 (NOT NULL at flush).
    journal_id = Many2one("account.journal", "Journal", required=True)
    refund_method = Selection(
        [("refund", "Partial Refund"), ("cancel", "Full Refund"), ("modify", "Full refund and new draft invoice")],
        default="refund",
        until=16,
    )
    company_id = Many2one("res.company")

    @classmethod
    def for_version(cls, version: int) -> type[Model]:
        model = super().for_version(version)
        if version <= 16:
            journal = copy.copy(model._fields["journal_id"])
            journal.string = "Use Specific Journal"  # its label up to 16
            model._fields = {**model._fields, "journal_id": journal}
        return model

    def prepare_create(self, values: Row) -> Row:
        row = super().prepare_create(values)
        if not row.get("move_ids") and self.env.context.get("active_model") == "account.move":
            row["move_ids"] = tuple(self.env.context.get("active_ids") or ())
        moves = self.env["account.move"].browse(row.get("move_ids") or ())
        if not moves:
            raise UserError("There is no move to reverse.")
        for move in moves:
            if move["state"] != "posted":
                raise UserError("You can only reverse posted moves.")
        row["company_id"] = moves[0]["company_id"]
        row["date"] = row.get("date") or context_today(self.env)
        return row

    @rpc
    def reverse_moves(self, ids: list[int], is_modify: bool = False) -> Any:
        created: list[int] = []
        for wizard in self.browse(ids):
            modify = is_modify or wizard.get("refund_method") == "modify"
            cancel = modify or wizard.get("refund_method") == "cancel"
            for move in self.env["account.move"].browse(wizard["move_ids"]):
                reversal = self._reverse(wizard, move, cancel=cancel)
                # "Full refund and new draft invoice": the action opens the new draft, not the credit note.
                created.append(self._draft_copy(move) if modify else reversal)
        return (
            {
                "name": "Reverse Moves",
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "view_mode": "form",
                "res_id": created[0],
                "context": self._action_context(created[0]),
            }
            if len(created) == 1
            else {
                "name": "Reverse Moves",
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "view_mode": "tree,form" if self.env.version <= 17 else "list,form",
                "domain": [["id", "in", created]],
                "context": self._action_context(created[0]),
            }
        )

    @rpc
    def refund_moves(self, ids: list[int]) -> Any:
        self._since_17("refund_moves")
        return self.reverse_moves(ids, is_modify=False)

    @rpc
    def modify_moves(self, ids: list[int]) -> Any:
        self._since_17("modify_moves")
        return self.reverse_moves(ids, is_modify=True)

    def _action_context(self, move_id: int) -> dict[str, str]:
        return {"default_move_type": self.env.db.table("account.move")[move_id]["move_type"]}

    def _since_17(self, method: str) -> None:
        # 16 has one button and a refund_method field; 17 replaced them with refund_moves and modify_moves.
        if self.env.version < 17:
            raise ServerError("builtins.AttributeError", f"type object '{self._name}' has no attribute '{method}'")

    def _product_line_commands(self, move: Row) -> list[Any]:
        return [
            (
                0,
                0,
                {
                    "name": line.get("name"),
                    "product_id": line.get("product_id"),
                    "account_id": line.get("account_id"),
                    "quantity": float(line["quantity"]),
                    "price_unit": float(line["price_unit"]),
                    "discount": float(line["discount"]),
                    "tax_ids": [(6, 0, list(line.get("tax_ids") or ()))],
                    "analytic_distribution": line.get("analytic_distribution") or False,
                },
            )
            for line in self.env.db.children("account.move.line", "move_id", [move["id"]])
            if line.get("display_type") == "product"
        ]

    def _draft_copy(self, move: Row) -> int:
        moves = self.env["account.move"]
        assert isinstance(moves, Move)
        copy = moves.create(
            {
                "move_type": move["move_type"],
                "partner_id": move.get("partner_id"),
                "journal_id": move["journal_id"],
                "ref": move.get("ref"),
                "invoice_line_ids": self._product_line_commands(move),
            }
        )
        assert isinstance(copy, int)
        moves.copy_term_account(move["id"], copy)
        return copy

    def _reverse(self, wizard: Row, move: Row, *, cancel: bool) -> int:
        moves = self.env["account.move"]
        assert isinstance(moves, Move)
        refund_type = {
            "out_invoice": "out_refund",
            "in_invoice": "in_refund",
            "out_refund": "out_invoice",
            "in_refund": "in_invoice",
        }.get(move["move_type"], "entry")
        reason = wizard.get("reason")
        ref = f"Reversal of: {move['name']}, {reason}" if reason else f"Reversal of: {move['name']}"
        lines = self._product_line_commands(move)
        reversal = moves.create(
            {
                "move_type": refund_type,
                "partner_id": move.get("partner_id"),
                "journal_id": wizard.get("journal_id") or move["journal_id"],
                "invoice_date": wizard["date"],
                "date": wizard["date"],
                "ref": ref,
                "reversed_entry_id": move["id"],
                "invoice_line_ids": lines,
            }
        )
        assert isinstance(reversal, int)
        moves.copy_term_account(move["id"], reversal)
        if cancel:
            # Posting a credit note matches it with the invoice it reverses (Move._post from 17; 16's
            # _reverse_moves(cancel=True) does it itself: the invoice "reversed", the credit note "paid").
            moves._post(moves.table[reversal])
            if self.env.version <= 16:
                moves._reconcile_with_origin(moves.table[reversal])
        return reversal


MODELS: list[type[Model]] = [Payment, PaymentRegister, MoveReversal]
