"""Tax computation as Odoo does it for percent taxes, in exact decimals.

addons/account/models/account_tax.py (compute_all up to 17; the tax engine of 18+ gives the same figures for
these cases):
- The line's base is price_unit × quantity × (1 − discount/100), rounded to the currency's precision when the
  company rounds per line (`round_per_line`); in `round_globally` it keeps 5 more decimals.
- Each percent tax on a line is base × rate / 100 (price-excluded) or base − base / (1 + rate/100)
  (price-included, which then lowers the base), rounded the same way.
- The invoice's tax per tax is the sum of its line amounts, rounded to the currency once more (a no-op per line,
  the only rounding globally). amount_untaxed is the sum of the line subtotals, amount_total untaxed + tax.
Odoo rounds half away from zero (tools/float_utils.py float_round, HALF-UP); exact decimals make its epsilon
correction unnecessary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ROUND_PER_LINE = "round_per_line"
ROUND_GLOBALLY = "round_globally"
# compute_all: `prec = currency.rounding` per line, `prec *= 1e-5` when rounding globally.
GLOBAL_EXTRA_PRECISION = Decimal("0.00001")


def round_to(value: Decimal, rounding: Decimal) -> Decimal:
    """Round half away from zero to a multiple of `rounding` (0.01, 0.001, 0.05 …)."""
    units = (value / rounding).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (units * rounding).quantize(rounding) if rounding < 1 else units * rounding


@dataclass(frozen=True)
class TaxRule:
    tax_id: int
    rate: Decimal
    price_include: bool = False


@dataclass(frozen=True)
class LineTaxes:
    subtotal: Decimal  # price_subtotal: the base, rounded to the currency
    taxes: tuple[tuple[int, Decimal], ...]  # per tax, at the line's working precision
    raw_subtotal: Decimal = Decimal(0)  # the base before rounding to the currency

    @property
    def total(self) -> Decimal:
        return self.subtotal + sum((amount for _, amount in self.taxes), Decimal(0))


def compute_line(
    price_unit: Decimal,
    quantity: Decimal,
    *,
    taxes: Sequence[TaxRule],
    rounding: Decimal,
    discount: Decimal = Decimal(0),
    method: str = ROUND_PER_LINE,
) -> LineTaxes:
    precision = rounding if method == ROUND_PER_LINE else rounding * GLOBAL_EXTRA_PRECISION
    base = round_to(price_unit * quantity * (1 - discount / 100), precision)
    included = [tax for tax in taxes if tax.price_include]
    if included:
        # Price-included taxes take their share out of the price first; what is left is the base.
        factor = 1 + sum((tax.rate for tax in included), Decimal(0)) / 100
        gross = base
        base = round_to(gross / factor, precision)
    amounts = [(tax.tax_id, round_to(base * tax.rate / 100, precision)) for tax in taxes]
    if included:
        # The included taxes and the base must add up to the price as entered.
        included_ids = {tax.tax_id for tax in included}
        owed = gross - base - sum((a for t, a in amounts if t in included_ids), Decimal(0))
        if owed:
            first = next(i for i, (t, _) in enumerate(amounts) if t in included_ids)
            tax_id, amount = amounts[first]
            amounts[first] = (tax_id, amount + owed)
    return LineTaxes(subtotal=round_to(base, rounding), taxes=tuple(amounts), raw_subtotal=base)


@dataclass
class Totals:
    amount_untaxed: Decimal = Decimal(0)
    amount_tax: Decimal = Decimal(0)
    by_tax: dict[int, Decimal] = field(default_factory=dict)

    @property
    def amount_total(self) -> Decimal:
        return self.amount_untaxed + self.amount_tax


def totals(lines: Iterable[LineTaxes], rounding: Decimal, *, spread_base: bool = False) -> Totals:
    """Sum the lines. With `spread_base` (the tax engine of 18+ rounding globally, account_tax.py
    _round_tax_details_base_lines) the untaxed amount is the rounded sum of the unrounded bases, so it can differ
    from the sum of the line subtotals by a few units; the difference goes into one line's balance."""
    result = Totals()
    raw: dict[int, Decimal] = {}
    raw_base = Decimal(0)
    for line in lines:
        raw_base += line.raw_subtotal
        result.amount_untaxed += line.subtotal
        for tax_id, amount in line.taxes:
            raw[tax_id] = raw.get(tax_id, Decimal(0)) + amount
    if spread_base:
        result.amount_untaxed = round_to(raw_base, rounding)
    result.by_tax = {tax_id: round_to(amount, rounding) for tax_id, amount in raw.items()}
    result.amount_tax = sum(result.by_tax.values(), Decimal(0))
    return result
