"""Builders: a record + the Odoo facts and mappings it needs → the values of its Odoo record. Pure functions.

Each builder returns a `Document` (model, company, values, marker) or raises `MissingSetup` naming what to set
up, in the words a person needs ("Run: odoosync map set …"). A missing mapping names its code in the form mappings
keep it (`normalize_code`): one code written two ways ("Pest control", "Pest Control ") is one problem, with one
command. The engine does every call to Odoo; nothing here does I/O, so each rule is tested on its own.

Markers (design.md, Idempotency): a partner's `ref` is the contact id; an invoice's and a bill's
`invoice_origin` (Odoo's "Source Document") is the app id, because a bill's `ref` is the vendor's own bill
number; a payment's memo (`ref` up to 17) starts with the deposit id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from odoosync.domain.errors import OdoosyncError
from odoosync.domain.mappings import ANY_COMPANY, MappingKind, normalize_code
from odoosync.domain.records import Contact, Deposit, Expense, Record, RentPayment
from odoosync.domain.scaling import scale_charges
from odoosync.odoo.versions import OdooVersion

ARABIC = "ar_001"
LANGUAGES = {"en": "en_US", "ar": ARABIC}
# A payment's memo: "<deposit id> · <reference>"; the marker is what comes before the separator.
MEMO_SEPARATOR = " · "

LABELS = {
    "en": {
        "rent": "Rent",
        "services": "Services",
        "rounding": "Rounding adjustment",
        "period": "{start} → {end}",
    },
    "ar": {
        "rent": "إيجار",
        "services": "خدمات",
        "rounding": "تسوية التقريب",
        "period": "من {start} إلى {end}",
    },
}


class MissingSetup(OdoosyncError):
    """A record cannot be built until a person adds a mapping or a default: permanent until then."""

    kind = "setup"


class WaitingFor(OdoosyncError):
    """A record needs another one synced first (its tenant, vendor or owner)."""

    kind = "waiting"


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    currency: str  # ISO code of the company currency
    rounds_per_line: bool  # tax_calculation_rounding_method == round_per_line
    sale_journal: int | None


@dataclass(frozen=True)
class OdooFacts:
    """What the builders need to know of one Odoo database and of odoosync's settings."""

    version: OdooVersion
    separation: str  # off | by_company | by_analytic
    default_company: int
    companies: Mapping[int, Company]
    language: str  # the language of labels: en | ar
    arabic_active: bool
    rent_product: int | None
    currencies: Mapping[str, int]  # ISO code → res.currency id
    countries: Mapping[str, int]  # ISO 3166 code → res.country id
    states: Mapping[tuple[str, str], int]  # (country code, state code or name, case-folded) → id
    # (kind, company id or 0, normalized code) → Odoo id; extra: method → payment method lines per direction
    mappings: Mapping[tuple[str, int, str], int]
    method_lines: Mapping[tuple[int, str], int] = field(default_factory=dict)  # (journal id, in|out) → line id
    mapping_names: Mapping[tuple[str, int, str], str] = field(default_factory=dict)
    deposit_account: str | None = None  # the setting, when deposits go to an account of their own
    deposit_accounts: Mapping[int, int] = field(default_factory=dict)  # company id → that account's id there
    # Mappings whose Odoo target is unusable (archived, deleted, wrong company or type, tax amount changed):
    # key → (why, what to do). A record that needs one fails with that, before anything is sent.
    broken: Mapping[tuple[str, int, str], tuple[str, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """One record's Odoo values. `lines`: the invoice lines, kept apart so an update can replace them."""

    model: str
    company_id: int
    values: dict[str, Any]
    marker: str
    lines: list[dict[str, Any]] = field(default_factory=list)
    warnings: tuple[str, ...] = ()

    def create_values(self) -> dict[str, Any]:
        if not self.lines:
            return dict(self.values)
        return {**self.values, "invoice_line_ids": [(0, 0, line) for line in self.lines]}

    def update_values(self) -> dict[str, Any]:
        """A draft's header and its lines replaced (Command.clear, then the new lines)."""
        if not self.lines:
            return dict(self.values)
        return {**self.values, "invoice_line_ids": [(5, 0, 0), *((0, 0, line) for line in self.lines)]}


# --- any record ---------------------------------------------------------------------------------------------


def record_label(record: Record) -> str:
    """How messages name a record: "rent payment RP-2026-0005", "contact T-1"."""
    return f"{record.record_type.value.replace('_', ' ')} {record.id}"


def contact_id_of(record: Record) -> str:
    """The contact a transaction's document is made out to: its tenant, or its vendor."""
    if isinstance(record, Expense):
        return record.vendor_id
    assert isinstance(record, RentPayment | Deposit)
    return record.tenant_id


def build_document(record: Record, partner_of: Callable[[str], int | None], facts: OdooFacts) -> Document:
    """The record's Odoo document. `partner_of`: a contact id → its partner id, None while it is not in Odoo
    (then WaitingFor). `sync` and `plan` both build through here: what the plan shows is what sync sends."""
    if isinstance(record, Contact):
        return partner_document(record, facts)
    label = record_label(record)
    contact = contact_id_of(record)
    partner = partner_of(contact)
    if partner is None:
        raise WaitingFor(
            f"{label} waits for contact {contact}, which is not in Odoo yet",
            f"It syncs once contact {contact} has been delivered and synced.",
        )
    if isinstance(record, RentPayment):
        return invoice_document(record, partner, facts)
    if isinstance(record, Expense):
        return bill_document(record, partner, facts)
    assert isinstance(record, Deposit)
    return payment_document(record, partner, facts)


# --- companies and mappings --------------------------------------------------------------------------------


def company_of(owner_id: str | None, record: str, facts: OdooFacts) -> int:
    """The company a transaction's documents go to: the owner's in by_company, else the default."""
    if facts.separation != "by_company":
        return facts.default_company
    if not owner_id:
        raise MissingSetup(
            f"{record} has no owner_id, and owner separation is by company",
            "Deliver the record with its owner_id, or set owner separation off: odoosync defaults set "
            "--owner-separation off, then odoosync queue retry --failed",
        )
    company = _usable(facts, (MappingKind.OWNER_COMPANY, ANY_COMPANY, owner_id), record)
    if company is None:
        raise MissingSetup(
            f"owner {owner_id} of {record} has no company mapping",
            f"Run: odoosync owners map {owner_id} --company COMPANY, then odoosync queue retry --failed",
        )
    return company


def _analytic(owner_id: str | None, record: str, facts: OdooFacts) -> dict[str, int] | None:
    if facts.separation != "by_analytic":
        return None
    if not owner_id:
        raise MissingSetup(
            f"{record} has no owner_id, and owner separation is by analytic account",
            "Deliver the record with its owner_id, or set owner separation off, then odoosync queue retry --failed",
        )
    analytic = _usable(facts, (MappingKind.OWNER_ANALYTIC, ANY_COMPANY, owner_id), record)
    if analytic is None:
        raise MissingSetup(
            f"owner {owner_id} of {record} has no analytic account mapping",
            f"Run: odoosync owners map {owner_id} --analytic ACCOUNT (or --create), then odoosync queue retry --failed",
        )
    return {str(analytic): 100}


def _mapped(facts: OdooFacts, kind: MappingKind, code: str, company: int, record: str = "") -> int | None:
    """A mapping kept for this company (by_company), else one kept for any company."""
    normalized = normalize_code(code)
    key = (kind, company, normalized)
    if key not in facts.mappings:
        key = (kind, ANY_COMPANY, normalized)
    return _usable(facts, key, record)


def _usable(facts: OdooFacts, key: tuple[str, int, str], record: str) -> int | None:
    """The mapping's Odoo id; MissingSetup when its target is broken (odoosync doctor lists those too)."""
    found = facts.mappings.get(key)
    if found is not None and key in facts.broken:
        reason, instruction = facts.broken[key]
        raise MissingSetup(
            f"{reason}, needed by {record}" if record else reason,
            f"{instruction}, then odoosync queue retry --failed" if instruction else None,
        )
    return found


def _company_name(facts: OdooFacts, company: int) -> str:
    known = facts.companies.get(company)
    return known.name if known else f"company {company}"


def _map_flag(facts: OdooFacts, company: int) -> str:
    return f' --company "{_company_name(facts, company)}"' if facts.separation == "by_company" else ""


def _tax(facts: OdooFacts, kind: MappingKind, rate: str, company: int, record: str) -> int:
    tax = _mapped(facts, kind, rate, company, record)
    if tax is None:
        flag = _map_flag(facts, company)
        use, fix = (
            ("sale", f'Run: odoosync map set vat "{rate}" --sale-tax TAX{flag}, then odoosync queue retry --failed')
            if kind is MappingKind.VAT_SALE
            else (
                "purchase",
                f'Run: odoosync map set vat "{rate}" --purchase-tax TAX{flag}, then odoosync queue retry --failed',
            )
        )
        raise MissingSetup(
            f'VAT rate "{rate}" has no {use} tax mapping (company {_company_name(facts, company)}), needed by {record}',
            fix,
        )
    return tax


def _currency(facts: OdooFacts, code: str, record: str) -> int:
    currency = facts.currencies.get(code)
    if currency is None:
        raise MissingSetup(
            f"{record} is in {code}, a currency that is not active in Odoo",
            f"Activate {code} in Odoo (Accounting → Configuration → Currencies), then odoosync queue retry --failed",
        )
    return currency


# --- contact → res.partner ---------------------------------------------------------------------------------


def partner_document(contact: Contact, facts: OdooFacts) -> Document:
    values: dict[str, Any] = {
        "name": contact.name,
        "is_company": contact.is_company,
        "ref": contact.id,
        "email": contact.email or False,
        "phone": contact.phone or False,
        "vat": contact.vat or False,
        "company_registry": contact.company_registry or False,
        "active": contact.active,
    }
    warnings: list[str] = []
    if facts.version.partner_has_mobile:
        values["mobile"] = contact.mobile or False
    elif contact.mobile and not contact.phone:
        values["phone"] = contact.mobile  # Odoo 19 keeps one number
    if contact.lang:
        wanted = LANGUAGES[contact.lang]
        if wanted != ARABIC or facts.arabic_active:
            values["lang"] = wanted
        else:
            warnings.append("arabic_inactive")
    address = contact.address
    values.update(
        {
            "street": (address.street if address else None) or False,
            "street2": (address.street2 if address else None) or False,
            "city": (address.city if address else None) or False,
            "zip": (address.zip if address else None) or False,
        }
    )
    country = address.country if address else None
    values["country_id"] = facts.countries.get(country, False) if country else False
    state = address.state if address else None
    values["state_id"] = facts.states.get((country, normalize_code(state)), False) if (state and country) else False
    if "tenant" in contact.roles or "owner" in contact.roles:
        values["customer_rank"] = 1
    if "vendor" in contact.roles:
        values["supplier_rank"] = 1
    return Document("res.partner", 0, values, contact.id, warnings=tuple(warnings))


def partner_changes(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose value in Odoo differs from the record's (an edit writes only those)."""
    changes: dict[str, Any] = {}
    for key, value in wanted.items():
        have = current.get(key)
        if isinstance(have, list | tuple):
            have = have[0] if have else False
        if key in ("customer_rank", "supplier_rank"):
            if int(have or 0) < int(value):
                changes[key] = value
            continue
        if (have or False) != (value or False):
            changes[key] = value
    return changes


# --- rent payment → customer invoice -----------------------------------------------------------------------


def _place(property_name: str | None, unit: str | None) -> str:
    return " ".join(part for part in (property_name, unit) if part)


def rent_line_label(kind: str, payment: RentPayment, language: str, description: str | None = None) -> str:
    words = LABELS[language]
    head = words[kind] + (f": {description}" if description else "")
    period = words["period"].format(start=payment.period_start.isoformat(), end=payment.period_end.isoformat())
    return " — ".join(part for part in (head, _place(payment.property_name, payment.unit), period) if part)


def invoice_document(payment: RentPayment, partner: int, facts: OdooFacts) -> Document:
    record = f"rent payment {payment.id}"
    company = company_of(payment.owner_id, record, facts)
    facts_company = facts.companies.get(company)
    if facts_company is None or facts_company.sale_journal is None:
        raise MissingSetup(
            f"company {_company_name(facts, company)} has no sale journal for {record}",
            "Run: odoosync defaults set --sale-journal CODE, then odoosync queue retry --failed",
        )
    if facts.rent_product is None and any(charge.kind == "rent" for charge in payment.charges):
        raise MissingSetup(
            f"no Rent product is set, needed by {record}",
            "Run: odoosync setup rent-product (or odoosync defaults set --rent-product PRODUCT), "
            "then odoosync queue retry --failed",
        )
    analytic = _analytic(payment.owner_id, record, facts)
    charges = [(c.kind, c.amount, c.vat_rate) for c in payment.charges]
    scaled = scale_charges(charges, payment.amount_paid, payment.currency, per_line=facts_company.rounds_per_line)
    lines: list[dict[str, Any]] = []
    for line in scaled:
        description = payment.charges[line.charge_index].description if line.charge_index is not None else None
        values: dict[str, Any] = {
            "name": rent_line_label(line.kind, payment, facts.language, description),
            "quantity": Decimal(1),
            "price_unit": line.price,
            "tax_ids": [(6, 0, [_tax(facts, MappingKind.VAT_SALE, line.vat_rate, company, record)])],
        }
        if line.kind == "rent":
            values["product_id"] = facts.rent_product
        if analytic:
            values["analytic_distribution"] = analytic
        lines.append(values)
    header = {
        "move_type": "out_invoice",
        "partner_id": partner,
        "company_id": company,
        "journal_id": facts_company.sale_journal,
        "currency_id": _currency(facts, payment.currency, record),
        "invoice_date": payment.paid_on.isoformat(),
        "ref": payment.id,
        "invoice_origin": payment.id,
        "payment_reference": payment.reference or False,
    }
    return Document("account.move", company, header, payment.id, lines)


def invoice_payment(payment: RentPayment, company: int, facts: OdooFacts) -> tuple[int, int | None]:
    """The journal and payment method line a rent invoice's payment is registered with (auto-post)."""
    journal = _mapped(facts, MappingKind.METHOD, payment.method, company, f"rent payment {payment.id}")
    if journal is None:
        method = normalize_code(payment.method)
        raise MissingSetup(
            f'Payment method "{method}" has no journal mapping (company {_company_name(facts, company)})',
            f'Run: odoosync map set method "{method}" --journal <code>{_map_flag(facts, company)}, '
            "then odoosync queue retry --failed",
        )
    return journal, facts.method_lines.get((journal, "in"))


# --- expense → vendor bill ---------------------------------------------------------------------------------


def bill_document(expense: Expense, vendor: int, facts: OdooFacts) -> Document:
    record = f"expense {expense.id}"
    company = company_of(expense.owner_id, record, facts)
    analytic = _analytic(expense.owner_id, record, facts)
    lines: list[dict[str, Any]] = []
    for line in expense.lines:
        account = _mapped(facts, MappingKind.CATEGORY, line.category, company, record)
        if account is None:
            category = normalize_code(line.category)
            raise MissingSetup(
                f'Expense category "{category}" has no account mapping '
                f"(company {_company_name(facts, company)}), needed by {record}",
                f'Run: odoosync map set category "{category}" --account <code>{_map_flag(facts, company)}, '
                "then odoosync queue retry --failed",
            )
        values: dict[str, Any] = {
            "name": " — ".join(
                part
                for part in (line.description or line.category, _place(expense.property_name, expense.unit))
                if part
            ),
            "account_id": account,
            "quantity": Decimal(1),
            "price_unit": line.amount,
            "tax_ids": [(6, 0, [_tax(facts, MappingKind.VAT_PURCHASE, line.vat_rate, company, record)])],
        }
        if analytic:
            values["analytic_distribution"] = analytic
        lines.append(values)
    header = {
        "move_type": "in_invoice",
        "partner_id": vendor,
        "company_id": company,
        "currency_id": _currency(facts, expense.currency, record),
        "invoice_date": expense.bill_date.isoformat(),
        "invoice_date_due": expense.due_date.isoformat() if expense.due_date else False,
        "ref": expense.bill_reference or False,
        "invoice_origin": expense.id,
    }
    return Document("account.move", company, header, expense.id, lines)


# --- deposit → payment -------------------------------------------------------------------------------------


def payment_memo(deposit: Deposit) -> str:
    return deposit.id + (f"{MEMO_SEPARATOR}{deposit.reference}" if deposit.reference else "")


def payment_document(deposit: Deposit, partner: int, facts: OdooFacts) -> Document:
    record = f"deposit {deposit.id}"
    company = company_of(deposit.owner_id, record, facts)
    journal = _mapped(facts, MappingKind.METHOD, deposit.method, company, record)
    if journal is None:
        method = normalize_code(deposit.method)
        raise MissingSetup(
            f'Payment method "{method}" has no journal mapping (company {_company_name(facts, company)}), '
            f"needed by {record}",
            f'Run: odoosync map set method "{method}" --journal <code>{_map_flag(facts, company)}, '
            "then odoosync queue retry --failed",
        )
    direction = "in" if deposit.direction == "in" else "out"
    values: dict[str, Any] = {
        "payment_type": "inbound" if direction == "in" else "outbound",
        "partner_type": "customer",
        "partner_id": partner,
        "amount": deposit.amount,
        "currency_id": _currency(facts, deposit.currency, record),
        "date": deposit.date.isoformat(),
        "journal_id": journal,
        facts.version.payment_memo: payment_memo(deposit),
    }
    if facts.deposit_account:
        account = facts.deposit_accounts.get(company)
        if account is None:
            raise MissingSetup(
                f"the deposit account {facts.deposit_account!r} has no receivable or payable account in company "
                f"{_company_name(facts, company)}, needed by {record}",
                "Create it there in Odoo, or run: odoosync defaults set --deposit-account CODE, "
                "then odoosync queue retry --failed",
            )
        values["destination_account_id"] = account
    method_line = facts.method_lines.get((journal, direction))
    if method_line:
        values["payment_method_line_id"] = method_line
    return Document("account.payment", company, values, deposit.id)
