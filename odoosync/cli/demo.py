"""odoosync demo: the whole product in one run, against the bundled Odoo sandbox."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Annotated

import typer


def demo(
    keep: Annotated[
        bool, typer.Option("--keep", help="Leave the sandbox running afterwards and say how to connect to it.")
    ] = False,
    workdir: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Keep the demo's config and database here (default: a temporary folder).", file_okay=False
        ),
    ] = None,
    version: Annotated[int, typer.Option("--version", help="Odoo version to imitate: 16, 17, 18 or 19.")] = 17,
    as_json: Annotated[bool, typer.Option("--json", help="Print what happened as JSON.")] = False,
) -> None:
    """Run the whole product against the bundled Odoo sandbox: connect, ingest the sample portfolio, map with
    the Setup Assistant, create the Rent product, enable with a backfill, sync, ingest the edits, sync again,
    and show what Odoo holds. Works offline; touches nothing of your own configuration.

    Example: odoosync demo
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.demo import demo_step, print_demo, print_demo_kept
    from odoosync.sandbox import Sandbox
    from odoosync.sync.demo import run_demo

    folder = workdir or Path(tempfile.mkdtemp(prefix="odoosync-demo-"))
    sandbox = Sandbox(version=version).start()
    try:
        report = run_demo(folder, sandbox, step=None if as_json else demo_step)
        if as_json:
            print_json(report.as_dict() | {"kept": keep})
        else:
            print_demo(report)
        if keep:
            print_demo_kept(report, sandbox.api_key)
            threading.Event().wait()  # until Ctrl-C
    finally:
        sandbox.stop()
        if workdir is None and not keep:
            shutil.rmtree(folder, ignore_errors=True)
