"""The Odoo emulator used by the demo and the tests. Depends on nothing else in odoosync.

from odoosync.sandbox import Sandbox

with Sandbox(version=17) as odoo:
    ...  # odoo.url, odoo.database, odoo.login, odoo.api_key, odoo.calls
"""

from odoosync.sandbox.sandbox import Sandbox

__all__ = ["Sandbox"]
