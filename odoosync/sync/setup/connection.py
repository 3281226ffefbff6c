"""Connecting to Odoo: test a connection, save it, re-test it, and disconnect.

A connection is checked end to end before it is saved: the server is an Odoo of a supported version, the
database exists, the login and key work, the Invoicing/Accounting app is installed and the user has accounting
rights. Links to Odoo records are kept per Odoo database (URL and database name), so disconnecting and
reconnecting to the same database never duplicates anything.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from odoosync.config import Config, odoo_url_problem, resolve_api_key, save_config_values
from odoosync.domain.errors import ConfigError, InvalidChoice
from odoosync.odoo import errors
from odoosync.odoo.client import OdooClient, Protocol, RetryPolicy
from odoosync.odoo.transport import Endpoint
from odoosync.store import Store

BILLING_GROUP = "account.group_account_invoice"
# A person is waiting on connect, test and doctor: no retries in silence; say at once what is wrong and what to
# check, and the person runs the command again.
INTERACTIVE = RetryPolicy(attempts=1, max_seconds=10, gave_up="Then run the command again.")
KEY_FILE_NAME = "odoo-api-key"
TYPED_KEY = "typed at the prompt"
CONNECTION_KEYS = (
    "odoo.url",
    "odoo.database",
    "odoo.login",
    "odoo.api_key_env",
    "odoo.api_key_file",
    "odoo.api_key_credential",
    "odoo.api_key",
)
# Defaults that name objects of one Odoo database: they go with its connection.
ODOO_OBJECT_DEFAULTS = (
    "defaults.company",
    "defaults.sale_journal",
    "defaults.rent_product",
    "defaults.deposit_account",
)


@dataclass(frozen=True)
class KeySource:
    """Where the API key for a new connection comes from: a variable, a file, or typed at a prompt."""

    env: str | None = None
    file: Path | None = None
    typed: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ConnectionReport:
    url: str
    database: str
    login: str
    odoo_version: str
    protocol: str
    user: str
    uid: int
    companies: tuple[tuple[int, str], ...]
    company: tuple[int, str] | None
    sale_journal: tuple[int, str, str] | None
    key_source: str
    saved_to: Path | None = None
    carried_from: str | None = None  # the address links and mappings were kept under, for the same database
    carried_rows: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "database": self.database,
            "login": self.login,
            "odoo_version": self.odoo_version,
            "protocol": self.protocol,
            "user": self.user,
            "uid": self.uid,
            "companies": [{"id": i, "name": n} for i, n in self.companies],
            "company": {"id": self.company[0], "name": self.company[1]} if self.company else None,
            "sale_journal": (
                {"id": self.sale_journal[0], "code": self.sale_journal[1], "name": self.sale_journal[2]}
                if self.sale_journal
                else None
            ),
            "api_key_from": self.key_source,
            "saved_to": str(self.saved_to) if self.saved_to else None,
            "carried_over": {"from_url": self.carried_from, "rows": self.carried_rows} if self.carried_from else None,
        }


@dataclass(frozen=True)
class DisconnectReport:
    url: str | None  # None: odoosync was not connected
    database: str | None
    mappings_removed: int
    links_kept: int  # the disconnected database's; when not connected, every database's
    kept_for: tuple[tuple[str, str, int], ...] = ()  # (url, database, links) of every database links are kept for

    def as_dict(self) -> dict[str, Any]:
        return {
            "connected": self.url is not None,
            "url": self.url,
            "database": self.database,
            "mappings_removed": self.mappings_removed,
            "links_kept": self.links_kept,
            "kept_for": [{"url": url, "database": database, "links": n} for url, database, n in self.kept_for],
            "odoo_changed": False,
        }


def database_key(url: str, database: str) -> str:
    """How links and mappings name one Odoo database."""
    return f"{url.rstrip('/').lower()}#{database}"


def database_of_key(key: str) -> tuple[str, str]:
    """The address and database name a database key was made of."""
    url, _, database = key.rpartition("#")
    return url, database


def endpoint_of(config: Config) -> Endpoint:
    odoo = config.odoo
    if not (odoo.url and odoo.database and odoo.login):
        raise ConfigError(
            "odoosync is not connected to Odoo yet",
            "Run: odoosync connect --url URL --database DB --login EMAIL",
        )
    return Endpoint(odoo.url, odoo.database, odoo.login, config.tls_verify, odoo.timeout_seconds)


def open_client(
    config: Config, env: Mapping[str, str] | None = None, *, policy: RetryPolicy | None = None
) -> OdooClient:
    """A client for the saved connection."""
    endpoint = endpoint_of(config)
    key = resolve_api_key(config, env)
    if key is None:
        raise ConfigError(
            "no Odoo API key is available",
            f"Set the environment variable {config.odoo.api_key_env}, or run odoosync connect again.",
        )
    return OdooClient.connect(endpoint, key.reveal(), protocol=config.odoo.protocol, policy=policy)


@contextlib.contextmanager
def connected(
    config: Config, env: Mapping[str, str] | None = None, client: OdooClient | None = None
) -> Iterator[tuple[OdooClient, str]]:
    """The client (the one given, else one for the saved connection, closed afterwards) and the key that names the
    Odoo database in links and mappings."""
    endpoint = endpoint_of(config)
    odoo = client or open_client(config, env)
    try:
        yield odoo, database_key(endpoint.url, endpoint.database)
    finally:
        if client is None:
            odoo.close()


def _check(client: OdooClient, endpoint: Endpoint, key_source: str) -> ConnectionReport:
    """What connect and test verify once the server answered and the key was accepted."""
    if not client.version.supported:
        raise errors.ConnectionProblem(
            f"Odoo {client.version.label} is not supported (odoosync supports 16 to 20)", None
        )
    me = client.whoami()
    if me.login.casefold() != endpoint.login.casefold():
        # JSON-2 takes no login, only the key: without this, connect would save a login the key does not belong to.
        raise errors.AuthError(
            f"Odoo refused the login {endpoint.login!r}: this API key belongs to the Odoo user {me.login!r}",
            "Give the login of the key's user, or a key of that login's user.",
        )
    try:
        client.search("account.journal", [("type", "=", "sale")], limit=1)
    except errors.UserError as error:
        if "doesn't exist" in error.reason:
            raise errors.ConnectionProblem(
                f"the Invoicing/Accounting app is not installed in the database {endpoint.database!r}",
                "Install it in Odoo (Apps → Invoicing), then run odoosync connect again.",
            ) from None
        raise
    if client.version.has_group_on_records:
        billing = client.call("res.users", "has_group", [me.uid], group_ext_id=BILLING_GROUP)
    else:
        billing = client.call("res.users", "has_group", group_ext_id=BILLING_GROUP)
    if not billing:
        raise errors.AccessError(
            f"the Odoo user {me.login!r} has no accounting rights",
            f"In Odoo: Settings → Users → {me.name} → Accounting: Billing (or Accountant). Then run the command again.",
        )
    companies = client.read("res.company", list(me.company_ids), ["name"])
    names = tuple((int(c["id"]), str(c["name"])) for c in companies)
    company = next(((i, n) for i, n in names if i == me.company_id), None)
    journals = client.search_read(
        "account.journal",
        [("type", "=", "sale"), ("company_id", "=", me.company_id)],
        ["code", "name"],
        limit=1,
        order="id",
        context={"allowed_company_ids": [me.company_id]},
    )
    sale_journal = (int(journals[0]["id"]), str(journals[0]["code"]), str(journals[0]["name"])) if journals else None
    return ConnectionReport(
        url=endpoint.url,
        database=endpoint.database,
        login=endpoint.login,
        odoo_version=client.version.label,
        protocol=client.protocol,
        user=me.name,
        uid=me.uid,
        companies=names,
        company=company,
        sale_journal=sale_journal,
        key_source=key_source,
    )


def _candidate_key(config: Config, source: KeySource, env: Mapping[str, str]) -> tuple[str, str, dict[str, object]]:
    """The key to test, a description of where it is, and the config keys that record where it comes from."""
    if source.typed:
        return source.typed, TYPED_KEY, {}
    if source.env:
        updates: dict[str, object] = {"odoo.api_key_env": source.env, "odoo.api_key_file": None}
        value = env.get(source.env, "").strip()
        if not value:
            raise ConfigError(
                f"the environment variable {source.env} is not set",
                f"Export the API key as {source.env} first, or use --api-key-file.",
            )
        return value, f"environment variable {source.env}", updates
    if source.file:
        path = source.file.expanduser().resolve()
        candidate = replace(config, odoo=config.odoo.model_copy(update={"api_key_file": str(path)}))
        key = resolve_api_key(candidate, {k: v for k, v in env.items() if k != config.odoo.api_key_env})
        assert key is not None  # a key file that cannot be read raises ConfigError
        return key.reveal(), f"file {path}", {"odoo.api_key_file": str(path)}
    key = resolve_api_key(config, env)
    if key is None:
        raise ConfigError(
            "no API key given",
            "Pass --api-key-env NAME or --api-key-file PATH (or run connect in a terminal to type the key). "
            "Create the key in Odoo under Preferences → Account Security → New API Key.",
        )
    return key.reveal(), key.source, {}


def connect(
    config: Config,
    *,
    url: str,
    database: str,
    login: str,
    key: KeySource,
    protocol: Protocol | None = None,
    env: Mapping[str, str] | None = None,
    same_database: bool | None = None,
) -> ConnectionReport:
    """Test the connection end to end; when it works, save it and pre-fill the default company and journal.
    `same_database`: the person's word, when odoosync cannot tell, on whether links kept under another address
    are this database's."""
    problem = odoo_url_problem(url)
    if problem:
        # Refused before anything is tried, in the words the config file and ODOOSYNC_ODOO_URL are refused with.
        raise InvalidChoice(
            f"--url {problem}", "Give the address you open Odoo with, its scheme included (https:// or http://)."
        )
    environ = os.environ if env is None else env
    secret, key_source, key_updates = _candidate_key(config, key, environ)
    endpoint = Endpoint(url.rstrip("/"), database, login, config.tls_verify, config.odoo.timeout_seconds)
    with OdooClient.connect(endpoint, secret, protocol=protocol or config.odoo.protocol, policy=INTERACTIVE) as client:
        report = _check(client, endpoint, key_source)
        identity = client.database_identity()
    carried_from, carried_rows = _carry_over(config, endpoint, identity, secret, same_database)
    report = replace(report, carried_from=carried_from, carried_rows=carried_rows)
    updates: dict[str, object] = {"odoo.url": endpoint.url, "odoo.database": database, "odoo.login": login}
    if protocol:
        updates["odoo.protocol"] = protocol
    updates.update(key_updates)
    if key.typed:
        # A typed key is kept in a private file next to the config, never in the config or the database.
        key_file = config.path.parent / KEY_FILE_NAME
        key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key.typed + "\n")
        key_file.chmod(0o600)
        updates["odoo.api_key_file"] = str(key_file)
    # Defaults name objects of one Odoo database: another database gets its own, a reconnection keeps them.
    before = database_key(config.odoo.url or "", config.odoo.database or "")
    same_database = bool(config.odoo.url and config.odoo.database) and before in (
        database_key(endpoint.url, database),
        database_key(carried_from or "", database),
    )
    if not same_database:
        updates["defaults.rent_product"] = None
    if report.company and (not same_database or not config.defaults.company):
        updates["defaults.company"] = report.company[1]
    if report.sale_journal and (not same_database or not config.defaults.sale_journal):
        updates["defaults.sale_journal"] = report.sale_journal[1]
    save_config_values(config.path, updates)
    return replace(report, saved_to=config.path)


