"""A ready odoosync workspace against a running sandbox, set up the way a person would: connect, ingest, apply
the Setup Assistant's plan, create the Rent product, enable with a backfill. Each step runs the command in an
environment of its own: in this process, through Typer's runner, which is the installed command's own code without
a second's start of Python and imports per step (the tests of the process itself, signals and workers side by side,
start it with ODOOSYNC)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from odoosync.cli.app import app
from tests.support.portfolio import write_ndjson
from tests.support.servers import Server, rows, tag_of, tagged

ODOOSYNC = [sys.executable, "-m", "odoosync"]


def workspace_env(root: Path, sandbox: Server, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ODOOSYNC_")}
    env.update(
        {
            "XDG_CONFIG_HOME": str(root / "config"),
            "XDG_DATA_HOME": str(root / "data"),
            "ODOOSYNC_API_KEY": sandbox.api_key,
        }
    )
    if database_url:
        env["ODOOSYNC_DATABASE_URL"] = database_url
    return env


def odoosync(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`odoosync ARGS` with `env` as its whole environment, its outcome as a finished process's."""
    environment: dict[str, str | None] = {name: None for name in os.environ if name not in env}
    environment.update(env)
    result = CliRunner().invoke(app, list(args), env=environment)
    done = subprocess.CompletedProcess([*ODOOSYNC, *args], result.exit_code, result.stdout, result.stderr)
    if check and done.returncode != 0:
        raise AssertionError(f"odoosync {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def own_inputs(root: Path, server: Server, inputs: list[Path]) -> list[Path]:
    """The input files as this run's own: on a live Odoo every record id tagged (a copy under `root`)."""
    if not tag_of(server):
        return inputs
    read = [
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] for path in inputs
    ]
    known = {d["id"] for documents in read for d in documents}
    return [
        write_ndjson(root / f"{tag_of(server)}-{path.name}", tagged(server, documents, known))
        for path, documents in zip(inputs, read, strict=True)
    ]


def use_rent_product(env: dict[str, str], server: Server) -> None:
    """`setup rent-product --create`; on a live database, whose Rent product earlier runs made (several, when runs
    met), the oldest is chosen as a person would be asked to."""
    if tag_of(server):
        existing = rows(server, "product.product", [["name", "=", "Rent"]], ["id"])
        if existing:
            odoosync(env, "defaults", "set", "--rent-product", str(min(row["id"] for row in existing)))
            return
    odoosync(env, "setup", "rent-product", "--create")


def prepare(
    root: Path, sandbox: Server, inputs: list[Path], *, since: str = "2025-01-01", database_url: str | None = None
) -> dict[str, str]:
    """Connect to `sandbox`, ingest `inputs`, map every code, set the Rent product, enable with a backfill."""
    env = workspace_env(root, sandbox, database_url)
    odoosync(env, "connect", "--url", sandbox.url, "--database", sandbox.database, "--login", sandbox.login)
    odoosync(env, "ingest", *map(str, own_inputs(root, sandbox, inputs)))
    plan = root / "plan.toml"
    odoosync(env, "map", "suggest", "--create-missing-accounts", "--out", str(plan))
    odoosync(env, "map", "apply", "--yes", str(plan))
    use_rent_product(env, sandbox)
    odoosync(env, "enable", "--backfill-since", since)
    return env
