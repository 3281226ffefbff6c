"""The `odoosync` command: global options, error handling, and the commands of each noun."""

from __future__ import annotations

import importlib
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup
from typer.main import get_command

from odoosync import __version__
from odoosync.cli import logs
from odoosync.cli.context import AppState
from odoosync.cli.exit_codes import ExitCode, exit_code_for
from odoosync.cli.render.as_json import error_as_dict, print_json
from odoosync.domain.errors import OdoosyncError
from odoosync.sync.stopping import StopRequested, stop_reason

if TYPE_CHECKING:
    from typer._click.core import Command


@dataclass(frozen=True)
class CommandSource:
    """Where a command lives, and the line `odoosync --help` shows for it without loading it."""

    module: str
    attribute: str  # a typer.Typer (a noun with its own commands) or a command function
    summary: str


# A command's module is imported only when that command runs or shows its help, and imports what the command runs
# (SQLAlchemy, httpx, rich: ten times what typer takes) only when it runs; --help would wait for all of it.
# Summaries stay under 64 characters, so that a terminal of 80 columns shows them whole.
COMMANDS: dict[str, CommandSource] = {
    "ingest": CommandSource("odoosync.cli.ingest", "ingest", "Validate app records, then store them: all or nothing."),
    "connect": CommandSource(
        "odoosync.cli.connection", "connect_command", "Test and save the Odoo connection; pre-fill the defaults."
    ),
    "test": CommandSource("odoosync.cli.connection", "retest_command", "Test the saved Odoo connection again."),
    "disconnect": CommandSource(
        "odoosync.cli.connection", "disconnect_command", "Forget the connection and mappings; links are kept."
    ),
    "status": CommandSource("odoosync.cli.status", "status", "Show whether a record is synced to Odoo, and why not."),
    "health": CommandSource("odoosync.cli.sync", "health_command", "Check that syncing is healthy, for monitoring."),
    "enable": CommandSource("odoosync.cli.sync", "enable_command", "Switch syncing on, with or without a backfill."),
    "disable": CommandSource("odoosync.cli.sync", "disable_command", "Switch syncing off; the queue and history stay."),
    "backfill": CommandSource("odoosync.cli.sync", "backfill_command", "Queue the stored records dated from DATE on."),
    "sync": CommandSource("odoosync.cli.sync", "sync_command", "Push the due jobs to Odoo in batches."),
    "plan": CommandSource("odoosync.cli.plan", "plan_command", "Show what the next sync would do, writing nothing."),
    "reconcile": CommandSource(
        "odoosync.cli.reconcile", "reconcile_command", "Compare what odoosync pushed with what Odoo holds now."
    ),
    "demo": CommandSource("odoosync.cli.demo", "demo", "Run the whole product against the bundled Odoo sandbox."),
    "doctor": CommandSource("odoosync.cli.doctor", "doctor", "Check the queue, the connection, mappings and defaults."),
    "queue": CommandSource("odoosync.cli.queue", "app", "The sync queue: one job per record to bring into Odoo."),
    "adopt": CommandSource("odoosync.cli.adopt", "app", "Choose among the Odoo records backfill --adopt matched."),
    "config": CommandSource("odoosync.cli.config", "app", "The configuration file and its effective values."),
    "defaults": CommandSource("odoosync.cli.defaults", "app", "Company, journal, Rent product, language, auto-post."),
    "owners": CommandSource("odoosync.cli.owners", "app", "Owners and their Odoo company or analytic account."),
    "map": CommandSource("odoosync.cli.mappings", "app", "Mappings: category → account, method → journal, VAT → tax."),
    "setup": CommandSource("odoosync.cli.setup", "app", "One-time set-up in Odoo: Arabic, the Rent product."),
    "sandbox": CommandSource("odoosync.cli.sandbox", "app", "The bundled Odoo emulator, to try odoosync without Odoo."),
}


def load_command(name: str, source: CommandSource) -> Command:
    """The click command of one entry of COMMANDS, made as `app.add_typer` or `app.command` would make it."""
    found = getattr(importlib.import_module(source.module), source.attribute)
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    holder.callback()(lambda: None)  # a group even when it holds one command
    if isinstance(found, typer.Typer):
        holder.add_typer(found, name=name)
    else:
        holder.command(name)(found)
    command: Command = get_command(holder).commands[name]  # type: ignore[attr-defined]
    command.short_help = source.summary
    return command


# Where the group keeps the words after its own options (the command and its arguments), to tell --json.
COMMAND_WORDS = "odoosync.command_words"


class OdoosyncGroup(TyperGroup):
    """Turns every error into one clear message and a documented exit status; tracebacks only with --debug. A
    command run with --json also gets its error as one JSON document on standard output."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return list(COMMANDS)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Command | None:  # type: ignore[override]
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name, COMMANDS[cmd_name]), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        """The list of commands from their summaries, loading none of them."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, source.summary) for name, source in COMMANDS.items()])

    def load_all(self) -> OdoosyncGroup:
        """Every command loaded: for what walks the whole tree (the reference, the docs' tests)."""
        for name in COMMANDS:
            self.get_command(typer.Context(self), name)
        return self

    def make_context(  # type: ignore[override]
        self, info_name: str | None, args: list[str], parent: typer.Context | None = None, **extra: Any
    ) -> Any:
        # A Ctrl-C while the global options are parsed comes before invoke's handling: typer would exit 130 silently.
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(ExitCode.INTERRUPTED) from None

    # typer vendors click privately; typer.Context is the public name of the context it passes.
    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:  # type: ignore[override]
        ctx.meta[COMMAND_WORDS] = list(args)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        # What shows an error is loaded when there is one: a command's --help passes here too, and never needs rich.
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
            from odoosync.cli.render.common import print_error

            self._debug_traceback(ctx)
            print_error(error)
            status = exit_code_for(error)
            self._json_error(ctx, status, error.reason, error.instruction)
            raise typer.Exit(status) from None
        except (KeyboardInterrupt, StopRequested) as stop:
            name = stop_reason(stop)
            said = "interrupted" if name == "SIGINT" else f"stopped by {name}"
            # Plain text, not rich: a Ctrl-C may have cut the import of rich short, and importing again may fail.
            typer.echo(said, err=True)
            status = ExitCode.TERMINATED if name == "SIGTERM" else ExitCode.INTERRUPTED
            self._json_error(ctx, status, said, None)
            raise typer.Exit(status) from None
        except Exception as error:
            from odoosync.cli.render.common import INTERNAL_INSTRUCTION, internal_error_message, print_internal_error

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
            # Only a command loaded already: one whose loading failed or was interrupted is not loaded again.
            found = command.commands.get(words[0]) if words else None
            if found is None:
                return "--json" in words  # a command that does not exist: the word is all there is
            name, words, command = words[0], words[1:], found
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
            from odoosync.cli.render.common import print_traceback

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
        typer.echo(f"odoosync {__version__}")
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


def command_tree() -> OdoosyncGroup:
    """The whole command tree, every command loaded: for what walks it (the reference, the docs' tests)."""
    group = get_command(app)
    assert isinstance(group, OdoosyncGroup)
    return group.load_all()


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
