"""Mappings of the app's codes to Odoo: list what the records use, set (checked in Odoo) and remove.

Under owner separation `by_company` every mapping is kept per company, since accounts, journals and taxes belong
to one; otherwise mappings are kept once (company 0) and checked against the default company.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz, process

from odoosync.config import Config
from odoosync.domain.errors import ConfigError, InvalidChoice, NotFound, OdooNotReady
from odoosync.domain.mappings import ANY_COMPANY, Mapping, MappingKind, normalize_code
from odoosync.domain.records import RecordType, parse_vat_rate, vat_percent
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.setup.connection import database_key, endpoint_of, open_client
from odoosync.sync.setup.defaults import Target, account_of_types, company_target, resolve

# account_account.py account types an expense may be booked on.
EXPENSE_TYPES = ("expense", "expense_direct_cost", "expense_depreciation", "expense_other")
KINDS_SET_HERE = ("category", "method", "vat")
ELIGIBLE = {RecordType.RENT_PAYMENT: "approved", RecordType.EXPENSE: "verified", RecordType.DEPOSIT: "recorded"}


@dataclass(frozen=True)
class CodeUse:
    """A code the stored records use, how many eligible records use it, and its mapping (if any)."""

    kind: MappingKind
    code: str
    shown: str
    records: int
    mapping: Mapping | None


def _code_uses(store: Store, *, eligible_only: bool) -> Iterator[tuple[MappingKind, str, str | None]]:
    """(kind, code as the app wrote it, the record's owner) for each code of each stored record, once a record."""
    for record_type, status in ELIGIBLE.items():
        for record in store.records.of_type(record_type):
            document = record.document
            if eligible_only and document.get("status") != status:
                continue
            written: list[tuple[MappingKind, object]] = []
            if record_type is RecordType.EXPENSE:
                for line in document.get("lines") or ():
                    written += [
                        (MappingKind.CATEGORY, line.get("category")),
                        (MappingKind.VAT_PURCHASE, line.get("vat_rate")),
                    ]
            else:
                written.append((MappingKind.METHOD, document.get("method")))
            if record_type is RecordType.RENT_PAYMENT:
                written += [(MappingKind.VAT_SALE, charge.get("vat_rate")) for charge in document.get("charges") or ()]
            seen: set[tuple[MappingKind, str]] = set()
            for kind, code in written:
                # A stored copy that cannot be read any more has no codes to speak of (its job says so).
                if isinstance(code, str) and (kind, normalize_code(code)) not in seen:
                    seen.add((kind, normalize_code(code)))
                    yield kind, code, document.get("owner_id")


def _uses(store: Store) -> dict[MappingKind, dict[str, tuple[str, int]]]:
    """Per kind: normalised code → (the code as the app first wrote it, how many eligible records use it)."""
    shown: dict[MappingKind, dict[str, str]] = {kind: {} for kind in MappingKind}
    counts: dict[MappingKind, Counter[str]] = {kind: Counter() for kind in MappingKind}
    for kind, code, _owner in _code_uses(store, eligible_only=True):
        key = normalize_code(code)
        shown[kind].setdefault(key, code.strip())
        counts[kind][key] += 1
    return {kind: {code: (shown[kind][code], n) for code, n in counts[kind].items()} for kind in MappingKind}


def list_codes(
    config: Config,
    store: Store,
    *,
    kinds: Iterable[MappingKind] = (),
    company_id: int | None = None,
    unmapped_only: bool = False,
) -> list[CodeUse]:
    """Every code the eligible stored records use, with its mapping in the connected Odoo database."""
    wanted = set(kinds) or {MappingKind.CATEGORY, MappingKind.METHOD, MappingKind.VAT_SALE, MappingKind.VAT_PURCHASE}
    key = database_key(config.odoo.url, config.odoo.database) if config.odoo.url and config.odoo.database else ""
    company = ANY_COMPANY if company_id is None else company_id
    rows: list[CodeUse] = []
    for kind, uses in _uses(store).items():
        if kind not in wanted:
            continue
        mappings = store.mappings.of_kind(key, kind, company) if key else {}
        for code, (shown, count) in sorted(uses.items()):
            mapping = mappings.get(code)
            if unmapped_only and mapping:
                continue
            rows.append(CodeUse(kind, code, shown, count, mapping))
    return rows


@dataclass(frozen=True)
class UnmappedCode:
    """A code eligible records use that has no mapping where they go: sync fails them until it has one."""

    kind: MappingKind
    code: str  # as the app first wrote it
    company_id: int  # ANY_COMPANY unless owner separation is by_company
    records: int


def unmapped_codes(config: Config, store: Store) -> list[UnmappedCode]:
    """The codes of eligible stored records that sync would find no mapping for, in the company each record goes to
    (by_company: its owner's; records of an owner without a company are left to the owners' check)."""
    if not (config.odoo.url and config.odoo.database):
        return []
    key = database_key(config.odoo.url, config.odoo.database)
    by_company = config.defaults.owner_separation == "by_company"
    owner_companies = (
        {owner: m.odoo_id for owner, m in store.mappings.of_kind(key, MappingKind.OWNER_COMPANY).items()}
        if by_company
        else {}
    )
    mapped = {(m.kind, m.company_id, m.code) for m in store.mappings.all(key)}
    shown: dict[tuple[MappingKind, int, str], str] = {}
    counts: Counter[tuple[MappingKind, int, str]] = Counter()
    for kind, code, owner in _code_uses(store, eligible_only=True):
        company = owner_companies.get(owner or "") if by_company else ANY_COMPANY
        normalized = normalize_code(code)
        # As the builders look mappings up: the company's own, else one kept for any company.
        if company is None or {(kind, company, normalized), (kind, ANY_COMPANY, normalized)} & mapped:
            continue
        shown.setdefault((kind, company, normalized), code.strip())
        counts[(kind, company, normalized)] += 1
    return [
        UnmappedCode(kind, shown[(kind, company, code)], company, n)
        for (kind, company, code), n in sorted(counts.items())
    ]


KIND_WORDS = {
    MappingKind.CATEGORY: "expense category",
    MappingKind.METHOD: "payment method",
    MappingKind.VAT_SALE: "VAT rate (of sales)",
    MappingKind.VAT_PURCHASE: "VAT rate (of purchases)",
}
# How `map set` takes each kind: its KIND argument and the option that names the target.
SET_AS = {
    MappingKind.CATEGORY: ("category", "--account"),
    MappingKind.METHOD: ("method", "--journal"),
    MappingKind.VAT_SALE: ("vat", "--sale-tax"),
    MappingKind.VAT_PURCHASE: ("vat", "--purchase-tax"),
}
# `map set` for each kind as a message names it, written out so that a test checks each against the CLI.
SET_COMMAND = {
    MappingKind.CATEGORY: 'odoosync map set category "{code}" --account …',
    MappingKind.METHOD: 'odoosync map set method "{code}" --journal …',
    MappingKind.VAT_SALE: 'odoosync map set vat "{code}" --sale-tax …',
    MappingKind.VAT_PURCHASE: 'odoosync map set vat "{code}" --purchase-tax …',
}
NEAREST = 3
NEAR_ENOUGH = 60  # rapidfuzz WRatio: below this a code in use is no likely meaning of a typo


def unused_code_warning(store: Store, kind: MappingKind, code: str, company_id: int = ANY_COMPANY) -> str | None:
    """What to say of a code no stored record uses (a typo passes every check in Odoo): the nearest codes in use."""
    in_use: dict[str, str] = {}
    for used_kind, written, _owner in _code_uses(store, eligible_only=False):
        if used_kind is kind:
            in_use.setdefault(normalize_code(written), written.strip())
    normalized = normalize_code(code)
    if normalized in in_use:
        return None
    nearest = process.extract(normalized, list(in_use), scorer=fuzz.WRatio, limit=NEAREST, score_cutoff=NEAR_ENOUGH)
    words, (command_kind, _option) = KIND_WORDS[kind], SET_AS[kind]
    near = "; the nearest in use: " + ", ".join(f'"{in_use[found]}"' for found, _, _ in nearest) if nearest else ""
    return (
        f'no stored record uses the {words} "{code.strip()}"{near}. The mapping is saved, for records still to come; '
        f'if it is a typo, run: odoosync map remove {command_kind} "{code.strip()}"'
        + (f" --company {company_id}" if company_id != ANY_COMPANY else "")
    )


# --- targets ---------------------------------------------------------------------------------------------------


def _company_for(client: OdooClient, config: Config, company: str | None) -> tuple[Target, int]:
    """The company targets are checked in, and the company the mapping is kept under."""
    if config.defaults.owner_separation == "by_company":
        if not company:
            raise InvalidChoice(
                "with owner separation by_company, mappings are kept per company", "Add --company NAME_OR_ID."
            )
        target = company_target(client, company)
        return target, target.id
    reference = company or config.defaults.company
    if not reference:
        raise ConfigError("no default company is set", "Run: odoosync defaults set --company …")
    return company_target(client, reference), ANY_COMPANY


def account_target(client: OdooClient, given: str, company: Target) -> Target:
    return account_of_types(client, given, company, EXPENSE_TYPES, "expense account")


def journal_target(client: OdooClient, given: str, company: Target) -> tuple[Target, dict[str, Any]]:
    """A bank or cash journal, and the payment method lines to use with it for money in and out."""
    target = resolve(
        client,
        "account.journal",
        given,
        what=f"bank or cash journal of {company.name}",
        domain=[("type", "in", ["bank", "cash"]), ("company_id", "=", company.id)],
        code_field="code",
        context={"allowed_company_ids": [company.id]},
    )
    fields = ["inbound_payment_method_line_ids", "outbound_payment_method_line_ids"]
    [journal] = client.read("account.journal", [target.id], fields, context={"allowed_company_ids": [company.id]})
    inbound, outbound = journal["inbound_payment_method_line_ids"], journal["outbound_payment_method_line_ids"]
    if not inbound or not outbound:
        raise OdooNotReady(
            f"the journal {target.reference} has no payment method for money {'in' if not inbound else 'out'}",
            "Add one in Odoo: the journal's Incoming/Outgoing Payments tab.",
        )
    return target, {"inbound_method_line": int(inbound[0]), "outbound_method_line": int(outbound[0])}


def tax_target(client: OdooClient, given: str, company: Target, *, use: str, code: str) -> Target:
    """A percent tax of the right use whose amount is the rate the code stands for."""
    rate = vat_percent(code)
    target = resolve(
        client,
        "account.tax",
        given,
        what=f"{use} tax of {company.name}",
        domain=[("type_tax_use", "=", use), ("amount_type", "=", "percent"), ("company_id", "=", company.id)],
        context={"allowed_company_ids": [company.id]},
    )
    [tax] = client.read("account.tax", [target.id], ["amount"], context={"allowed_company_ids": [company.id]})
    if Decimal(str(tax["amount"])) != rate:
        same_use = client.search_read(
            "account.tax",
            [("type_tax_use", "=", use), ("amount_type", "=", "percent"), ("company_id", "=", company.id)],
            ["name", "amount"],
            context={"allowed_company_ids": [company.id]},
        )
        # Compared here as exact decimals rather than sending the rate as a float.
        candidates = [row for row in same_use if Decimal(str(row["amount"])) == rate]
        listed = "; ".join(f"{row['name']} (id {row['id']})" for row in candidates) or "none"
        raise InvalidChoice(
            f"the {use} tax {target.name!r} is {tax['amount']} %, but the VAT rate {code!r} is {rate} %",
            f"Candidates: {listed}.",
        )
    return target


# --- set and remove -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """The mappings saved, and for each kind whose code no stored record uses, the warning that says so."""

    mappings: list[Mapping]
    warnings: dict[str, str]


def set_mapping(
    config: Config,
    store: Store,
    kind: str,
    code: str,
    *,
    account: str | None = None,
    journal: str | None = None,
    sale_tax: str | None = None,
    purchase_tax: str | None = None,
    company: str | None = None,
    client: OdooClient | None = None,
) -> Saved:
    """Check the targets in Odoo, then save the mapping(s); a VAT rate may get its sale and purchase tax. A code no
    stored record uses is saved too (its records may come later), with a warning naming the nearest codes in use.
    `client`: an open connection to reuse (applying a plan checks many targets over one)."""
    normalized = normalize_code(code)
    if not normalized:
        raise InvalidChoice("the code is empty", None)
    endpoint = endpoint_of(config)
    saved: list[Mapping] = []
    with contextlib.nullcontext(client) if client else open_client(config) as odoo:
        target_company, kept_under = _company_for(odoo, config, company)
        if kind == "category":
            if not account:
                raise InvalidChoice("a category maps to an account", "Add --account CODE_OR_NAME.")
            target = account_target(odoo, account, target_company)
            saved.append(
                Mapping(
                    MappingKind.CATEGORY,
                    normalized,
                    kept_under,
                    target.model,
                    target.id,
                    f"{target.code} {target.name}" if target.code else target.name,
                )
            )
        elif kind == "method":
            if not journal:
                raise InvalidChoice("a payment method maps to a journal", "Add --journal CODE_OR_NAME.")
            target, lines = journal_target(odoo, journal, target_company)
            saved.append(
                Mapping(
                    MappingKind.METHOD,
                    normalized,
                    kept_under,
                    target.model,
                    target.id,
                    f"{target.code} {target.name}" if target.code else target.name,
                    lines,
                )
            )
        elif kind == "vat":
            try:
                normalized = parse_vat_rate(code)  # the form the records use: "15", "5", "0", "exempt"
            except ValueError as error:
                raise InvalidChoice(f"{code!r} is not a VAT rate code: it {error}", None) from None
            if not (sale_tax or purchase_tax):
                raise InvalidChoice("a VAT rate maps to taxes", "Add --sale-tax and/or --purchase-tax.")
            for use, given, mapping_kind in (
                ("sale", sale_tax, MappingKind.VAT_SALE),
                ("purchase", purchase_tax, MappingKind.VAT_PURCHASE),
            ):
                if given:
                    target = tax_target(odoo, given, target_company, use=use, code=normalized)
                    saved.append(Mapping(mapping_kind, normalized, kept_under, target.model, target.id, target.name))
        else:
            raise InvalidChoice(f"unknown mapping kind {kind!r}", f"Use one of {', '.join(KINDS_SET_HERE)}.")
    warnings: dict[str, str] = {}
    for mapping in saved:
        store.mappings.set(database_key(endpoint.url, endpoint.database), mapping)
        # A VAT rate as the records write it ("15", not "15.0"); other codes as the person typed them.
        as_used = mapping.code if kind == "vat" else code
        warning = unused_code_warning(store, MappingKind(mapping.kind), as_used, mapping.company_id)
        if warning:
            warnings[mapping.kind] = warning
    return Saved(saved, warnings)


def remove_mapping(config: Config, store: Store, kind: str, code: str, *, company_id: int | None = None) -> int:
    """Forget the mapping(s) of a code; returns how many were removed."""
    endpoint = endpoint_of(config)
    kinds = {
        "category": [MappingKind.CATEGORY],
        "method": [MappingKind.METHOD],
        "vat": [MappingKind.VAT_SALE, MappingKind.VAT_PURCHASE],
    }.get(kind)
    if kinds is None:
        raise InvalidChoice(f"unknown mapping kind {kind!r}", f"Use one of {', '.join(KINDS_SET_HERE)}.")
    key = database_key(endpoint.url, endpoint.database)
    company = ANY_COMPANY if company_id is None else company_id
    normalized = normalize_code(code)
    if kind == "vat":
        # Not a rate: nothing can be mapped under it, and NotFound below says so.
        with contextlib.suppress(ValueError):
            normalized = parse_vat_rate(code)
    removed = sum(store.mappings.remove(key, k, normalized, company) for k in kinds)
    if not removed:
        raise NotFound(f"no {kind} mapping for {code!r}", "See the mappings with: odoosync map list")
    return removed
