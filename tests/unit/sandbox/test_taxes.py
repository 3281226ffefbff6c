"""The sandbox's tax figures against an independent re-implementation of Odoo's float rounding."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from odoosync.sandbox.taxes import ROUND_GLOBALLY, ROUND_PER_LINE, TaxRule, compute_line, totals


def odoo_float_round(value: float, precision_rounding: float) -> float:
    """tools/float_utils.py float_round, HALF-UP, re-written from its description: normalise by the rounding,
    nudge by an epsilon scaled to the value's magnitude (2**(log2|x| - 52)), round half away from zero."""
    normalized = value / precision_rounding
    if normalized == 0:
        return 0.0
    epsilon = 2 ** (math.log(abs(normalized), 2) - 52)
    normalized += math.copysign(epsilon, normalized)
    rounded = math.floor(abs(normalized) + 0.5) * math.copysign(1, normalized)
    return rounded * precision_rounding


def odoo_invoice(lines: list[tuple[float, int]], rounding: float, method: str) -> tuple[float, float]:
    """amount_tax and amount_total the way compute_all and the invoice totals do it, in floats."""
    precision = rounding if method == ROUND_PER_LINE else rounding * 1e-5
    untaxed = 0.0
    tax_sum: dict[int, float] = {}
    for price, rate in lines:
        base = odoo_float_round(price, precision)
        tax = odoo_float_round(base * rate / 100, precision)
        untaxed += odoo_float_round(base, rounding)
        tax_sum[rate] = tax_sum.get(rate, 0.0) + tax
    amount_tax = sum(odoo_float_round(amount, rounding) for amount in tax_sum.values())
    return odoo_float_round(amount_tax, rounding), odoo_float_round(untaxed + amount_tax, rounding)


def sandbox_invoice(lines: list[tuple[Decimal, int]], rounding: Decimal, method: str) -> tuple[Decimal, Decimal]:
    computed = [
        compute_line(price, Decimal(1), taxes=[TaxRule(rate, Decimal(rate))], rounding=rounding, method=method)
        for price, rate in lines
    ]
    result = totals(computed, rounding)
    return result.amount_tax, result.amount_total


def test_the_measured_facts_of_odoo_17() -> None:
    per_line = [TaxRule(1, Decimal(15))]
    for price, tax, total in [("869.57", "130.44", "1000.01"), ("869.56", "130.43", "999.99")]:
        line = compute_line(Decimal(price), Decimal(1), taxes=per_line, rounding=Decimal("0.01"))
        result = totals([line], Decimal("0.01"))
        assert (result.amount_tax, result.amount_total) == (Decimal(tax), Decimal(total))


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=10_000_000),  # price in thousandths of the currency
            st.sampled_from([0, 5, 15]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([(Decimal("0.01"), 2), (Decimal("0.001"), 3)]),
    st.sampled_from([ROUND_PER_LINE, ROUND_GLOBALLY]),
)
def test_tax_and_total_match_odoos_float_rounding(
    raw: list[tuple[int, int]], currency: tuple[Decimal, int], method: str
) -> None:
    rounding, places = currency
    prices = [(Decimal(thousandths).scaleb(-3).quantize(rounding), rate) for thousandths, rate in raw]
    expected_tax, expected_total = odoo_invoice([(float(p), r) for p, r in prices], float(rounding), method)
    tax, total = sandbox_invoice(prices, rounding, method)
    assert float(tax) == round(expected_tax, places)
    assert float(total) == round(expected_total, places)
