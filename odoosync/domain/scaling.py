"""Scaling a rent payment's charges to what the tenant paid, so that Odoo's invoice total equals it exactly.

A partial payment pays every charge in proportion. Odoo then computes the invoice total itself, rounding the tax
of each line, so a proportional price does not always land on the paid amount, and sometimes no single
tax-excluded price can (15 % on 869.56 totals 999.99, on 869.57 1000.01: 1000.00 is out of reach). The method,
chosen so that an accountant can read the invoice and ZATCA accepts it (every line carries a tax):

1. Each charge's price is its amount scaled by paid / due, rounded down to the currency's unit (and, where the
   taxes rounded half up still carry the total past the amount, a unit less on the largest lines).
2. While the total falls short, one unit is added to a line whose total then rises by exactly what is missing
   (one unit on an exempt or zero-rated line, or where the tax does not round up), largest lines first.
3. If one unit is still missing (every line's total would jump by two), a "rounding adjustment" line of one unit
   is added with the tax of the largest line: its tax rounds to nothing, so it adds exactly that unit. Where the
   company rounds globally, the tax of a rate is rounded once over all its lines, so with one rate some totals
   cannot be reached at all; the adjustment is then VAT exempt (a rounding difference is not a supply).

The totals are computed as Odoo computes them (money.tax_amount: per line, half away from zero); the company's
other method, rounding globally, is handled by `total_of` with `per_line=False`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal

from odoosync.domain import money
from odoosync.domain.records import vat_percent


@dataclass(frozen=True)
class ScaledLine:
    """One invoice line: what it charges for, its price (VAT excluded) and its VAT rate code."""

    kind: str  # "rent", "services" or "rounding"
    price: Decimal
    vat_rate: str
    charge_index: int | None  # the charge it comes from; None for the rounding adjustment


def total_of(lines: Sequence[ScaledLine], currency: str, *, per_line: bool = True) -> Decimal:
    """The invoice total Odoo computes: prices plus tax, rounded per line or once per tax rate."""
    untaxed = sum((line.price for line in lines), Decimal(0))
    if per_line:
        tax = sum((money.tax_amount(line.price, vat_percent(line.vat_rate), currency) for line in lines), Decimal(0))
    else:
        by_rate: dict[str, Decimal] = {}
        for line in lines:
            by_rate[line.vat_rate] = (
                by_rate.get(line.vat_rate, Decimal(0)) + line.price * vat_percent(line.vat_rate) / 100
            )
        tax = sum((money.round_money(amount, currency) for amount in by_rate.values()), Decimal(0))
    return untaxed + tax


def scale_charges(
    charges: Sequence[tuple[str, Decimal, str]],
    amount_paid: Decimal,
    currency: str,
    *,
    per_line: bool = True,
) -> list[ScaledLine]:
    """Lines whose Odoo total is exactly `amount_paid`. `charges`: (kind, amount excluding VAT, VAT rate code)."""
    unit = money.unit(currency)
    full = [ScaledLine(kind, amount, rate, i) for i, (kind, amount, rate) in enumerate(charges)]
    due = total_of(full, currency, per_line=per_line)
    if amount_paid > due:
        raise ValueError(f"{amount_paid} is more than the total due {due}")
    if amount_paid == due:
        return full
    ratio = amount_paid / due
    lines = [replace(line, price=(line.price * ratio).quantize(unit, rounding=ROUND_DOWN)) for line in full]
    order = sorted(range(len(lines)), key=lambda i: -lines[i].price)
    # Rounding each line's tax half up can still carry the rounded-down prices past the amount: step back.
    step = 0
    while total_of(lines, currency, per_line=per_line) > amount_paid:
        i = order[step % len(order)]
        lines[i] = replace(lines[i], price=lines[i].price - unit)
        step += 1
    missing = amount_paid - total_of(lines, currency, per_line=per_line)
    while missing > 0:
        for i in order:
            if lines[i].price + unit > full[i].price:
                continue  # no charge is billed above what it costs
            bumped = [*lines[:i], replace(lines[i], price=lines[i].price + unit), *lines[i + 1 :]]
            gained = total_of(bumped, currency, per_line=per_line) - (amount_paid - missing)
            if gained <= missing:
                lines, missing = bumped, missing - gained
                break
        else:
            break  # every line would overshoot: at most one unit is missing now
    if missing > 0:
        # The largest line's rate first; when its tax would not round away (rounding globally sums the tax of a
        # rate over all lines), the adjustment is VAT exempt: a rounding difference is not a supply.
        for rate in dict.fromkeys((lines[order[0]].vat_rate, "exempt")):
            candidate = [*lines, ScaledLine("rounding", missing, rate, None)]
            if total_of(candidate, currency, per_line=per_line) == amount_paid:
                return candidate
        raise ArithmeticError(f"no exact split of {amount_paid} {currency} for these charges")
    return lines
