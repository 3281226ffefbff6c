"""The Setup Assistant: suggest a target for every unmapped code, write a plan a person reviews, apply it.

Suggestions never write anything. Categories are matched to the expense accounts by what the company's ledger says
(the accounts its vendor bills went to), then by meaning (domain/vocabulary.py, English and Arabic, against the
accounts' names in both languages when Arabic is active), then by spelling (domain/account_choice.py); methods by
journal type; VAT rates by tax use and amount
(exempt and zero-rated told apart by name). `apply` re-checks every target in Odoo before it saves a mapping, and
creates the accounts the plan proposes only then.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from odoosync.config import Config
from odoosync.domain.account_choice import Account, BillLine, choose_account
from odoosync.domain.errors import ConfigError, InputError, InvalidInput
from odoosync.domain.mappings import ANY_COMPANY, Mapping, MappingKind, normalize_code
from odoosync.domain.records import RecordType, vat_percent
from odoosync.domain.vocabulary import words
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.setup.connection import open_client
from odoosync.sync.setup.defaults import ARABIC, Target, arabic_is_active, company_target
from odoosync.sync.setup.mappings import EXPENSE_TYPES, list_codes, set_mapping

LEDGER_LINES = 2000  # the latest vendor bill lines read for what the accountant chose
LEDGER_BATCH = 500
CASH_WORDS = ("cash", "نقد", "كاش")
EXEMPT_WORDS = ("exempt", "معف")
# Words of the taxes for particular cases on the Saudi chart (16: "Export Sales 0%", "Import tax 15% Paid to
# customs", "Reverse charge provision Tax 15%"; 17+: the same as labels; 19: "Private Healthcare / …").
SPECIAL_TAX_WORDS = ("export", "import", "reverse", "withholding", "custom", "healthcare", "education", "house")
SPECIAL_TAX_TOKENS = {"ex", "wh", "r", "c", "ph", "pe", "hs", "b", "only"}
PLAN_HEADER = """\
# odoosync mapping plan: review it, change a target or delete a line, then run
#   odoosync map apply {path}
# kind: category (target = account code), method (target = journal code), vat_sale / vat_purchase (target = tax id).
# create_account: the account apply creates first (it is then the target). Nothing was written to Odoo yet.
# A category with no target has its nearest accounts below it, commented: delete the first # of one to choose it.
# apply passes over a category left without a target.

"""


def _normalise(text: str) -> str:
    """Text as the vocabulary compares it (case, Arabic's spellings and articles, plurals folded), as one string."""
    return " ".join(words(text))


@dataclass
class Suggestion:
    kind: str
    code: str
    company: int
    target: str | None
    target_name: str | None
    score: int
    why: str
    create_account: dict[str, str] | None = field(default=None)
    nearest: tuple[str, ...] = field(default=())  # "code name" of the closest accounts, when none is suggested

    def as_plan_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"kind": self.kind, "code": self.code, "company": self.company}
        if self.create_account:
            entry["create_account"] = dict(self.create_account)
        elif self.target is not None:
            entry["target"] = self.target
        entry.update(name=self.target_name or "", score=self.score, why=self.why)
        if self.nearest:
            entry["nearest"] = list(self.nearest)
        return entry


# --- suggestions -----------------------------------------------------------------------------------------------


def _accounts(client: OdooClient, company: Target) -> list[dict[str, Any]]:
    usable_field, usable_value = client.version.account_usable
    domain = [
        ("account_type", "in", list(EXPENSE_TYPES)),
        (usable_field, "=", usable_value),
        (client.version.account_company, "in", [company.id]),
    ]
    context = {"allowed_company_ids": [company.id]}
    rows = client.search_read("account.account", domain, ["code", "name"], context=context)
    if arabic_is_active(client):
        arabic = {
            r["id"]: r["name"]
            for r in client.search_read("account.account", domain, ["name"], context={**context, "lang": ARABIC})
        }
        for row in rows:
            row["name_ar"] = arabic.get(row["id"], "")
    return rows


