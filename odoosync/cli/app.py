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
from odoosync.cli import logs
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
from odoosync.cli.render.common import (
    INTERNAL_INSTRUCTION,
    err,
    error_as_dict,
    internal_error_message,
    out,
    print_error,
    print_internal_error,
    print_json,
    print_traceback,
)
from odoosync.domain.errors import OdoosyncError
from odoosync.sync.stopping import StopRequested, stop_reason

# Where the group keeps the words after its own options (the command and its arguments), to tell --json.
COMMAND_WORDS = "odoosync.command_words"


class OdoosyncGroup(TyperGroup):
    """Turns every error into one clear message and a documented exit status; tracebacks only with --debug. A
    command run with --json also gets its error as one JSON document on standard output."""

    # typer vendors click privately; typer.Context is the public name of the context it passes.
    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:  # type: ignore[override]
        ctx.meta[COMMAND_WORDS] = list(args)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except typer.Exit:
            raise
        except typer.Abort:
            self._json_error(ctx, ExitCode.ERROR, "aborted: nothing was done", None)
            raise
        except typer.TyperException as error:  # click's usage errors: click shows them on standard error
            status = getattr(error, "exit_code", ExitCode.USAGE)
            where = getattr(getattr(error, "ctx", None), "command_path", None) or ctx.command_path
            self._json_error(ctx, status, error.format_message(), f"See {where} --help.")
            raise
        except OdoosyncError as error:
            self._debug_traceback(ctx)
            print_error(error)
            status = exit_code_for(error)
            self._json_error(ctx, status, error.reason, error.instruction)
            raise typer.Exit(status) from None
        except (KeyboardInterrupt, StopRequested) as stop:
            name = stop_reason(stop)
            said = "interrupted" if name == "SIGINT" else f"stopped by {name}"
            err.print(said)
            status = ExitCode.TERMINATED if name == "SIGTERM" else ExitCode.INTERRUPTED
            self._json_error(ctx, status, said, None)
            raise typer.Exit(status) from None
        except Exception as error:
            self._debug_traceback(ctx)
            print_internal_error(error)
            self._json_error(ctx, ExitCode.ERROR, internal_error_message(error), INTERNAL_INSTRUCTION)
            raise typer.Exit(ExitCode.ERROR) from None

    def _json_error(self, ctx: typer.Context, status: int, message: str, instruction: str | None) -> None:
        if self._asked_for_json(ctx):
            print_json(error_as_dict(status, message, instruction))

    def _asked_for_json(self, ctx: typer.Context) -> bool:
        """Whether the command was given --json: its words parsed again, leniently (a usage error may be why it
        failed), down the command tree."""
        words: list[str] = ctx.meta.get(COMMAND_WORDS, [])
        command: Any = self
        parent: Any = ctx
        while isinstance(command, TyperGroup):
            if not words or words[0] not in command.commands:
                return "--json" in words  # a command that does not exist: the word is all there is
            name, words = words[0], words[1:]
            command = command.commands[name]
            parsed = command.make_context(
                name, list(words), parent=parent, resilient_parsing=True, ignore_unknown_options=True
            )
            if isinstance(command, TyperGroup):
                words = [*parsed._protected_args, *parsed.args]
            parent = parsed
        flag = next((p for p in command.params if "--json" in getattr(p, "opts", ())), None)
        return bool(flag is not None and parent.params.get(flag.name))

    @staticmethod
    def _debug_traceback(ctx: typer.Context) -> None:
        state = ctx.find_object(AppState)
        if state is not None and state.debug:
            print_traceback()


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
        out.print(f"odoosync {__version__}")
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
