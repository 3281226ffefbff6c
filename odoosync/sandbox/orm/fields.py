"""The field types: how a value given through the external API is stored, and how a stored one is read back.

What a read returns follows odoo/models.py `read` / fields.py `convert_to_read`: False for empty values,
`[id, display_name]` for a many2one, a list of ids for x2many fields, floats for amounts, ISO strings for dates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from odoosync.sandbox.errors import MissingError
from odoosync.sandbox.orm.database import Row
from odoosync.sandbox.orm.domains import Domain

if TYPE_CHECKING:
    from odoosync.sandbox.orm.environment import Env


class Field:
    type = "char"

    def __init__(
        self,
        string: str | None = None,
        *,
        required: bool = False,
        readonly: bool = False,
        default: Any = None,
        since: int | None = None,
        until: int | None = None,
        store: bool = True,
        company_dependent: bool = False,
    ) -> None:
        self.string = string
        self.required = required
        self.readonly = readonly
        self.default = default
        self.since = since
        self.until = until
        self.store = store
        # fields.py company_dependent: one value per company (ir.property up to 17, a jsonb column keyed by company
        # from 18), read in the company of the context, with a per-company default; see Model.company_value.
        self.company_dependent = company_dependent
        self.name = ""

    def exists_in(self, version: int) -> bool:
        return (self.since is None or version >= self.since) and (self.until is None or version <= self.until)

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        """RPC input → stored value; ServerError-free: raise ValueError for bad input."""
        return value if value is not False else None

    def convert_to_read(self, value: Any, env: Env) -> Any:
        return False if value is None else value

    def describe(self) -> dict[str, Any]:
        described = {
            "type": self.type,
            "string": self.string or self.name.replace("_", " ").title(),
            "required": self.required,
            "readonly": self.readonly,
            "store": self.store,
        }
        if self.company_dependent:
            described["company_dependent"] = True
        return described

    def convert_to_write(self, value: Any, env: Env) -> Any:
        """A stored value → what default_get answers (fields.py convert_to_write: ids, floats, ISO dates)."""
        return self.convert_to_read(value, env)


class Char(Field):
    def __init__(self, string: str | None = None, *, translate: bool = False, **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        # Translated values live beside the source one, under "name@ar_001"; read and searched in the context's lang.
        self.translate = translate

    def value_in(self, row: Row, env: Env) -> Any:
        lang = env.context.get("lang")
        if self.translate and lang and lang != "en_US":
            return row.get(f"{self.name}@{lang}") or row.get(self.name)
        return row.get(self.name)

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        if value is False or value is None:
            return None
        if not isinstance(value, str):
            value = str(value)
        return value


class Text(Char):
    type = "text"


class Boolean(Field):
    type = "boolean"

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        return bool(value)

    def convert_to_read(self, value: Any, env: Env) -> Any:
        return bool(value)


class Integer(Field):
    type = "integer"

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        return int(value or 0)

    def convert_to_read(self, value: Any, env: Env) -> Any:
        return value or 0


class Monetary(Field):
    """Amounts: kept as exact decimals here, sent as JSON numbers as Odoo sends its floats."""

    type = "monetary"

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        if value is None or value is False:
            return Decimal(0)
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise ValueError(f"{value!r} is not a number")
        # repr gives the shortest decimal that reads back as the same float: what the client wrote.
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)

    def convert_to_read(self, value: Any, env: Env) -> Any:
        return float(value or 0)


class Float(Monetary):
    type = "float"


class Selection(Field):
    type = "selection"

    def __init__(self, selection: list[tuple[str, str]], string: str | None = None, **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self.selection = selection

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        if value is False or value is None:
            return None
        if value not in {key for key, _ in self.selection}:
            raise ValueError(f"Wrong value for {env.model_name_of(self)}.{self.name}: {value!r}")
        return value

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "selection": [list(item) for item in self.selection]}


class Date(Field):
    type = "date"

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        if value is False or value is None:
            return None
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value)[:10])

    def convert_to_read(self, value: Any, env: Env) -> Any:
        return value.isoformat() if value else False


class Datetime(Field):
    """A naive UTC datetime, read as Odoo writes it: "YYYY-MM-DD HH:MM:SS" (fields.Datetime.to_string)."""

    type = "datetime"

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        if value is False or value is None:
            return None
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return moment.replace(microsecond=0)

    def convert_to_read(self, value: Any, env: Env) -> Any:
        return value.strftime("%Y-%m-%d %H:%M:%S") if value else False


class Json(Field):
    type = "json"

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        if value is False or value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError(f"{value!r} is not a JSON object")
        return dict(value)


class Many2one(Field):
    type = "many2one"

    def __init__(
        self, comodel: str, string: str | None = None, *, foreign_key_on_create: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(string, **kwargs)
        self.comodel = comodel
        self.foreign_key_on_create = foreign_key_on_create

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        if value is False or value is None:
            return None
        if isinstance(value, list | tuple) and value:
            value = value[0]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a record id")
        if value not in env.db.table(self.comodel):
            # odoo/service/model.py turns the foreign key violation into this MissingError.
            raise MissingError(
                f"Record does not exist or has been deleted.\n(Record: {self.comodel}({value},), User: {env.uid})"
            )
        return value

    def convert_to_read(self, value: Any, env: Env) -> Any:
        if not value:
            return False
        return [value, env[self.comodel].display_name_of(value)]

    def convert_to_write(self, value: Any, env: Env) -> Any:
        return value or False

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "relation": self.comodel}


class One2many(Field):
    type = "one2many"

    def __init__(
        self, comodel: str, inverse: str, string: str | None = None, *, domain: Domain | None = None, **kwargs: Any
    ) -> None:
        super().__init__(string, store=False, **kwargs)
        self.comodel = comodel
        self.inverse = inverse
        self.domain = list(domain or [])

    def ids_of(self, record_id: int, env: Env) -> list[int]:
        ids: list[int] = env[self.comodel].search([(self.inverse, "=", record_id), *self.domain])
        return ids

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "relation": self.comodel, "relation_field": self.inverse}


class Many2many(Field):
    type = "many2many"

    def __init__(self, comodel: str, string: str | None = None, **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self.comodel = comodel

    def convert_to_cache(self, value: Any, env: Env) -> Any:
        """Accepts a list of ids or the x2many commands (4, id), (3, id), (5,), (6, 0, ids)."""
        if value is False or value is None:
            return ()
        ids: list[int] = []
        for item in value:
            if isinstance(item, int):
                ids.append(item)
            elif isinstance(item, list | tuple) and item and item[0] == 6:
                ids = list(item[2])
            elif isinstance(item, list | tuple) and item and item[0] == 4:
                ids.append(item[1])
            elif isinstance(item, list | tuple) and item and item[0] == 5:
                ids = []
            else:
                raise ValueError(f"unsupported many2many command {item!r}")
        missing = [i for i in ids if i not in env.db.table(self.comodel)]
        if missing:
            raise MissingError(
                f"Record does not exist or has been deleted.\n(Record: {self.comodel}{tuple(missing)}, User: {env.uid})"
            )
        return tuple(dict.fromkeys(ids))

    def convert_to_read(self, value: Any, env: Env) -> Any:
        return list(value or ())

    def convert_to_write(self, value: Any, env: Env) -> Any:
        # _RelationalMulti.convert_to_write: existing records become one Command.SET.
        return [[6, 0, list(value or ())]]

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "relation": self.comodel}
