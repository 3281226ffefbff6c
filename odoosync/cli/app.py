"""The `odoosync` command: global options, error handling, and the commands of each noun."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from odoosync import __version__
from odoosync.cli import adopt as adopt_commands
from odoosync.cli import config as config_commands
from odoosync.cli import connection as connection_commands
from odoosync.cli import defaults as defaults_commands
from odoosync.cli import demo as demo_commands
from odoosync.cli import doctor as doctor_commands
from odoosync.cli import ingest as ingest_commands
from odoosync.cli import logs, render
from odoosync.cli import mappings as mapping_commands
from odoosync.cli import owners as owners_commands
from odoosync.cli import plan as plan_commands
from odoosync.cli import queue as queue_commands
from odoosync.cli import reconcile as reconcile_commands
from odoosync.cli import sandbox as sandbox_commands
from odoosync.cli import setup as setup_commands
from odoosync.cli import status as status_commands
from odoosync.cli import sync as sync_commands
from odoosync.cli.context import AppState
from odoosync.cli.exit_codes import ExitCode, exit_code_for
from odoosync.domain.errors import OdoosyncError
from odoosync.sync.stopping import StopRequested, stop_reason


class OdoosyncGroup(TyperGroup):
    """Turns every error into one clear message and a documented exit status; tracebacks only with --debug."""

    # typer vendors click privately; typer.Context is the public name of the context it passes.
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except OdoosyncError as error:
            self._debug_traceback(ctx)
            render.print_error(error)
            raise typer.Exit(exit_code_for(error)) from None
        except (KeyboardInterrupt, StopRequested) as stop:
            name = stop_reason(stop)
            render.err.print("interrupted" if name == "SIGINT" else f"stopped by {name}")
            raise typer.Exit(ExitCode.TERMINATED if name == "SIGTERM" else ExitCode.INTERRUPTED) from None
        except Exception as error:
            self._debug_traceback(ctx)
            render.print_internal_error(error)
            raise typer.Exit(ExitCode.ERROR) from None

    @staticmethod
    def _debug_traceback(ctx: typer.Context) -> None:
        state = ctx.find_object(AppState)
        if state is not None and state.debug:
            render.print_traceback()


app = typer.Typer(
    cls=OdoosyncGroup,
    name="odoosync",
    help="Push a property-management app's money records into Odoo: one way, in batches, exactly once.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        render.out.print(f"odoosync {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Config file (default: $ODOOSYNC_CONFIG, else $XDG_CONFIG_HOME/odoosync/config.toml).",
            dir_okay=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    log_format: Annotated[
        str,
        typer.Option("--log-format", help="Log lines as human text or JSON lines (journald).", metavar="human|json"),
    ] = "human",
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    if log_format not in ("human", "json"):
        raise typer.BadParameter("choose human or json", param_hint="--log-format")
    ctx.obj = AppState(config_path=config, debug=debug)
    # Debug lines name calls and timings, never payloads: the API key travels in them.
    logs.configure(log_format, debug=debug)


ingest_commands.register(app)
connection_commands.register(app)
status_commands.register(app)
sync_commands.register(app)
plan_commands.register(app)
reconcile_commands.register(app)
demo_commands.register(app)
doctor_commands.register(app)
app.add_typer(queue_commands.app, name="queue")
app.add_typer(adopt_commands.app, name="adopt")
app.add_typer(config_commands.app, name="config")
app.add_typer(defaults_commands.app, name="defaults")
app.add_typer(owners_commands.app, name="owners")
app.add_typer(mapping_commands.app, name="map")
app.add_typer(setup_commands.app, name="setup")
app.add_typer(sandbox_commands.app, name="sandbox")


def main() -> None:
    try:
        app(prog_name="odoosync")
    except SystemExit as done:
        if done.code == ExitCode.TERMINATED:
            # Stopped by SIGTERM once what it held is given back: end by that signal, as a process stopped that way
            # does, so that systemd counts `systemctl stop` as a clean stop (a shell still sees 143).
            sys.stdout.flush()
            sys.stderr.flush()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
        raise