def _carry_over(
    config: Config, endpoint: Endpoint, identity: str | None, secret: str, told: bool | None
) -> tuple[str | None, int]:
    """Links, mappings and adoptions are kept per Odoo database under the address it was reached by. When the same
    database (same name, same `database.uuid`) is now reached by another address (`localhost` for `127.0.0.1`,
    https for http, an explicit port), they are carried over to the new one, so that nothing is made twice; when
    odoosync cannot tell whether it is the same database, it refuses before saving anything. Returns the address
    carried over from and how many rows moved."""
    new = database_key(endpoint.url, endpoint.database)
    with Store.open(config.database_url) as store:
        used = store.databases.in_use()
        known = store.databases.identities()
        same: list[str] = []
        for key in sorted(k for k in used if k != new and k.rpartition("#")[2] == endpoint.database):
            url = key.rpartition("#")[0]
            theirs = known.get(key) or _identity_at(url, endpoint, secret, config)
            if identity and theirs:
                if theirs == identity:
                    same.append(key)
            elif told is True:
                same.append(key)
            elif told is None:
                raise ConfigError(
                    f"odoosync keeps {used[key]} link(s) and mapping(s) for the Odoo database {endpoint.database!r} "
                    f"at {url}, and cannot tell whether {endpoint.url} is the same database (reading its identity, "
                    "database.uuid, needs an Odoo administrator, and the old address must still answer)",
                    "Run connect again with --same-database if it is that database reached another way (its links "
                    "move to the new address), or --other-database if it is another one (they stay where they are). "
                    "Nothing was saved.",
                )
        if len(same) > 1 or (same and new in used):
            addresses = ", ".join(k.rpartition("#")[0] for k in [*same, *([new] if new in used else [])])
            raise ConfigError(
                f"odoosync keeps links for this Odoo database under more than one address: {addresses}",
                f"Connect with --url {same[0].rpartition('#')[0]}, the address of the older links. Nothing was saved.",
            )
        if identity:
            store.databases.remember(new, identity)
        if not same:
            return None, 0
        return same[0].rpartition("#")[0], store.databases.move(same[0], new, identity)


