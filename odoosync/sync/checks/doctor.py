"""odoosync doctor: a pre-flight check that what odoosync relies on is still there and still right.

The local database (failed jobs, leases of dead workers), the connection and key (from Odoo 18, when the user's API
keys expire), the protocol (JSON-RPC where Odoo deprecates it), every mapping and default (the Odoo object still
exists, is active, belongs to the right company, is of the right type; a tax still has the amount of its rate),
codes the records to sync use without a mapping, owners left without a mapping, the Rent product and the language.
Each finding says what to do. Reads only: nothing is changed, in Odoo or here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from odoosync.config import Config
from odoosync.domain.errors import OdoosyncError
from odoosync.domain.jobs import JobState
from odoosync.domain.mappings import ANY_COMPANY, Mapping, MappingKind
from odoosync.odoo import errors
from odoosync.odoo.client import Identity, OdooClient
from odoosync.odoo.versions import JSONRPC_DEPRECATED_SINCE
from odoosync.store import Store
from odoosync.sync.build.facts import load_facts, matching_rows
from odoosync.sync.build.targets import broken_mappings
from odoosync.sync.setup.connection import INTERACTIVE, database_key, open_client
from odoosync.sync.setup.defaults import ARABIC
from odoosync.sync.setup.mappings import SET_COMMAND, unmapped_codes
from odoosync.sync.setup.owners import KIND_BY_SEPARATION, list_owners

OK, WARNING, PROBLEM = "ok", "warning", "problem"
SHOWN_CODES = 8


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
            findings += _api_keys(client, identity)
            findings += _protocol(client)
            key = database_key(str(config.odoo.url), str(config.odoo.database))
            findings += _mappings(client, store.mappings.all(key), identity.company_id, identity.company_ids)
            findings += _unmapped(config, store)
            findings += _owners(config, store)
            findings += _defaults(client, config, store)
    except OdoosyncError as error:
        findings.append(Finding("connection", PROBLEM, error.reason, error.instruction))
    return Checkup(findings)


def _local(store: Store) -> list[Finding]:
    current, head = store.schema_revisions()
    if current == head:
        findings = [Finding("database", OK, f"schema {current}, the current one")]
    else:
        findings = [
            Finding(
                "database",
                PROBLEM,
                f"the schema is at {current or 'nothing'}, not the current {head}",
                "Every odoosync command upgrades the schema when it opens the database; if this stays, check "
                "database.url and that every machine sharing the database runs the same odoosync.",
            )
        ]
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
    stale = sum(lease.jobs for lease in store.jobs.leases() if lease.abandoned)
    if stale:
        findings.append(
            Finding(
                "queue",
                WARNING,
                f"{stale} job(s) still marked running by a sync run that stopped before it finished",
                "Run odoosync sync: it takes them back at once and looks for them in Odoo first.",
            )
        )
    if not any(f.area == "queue" for f in findings):
        findings.append(Finding("queue", OK, "no failed job, no lease of a stopped worker"))
    return findings


# A key that expires within this is worth a warning: time to make the next one.
KEY_EXPIRY_WARNING = timedelta(days=14)
NEW_KEY = (
    "Create a new key in Odoo (Preferences → Account Security → New API Key), then give it to odoosync: "
    "odoosync connect again, or replace the key where odoosync reads it (odoosync config show says where)."
)
# Scopes a key may have and still log in over the external API (res.users.apikeys._check_credentials(scope='rpc')
# accepts a key whose scope is empty or 'rpc'); keys of other scopes cannot be the one odoosync uses.
RPC_SCOPES = (False, None, "rpc")


def _api_keys(client: OdooClient, identity: Identity) -> list[Finding]:
    """When the user's API keys expire, where Odoo has expiring keys (18+). Odoo tells the expiry of each of the
    user's keys, not which key the caller used, so the findings speak of "an API key of this user"."""
    if not client.version.api_key_expiry:
        return []
    try:
        keys = client.search_read(
            "res.users.apikeys", [("user_id", "=", identity.uid)], ["name", "scope", "expiration_date"], order="id"
        )
    except (errors.AccessError, errors.UserError, errors.ServerError):
        return []  # the user may not read them (a restricted set-up): nothing to say rather than a wrong alarm
    return key_findings(keys, identity.login, datetime.now(UTC))


def key_findings(keys: Sequence[dict[str, Any]], login: str, now: datetime) -> list[Finding]:
    """What to say of a user's API keys (rows of res.users.apikeys, `expiration_date` in Odoo's UTC format).

    A key past its expiration cannot be the one in use (Odoo refused it at login; when odoosync's own key has
    expired, the connection itself is the problem doctor reports), so only the keys still valid count."""
    expiries: list[tuple[datetime | None, str]] = []
    for key in keys:
        if key.get("scope") not in RPC_SCOPES:
            continue
        raw = key.get("expiration_date")
        expiry = datetime.fromisoformat(str(raw)).replace(tzinfo=UTC) if raw else None
        if expiry is None or expiry >= now:
            expiries.append((expiry, str(key.get("name") or "")))
    if not expiries:
        return []  # a password login over JSON-RPC, or nothing this user may read
    dated = sorted((expiry, name) for expiry, name in expiries if expiry is not None)
    if dated and dated[0][0] - now <= KEY_EXPIRY_WARNING:
        expiry, name = dated[0]
        when = f"expires on {_moment(expiry)}, {_in(expiry - now)}"
        if len(expiries) == 1:
            message = f"the only API key of {login} ({name!r}) {when}"
        else:
            others = len(expiries) - 1
            message = (
                f"an API key of {login} ({name!r}) {when}; Odoo does not say which key odoosync uses, and the user "
                f"has {others} other valid key(s)"
            )
        return [Finding("key", WARNING, message, NEW_KEY)]
    if not dated:
        none = f"the API key of {login} does not expire" if len(expiries) == 1 else f"no API key of {login} expires"
        return [Finding("key", OK, none)]
    first = _moment(dated[0][0])
    if len(expiries) == 1:
        return [Finding("key", OK, f"the API key of {login} expires on {first}")]
    return [Finding("key", OK, f"the first of the {len(expiries)} API keys of {login} to expire does so on {first}")]


