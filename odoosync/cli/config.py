"""odoosync config: the effective configuration, secrets masked."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli.context import state

app = typer.Typer(help="The configuration file and its effective values.", no_args_is_help=True)


@app.command("show")
def show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entries as JSON.")] = False,
) -> None:
    """Print the effective configuration (file, environment, defaults) with secrets masked.

    Example: odoosync config show
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.config import print_config
    from odoosync.config import describe, load_config

    config = load_config(state(ctx).config_path)
    entries = describe(config)
    if as_json:
        print_json(
            {
                "path": str(config.path),
                "exists": config.exists,
                "entries": [
                    {"key": e.key, "value": e.value, "source": e.source, "unknown": e.unknown} for e in entries
                ],
            }
        )
    else:
        print_config(str(config.path), config.exists, entries)
