"""The Setup Assistant: suggest a target for every unmapped code, write a plan a person reviews, apply it.

Suggestions never write anything. Categories are matched by fuzzy name (rapidfuzz) against the expense accounts'
names in English and, when Arabic is active, in Arabic; methods by journal type; VAT rates by tax use and amount
(exempt and zero-rated told apart by name). `apply` re-checks every target in Odoo before it saves a mapping, and
creates the accounts the plan proposes only then.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w
from rapidfuzz import fuzz

from odoosync.config import Config
from odoosync.domain.errors import ConfigError, InputError, InvalidInput
from odoosync.domain.mappings import ANY_COMPANY, Mapping, MappingKind
from odoosync.domain.records import vat_percent
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.connection import open_client
from odoosync.sync.defaults import ARABIC, Target, arabic_is_active, company_target
from odoosync.sync.mappings import EXPENSE_TYPES, list_codes, set_mapping

GOOD_MATCH = 80  # below this a category gets no account suggested (or a new account, when asked)
CASH_WORDS = ("cash", "نقد", "كاش")
EXEMPT_WORDS = ("exempt", "معف")
# Words of the taxes for particular cases on the Saudi chart (16: "Export Sales 0%", "Import tax 15% Paid to
# customs", "Reverse charge provision Tax 15%"; 17+: the same as labels; 19: "Private Healthcare / …").
SPECIAL_TAX_WORDS = ("export", "import", "reverse", "withholding", "customs", "healthcare", "education", "house")
SPECIAL_TAX_TOKENS = {"ex", "wh", "r", "c", "ph", "pe", "hs", "b", "only"}
PLAN_HEADER = """\
# odoosync mapping plan: review it, change a target or delete a line, then run
#   odoosync map apply {path}
# kind: category (target = account code), method (target = journal code), vat_sale / vat_purchase (target = tax id).
# create_account: the account apply creates first (it is then the target). Nothing was written to Odoo yet.

"""
_TASHKEEL = re.compile("[\u064b-\u0652\u0670]")
# Hamza forms of alef, ta marbuta and alef maqsura: written either way by people.
_ARABIC_FOLDS = str.maketrans("أإآةى", "اااهي")


def _without_article(word: str) -> str:
    """Arabic words carry the article (ال) and often "and" (و) in front: compare the word itself."""
    for prefix in ("وال", "ال"):
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            return word[len(prefix) :]
    return word


def _normalise(text: str) -> str:
    """Fold case and the spellings of Arabic that people use interchangeably, so fuzzy scores compare words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _TASHKEEL.sub("", text)
    text = text.translate(_ARABIC_FOLDS)
    words = [_without_article(w) for w in re.split(r"[\s_\-/]+", text) if w]
    return " ".join(words)


def _score(code: str, *names: str) -> int:
    wanted = _normalise(code)
    return max((round(fuzz.token_set_ratio(wanted, _normalise(name))) for name in names if name), default=0)


def _closeness(code: str, *names: str) -> int:
    """Among accounts that score alike, the one whose whole name is closest: token_set_ratio gives "Insurance" 100
    against both "Insurance" and "Medical Insurance" (the real Saudi chart has both)."""
    wanted = _normalise(code)
    return max((round(fuzz.ratio(wanted, _normalise(name))) for name in names if name), default=0)


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

    def as_plan_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"kind": self.kind, "code": self.code, "company": self.company}
        if self.create_account:
            entry["create_account"] = dict(self.create_account)
        elif self.target is not None:
            entry["target"] = self.target
        entry.update(name=self.target_name or "", score=self.score, why=self.why)
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


def _suggest_categories(
    client: OdooClient, company: Target, kept_under: int, codes: list[str], *, create_missing: bool
) -> list[Suggestion]:
    accounts = _accounts(client, company)
    free_codes = _free_codes(accounts, set(_taken_codes(client, company)) if create_missing else set())
    suggestions = []
    for code in codes:
        scored = sorted(
            ((_score(code, a["name"], a.get("name_ar", "")), a) for a in accounts),
            key=lambda pair: (
                -pair[0],
                -_closeness(code, pair[1]["name"], pair[1].get("name_ar", "")),
                pair[1]["code"],
            ),
        )
        if scored and scored[0][0] >= GOOD_MATCH:
            score, account = scored[0]
            language = (
                "Arabic" if _score(code, account.get("name_ar", "")) > _score(code, account["name"]) else "English"
            )
            suggestions.append(
                Suggestion(
                    "category",
                    code,
                    kept_under,
                    str(account["code"]),
                    f"{account['code']} {account['name']}",
                    score,
                    f"the account's {language} name matches",
                )
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
                    "no account matches: a new expense account",
                    {"code": new_code, "name": code},
                )
            )
        else:
            best = f" (closest: {scored[0][1]['name']}, {scored[0][0]})" if scored else ""
            suggestions.append(
                Suggestion(
                    "category",
                    code,
                    kept_under,
                    None,
                    None,
                    scored[0][0] if scored else 0,
                    f"no account matches well enough{best}; map it by hand, or ask for new "
                    "accounts with --create-missing-accounts",
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


def write_plan(path: Path, suggestions: list[Suggestion]) -> int:
    """Write the suggestions that have a target (or an account to create); returns how many lines."""
    entries = [s.as_plan_entry() for s in suggestions if s.target is not None or s.create_account]
    path.write_text(PLAN_HEADER.format(path=path) + tomli_w.dumps({"mapping": entries}), encoding="utf-8")
    return len(entries)


@dataclass(frozen=True)
class Applied:
    mappings: list[Mapping]
    created_accounts: list[str]
    warnings: list[str] = field(default_factory=list)
    reused_accounts: list[str] = field(default_factory=list)  # made by an earlier apply of the plan: used as they are


def read_plan(path: Path) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no plan file at {path}", "Write one with: odoosync map suggest --out plan.toml") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"the plan {path} is not valid TOML: {error}", "Fix it, or suggest again.") from None
    entries = data.get("mapping", [])
    for number, entry in enumerate(entries, start=1):
        if entry.get("kind") not in ("category", "method", "vat_sale", "vat_purchase") or not entry.get("code"):
            raise InvalidInput(f"line {number} of the plan has no valid kind and code", None)
        if "target" not in entry and not (entry["kind"] == "category" and entry.get("create_account")):
            raise InvalidInput(f"line {number} of the plan ({entry['kind']} {entry['code']!r}) has no target", None)
    return list(entries)


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
