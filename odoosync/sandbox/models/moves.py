"""account.move: invoices, bills, refunds and entries, from their creation to posting, reset and cancel.

Lines come in through x2many commands on invoice_line_ids. The move is built in layers: the matching of its open
items and its payment state (reconciliation.MoveMatching), under the lines it makes for itself and its totals
(move_lines.MoveDynamicLines), under the document itself (Move).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from odoosync.sandbox.errors import RedirectWarning, UserError, ValidationError
from odoosync.sandbox.models.move_lines import MoveDynamicLines, MoveLine
from odoosync.sandbox.models.move_types import INVOICE_TYPES, MOVE_TYPES, SALE_TYPES
from odoosync.sandbox.orm.database import Row
from odoosync.sandbox.orm.environment import Env
from odoosync.sandbox.orm.fields import Char, Date, Many2one, Monetary, One2many, Selection, Text
from odoosync.sandbox.orm.model import Model, rpc


def context_today(env: Env) -> dt.date:
    """Today where the user is (fields.Date.context_today): a Riyadh morning is still yesterday in UTC."""
    return dt.datetime.now(ZoneInfo(env.user.get("tz") or "UTC")).date()


SEQUENCE_PREFIX = {"out_refund": "R", "in_refund": "R"}
PAYMENT_STATES = [
    ("not_paid", "Not Paid"),
    ("in_payment", "In Payment"),
    ("paid", "Paid"),
    ("partial", "Partially Paid"),
    ("reversed", "Reversed"),
    ("invoicing_legacy", "Invoicing App Legacy"),
]
# Fields that Odoo 18+ refuses to change on a posted move (account_move.py `_check_fiscal_lock_dates` /
# the readonly-on-posted check); Odoo 17 lets them through RPC.
# account_move.py write (18, 19): these keys of `vals` are refused on a posted move; 17 has no such check.
POSTED_READONLY = (
    "invoice_line_ids",
    "line_ids",
    "invoice_date",
    "date",
    "partner_id",
    "partner_bank_id",
    "invoice_payment_term_id",
    "currency_id",
    "fiscal_position_id",
    "invoice_cash_rounding_id",
)
# _get_starting_sequence: sale, bank and cash journals number per year, the others per month.
YEARLY_JOURNALS = ("sale", "bank", "cash")


class Move(MoveDynamicLines):
    _name = "account.move"
    _order = "date desc, name desc, id desc"
    name = Char()
    move_type = Selection(MOVE_TYPES, default="entry")
    state = Selection([("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")], default="draft")
    partner_id = Many2one("res.partner")
    journal_id = Many2one("account.journal")
    company_id = Many2one("res.company")
    currency_id = Many2one("res.currency")
    invoice_date = Date()
    invoice_date_due = Date()
    date = Date()
    ref = Char()
    payment_reference = Char()
    narration = Text()
    invoice_origin = Char()
    invoice_line_ids = One2many(
        "account.move.line", "move_id", domain=[("display_type", "in", ["product", "line_section", "line_note"])]
    )
    line_ids = One2many("account.move.line", "move_id")
    amount_untaxed = Monetary(readonly=True)
    amount_tax = Monetary(readonly=True)
    amount_total = Monetary(readonly=True)
    amount_residual = Monetary(readonly=True)
    payment_state = Selection(PAYMENT_STATES, default="not_paid", readonly=True)
    reversed_entry_id = Many2one("account.move")

    def compute_display_name(self, row: Row) -> str:
        if row.get("name") and row["name"] != "/":
            return str(row["name"])
        label = dict(MOVE_TYPES)[row["move_type"]]
        return f"Draft {label} ({row['id']})" if row["move_type"] != "entry" else "Draft Entry"

    # --- create and write ---

    def prepare_create(self, values: Row) -> Row:
        row = super().prepare_create(values)
        move_type = row.get("move_type") or "entry"
        journal = self._journal(row, move_type)
        row["journal_id"] = journal["id"]
        row["company_id"] = row.get("company_id") or journal["company_id"]
        company = self.env.db.table("res.company")[row["company_id"]]
        row["currency_id"] = row.get("currency_id") or journal.get("currency_id") or company["currency_id"]
        row["date"] = row.get("date") or row.get("invoice_date") or context_today(self.env)
        row["state"] = "draft"
        row["name"] = row.get("name") or self._draft_name(row)
        return row

    def _draft_name(self, row: Row) -> str | None:
        """_compute_name up to 17: the first move of its journal and period takes its number while still a draft,
        later drafts show "/". From 18 a draft has no name until posted (measured on 18 and 19)."""
        if self.env.version >= 18:
            return None
        prefix = self._sequence_prefix(row, row["date"])
        if self.env.db.sequence_used(prefix):
            return "/"
        return self._next_name(row, row["date"])

    def _journal(self, row: Row, move_type: str) -> Row:
        journals = self.env.db.table("account.journal")
        if row.get("journal_id"):
            journal = journals[row["journal_id"]]
        else:
            wanted = "sale" if move_type in SALE_TYPES else "purchase" if move_type in INVOICE_TYPES else "general"
            company = row.get("company_id") or self.env.company_id
            candidates = [j for j in journals.values() if j["type"] == wanted and j["company_id"] == company]
            if not candidates:
                raise UserError(f"No journal could be found in company for any of those types: {wanted}")
            journal = candidates[0]
        if row.get("company_id") and journal["company_id"] != row["company_id"]:
            label = dict(MOVE_TYPES)[move_type]
            raise UserError(self._incompatible(f"Draft {label}", row["company_id"], "journal_id", journal))
        return journal

    def after_create(self, record_id: int, values: Row) -> None:
        self._apply_line_commands(record_id, values.get("invoice_line_ids") or values.get("line_ids") or [])
        self.recompute(record_id)

    @rpc
    def write(self, ids: list[int], vals: Row) -> bool:
        values = vals
        rows = self.browse(ids)
        touched = [name for name in values if name in POSTED_READONLY]
        if self.env.version >= 18 and touched and any(row["state"] == "posted" for row in rows):
            raise UserError(f"You cannot modify the following readonly fields on a posted move: {', '.join(touched)}")
        super().write(ids, values)
        for row in rows:
            commands = values.get("invoice_line_ids") or values.get("line_ids")
            if commands:
                self._apply_line_commands(row["id"], commands)
            # account_move.py _inverse_partner_id: a new partner makes the receivable/payable line's account
            # computed again; otherwise the line keeps the account it has.
            self.recompute(row["id"], reset_term_account="partner_id" in values)
        return True

    def _apply_line_commands(self, move_id: int, commands: list[Any]) -> None:
        lines = self.env["account.move.line"]
        if not isinstance(commands, list):
            raise ValidationError("invoice_line_ids takes a list of commands")
        for command in commands:
            if not isinstance(command, list | tuple) or not command:
                raise ValidationError(f"Invalid x2many command {command!r}")
            code = command[0]
            if code == 0:
                lines.create({**command[2], "move_id": move_id})
            elif code == 1:
                self._own_lines(move_id, [command[1]])
                lines.write([command[1]], command[2])
            elif code in (2, 3):
                self._own_lines(move_id, [command[1]])
                lines.unlink([command[1]])
            elif code == 5:
                lines.unlink(self._product_lines(move_id))
            elif code == 6:
                keep = set(command[2])
                lines.unlink([i for i in self._product_lines(move_id) if i not in keep])
            else:
                raise ValidationError(f"Unsupported x2many command {command!r}")

    def _own_lines(self, move_id: int, ids: list[int]) -> None:
        for row in self.env["account.move.line"].browse(ids):
            if row["move_id"] != move_id:
                raise UserError(f"Line {row['id']} does not belong to move {move_id}")

    def _product_lines(self, move_id: int) -> list[int]:
        return [
            row["id"]
            for row in self.env.db.children("account.move.line", "move_id", [move_id])
            if row.get("display_type") in ("product", "line_section", "line_note", None)
        ]

    # --- the state machine ---

    @rpc
    def action_post(self, ids: list[int]) -> bool:
        for move in self.browse(ids):
            self._post(move)
        return False

    def _post(self, move: Row) -> None:
        db = self.env.db
        if move["state"] != "draft":
            raise UserError(f"The entry {move['name']} (id {move['id']}) must be in draft.")
        lines = db.children("account.move.line", "move_id", [move["id"]])
        if move["move_type"] in INVOICE_TYPES:
            if not [row for row in lines if row.get("display_type") == "product"]:
                raise UserError("You need to add a line before posting.")
            if not move.get("partner_id"):
                role = "Customer" if move["move_type"] in SALE_TYPES else "Vendor"
                label = dict(MOVE_TYPES)[move["move_type"]]
                raise UserError(f"The field '{role}' is required, please complete it to validate the {label}.")
            if move["amount_total"] < 0:
                raise UserError(
                    "You cannot validate an invoice with a negative total amount. You should create a credit note "
                    "instead. Use the action menu to transform it into a credit note or refund."
                )
        if self.env.version <= 16:
            self._check_duplicate_supplier_reference(move)
        changes: Row = {"state": "posted"}
        if move["move_type"] in INVOICE_TYPES and not move.get("invoice_date"):
            if move["move_type"] not in SALE_TYPES:
                raise UserError("The Bill/Refund date is required to validate this document.")
            changes["invoice_date"] = context_today(self.env)
            changes["date"] = changes["invoice_date"]
        if not move.get("name") or move["name"] == "/":
            changes["name"] = self._next_name(move, changes.get("date") or move["date"])
        if move["move_type"] == "out_invoice" and not move.get("payment_reference"):
            # _post, _auto_compute_invoice_reference: a customer invoice without a payment reference gets one
            # (with the journal's default reference type, its number).
            changes["payment_reference"] = changes.get("name") or move["name"]
        db.update("account.move", move["id"], changes)
        for line in lines:
            db.update("account.move.line", line["id"], {"parent_state": "posted"})
        self.recompute(move["id"])
        if move["move_type"] in INVOICE_TYPES and move.get("partner_id"):
            rank = "customer_rank" if move["move_type"] in SALE_TYPES else "supplier_rank"
            partner = db.table("res.partner")[move["partner_id"]]
            db.update("res.partner", partner["id"], {rank: (partner.get(rank) or 0) + 1})
        if move.get("reversed_entry_id") and self.env.version >= 17:
            # 16 matches a credit note with its invoice only when the wizard cancels the invoice (refund_method
            # "cancel" or "modify"); a partial refund posted later stays open, and so does the invoice (real 16).
            self._reconcile_with_origin(move)

    def _check_duplicate_supplier_reference(self, move: Row) -> None:
        """16 (_check_duplicate_supplier_reference): a vendor bill or refund is not posted when another posted one of
        the same company, vendor, reference, type and bill date exists. 17 turned it into a warning in the form."""
        if move["move_type"] not in ("in_invoice", "in_refund") or not move.get("ref"):
            return
        commercial = self._commercial_partner(move.get("partner_id"))
        key = (move["company_id"], move["ref"], move["move_type"], move.get("invoice_date"))
        for other in self.table.values():
            if (
                other["id"] != move["id"]
                and other["state"] == "posted"
                and (other["company_id"], other.get("ref"), other["move_type"], other.get("invoice_date")) == key
                and self._commercial_partner(other.get("partner_id")) == commercial
            ):
                raise RedirectWarning(
                    "Duplicated vendor reference detected. You probably encoded twice the same vendor bill/credit note."
                )

    def _commercial_partner(self, partner_id: int | None) -> int | None:
        partners = self.env.db.table("res.partner")
        while partner_id and partners[partner_id].get("parent_id") and not partners[partner_id].get("is_company"):
            partner_id = partners[partner_id]["parent_id"]
        return partner_id

    def _sequence_prefix(self, move: Row, date: dt.date) -> str:
        journal = self.env.db.table("account.journal")[move["journal_id"]]
        # Refunds and payments have their own sequences (journal refund_sequence / payment_sequence).
        letter = "P" if move.get("payment_id") else SEQUENCE_PREFIX.get(move["move_type"], "")
        period = f"{date.year}/" if journal["type"] in YEARLY_JOURNALS else f"{date.year}/{date.month:02d}/"
        return f"{letter}{journal['code']}/{period}"

    def _next_name(self, move: Row, date: dt.date) -> str:
        journal = self.env.db.table("account.journal")[move["journal_id"]]
        prefix = self._sequence_prefix(move, date)
        number = self.env.db.next_number(prefix)
        return f"{prefix}{number:0{5 if journal['type'] in YEARLY_JOURNALS else 4}d}"

    @rpc
    def button_draft(self, ids: list[int]) -> bool:
        for move in self.browse(ids):
            if move["state"] not in ("posted", "cancel"):
                raise UserError("Only posted/cancelled journal entries can be reset to draft.")
            self.env.db.update("account.move", move["id"], {"state": "draft"})
            if self.env.version <= 18:
                # Up to 18 its matches are undone first (remove_move_reconcile): a paid invoice goes back to draft
                # unpaid, its payment stays posted, open. 19 keeps them until the entry is cancelled.
                self._unmatch(move)
            self.recompute(move["id"])
        return False

    @rpc
    def button_cancel(self, ids: list[int]) -> None:
        for move in self.browse(ids):
            if move["state"] == "posted":  # a posted move is first reset to draft (account_move.py, 18)
                self.button_draft([move["id"]])
            if move["state"] != "draft":
                raise UserError("Only draft journal entries can be cancelled.")
            self._unmatch(move)
            self.env.db.update("account.move", move["id"], {"state": "cancel"})
            self.recompute(move["id"])


MODELS: list[type[Model]] = [MoveLine, Move]
