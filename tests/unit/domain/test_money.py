from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoosync.domain import money


@pytest.mark.parametrize(
    ("currency", "places", "unit"),
    [("SAR", 2, Decimal("0.01")), ("KWD", 3, Decimal("0.001")), ("OMR", 3, Decimal("0.001")), ("JPY", 0, 1)],
)
def test_precision_follows_iso_4217_minor_units(currency: str, places: int, unit: Decimal) -> None:
    assert money.precision(currency) == places
    assert money.unit(currency) == unit


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.005", "1.01"), ("1.004", "1.00"), ("2.675", "2.68"), ("-1.005", "-1.01"), ("0.125", "0.13")],
)
def test_round_money_rounds_half_away_from_zero_like_odoo(value: str, expected: str) -> None:
    assert money.round_money(Decimal(value), "SAR") == Decimal(expected)


@pytest.mark.parametrize("value", ["5000.00", "5000", 5000, Decimal("5000.00"), " 12.5 "])
def test_parse_decimal_reads_strings_ints_and_decimals_exactly(value: object) -> None:
    assert money.parse_decimal(value) == Decimal(str(value).strip())


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (1.5, "not a float"),
        (True, "got true"),
        ("1e3", "decimal amount like"),
        ("NaN", "decimal amount like"),
        ("12,50", "decimal amount like"),
        (Decimal("Infinity"), "finite"),
        (None, "NoneType"),
    ],
)
def test_parse_decimal_refuses_what_is_not_an_exact_amount(value: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        money.parse_decimal(value)


def test_check_precision_accepts_trailing_zeros_and_refuses_extra_decimals() -> None:
    assert money.check_precision(Decimal("10.500"), "SAR") == Decimal("10.50")
    assert money.check_precision(Decimal("10.005"), "KWD") == Decimal("10.005")
    with pytest.raises(ValueError, match=r"more decimals than SAR allows \(2\)"):
        money.check_precision(Decimal("10.005"), "SAR")
    with pytest.raises(ValueError, match="whole number in JPY"):
        money.check_precision(Decimal("10.5"), "JPY")


@given(
    st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from(["SAR", "KWD", "JPY"]),
)
def test_round_money_lands_on_the_currency_grid_within_half_a_unit(value: Decimal, currency: str) -> None:
    rounded = money.round_money(value, currency)
    assert rounded == rounded.quantize(money.unit(currency))
    assert abs(rounded - value) <= money.unit(currency) / 2


@given(
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(0), Decimal(5), Decimal(15)]),
)
def test_tax_amount_is_the_exact_tax_rounded_once(base: Decimal, rate: Decimal) -> None:
    tax = money.tax_amount(base, rate, "SAR")
    assert abs(tax - base * rate / 100) <= Decimal("0.005")
    assert tax == tax.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (Decimal("5405.0"), "SAR", "5,405.00"),
        (Decimal("0"), "SAR", "0.00"),
        (Decimal("-1250.5"), "KWD", "-1,250.500"),
        (Decimal("1000"), "JPY", "1,000"),
    ],
)
def test_an_amount_is_shown_at_its_currency_precision(value: Decimal, currency: str, expected: str) -> None:
    assert money.shown(value, currency) == expected
