"""Every way a call to Odoo can fail, as one of a few errors that say what to do.

Transient errors may be retried; permanent ones need a person. `OutcomeUnknown` is neither: a call that changes
data was sent and no answer came back, so it may or may not have happened, and only a look at Odoo (the
marker search of the sync engine) can tell. No message here ever contains the API key.
"""

from __future__ import annotations

from odoosync.domain.errors import OdoosyncError


class OdooError(OdoosyncError):
    """A call to Odoo failed. `odoo_name` is Odoo's exception class when Odoo answered with one. `hint`: what a
    person can look at when the cause may be on their side (the port, the scheme, the proxy), kept apart from the
    instruction so that whoever gives up retrying can say it with its own next step."""

    def __init__(
        self,
        reason: str,
        instruction: str | None = None,
        *,
        odoo_name: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(reason, instruction)
        self.odoo_name = odoo_name
        self.hint = hint


class ConnectionProblem(OdooError):
    """The server cannot be reached or is not an Odoo we can talk to (DNS, refused, TLS, not Odoo, no database)."""


class AuthError(OdooError):
    """The login or API key is wrong, expired or revoked."""


class AccessError(OdooError):
    """The user may not do this in Odoo."""


class UserError(OdooError):
    """Odoo refused the operation; its message is kept verbatim."""


class ValidationError(UserError):
    """Odoo found the values invalid; its message is kept verbatim."""


class MissingRecord(OdooError):
    """A record odoosync refers to does not exist (any more) in Odoo."""


class ServerError(OdooError):
    """Odoo answered with an unexpected error (a bug, bad arguments)."""


class TransientError(OdooError):
    """Worth retrying later: unreachable for now, overloaded (429/502/503/504), a timeout, a concurrency error."""

    def __init__(
        self,
        reason: str,
        instruction: str | None = None,
        *,
        odoo_name: str | None = None,
        hint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason, instruction, odoo_name=odoo_name, hint=hint)
        self.retry_after = retry_after


class OutcomeUnknown(OdooError):
    """A call that changes data was sent but no answer came: it may have happened. Look before trying again."""


class UnreadableAnswer(OutcomeUnknown):
    """An answer came, but not Odoo's (a proxy's error page, a CDN's timeout, garbage, a cut body, the wrong
    shape): the call may have been done all the same, so a change is an unknown outcome; a read is asked again.
    `seen` says what came instead (e.g. "HTTP 524, text/html")."""

    def __init__(self, reason: str, instruction: str | None = None, *, seen: str = "", hint: str | None = None) -> None:
        super().__init__(reason, instruction, hint=hint)
        self.seen = seen