def _identity_at(url: str, endpoint: Endpoint, secret: str, config: Config) -> str | None:
    """The identity of the database at an address links were kept under, when it still answers."""
    there = replace(endpoint, url=url, timeout_seconds=min(endpoint.timeout_seconds, 10.0))
    try:
        with OdooClient.connect(there, secret, protocol=config.odoo.protocol, policy=INTERACTIVE) as client:
            return client.database_identity()
    except errors.OdooError:
        return None


def configured_key_source(config: Config, env: Mapping[str, str] | None = None) -> str | None:
    """Where the API key connect would use without one given comes from, or None when there is none it can use
    (a key file that cannot be read counts as none: a key typed now replaces it)."""
    try:
        key = resolve_api_key(config, env)
    except ConfigError:
        return None
    return key.source if key else None


def check_connection(config: Config, env: Mapping[str, str] | None = None) -> ConnectionReport:
    """Re-test the saved connection."""
    key = resolve_api_key(config, env)
    with open_client(config, env, policy=INTERACTIVE) as client:
        return _check(client, endpoint_of(config), key.source if key else "?")


def disconnect(config: Config, store: Store) -> DisconnectReport:
    """Forget the connection and its mappings; keep the links; touch nothing in Odoo."""
    url, database = config.odoo.url, config.odoo.database
    per_database = store.links.count_per_database()
    removed, kept = 0, sum(per_database.values())  # not connected: every link kept is still kept
    if url and database:
        key = database_key(url, database)
        removed = store.mappings.delete_all(key)
        kept = per_database.get(key, 0)
    managed_key = config.path.parent / KEY_FILE_NAME
    if config.api_key_file_path and config.api_key_file_path.resolve() == managed_key.resolve():
        with contextlib.suppress(FileNotFoundError):
            managed_key.unlink()
    if config.exists:
        save_config_values(config.path, dict.fromkeys((*CONNECTION_KEYS, *ODOO_OBJECT_DEFAULTS)))
    return DisconnectReport(
        url=url,
        database=database,
        mappings_removed=removed,
        links_kept=kept,
        kept_for=tuple((*database_of_key(key), n) for key, n in sorted(per_database.items())),
    )