def _moment(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _in(left: timedelta) -> str:
    if left < timedelta(days=1):
        return "within a day"
    return f"in {left.days} day{'s' if left.days != 1 else ''}"


def _protocol(client: OdooClient) -> list[Finding]:
    version = client.version
    if client.protocol == "jsonrpc" and version.jsonrpc_deprecated:
        instruction = (
            'Switch to JSON-2, which this server has: set odoo.protocol = "auto" (or "json2") in the config, or run '
            "odoosync connect again with --protocol json2."
            if version.has_json2
            else None
        )
        return [
            Finding(
                "protocol",
                WARNING,
                f"JSON-RPC is in use against Odoo {version.label}; Odoo deprecates it from {JSONRPC_DEPRECATED_SINCE} "
                f"and schedules its removal for {version.jsonrpc_removal}",
                instruction,
            )
        ]
    return [Finding("protocol", OK, f"{client.protocol} against Odoo {version.label}")]


def _mappings(
    client: OdooClient, mappings: list[Mapping], default_company: int, companies: tuple[int, ...]
) -> list[Finding]:
    broken = broken_mappings(client, mappings, default_company, companies)
    findings = [Finding("mapping", PROBLEM, problem.reason, problem.instruction) for problem in broken.values()]
    if not findings:
        findings.append(Finding("mapping", OK, f"{len(mappings)} mapping(s), every target in place"))
    return findings


def _unmapped(config: Config, store: Store) -> list[Finding]:
    """Codes the records to sync use without a mapping: each of those records fails until it has one."""
    unmapped = unmapped_codes(config, store)
    if not unmapped:
        return []
    listed = ", ".join(
        f"{code.kind.value} '{code.code}'"
        + (f" in company {code.company_id}" if code.company_id != ANY_COMPANY else "")
        + f" ({code.records} record{'s' if code.records != 1 else ''})"
        for code in unmapped[:SHOWN_CODES]
    )
    more = f" and {len(unmapped) - SHOWN_CODES} more" if len(unmapped) > SHOWN_CODES else ""
    first = unmapped[0]
    company = f" --company {first.company_id}" if first.company_id != ANY_COMPANY else ""
    suggest, listing = "odoosync map suggest", "odoosync map list --unmapped"
    return [
        Finding(
            "mapping",
            PROBLEM,
            f"{len(unmapped)} code(s) of records to sync have no mapping, so those records fail: {listed}{more}",
            f"Run: {SET_COMMAND[first.kind].format(code=first.code)}{company} for each ({suggest}{company} proposes "
            f"them all; {listing}{company} lists them)",
        )
    ]


def _owners(config: Config, store: Store) -> list[Finding]:
    separation = config.defaults.owner_separation
    kind = KIND_BY_SEPARATION.get(separation)
    if kind is None:
        return []
    attribute = "company" if kind == MappingKind.OWNER_COMPANY else "analytic"
    missing = [owner.id for owner in list_owners(config, store) if getattr(owner, attribute) is None]
    if not missing:
        return [Finding("owners", OK, f"every owner is mapped ({separation})")]
    fix = (
        f"Run: odoosync owners map {missing[0]} --company COMPANY"
        if attribute == "company"
        else f"Run: odoosync owners map {missing[0]} --analytic ACCOUNT (or --create)"
    )
    return [
        Finding(
            "owners",
            PROBLEM,
            f"{len(missing)} owner(s) without a {attribute} mapping ({separation}): {', '.join(missing[:8])}",
            fix,
        )
    ]


def _defaults(client: OdooClient, config: Config, store: Store) -> list[Finding]:
    findings: list[Finding] = []
    defaults = config.defaults
    try:
        # What every sync reads first: the default company and sale journal must still name one object each.
        odoo_database = database_key(str(config.odoo.url), str(config.odoo.database))
        load_facts(client, config, store, odoo_database, check_targets=False)  # the mappings are checked above
    except OdoosyncError as error:
        findings.append(Finding("defaults", PROBLEM, error.reason, error.instruction))
    if defaults.rent_product:
        reference = defaults.rent_product
        named: list[Any] = ["|", ("default_code", "=", reference), ("name", "=ilike", reference)]
        if reference.isdigit():
            named = ["|", ("id", "=", int(reference)), *named]
        products = matching_rows(
            client.search_read("product.product", named, ["name", "default_code"]), reference, "default_code"
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
