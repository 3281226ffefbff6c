"""`odoosync sandbox serve`: where the sandbox listens, and how to connect to it."""

from __future__ import annotations

from typing import Any

from odoosync.cli.render.common import out


def print_sandbox(details: dict[str, Any]) -> None:
    out.print(f"[bold]Odoo {details['version']} sandbox[/] listening on {details['url']}")
    out.print(f"  database  {details['database']}")
    out.print(f"  login     {details['login']}")
    # The sandbox's own throwaway key, printed once so that a person can connect to it.
    out.print(f"  API key   {details['api_key']}")
    if details.get("ca_file"):
        out.print(f"  TLS       trust {details['ca_file']} (self-signed, made at start)")
    out.print("[dim]Ctrl-C stops it; everything it holds is in memory and goes with it.[/]")
