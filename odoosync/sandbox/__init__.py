"""The Odoo emulator used by the demo and the tests. Depends on nothing else in odoosync.

from odoosync.sandbox import Sandbox

with Sandbox(version=17) as odoo:
    ...  # odoo.url, odoo.database, odoo.login, odoo.api_key, odoo.calls
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from odoosync.sandbox.sandbox import Sandbox

__all__ = ["Sandbox"]


def __getattr__(name: str) -> Any:
    # Sandbox is loaded when asked for, so that importing odoosync.sandbox.faults loads nothing more.
    if name == "Sandbox":
        from odoosync.sandbox.sandbox import Sandbox  # noqa: PLC0415

        return Sandbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
