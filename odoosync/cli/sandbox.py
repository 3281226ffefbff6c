"""odoosync sandbox: run the bundled Odoo emulator."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from odoosync.domain.errors import ConfigError
from odoosync.sandbox.faults import FAULTS

app = typer.Typer(help="The bundled Odoo emulator, for trying odoosync without a real Odoo.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8069,
    version: Annotated[int, typer.Option("--version", help="Odoo version to imitate: 16, 17, 18 or 19.")] = 17,
    companies: Annotated[int, typer.Option(help="Companies to create (more for owner separation).", min=1)] = 1,
    fail_rate: Annotated[
        float, typer.Option(help="Share of calls that fail with an injected fault (0 to 1).", min=0, max=1)
    ] = 0.0,
    fault: Annotated[
        list[str] | None,
        typer.Option(help=f"Fault to inject, repeatable: {', '.join(FAULTS)} (default: all).", metavar="FAULT"),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the fault generator, to replay a run.")] = 0,
    tls: Annotated[
        bool, typer.Option("--tls", help="Serve HTTPS with a self-signed certificate made at start.")
    ] = False,
    latency_ms: Annotated[
        float,
        typer.Option(help="Behave like a server this many ms away (every round trip, connect and TLS too).", min=0),
    ] = 0.0,
    keep_alive: Annotated[
        bool | None,
        typer.Option(
            "--keep-alive/--close",
            help="Keep connections open between calls, as a reverse proxy in front of Odoo does (Odoo Online, "
            "Odoo.sh, nginx), or close each after its answer, as Odoo's own server does. Default: keep-alive with "
            "--tls or --latency-ms, close otherwise.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the connection details as one JSON line.")] = False,
) -> None:
    """Start an emulated Odoo with a ready Saudi company; prints the URL, database, login and API key.

    Example: odoosync sandbox serve --version 19 --port 8069
    """
    from odoosync.cli.render.as_json import print_json_line
    from odoosync.cli.render.common import err
    from odoosync.cli.render.sandbox import print_sandbox
    from odoosync.sandbox import Sandbox

    if version not in (16, 17, 18, 19):
        raise typer.BadParameter("the sandbox imitates Odoo 16, 17, 18 and 19", param_hint="--version")
    unknown = sorted(set(fault or ()) - set(FAULTS))
    if unknown:
        raise typer.BadParameter(f"unknown {', '.join(unknown)}; choose from {', '.join(FAULTS)}", param_hint="--fault")
    try:
        sandbox = Sandbox(
            version,
            host=host,
            port=port,
            companies=companies,
            fail_rate=fail_rate,
            faults=tuple(fault or FAULTS),
            seed_value=seed,
            tls=tls,
            latency_ms=latency_ms,
            keep_alive=keep_alive,
        )
    except OSError as error:
        raise ConfigError(
            f"the sandbox cannot listen on {host}:{port}: {error.strerror or error}",
            "Choose another --port (0 picks a free one), or stop what listens on it.",
        ) from None
    details = {
        "url": sandbox.url,
        "database": sandbox.database,
        "login": sandbox.login,
        "api_key": sandbox.api_key,
        "version": sandbox.version,
        "ca_file": str(sandbox.ca_file) if sandbox.ca_file else None,
    }
    if as_json:
        print_json_line(details)
    else:
        print_sandbox(details)
    with sandbox:
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            err.print("sandbox stopped")
