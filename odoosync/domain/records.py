"""The app's four record types, exactly as ../shared/records.md describes them.

`parse_record` is the only way in: it picks the model from `type`, validates every rule, and returns a frozen
model whose amounts are exact decimals at the currency's precision. Problems come back all at once, each naming
its field (`charges[0].amount`), so that a person can fix a line in one go.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from odoosync.domain import money


class RecordType(StrEnum):
    CONTACT = "contact"
    RENT_PAYMENT = "rent_payment"
    EXPENSE = "expense"
    DEPOSIT = "deposit"


# The order records sync in (design.md): every transaction needs its partner, so contacts go first.
SYNC_ORDER = (RecordType.CONTACT, RecordType.EXPENSE, RecordType.DEPOSIT, RecordType.RENT_PAYMENT)


class Problem(BaseModel):
    """One thing wrong with a document: the field (dotted path, `""` for the whole document) and why."""

    model_config = ConfigDict(frozen=True)

    field: str
    message: str


class RecordInvalid(ValueError):
    """A document broke one or more rules; `problems` lists every one."""

    def __init__(self, problems: list[Problem], record_type: str | None, record_id: str | None) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems))
        self.problems = problems
        self.record_type = record_type
        self.record_id = record_id


# --- field types -------------------------------------------------------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY_KEY = "currency"


def _parse_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError(f"must be a date written YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"is not a real date: {value!r}") from None


def _parse_timestamp(value: object) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"must be an ISO 8601 timestamp with an offset, got {value!r}") from None
    else:
        raise ValueError(f"must be an ISO 8601 timestamp with an offset, got {value!r}")
    if parsed.tzinfo is None:
        raise ValueError(f"needs a UTC offset (e.g. +03:00), got {value!r}")
    try:
        parsed.astimezone(UTC)  # stored in UTC: the first and last hours of the calendar have no UTC time
    except (OverflowError, ValueError):
        raise ValueError(f"is out of range once in UTC, got {value!r}") from None
    return parsed


def _parse_amount(value: object, info: ValidationInfo) -> Decimal:
    amount = money.parse_decimal(value)
    if amount < 0:
        raise ValueError(f"must not be negative, got {amount}")
    currency = (info.context or {}).get(_CURRENCY_KEY, "SAR")
    return money.check_precision(amount, currency)


def _parse_text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError("must not be empty")
    return text


# What the local database holds of an id or a code (records.app_id, mappings.code), the same on both backends.
MAX_ID_LENGTH = 200


def _parse_identifier(value: object) -> str:
    """An id or a code: text in one normal form (NFC, so that two spellings of one id are one record), without
    control or invisible formatting characters, at most MAX_ID_LENGTH characters."""
    text = unicodedata.normalize("NFC", _parse_text(value))
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise ValueError(
                f"must not hold control or invisible characters (U+{ord(char):04X} "
                f"{unicodedata.name(char, 'unassigned')})"
            )
    if len(text) > MAX_ID_LENGTH:
        raise ValueError(f"must be at most {MAX_ID_LENGTH} characters, got {len(text)}")
    return text


def parse_vat_rate(value: object) -> str:
    """A VAT rate code: `exempt`, or a percentage such as `15`, `5`, `0` (zero-rated)."""
    if isinstance(value, str) and value.strip().lower() == "exempt":
        return "exempt"
    try:
        rate = money.parse_decimal(value)
    except ValueError:
        raise ValueError(f'must be a rate code such as "15", "5", "0" or "exempt", got {value!r}') from None
    if not 0 <= rate <= 100:
        raise ValueError(f"must be a percentage between 0 and 100, got {value!r}")
    return format(rate.normalize(), "f") if rate else "0"  # "-0", "0.0" and "0" are one rate


Amount = Annotated[
    Decimal,
    PlainValidator(_parse_amount),
    PlainSerializer(lambda d: format(d, "f"), return_type=str),
]
Day = Annotated[date, PlainValidator(_parse_date), PlainSerializer(lambda d: d.isoformat(), return_type=str)]
Timestamp = Annotated[
    datetime, PlainValidator(_parse_timestamp), PlainSerializer(lambda t: t.isoformat(), return_type=str)
]
Text = Annotated[str, PlainValidator(_parse_text)]
Identifier = Annotated[str, PlainValidator(_parse_identifier)]
VatRate = Annotated[str, PlainValidator(parse_vat_rate)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


def vat_percent(code: str) -> Decimal:
    """The percentage a VAT rate code stands for (`exempt` charges none)."""
    return Decimal(0) if code == "exempt" else Decimal(code)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Document(_Strict):
    """Fields every record type has."""

    record_type: ClassVar[RecordType]

    id: Identifier
    updated_at: Timestamp | None = None

    @property
    def key(self) -> tuple[RecordType, str]:
        return (self.record_type, self.id)

    @property
    def record_date(self) -> date | None:
        """The date a backfill window is measured by; None for records that are always in it."""
        return None


# --- contact -----------------------------------------------------------------------------------------------

_SAUDI_VAT = re.compile(r"3\d{13}3")


class Address(_Strict):
    street: str | None = None
    street2: str | None = None
    city: str | None = None
    zip: str | None = None
    state: str | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None

    @field_validator("country", mode="before")
    @classmethod
    def _upper_country(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


class Contact(_Document):
    record_type: ClassVar[RecordType] = RecordType.CONTACT

    type: Literal["contact"]
    roles: Annotated[list[Literal["tenant", "vendor", "owner"]], Field(min_length=1)]
    name: Text
    is_company: StrictBool = False
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    vat: str | None = None
    company_registry: str | None = None
    lang: Literal["en", "ar"] | None = None
    address: Address | None = None
    active: StrictBool = True

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, roles: list[str]) -> list[str]:
        return list(dict.fromkeys(roles))

    @field_validator("email")
    @classmethod
    def _email_shape(cls, email: str | None) -> str | None:
        if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise ValueError(f"is not an email address: {email!r}")
        return email

    @model_validator(mode="after")
    def _saudi_vat(self) -> Contact:
        saudi = self.address is not None and self.address.country == "SA"
        if saudi and self.vat is not None and not _SAUDI_VAT.fullmatch(self.vat):
            raise _FieldError("vat", f"a Saudi VAT number has 15 digits, first and last 3; got {self.vat!r}")
        return self


# --- transactions ------------------------------------------------------------------------------------------


class _Transaction(_Document):
    """Fields the three money records share."""

    currency: Currency = "SAR"
    owner_id: Identifier | None = None
    property_name: str | None = Field(default=None, alias="property")
    unit: str | None = None


# --- rent payment ------------------------------------------------------------------------------------------


class Charge(_Strict):
    kind: Literal["rent", "services"]
    description: str | None = None
    amount: Amount
    vat_rate: VatRate


class RentPayment(_Transaction):
    record_type: ClassVar[RecordType] = RecordType.RENT_PAYMENT

    type: Literal["rent_payment"]
    status: Literal["pending", "approved", "rejected", "void"]
    tenant_id: Identifier
    lease_id: str | None = None
    period_start: Day
    period_end: Day
    charges: Annotated[list[Charge], Field(min_length=1)]
    amount_paid: Amount
    paid_on: Day
    method: Identifier
    reference: str | None = None

    @property
    def record_date(self) -> date:
        return self.paid_on

    @property
    def total_due(self) -> Decimal:
        """What the charges add up to with VAT, tax rounded per line as Odoo does by default."""
        return sum(
            (c.amount + money.tax_amount(c.amount, vat_percent(c.vat_rate), self.currency) for c in self.charges),
            Decimal(0),
        )

    @model_validator(mode="after")
    def _consistent(self) -> RentPayment:
        if self.period_end < self.period_start:
            raise _FieldError("period_end", f"is before period_start ({self.period_end} < {self.period_start})")
        if self.amount_paid <= 0:
            raise _FieldError("amount_paid", "must be more than zero")
        if self.amount_paid > self.total_due:
            raise _FieldError(
                "amount_paid",
                f"{self.amount_paid} is more than the total due {self.total_due} {self.currency} "
                "(the charges with VAT)",
            )
        return self


# --- expense -----------------------------------------------------------------------------------------------


class ExpenseLine(_Strict):
    category: Identifier
    description: str | None = None
    amount: Amount
    vat_rate: VatRate


class Expense(_Transaction):
    record_type: ClassVar[RecordType] = RecordType.EXPENSE

    type: Literal["expense"]
    status: Literal["submitted", "verified", "rejected", "void"]
    vendor_id: Identifier
    bill_reference: str | None = None
    bill_date: Day
    due_date: Day | None = None
    lines: Annotated[list[ExpenseLine], Field(min_length=1)]

    @property
    def record_date(self) -> date:
        return self.bill_date


# --- deposit -----------------------------------------------------------------------------------------------


class Deposit(_Transaction):
    record_type: ClassVar[RecordType] = RecordType.DEPOSIT

    type: Literal["deposit"]
    direction: Literal["in", "out"]
    status: Literal["recorded", "void"]
    tenant_id: Identifier
    lease_id: str | None = None
    amount: Amount
    date: Day
    method: Identifier
    reference: str | None = None

    @property
    def record_date(self) -> dt.date:
        return self.date

    @model_validator(mode="after")
    def _positive(self) -> Deposit:
        if self.amount <= 0:
            raise _FieldError("amount", "must be more than zero")
        return self


Record = Contact | RentPayment | Expense | Deposit

MODELS: dict[str, type[Record]] = {
    RecordType.CONTACT: Contact,
    RecordType.RENT_PAYMENT: RentPayment,
    RecordType.EXPENSE: Expense,
    RecordType.DEPOSIT: Deposit,
}


# --- parsing -----------------------------------------------------------------------------------------------


class _FieldError(ValueError):
    """Raised by whole-record rules so that the problem still names its field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


