"""Odoo's exceptions as the external API reports them: the class path in `name`, the message verbatim."""

from __future__ import annotations

from typing import Any


class OdooError(Exception):
    """Base of the errors a call can end with; `name` is what Odoo puts in the error's `data.name`."""

    name = "odoo.exceptions.UserError"
    http_status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def data(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "name": self.name,
            "message": self.message,
            "arguments": [self.message],
            "context": context or {},
            "debug": f"Traceback (most recent call last):\n{self.name}: {self.message}\n",
        }


class UserError(OdooError):
    name = "odoo.exceptions.UserError"


class ValidationError(OdooError):
    name = "odoo.exceptions.ValidationError"


class RedirectWarning(OdooError):
    """A refusal that offers the user an action (in the web client); through the API it is an error like the others."""

    name = "odoo.exceptions.RedirectWarning"


class AccessError(OdooError):
    name = "odoo.exceptions.AccessError"
    http_status = 403


class AccessDenied(OdooError):
    name = "odoo.exceptions.AccessDenied"
    http_status = 403

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class MissingError(OdooError):
    name = "odoo.exceptions.MissingError"
    http_status = 404


class ServerError(OdooError):
    """A Python error inside the server, e.g. bad arguments: Odoo reports the builtin exception's name."""

    http_status = 500

    def __init__(self, exception_name: str, message: str) -> None:
        super().__init__(message)
        self.name = exception_name


class HttpError(OdooError):
    """A werkzeug HTTP exception as JSON-2 reports it: `arguments` holds the description and the status."""

    def __init__(self, kind: str, status: int, message: str) -> None:
        super().__init__(message)
        self.name = f"werkzeug.exceptions.{kind}"
        self.http_status = status

    def data(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        return {**super().data(context), "arguments": [self.message, self.http_status]}


class ConcurrencyError(OdooError):
    """What Odoo lets through once its own retries on a serialization failure are exhausted."""

    name = "psycopg2.errors.SerializationFailure"
    http_status = 503

    def __init__(self) -> None:
        super().__init__("could not serialize access due to concurrent update")
