"""The Odoo emulator used by the demo and the tests (issue 3). Depends on nothing else in odoosync."""
