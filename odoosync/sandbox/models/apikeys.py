"""res.users.apikeys: a user's API keys as the external API shows them (never their secret).

From odoo/addons/base/models/res_users.py (class APIKeys, 16–18; ResUsersApikeys in 19) and base/security: fields
`name` ("Description"), `user_id`, `scope`, `create_date`, and from 18 `expiration_date` (a Datetime; empty for a
persistent key), all read-only. ir.model.access gives internal and portal users read only, no group create, write
or delete: keys are made by `_generate` (raw SQL, behind the Preferences → Account Security wizard) and removed by
`remove`, never through the ORM. Record rules: a user finds their own keys (api_key_user), an administrator every
key (api_key_admin). The secret itself lives in a column that is not a field; the instance keeps it.
"""

from __future__ import annotations

from typing import Any

from odoosync.sandbox.errors import AccessError
from odoosync.sandbox.orm.database import Row
from odoosync.sandbox.orm.domains import Domain
from odoosync.sandbox.orm.fields import Char, Datetime, Many2one
from odoosync.sandbox.orm.model import Model, rpc, rpc_model

ADMIN_GROUP = "base.group_system"


class APIKeys(Model):
    _name = "res.users.apikeys"
    _description = "Users API Keys"
    name = Char("Description", required=True, readonly=True)
    user_id = Many2one("res.users", required=True, readonly=True)
    scope = Char("Scope", readonly=True)
    create_date = Datetime("Creation Date", readonly=True)
    expiration_date = Datetime("Expiration Date", readonly=True, since=18)

    def visible_rows(self, domain: Domain | None = None) -> Any:
        if ADMIN_GROUP in (self.env.user.get("groups") or ()):
            return self.table.values()
        return (row for row in self.table.values() if row["user_id"] == self.env.uid)

    def _refused(self, operation: str) -> AccessError:
        # ir.model.access: no access line grants it, to any group. Odoo then adds which groups may (for users in
        # group_no_one, wording per version); the first sentence is the same from 16 to 19.
        return AccessError(
            f"You are not allowed to {operation} '{self._description}' ({self._name}) records.\n\n"
            "Contact your administrator to request access if necessary."
        )

    @rpc_model
    def create(self, vals_list: Row | list[Row]) -> int | list[int]:
        raise self._refused("create")

    @rpc
    def write(self, ids: list[int], vals: Row) -> bool:
        raise self._refused("modify")

    @rpc
    def unlink(self, ids: list[int]) -> bool:
        raise self._refused("delete")


MODELS: list[type[Model]] = [APIKeys]
