"""odoosync doctor: a pre-flight check that what odoosync relies on is still there and still right.

The local database (failed jobs, leases of dead workers), the connection and key, the protocol, every mapping and
default (the Odoo object still exists, is active, belongs to the right company, is of the right type; a tax still
has the amount of its rate), owners left without a mapping, the Rent product and the language. Each finding says
what to do. Reads only: nothing is changed, in Odoo or here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from odoosync.config import Config
from odoosync.domain.errors import OdoosyncError
from odoosync.domain.jobs import JobState
from odoosync.domain.mappings import ANY_COMPANY, Mapping, MappingKind
from odoosync.domain.records import vat_percent
from odoosync.odoo.client import OdooClient
from odoosync.store import Store
from odoosync.sync.connection import INTERACTIVE, database_key, open_client
from odoosync.sync.defaults import ARABIC
from odoosync.sync.facts import load_facts
from odoosync.sync.mappings import EXPENSE_TYPES
from odoosync.sync.owners import KIND_BY_SEPARATION, list_owners

OK, WARNING, PROBLEM = "ok", "warning", "problem"


@dataclass(frozen=True)
class Finding:
    area: str
    status: str  # ok, warning or problem
    message: str
    instruction: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"area": self.area, "status": self.status, "message": self.message, "instruction": self.instruction}


@dataclass
class Checkup:
    findings: list[Finding]

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status == PROBLEM]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.status == WARNING]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "problems": len(self.problems),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.findings],
        }


def run_doctor(config: Config, store: Store) -> Checkup:
    findings = _local(store)
    try:
        with open_client(config, policy=INTERACTIVE) as client:
            identity = client.whoami()
            findings.append(
                Finding("connection", OK, f"Odoo {client.version.label} answers; the key works for {identity.login}")
            )
            findings += _protocol(client)
            key = database_key(str(config.odoo.url), str(config.odoo.database))
            findings += _mappings(client, store.mappings.all(key), identity.company_id, identity.company_ids)
            findings += _owners(config, store)
            findings += _defaults(client, config, store)
    except OdoosyncError as error:
        findings.append(Finding("connection", PROBLEM, error.reason, error.instruction))
    return Checkup(findings)


def _local(store: Store) -> list[Finding]:
    findings: list[Finding] = []
    counts = store.jobs.counts()
    failed = sum(n for (_t, state), n in counts.items() if state is JobState.FAILED)
    if failed:
        findings.append(
            Finding(
                "queue",
                PROBLEM,
                f"{failed} job(s) failed",
                "See why: odoosync queue list --state failed; fix, then odoosync queue retry --failed",
            )
        )
    stale = store.jobs.count_expired_leases()
    if stale:
        findings.append(
            Finding(
                "queue",
                WARNING,
                f"{stale} job(s) still marked running by a worker that stopped",
                "The next odoosync sync takes them back and looks for them in Odoo first.",
            )
        )
    if not findings:
        findings.append(Finding("queue", OK, "no failed job, no lease of a stopped worker"))
    return findings


def _protocol(client: OdooClient) -> list[Finding]:
    if client.version.has_json2 and client.protocol != "json2":
        return [
            Finding(
                "protocol",
                WARNING,
                f"JSON-RPC is in use against Odoo {client.version.label}, which deprecates it (removed in Odoo 22 "
                "and Odoo Online 21.1)",
                'Set odoo.protocol = "auto" (or "json2") in the config.',
            )
        ]
    return [Finding("protocol", OK, f"{client.protocol} against Odoo {client.version.label}")]


MODEL_FIELDS = {
    "account.account": ["name", "account_type"],
    "account.journal": ["name", "type", "active", "company_id"],
    "account.tax": ["name", "type_tax_use", "amount", "amount_type", "active", "company_id"],
    "account.analytic.account": ["name", "active"],
    "res.company": ["name"],
}


def _mappings(
    client: OdooClient, mappings: list[Mapping], default_company: int, companies: tuple[int, ...]
) -> list[Finding]:
    by_model: dict[str, list[Mapping]] = defaultdict(list)
    for mapping in mappings:
        by_model[mapping.odoo_model].append(mapping)
    findings: list[Finding] = []
    usable_field, usable_value = client.version.account_usable
    company_field = client.version.account_company
    for model, group in by_model.items():
        fields = list(MODEL_FIELDS.get(model, ["name"]))
        if model == "account.account":
            fields += [usable_field, company_field]
        ids = sorted({m.odoo_id for m in group})
        rows = {
            int(row["id"]): row
            for row in client.search_read(
                model,
                [("id", "in", ids)],
                fields,
                context={"active_test": False, "allowed_company_ids": list(companies)},
            )
        }
        for mapping in group:
            row = rows.get(mapping.odoo_id)
            problem = _mapping_problem(
                mapping,
                row,
                usable_field=usable_field,
                usable_value=usable_value,
                company_field=company_field,
                default_company=default_company,
            )
            if problem:
                findings.append(Finding("mapping", PROBLEM, problem, _fix(mapping)))
    if not findings:
        findings.append(Finding("mapping", OK, f"{len(mappings)} mapping(s), every target in place"))
    return findings


def _company_of(row: dict[str, Any], field: str) -> set[int]:
    value = row.get(field)
    if isinstance(value, list | tuple):
        return {int(value[0])} if field == "company_id" and value else {int(v) for v in value}
    return set()


def _mapping_problem(
    mapping: Mapping,
    row: dict[str, Any] | None,
    *,
    usable_field: str,
    usable_value: bool,
    company_field: str,
    default_company: int,
) -> str | None:
    what = f"{mapping.kind} {mapping.code!r} → {mapping.odoo_name} (id {mapping.odoo_id})"
    if row is None:
        return f"{what}: it is not in Odoo any more"
    company = mapping.company_id if mapping.company_id != ANY_COMPANY else default_company
    if mapping.odoo_model == "account.account":
        if row.get(usable_field) != usable_value:
            return f"{what}: the account is {'deprecated' if usable_field == 'deprecated' else 'archived'}"
        if company not in _company_of(row, company_field):
            return f"{what}: the account does not belong to the company (id {company})"
        if row.get("account_type") not in EXPENSE_TYPES:
            return f"{what}: the account's type is {row.get('account_type')}, not an expense type"
    elif mapping.odoo_model in ("account.journal", "account.tax", "account.analytic.account") and not row.get(
        "active", True
    ):
        return f"{what}: it is archived"
    if mapping.odoo_model == "account.journal":
        if row.get("type") not in ("bank", "cash"):
            return f"{what}: the journal's type is {row.get('type')}, not bank or cash"
        if company not in _company_of(row, "company_id"):
            return f"{what}: the journal belongs to another company"
    if mapping.odoo_model == "account.tax":
        use = "sale" if mapping.kind == MappingKind.VAT_SALE else "purchase"
        if row.get("type_tax_use") != use:
            return f"{what}: the tax is a {row.get('type_tax_use')} tax, not a {use} tax"
        amount = Decimal(str(row.get("amount") or 0))
        if row.get("amount_type") == "percent" and amount != vat_percent(mapping.code):
            rate = vat_percent(mapping.code)
            return f"{what}: the tax's amount is {amount.normalize():f} %, not the {rate.normalize():f} % of its rate"
        if company not in _company_of(row, "company_id"):
            return f"{what}: the tax belongs to another company"
    return None


def _fix(mapping: Mapping) -> str:
    if mapping.kind in (MappingKind.OWNER_COMPANY, MappingKind.OWNER_ANALYTIC):
        option = "--company" if mapping.kind == MappingKind.OWNER_COMPANY else "--analytic"
        return f"Run: odoosync owners map {mapping.code} {option} …"
    kind = "vat" if mapping.kind in (MappingKind.VAT_SALE, MappingKind.VAT_PURCHASE) else mapping.kind
    option = {
        MappingKind.CATEGORY: "--account",
        MappingKind.METHOD: "--journal",
        MappingKind.VAT_SALE: "--sale-tax",
        MappingKind.VAT_PURCHASE: "--purchase-tax",
    }.get(MappingKind(mapping.kind), "…")
    return f'Run: odoosync map set {kind} "{mapping.code}" {option} … (odoosync map suggest proposes one)'


def _owners(config: Config, store: Store) -> list[Finding]:
    separation = config.defaults.owner_separation
    kind = KIND_BY_SEPARATION.get(separation)
    if kind is None:
        return []
    attribute = "company" if kind == MappingKind.OWNER_COMPANY else "analytic"
    missing = [owner.id for owner in list_owners(config, store) if getattr(owner, attribute) is None]
    if not missing:
        return [Finding("owners", OK, f"every owner is mapped ({separation})")]
    option = "--company COMPANY" if attribute == "company" else "--analytic ACCOUNT (or --create)"
    return [
        Finding(
            "owners",
            PROBLEM,
            f"{len(missing)} owner(s) without a {attribute} mapping ({separation}): {', '.join(missing[:8])}",
            f"Run: odoosync owners map {missing[0]} {option}",
        )
    ]


def _defaults(client: OdooClient, config: Config, store: Store) -> list[Finding]:
    findings: list[Finding] = []
    defaults = config.defaults
    try:
        # What every sync reads first: the default company and sale journal must still name one object each.
        load_facts(client, config, store, database_key(str(config.odoo.url), str(config.odoo.database)))
    except OdoosyncError as error:
        findings.append(Finding("defaults", PROBLEM, error.reason, error.instruction))
    if defaults.rent_product:
        products = client.search_read(
            "product.product",
            ["|", ("default_code", "=", defaults.rent_product), ("name", "=ilike", defaults.rent_product)],
            ["name"],
        )
        if len(products) != 1:
            findings.append(
                Finding(
                    "defaults",
                    PROBLEM,
                    f"the Rent product {defaults.rent_product!r} {'is ambiguous' if products else 'is not in Odoo'}",
                    "Run: odoosync setup rent-product (or odoosync defaults set --rent-product ID)",
                )
            )
    else:
        findings.append(
            Finding("defaults", WARNING, "no Rent product is set", "Run: odoosync setup rent-product --create")
        )
    arabic = bool(client.search("res.lang", [("code", "=", ARABIC)], limit=1))
    if defaults.language == "ar" and not arabic:
        findings.append(
            Finding(
                "language",
                PROBLEM,
                "labels are set to Arabic, but Arabic is not active in Odoo",
                "Run: odoosync setup language ar",
            )
        )
    if not findings:
        findings.append(Finding("defaults", OK, "the Rent product and the language are in place"))
    return findings
