"""Money as exact decimals, rounded as Odoo rounds (half away from zero) to the currency's precision."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 active codes; the minor units are 2 except where CODES_BY_MINOR_UNITS says otherwise.
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
    GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
    LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
    STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG
    XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 - a block of codes reads better than 160 quoted strings
)

CODES_BY_MINOR_UNITS = {
    3: "BHD IQD JOD KWD LYD OMR TND",
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF",
}
MINOR_UNITS: dict[str, int] = {code: units for units, codes in CODES_BY_MINOR_UNITS.items() for code in codes.split()}

_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # ASCII digits: "١٢٣" and "１２３" are not amounts
# The largest amount odoosync takes: Odoo's external API carries amounts as JSON numbers (IEEE doubles), exact to
# the smallest unit of a three-decimal currency below 2**53 units; a trillion keeps every amount exact.
MAX_AMOUNT = Decimal("999999999999.999")


def precision(currency: str) -> int:
    """Number of decimal places of the currency's smallest unit."""
    return MINOR_UNITS.get(currency, 2)


def unit(currency: str) -> Decimal:
    """The currency's smallest unit, e.g. 0.01 for SAR, 0.001 for KWD."""
    return Decimal(1).scaleb(-precision(currency))


def round_money(value: Decimal, currency: str) -> Decimal:
    """Round half away from zero to the currency's precision, as Odoo's float_round HALF-UP does."""
    return value.quantize(unit(currency), rounding=ROUND_HALF_UP)


def shown(value: Decimal, currency: str) -> str:
    """An amount as a person reads it: grouped thousands, at the currency's precision (5,405.00, never 5,405.0)."""
    return f"{round_money(value, currency):,}"


def parse_decimal(value: object) -> Decimal:
    """Read an amount given as a decimal string, an int or a Decimal (JSON numbers are parsed as Decimal).

    Floats are refused: they cannot carry an exact amount. Raises ValueError with a message meant for a person.
    """
    if isinstance(value, bool):
        raise ValueError(f"must be a decimal amount, got {str(value).lower()}")
    if isinstance(value, int):
        return _bounded(Decimal(value), value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"must be a finite decimal amount, got {value}")
        return _bounded(value, value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 40 or not _PLAIN_DECIMAL.fullmatch(text):
            raise ValueError(f'must be a decimal amount like "1250.00", got {_short(value)}')
        try:
            return _bounded(Decimal(text), value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
            raise ValueError(f"must be a decimal amount, got {value!r}") from exc
    if isinstance(value, float):
        raise ValueError("must be a decimal string or JSON number read exactly, not a float")
    raise ValueError(f"must be a decimal amount, got {type(value).__name__}")


def _short(value: object) -> str:
    shown = str(value) if isinstance(value, Decimal | int) else repr(value)
    return shown if len(shown) <= 60 else f"{shown[:40]}… ({len(shown)} characters)"


def _bounded(amount: Decimal, given: object) -> Decimal:
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(f"is more than odoosync takes ({MAX_AMOUNT:,}), got {_short(given)}")
    return amount


def check_precision(amount: Decimal, currency: str) -> Decimal:
    """Return the amount at the currency's precision; ValueError when it has more significant decimals."""
    rounded = amount.quantize(unit(currency))
    if rounded != amount:
        places = precision(currency)
        raise ValueError(
            f"has more decimals than {currency} allows ({places}): {amount}"
            if places
            else f"must be a whole number in {currency}: {amount}"
        )
    return rounded


def tax_amount(base: Decimal, rate_percent: Decimal, currency: str) -> Decimal:
    """Tax on one line, rounded per line (Odoo's default `round_per_line`)."""
    return round_money(base * rate_percent / 100, currency)
