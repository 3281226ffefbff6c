"""Exit statuses, documented in docs/cli.md. The 6x/7x ones follow BSD sysexits so scripts can tell them apart."""

from __future__ import annotations

from enum import IntEnum

from odoosync.domain.errors import (
    ConfigError,
    EmptyInput,
    IllegalTransition,
    IngestInterrupted,
    InputError,
    InvalidChoice,
    InvalidInput,
    NotFound,
    OdooNotReady,
    OdoosyncError,
    QueueBusy,
    SchemaError,
    StoreUnavailable,
)
from odoosync.odoo import errors as odoo_errors


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # an unexpected internal error: a bug to report
    USAGE = 2  # wrong command line (typer/click)
    NOT_FOUND = 3  # the record or job named does not exist
    JOBS_FAILED = 4  # sync ran, but some jobs failed and need a person (odoosync queue list --state failed)
    UNHEALTHY = 5  # health or doctor found a problem: failed jobs, an overdue queue, a broken mapping…
    DRIFT = 6  # reconcile found Odoo differing from what odoosync pushed (a nightly check)
    WRONG_STATE = 7  # the job named is not in a state that allows it (retrying a job that is done)
    INVALID_INPUT = 65  # EX_DATAERR: the input has invalid records; nothing was stored
    NO_INPUT = 66  # EX_NOINPUT: an input file cannot be read
    UNAVAILABLE = 69  # EX_UNAVAILABLE: the local database or Odoo cannot be reached or used, or Odoo is not set up
    TEMPORARY = 75  # EX_TEMPFAIL: Odoo is unreachable or overloaded for now; try again later
    NO_PERMISSION = 77  # EX_NOPERM: Odoo refused the login/key, or the user lacks rights
    CONFIG = 78  # EX_CONFIG: the configuration is invalid or unsafe
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM (systemctl stop): the run gave back what it held first


def exit_code_for(error: OdoosyncError) -> ExitCode:
    # Most specific first: EmptyInput is an InputError.
    table: list[tuple[type[OdoosyncError], ExitCode]] = [
        (EmptyInput, ExitCode.INVALID_INPUT),
        (InvalidInput, ExitCode.INVALID_INPUT),
        (IngestInterrupted, ExitCode.INTERRUPTED),
        (InputError, ExitCode.NO_INPUT),
        (ConfigError, ExitCode.CONFIG),
        (StoreUnavailable, ExitCode.UNAVAILABLE),
        (SchemaError, ExitCode.UNAVAILABLE),
        (NotFound, ExitCode.NOT_FOUND),
        (IllegalTransition, ExitCode.WRONG_STATE),
        (InvalidChoice, ExitCode.USAGE),
        (OdooNotReady, ExitCode.UNAVAILABLE),
        (odoo_errors.AuthError, ExitCode.NO_PERMISSION),
        (odoo_errors.AccessError, ExitCode.NO_PERMISSION),
        (odoo_errors.TransientError, ExitCode.TEMPORARY),
        (QueueBusy, ExitCode.TEMPORARY),
        (odoo_errors.OutcomeUnknown, ExitCode.TEMPORARY),
        (odoo_errors.ConnectionProblem, ExitCode.UNAVAILABLE),
    ]
    for kind, code in table:
        if isinstance(error, kind):
            return code
    return ExitCode.ERROR
