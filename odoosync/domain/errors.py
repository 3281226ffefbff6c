"""Errors that reach a person carry a reason and, where one exists, what to do about it."""

from __future__ import annotations


class OdoosyncError(Exception):
    """Base of every error odoosync reports to a person instead of a traceback."""

    def __init__(self, reason: str, instruction: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.instruction = instruction

    def __str__(self) -> str:
        if self.instruction:
            return f"{self.reason}\n{self.instruction}"
        return self.reason


class ConfigError(OdoosyncError):
    """The configuration file or environment is unusable."""


class InputError(OdoosyncError):
    """An input file or stream cannot be read at all (missing, unreadable, empty)."""


class EmptyInput(InputError):
    """The input has no document at all."""


class StoreUnavailable(OdoosyncError):
    """The local database cannot be reached or opened."""


class SchemaError(OdoosyncError):
    """The local database schema cannot be brought to the version this odoosync needs."""


class NotFound(OdoosyncError):
    """A record, job or other named thing does not exist."""


class InvalidChoice(OdoosyncError):
    """A value given by a person names nothing usable, or several things; the instruction lists candidates."""


class InvalidInput(OdoosyncError):
    """An input file was read, but what it holds is not valid (a mapping plan that is not TOML, a line without
    a kind)."""


class OdooNotReady(OdoosyncError):
    """Odoo is not set up as odoosync needs: something is missing there (a Rent product, the Arabic language, a
    journal's payment method) or there more than once. Someone sets it up in Odoo, or chooses."""


class IllegalTransition(OdoosyncError):
    """A job was asked to move between two states the design does not connect (retrying a job that is done)."""


class QueueBusy(OdoosyncError):
    """Another run holds the queue (SQLite allows one at a time)."""


class IngestInterrupted(OdoosyncError):
    """Ctrl-C during an ingest: what was stored by then is whole, and running the same ingest again completes it."""
