"""odoosync doctor: check what odoosync relies on, in Odoo and here."""

from __future__ import annotations

from typing import Annotated

import typer

from odoosync.cli.context import state
from odoosync.cli.exit_codes import ExitCode


def doctor(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check the local queue, the connection and key, the protocol, every mapping and default (still there, active,
    in the right company, of the right type; taxes of the right amount), codes the records use without a mapping,
    owners without a mapping, the Rent product and the language. Each problem says what to do; exit status 5 when
    there is one. Changes nothing.

    Example: odoosync doctor
    """
    from odoosync.cli.render.as_json import print_json
    from odoosync.cli.render.doctor import print_checkup
    from odoosync.sync.checks.doctor import run_doctor

    with state(ctx).workspace() as workspace:
        checkup = run_doctor(workspace.config, workspace.store)
    if as_json:
        print_json(checkup.as_dict())
    else:
        print_checkup(checkup)
    if checkup.problems:
        raise typer.Exit(ExitCode.UNHEALTHY)