def _taken_codes(client: OdooClient, company: Target, codes: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every account code of the company, deprecated and archived accounts included: Odoo keeps codes unique
    across all of a company's accounts, whatever their type or state."""
    domain: list[Any] = [(client.version.account_company, "in", [company.id])]
    if codes is not None:
        domain.append(("code", "in", codes))
    context = {"allowed_company_ids": [company.id], "active_test": False}
    rows = client.search_read("account.account", domain, ["code", "name", "account_type"], context=context)
    return {str(row["code"]): row for row in rows}


def _free_codes(expense_accounts: list[dict[str, Any]], taken: set[str]) -> Iterator[str]:
    """Free codes in the chart's main block of expense accounts: after the highest code among the expense codes of
    the most common length and first digit, skipping every code the company has. (The Saudi chart keeps its
    expenses at 4000xx but has two expense accounts at 99999x, next to the equity account 999999: the highest
    expense code alone would leave the block, and the one after it is taken.)"""
    numeric = [str(a["code"]) for a in expense_accounts if str(a["code"]).isdigit()]
    blocks = Counter((len(code), code[0]) for code in numeric)
    if blocks:
        (length, digit), _ = blocks.most_common(1)[0]
        candidate = max(int(code) for code in numeric if (len(code), code[0]) == (length, digit)) + 1
    else:
        candidate = 500001
    while True:
        if str(candidate) not in taken:
            yield str(candidate)
        candidate += 1


def _ledger(client: OdooClient, company: Target, accounts: list[dict[str, Any]]) -> list[BillLine]:
    """The lines of the company's latest posted vendor bills on its expense accounts: what the accountant chose.
    Read newest first, LEDGER_BATCH at a time, LEDGER_LINES at most."""
    domain: list[Any] = [
        ("move_id.move_type", "=", "in_invoice"),
        ("parent_state", "=", "posted"),
        ("display_type", "=", "product"),
        ("company_id", "=", company.id),
        ("account_id", "in", [a["id"] for a in accounts]),
    ]
    lines: list[BillLine] = []
    before: list[Any] = []
    while len(lines) < LEDGER_LINES:
        page = client.search_read(
            "account.move.line",
            domain + before,
            ["move_id", "name", "partner_id", "account_id"],
            limit=LEDGER_BATCH,
            order="id desc",
            context={"allowed_company_ids": [company.id]},
        )
        lines += [
            BillLine(
                int(row["move_id"][0]),
                str(row.get("name") or ""),
                str(row["partner_id"][1]) if row.get("partner_id") else "",
                int(row["account_id"][0]),
            )
            for row in page
            if row.get("account_id") and row.get("move_id")
        ]
        if len(page) < LEDGER_BATCH:
            break
        before = [("id", "<", min(row["id"] for row in page))]
    return lines


def _vendors_by_category(store: Store) -> dict[str, set[str]]:
    """Per category (normalised code): the names of the vendors whose verified expenses use it and no other. Where
    the bills of a vendor of several categories went (a facilities company's: landscaping, insurance, repairs) says
    nothing of where one of them goes; found on a real Odoo 18 ledger."""
    contacts = store.records.of_type(RecordType.CONTACT)
    names = {record.app_id: str(record.document.get("name") or "") for record in contacts}
    categories: dict[str, set[str]] = {}
    for record in store.records.of_type(RecordType.EXPENSE):
        document = record.document
        vendor = names.get(str(document.get("vendor_id") or ""), "")
        if document.get("status") != "verified" or not vendor:
            continue
        for line in document.get("lines") or ():
            if isinstance(line.get("category"), str):
                categories.setdefault(vendor, set()).add(normalize_code(line["category"]))
    vendors: dict[str, set[str]] = {}
    for vendor, used in categories.items():
        if len(used) == 1:
            vendors.setdefault(next(iter(used)), set()).add(vendor)
    return vendors


def _suggest_categories(
    client: OdooClient, store: Store, company: Target, kept_under: int, codes: list[str], *, create_missing: bool
) -> list[Suggestion]:
    rows = _accounts(client, company)
    accounts = [Account(int(r["id"]), str(r["code"]), str(r["name"]), str(r.get("name_ar") or "")) for r in rows]
    ledger = _ledger(client, company, rows)
    vendors = _vendors_by_category(store)
    free_codes = _free_codes(rows, set(_taken_codes(client, company)) if create_missing else set())
    suggestions = []
    for code in codes:
        choice = choose_account(code, accounts, bill_lines=ledger, vendors=vendors.get(normalize_code(code), ()))
        nearest = tuple(a.shown for a in choice.nearest)
        if choice.account is not None:
            account = choice.account
            suggestions.append(
                Suggestion("category", code, kept_under, account.code, account.shown, choice.score, choice.why)
            )
        elif create_missing:
            new_code = next(free_codes)
            suggestions.append(
                Suggestion(
                    "category",
                    code,
                    kept_under,
                    None,
                    f"{new_code} {code}",
                    0,
                    f"{choice.why}: a new expense account",
                    {"code": new_code, "name": code},
                    nearest,
                )
            )
        else:
            suggestions.append(
                Suggestion(
                    "category",
                    code,
                    kept_under,
                    None,
                    None,
                    0,
                    f"{choice.why}; nothing suggested: pick one of the nearest in the plan, or ask for a new account "
                    "with --create-missing-accounts",
                    None,
                    nearest,
                )
            )
    return suggestions


def _suggest_methods(client: OdooClient, company: Target, kept_under: int, codes: list[str]) -> list[Suggestion]:
    journals = client.search_read(
        "account.journal",
        [("type", "in", ["bank", "cash"]), ("company_id", "=", company.id)],
        ["code", "name", "type"],
        order="id",
        context={"allowed_company_ids": [company.id]},
    )
    banks = [j for j in journals if j["type"] == "bank"]
    cashes = [j for j in journals if j["type"] == "cash"]
    suggestions = []
    for code in codes:
        is_cash = any(word in _normalise(code) for word in CASH_WORDS)
        if is_cash and cashes:
            journal, score, why = cashes[0], 95, "cash goes to the cash journal"
        elif is_cash and banks:
            journal, score, why = banks[0], 60, "cash, but this company has no cash journal: the bank journal"
        elif banks:
            journal, score, why = banks[0], 90, "transfers, cards, cheques and wallets go to the bank journal"
        else:
            suggestions.append(Suggestion("method", code, kept_under, None, None, 0, "no bank journal in the company"))
            continue
        if len(banks if not is_cash or not cashes else cashes) > 1:
            score -= 20
            why += " (several exist: check which)"
        suggestions.append(
            Suggestion(
                "method", code, kept_under, str(journal["code"]), f"{journal['code']} {journal['name']}", score, why
            )
        )
    return suggestions


def _tax_text(tax: dict[str, Any]) -> str:
    """What a tax says of itself: its name, description and label on invoices (the real Saudi chart names its
    taxes "15%", "0% EX", "0% EXT" from 17 and says what they are in the label or the description)."""
    return _normalise(
        " ".join(re.sub("<[^>]+>", " ", str(tax.get(key) or "")) for key in ("name", "description", "invoice_label"))
    )


def _special(tax: dict[str, Any]) -> bool:
    """A tax for a particular case (exports, imports, reverse charge, withholding, the reduced cases of 19), not the
    one a rent or an ordinary bill takes."""
    text = _tax_text(tax)
    return any(word in text for word in SPECIAL_TAX_WORDS) or bool(
        set(_normalise(tax["name"]).split()) & SPECIAL_TAX_TOKENS
    )


def _suggest_vat(
    client: OdooClient, company: Target, kept_under: int, kind: MappingKind, codes: list[str]
) -> list[Suggestion]:
    use = "sale" if kind is MappingKind.VAT_SALE else "purchase"
    context = {"allowed_company_ids": [company.id]}
    taxes = client.search_read(
        "account.tax",
        [("type_tax_use", "=", use), ("amount_type", "=", "percent"), ("company_id", "=", company.id)],
        ["name", "amount", "description", *client.version.tax_label_fields],
        order="sequence, id",
        context=context,
    )
    default_field = "account_sale_tax_id" if use == "sale" else "account_purchase_tax_id"
    [settings] = client.read("res.company", [company.id], [default_field], context=context)
    default = settings[default_field][0] if settings.get(default_field) else None
    suggestions = []
    for code in codes:
        rate = vat_percent(code)
        same_rate = [t for t in taxes if Decimal(str(t["amount"])) == rate]
        exempt = [t for t in same_rate if any(w in _tax_text(t) for w in EXEMPT_WORDS)]
        if code == "exempt":
            candidates = exempt
        else:
            candidates = [t for t in same_rate if t not in exempt and not _special(t)] or [
                t for t in same_rate if t not in exempt
            ]
        if not candidates:
            what = f"exempt {use} tax" if code == "exempt" else f"{use} tax of {rate} %"
            suggestions.append(Suggestion(kind.value, code, kept_under, None, None, 0, f"no {what}"))
            continue
        chosen = next((t for t in candidates if t["id"] == default), None)
        if chosen is not None:
            score, why = 100, f"the company's default {use} tax"
        elif len(candidates) == 1:
            chosen = candidates[0]
            score, why = 100, f"the exempt {use} tax" if code == "exempt" else f"the only {use} tax of {rate} %"
        else:
            chosen = min(candidates, key=lambda t: len(str(t["name"])))
            score, why = 80, f"one of {len(candidates)} {use} taxes of {rate} % (the plainest name)"
        suggestions.append(Suggestion(kind.value, code, kept_under, str(chosen["id"]), str(chosen["name"]), score, why))
    return suggestions


def suggest(
    config: Config,
    store: Store,
    *,
    kinds: tuple[MappingKind, ...] = (),
    company: str | None = None,
    create_missing_accounts: bool = False,
) -> list[Suggestion]:
    """A suggestion for every unmapped code of the stored records. Writes nothing."""
    with open_client(config) as client:
        by_company = config.defaults.owner_separation == "by_company"
        reference = company or config.defaults.company
        if not reference:
            raise ConfigError("no company to suggest for", "Add --company, or: odoosync defaults set --company …")
        target_company = company_target(client, reference)
        kept_under = target_company.id if by_company else ANY_COMPANY
        unmapped = list_codes(
            config, store, kinds=kinds, company_id=kept_under if by_company else None, unmapped_only=True
        )
        by_kind: dict[MappingKind, list[str]] = {}
        for row in unmapped:
            by_kind.setdefault(row.kind, []).append(row.shown if row.kind is MappingKind.CATEGORY else row.code)
        suggestions: list[Suggestion] = []
        if MappingKind.CATEGORY in by_kind:
            suggestions += _suggest_categories(
                client,
                store,
                target_company,
                kept_under,
                by_kind[MappingKind.CATEGORY],
                create_missing=create_missing_accounts,
            )
        if MappingKind.METHOD in by_kind:
            suggestions += _suggest_methods(client, target_company, kept_under, by_kind[MappingKind.METHOD])
        for vat_kind in (MappingKind.VAT_SALE, MappingKind.VAT_PURCHASE):
            if vat_kind in by_kind:
                suggestions += _suggest_vat(client, target_company, kept_under, vat_kind, by_kind[vat_kind])
    return suggestions


# --- the plan file ---------------------------------------------------------------------------------------------


def _plan_entry(suggestion: Suggestion) -> str:
    """One [[mapping]] of the plan. A category with nothing suggested gets its nearest accounts as commented
    targets: deleting one `#` chooses that account."""
    entry = suggestion.as_plan_entry()
    entry.pop("nearest", None)
    text = tomli_w.dumps({"mapping": [entry]})
    if suggestion.target is None and not suggestion.create_account:
        text += "".join(
            f"# target = {tomli_w.dumps({'t': shown.split(' ', 1)[0]})[4:].strip()}  # {shown}\n"
            for shown in suggestion.nearest
        )
    return text


def write_plan(path: Path, suggestions: list[Suggestion]) -> int:
    """Write every suggestion with a target or an account to create, and every category left open with its nearest
    accounts commented; returns how many have a target."""
    written = [s for s in suggestions if s.target is not None or s.create_account or s.nearest]
    body = "\n".join(_plan_entry(s) for s in written)
    path.write_text(PLAN_HEADER.format(path=path) + body, encoding="utf-8")
    return sum(1 for s in written if s.target is not None or s.create_account)


@dataclass(frozen=True)
class Applied:
    mappings: list[Mapping]
    created_accounts: list[str]
    warnings: list[str] = field(default_factory=list)
    reused_accounts: list[str] = field(default_factory=list)  # made by an earlier apply of the plan: used as they are


@dataclass(frozen=True)
class Plan:
    entries: list[dict[str, Any]]  # those with a target (or an account to create)
    left: list[str]  # the codes with no target yet: apply passes over them


def read_plan(path: Path) -> Plan:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no plan file at {path}", "Write one with: odoosync map suggest --out plan.toml") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"the plan {path} is not valid TOML: {error}", "Fix it, or suggest again.") from None
    entries, left = [], []
    for number, entry in enumerate(data.get("mapping", []), start=1):
        if entry.get("kind") not in ("category", "method", "vat_sale", "vat_purchase") or not entry.get("code"):
            raise InvalidInput(f"line {number} of the plan has no valid kind and code", None)
        if "target" in entry or (entry["kind"] == "category" and entry.get("create_account")):
            entries.append(entry)
        else:
            left.append(str(entry["code"]))
    return Plan(entries, left)


def _create_account(client: OdooClient, company_id: int, account: dict[str, str]) -> str:
    # The company field differs: company_id up to 17, company_ids from 18 (versions.py).
    company_value: object = company_id if client.version.major <= 17 else [(6, 0, [company_id])]
    client.create(
        "account.account",
        [
            {
                "code": account["code"],
                "name": account["name"],
                "account_type": "expense",
                client.version.account_company: company_value,
            }
        ],
        context={"allowed_company_ids": [company_id]},
    )
    return account["code"]


def _existing_accounts(client: OdooClient, company_id: int, wanted: list[dict[str, str]]) -> set[str]:
    """The plan's new accounts that the company has already (made by an earlier apply of the same plan): reused.
    A code held by another account stops the whole plan before anything is written: Odoo refuses a second account
    with a code, and a plan half applied would leave the person to sort out which lines took."""
    codes = [str(account["code"]) for account in wanted]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise InvalidInput(
            f"the plan proposes account code {repeated[0]} for more than one new account",
            "Give each create_account its own code, or run odoosync map suggest again for a fresh plan.",
        )
    taken = _taken_codes(client, Target("res.company", company_id, "", None), codes)
    reused = set()
    for account in wanted:
        code, name = str(account["code"]), str(account["name"])
        found = taken.get(code)
        if found is None:
            continue
        if _normalise(str(found["name"])) == _normalise(name) and found.get("account_type") in EXPENSE_TYPES:
            reused.add(code)
            continue
        raise InvalidInput(
            f"the plan's new account {code} {name!r}: Odoo already has account {code} {found['name']!r}; "
            "account codes are unique in a company",
            "Run odoosync map suggest --create-missing-accounts again for free codes, or change the code in the plan."
            " Nothing was applied.",
        )
    return reused


def apply_plan(config: Config, store: Store, entries: list[dict[str, Any]]) -> Applied:
    """Create the proposed accounts, then save every mapping, each target checked in Odoo again first."""
    created: list[str] = []
    applied: list[Mapping] = []
    warnings: list[str] = []
    reused: list[str] = []
    with open_client(config) as client:
        default_company: int | None = None
        new_accounts: dict[int, list[dict[str, str]]] = {}
        for entry in entries:
            if entry["kind"] == "category" and entry.get("create_account"):
                company_id = int(entry.get("company", ANY_COMPANY))
                if not company_id:
                    default_company = default_company or company_target(client, str(config.defaults.company)).id
                    company_id = default_company
                new_accounts.setdefault(company_id, []).append(entry["create_account"])
        existing = {
            company_id: _existing_accounts(client, company_id, wanted) for company_id, wanted in new_accounts.items()
        }
        for entry in entries:
            kind, code, company_id = entry["kind"], entry["code"], int(entry.get("company", ANY_COMPANY))
            company = str(company_id) if company_id else None
            target = entry.get("target")
            if kind == "category" and entry.get("create_account"):
                owner_company = company_id or default_company
                assert owner_company is not None
                target = str(entry["create_account"]["code"])
                if target in existing[owner_company]:
                    reused.append(target)
                else:
                    _create_account(client, owner_company, entry["create_account"])
                    created.append(target)
            if kind == "category":
                saved = set_mapping(config, store, "category", code, account=target, company=company, client=client)
            elif kind == "method":
                saved = set_mapping(config, store, "method", code, journal=target, company=company, client=client)
            elif kind == "vat_sale":
                saved = set_mapping(config, store, "vat", code, sale_tax=target, company=company, client=client)
            else:
                saved = set_mapping(config, store, "vat", code, purchase_tax=target, company=company, client=client)
            applied += saved.mappings
            warnings += saved.warnings.values()
    return Applied(applied, created, warnings, reused)
