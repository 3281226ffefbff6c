"""odoosync connect, test and disconnect: the connection to Odoo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from odoosync.cli.context import state


def connect_command(
    ctx: typer.Context,
    url: Annotated[str, typer.Option(help="The address you open Odoo with, e.g. https://example.odoo.com.")],
    database: Annotated[str, typer.Option(help="The Odoo database name.")],
    login: Annotated[str, typer.Option(help="The Odoo user's login (email).")],
    api_key_env: Annotated[
        str | None, typer.Option(help="Read the API key from this environment variable (and later runs too).")
    ] = None,
    api_key_file: Annotated[
        Path | None, typer.Option(help="Read the API key from this file (mode 0600).", dir_okay=False)
    ] = None,
    protocol: Annotated[
        str | None, typer.Option(help="auto (JSON-2 from Odoo 19), jsonrpc or json2.", metavar="PROTOCOL")
    ] = None,
    same_database: Annotated[
        bool | None,
        typer.Option(
            "--same-database/--other-database",
            help="Say whether this is the Odoo database odoosync kept links for under another address, when it "
            "cannot tell by itself (a key without administrator rights, the old address gone).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Test the connection to Odoo, then save it and pre-fill the default company and sale journal.

    Example: odoosync connect --url https://example.odoo.com --database example --login accountant@example.sa
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.connection import print_connection
    from odoosync.config import load_config
    from odoosync.sync.setup.connection import KeySource, configured_key_source, connect

    if api_key_env and api_key_file:
        raise typer.BadParameter("give --api-key-env or --api-key-file, not both")
    if protocol not in (None, "auto", "jsonrpc", "json2"):
        raise typer.BadParameter("choose auto, jsonrpc or json2", param_hint="--protocol")
    config = load_config(state(ctx).config_path)
    typed = None
    if not (api_key_env or api_key_file) and sys.stdin.isatty():
        configured = configured_key_source(config)
        if configured:
            typed = (
                typer.prompt(
                    f"Odoo API key (hidden; Enter to use the configured one, from {configured})",
                    default="",
                    hide_input=True,
                    show_default=False,
                )
                or None
            )
        else:
            # Nothing to fall back on: an empty answer asks again.
            typed = typer.prompt("Odoo API key (hidden)", hide_input=True)
    report = connect(
        config,
        url=url,
        database=database,
        login=login,
        key=KeySource(env=api_key_env, file=api_key_file, typed=typed),
        protocol=protocol,  # type: ignore[arg-type]
        same_database=same_database,
    )
    if as_json:
        print_json(report.as_dict())
    else:
        print_connection(report, saved=True)


def retest_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Test the saved connection again: exit status 0 when Odoo answers and everything checks out.

    Example: odoosync test
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.connection import print_connection
    from odoosync.config import load_config
    from odoosync.sync.setup.connection import check_connection

    report = check_connection(load_config(state(ctx).config_path))
    if as_json:
        print_json(report.as_dict())
    else:
        print_connection(report, saved=False)


def disconnect_command(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Forget the Odoo connection and all mappings. Links are kept, so reconnecting never duplicates; nothing
    in Odoo is deleted.

    Example: odoosync disconnect --yes
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.connection import print_disconnect
    from odoosync.sync.setup.connection import disconnect

    if not yes:
        if not sys.stdin.isatty():
            raise typer.BadParameter("confirm with --yes when not running in a terminal", param_hint="--yes")
        typer.confirm("Forget the Odoo connection and all mappings? (Nothing in Odoo is deleted.)", abort=True)
    with state(ctx).workspace() as workspace:
        report = disconnect(workspace.config, workspace.store)
    if as_json:
        print_json(report.as_dict())
    else:
        print_disconnect(report)