_PYDANTIC_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field (check the spelling; see the record format)",
    "too_short": "must not be empty",
    "bool_type": "must be true or false (a JSON boolean)",
}


def _problems(error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for detail in error.errors(include_url=False):
        field = _field_path(tuple(detail["loc"]))
        ctx = detail.get("ctx") or {}
        cause = ctx.get("error")
        if isinstance(cause, _FieldError):
            field = _field_path((*detail["loc"], cause.field))
            message = cause.message
        elif isinstance(cause, ValueError):
            message = str(cause)
        elif detail["type"] == "literal_error":
            message = f"must be one of {ctx.get('expected')}, got {detail['input']!r}"
        elif detail["type"] == "string_pattern_mismatch" and field.endswith("currency"):
            message = f"must be an ISO 4217 code such as SAR, got {detail['input']!r}"
        elif detail["type"] == "string_pattern_mismatch" and field.endswith("country"):
            message = f"must be an ISO 3166-1 alpha-2 code such as SA, got {detail['input']!r}"
        else:
            message = _PYDANTIC_MESSAGES.get(detail["type"], detail["msg"][:1].lower() + detail["msg"][1:])
        problems.append(Problem(field=field, message=message))
    return problems


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:40]}…"


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def parse_record(document: Mapping[str, Any]) -> Record:
    """Validate one app document and return its record; raise RecordInvalid listing every problem."""
    record_type = document.get("type")
    record_id = _text_or_none(document.get("id"))
    if not isinstance(record_type, str) or record_type not in MODELS:
        expected = ", ".join(MODELS)
        message = (
            "is required" if record_type is None else f"unknown record type {_shown(record_type)} (expected {expected})"
        )
        raise RecordInvalid([Problem(field="type", message=message)], _text_or_none(record_type), record_id)
    assert isinstance(record_type, str)
    model = MODELS[record_type]
    currency = document.get("currency", "SAR")
    if isinstance(currency, str) and currency not in money.ISO_4217:
        raise RecordInvalid(
            [
                Problem(
                    field="currency",
                    message=f"unknown ISO 4217 currency code {currency!r} (e.g. SAR, USD, KWD)",
                )
            ],
            record_type,
            record_id,
        )
    try:
        return model.model_validate(dict(document), context={_CURRENCY_KEY: currency})
    except ValidationError as error:
        raise RecordInvalid(_problems(error), record_type, record_id) from None


def canonical_document(record: Record) -> dict[str, Any]:
    """The record as stored: JSON-ready, amounts at currency precision, unset optional fields left out."""
    return record.model_dump(mode="json", exclude_none=True, by_alias=True)


# The status at which each type of record goes to Odoo (records.md); contacts always do.
SYNCING_STATUS = {RecordType.RENT_PAYMENT: "approved", RecordType.EXPENSE: "verified", RecordType.DEPOSIT: "recorded"}


def is_eligible(record_type: RecordType, document: Mapping[str, Any]) -> bool:
    """Whether a record in this state belongs in Odoo (a payment approved, an expense verified…)."""
    wanted = SYNCING_STATUS.get(record_type)
    return wanted is None or document.get("status") == wanted
