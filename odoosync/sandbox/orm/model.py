"""A small in-memory ORM with the parts of Odoo's that the external API shows.

Records are dicts in per-model tables. Every RPC call runs as one transaction (`Database.transaction`): changes
go through `insert`/`update`/`delete`, which keep an undo log, and any error rolls the whole call back, as a
PostgreSQL transaction does in Odoo (odoo/service/model.py runs each call in one cursor). Ids are not given back
on rollback, as PostgreSQL sequences are not.

What a read returns follows odoo/models.py `read` / fields.py `convert_to_read`: False for empty values,
`[id, display_name]` for a many2one, a list of ids for x2many fields, floats for amounts, ISO strings for dates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, ClassVar

from odoosync.sandbox.errors import AccessError, MissingError, ServerError, ValidationError

Row = dict[str, Any]
Domain = list[Any]

# A company-dependent value written as False (an ir.property holding no record), as opposed to no value at all.
EMPTY = 0
# The groups' names in access errors (res.groups.full_name; "Technical/" in front up to 18, as the category).
GROUP_NAMES = {
    "analytic.group_analytic_accounting": "Analytic Accounting",
    "account.group_account_user": "Show Full Accounting Features",
}


def company_key(name: str, company: int) -> str:
    """Where a row keeps a company-dependent field's value for one company."""
    return f"{name}@company:{company}"


# --- fields ------------------------------------------------------------------------------------------------


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


# --- the database ------------------------------------------------------------------------------------------


class Database:
    """All tables of one Odoo database, one lock, the undo log of the call in progress, and the indexes that
    keep lookups by a parent (lines of a move) from scanning whole tables as the database grows."""

    # (model, field) pairs looked up by equality on hot paths.
    INDEXED: ClassVar[tuple[tuple[str, str], ...]] = (
        ("account.move.line", "move_id"),
        ("account.move", "reversed_entry_id"),
        ("account.move", "name"),
        ("account.payment.method.line", "journal_id"),
        ("_sequence", "prefix"),
    )

    def __init__(self, name: str, version: int) -> None:
        self.name = name
        self.version = version
        self.tables: dict[str, dict[int, Row]] = {}
        self.next_id: dict[str, int] = {}
        self.lock = threading.RLock()
        self._undo: list[Callable[[], None]] | None = None
        self.registry: dict[str, type[Model]] = {}
        self.indexes: dict[str, dict[str, dict[Any, set[int]]]] = {}
        for model, field in self.INDEXED:
            self.indexes.setdefault(model, {})[field] = {}
        # The per-company default of company-dependent fields, (model, field, company) → stored value: what a
        # chart of accounts sets as an ir.property without a record (up to 17) or an ir.default of the company
        # (from 18). Set by the seed; not exposed (the sandbox has neither model).
        self.company_defaults: dict[tuple[str, str, int], Any] = {}

    def table(self, model: str) -> dict[int, Row]:
        return self.tables.setdefault(model, {})

    def lookup(self, model: str, field: str, value: Any) -> set[int]:
        """Ids of the rows whose indexed `field` equals `value`."""
        return self.indexes[model][field].get(value, set())

    def children(self, model: str, field: str, parent_ids: Iterable[int]) -> list[Row]:
        """The rows of `model` whose indexed `field` points at one of `parent_ids`, in id order."""
        table = self.table(model)
        ids: set[int] = set()
        for parent in parent_ids:
            ids |= self.lookup(model, field, parent)
        return [table[i] for i in sorted(ids)]

    def next_number(self, prefix: str) -> int:
        """The next number of a gap-less sequence; kept in a table so that a rolled-back call gives it back."""
        found = self.lookup("_sequence", "prefix", prefix)
        if found:
            row = self.table("_sequence")[next(iter(found))]
            self.update("_sequence", row["id"], {"number": row["number"] + 1})
            return int(row["number"])
        self.insert("_sequence", {"prefix": prefix, "number": 1})
        return 1

    def sequence_used(self, prefix: str) -> bool:
        return bool(self.lookup("_sequence", "prefix", prefix))

    def is_indexed(self, model: str, field: str) -> bool:
        return field in self.indexes.get(model, {})

    def _index(self, model: str, row: Row, *, add: bool) -> None:
        for field, index in self.indexes.get(model, {}).items():
            value = row.get(field)
            if value is None:
                continue
            if add:
                index.setdefault(value, set()).add(row["id"])
            else:
                index.get(value, set()).discard(row["id"])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            if self._undo is not None:  # nested: part of the outer call
                yield
                return
            self._undo = []
            try:
                yield
            except BaseException:
                for undo in reversed(self._undo):
                    undo()
                raise
            finally:
                self._undo = None

    def insert(self, model: str, row: Row) -> int:
        table = self.table(model)
        new_id = self.next_id.get(model, 1)
        self.next_id[model] = new_id + 1
        row["id"] = new_id
        table[new_id] = row
        self._index(model, row, add=True)
        if self._undo is not None:
            self._undo.append(lambda: self._forget(model, new_id))
        return new_id

    def _forget(self, model: str, record_id: int) -> None:
        row = self.table(model).pop(record_id, None)
        if row is not None:
            self._index(model, row, add=False)

    def _restore(self, model: str, row: Row) -> None:
        self.table(model)[row["id"]] = row
        self._index(model, row, add=True)

    def update(self, model: str, record_id: int, changes: Row) -> None:
        row = self.table(model)[record_id]
        if self._undo is not None:
            before = {key: row[key] for key in changes if key in row}
            absent = [key for key in changes if key not in row]

            def undo() -> None:
                self._index(model, row, add=False)
                row.update(before)
                for key in absent:
                    row.pop(key, None)
                self._index(model, row, add=True)

            self._undo.append(undo)
        self._index(model, row, add=False)
        row.update(changes)
        self._index(model, row, add=True)

    def delete(self, model: str, record_id: int) -> None:
        row = self.table(model).pop(record_id)
        self._index(model, row, add=False)
        if self._undo is not None:
            self._undo.append(lambda: self._restore(model, row))


class Env:
    """Who calls, with which context, on which database; `env[model]` gives the model."""

    def __init__(self, db: Database, uid: int, context: dict[str, Any] | None = None) -> None:
        self.db = db
        self.uid = uid
        self.context = dict(context or {})

    def __getitem__(self, model: str) -> Model:
        cls = self.db.registry.get(model)
        if cls is None:
            raise KeyError(model)
        return cls(self)

    def with_context(self, **values: Any) -> Env:
        return Env(self.db, self.uid, {**self.context, **values})

    @property
    def version(self) -> int:
        return self.db.version

    @property
    def user(self) -> Row:
        return self.db.table("res.users")[self.uid]

    @property
    def company_ids(self) -> list[int]:
        """The companies the call works in: `allowed_company_ids` from the context, else the user's company."""
        allowed = self.context.get("allowed_company_ids")
        if allowed:
            return [int(i) for i in allowed]
        return [self.user["company_id"]]

    @property
    def company_id(self) -> int:
        return self.company_ids[0]

    def model_name_of(self, field: Field) -> str:
        for name, cls in self.db.registry.items():
            if cls._fields.get(field.name) is field:
                return name
        return "?"


# --- models ------------------------------------------------------------------------------------------------


def rpc(function: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a method callable through the external API on records: the first argument is the ids."""
    function._rpc = "records"  # type: ignore[attr-defined]
    return function


def rpc_model(function: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a method callable through the external API on the model (no ids), like Odoo's @api.model."""
    function._rpc = "model"  # type: ignore[attr-defined]
    return function


_TERM = re.compile(r"^\s*(\w+)(?:\s+(asc|desc))?\s*$", re.IGNORECASE)


class Model:
    _name: ClassVar[str] = ""
    _rec_name: ClassVar[str] = "name"
    _description: ClassVar[str] = ""  # the model's _description, as Odoo's messages name it
    # ir.model.access where it is narrower than "every internal user may do everything": operation (read, write,
    # create, unlink) → the groups (XML ids) any of which grants it. Operations not named are open.
    _access: ClassVar[dict[str, tuple[str, ...]]] = {}
    _order: ClassVar[str] = "id"
    _all_fields: ClassVar[dict[str, Field]] = {}
    _fields: ClassVar[dict[str, Field]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_fields" in vars(cls):  # made by for_version: its fields are already chosen
            return
        collected: dict[str, Field] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Field):
                    value.name = name
                    collected[name] = value
        cls._all_fields = collected
        cls._fields = collected

    @classmethod
    def for_version(cls, version: int) -> type[Model]:
        """A subclass whose fields are those this Odoo version has."""
        fields = {name: f for name, f in cls._all_fields.items() if f.exists_in(version)}
        namespace: dict[str, Any] = {"_fields": fields}
        if version >= 19:
            # odoo/orm/models.py (19): default_get(self, fields); up to 18 default_get(self, fields_list). JSON-2
            # binds named arguments, so the name matters there.
            def default_get(self: Model, fields: list[str]) -> Row:
                return self.defaults_for(fields)

            namespace["default_get"] = rpc_model(default_get)

            def name_search(
                self: Model, name: str = "", domain: Domain | None = None, operator: str = "ilike", limit: int = 100
            ) -> list[list[Any]]:
                return self.name_search_in(name, domain, operator, limit)

            namespace["name_search"] = rpc_model(name_search)
        return type(cls.__name__, (cls,), namespace)

    def __init__(self, env: Env) -> None:
        self.env = env

    @property
    def table(self) -> dict[int, Row]:
        return self.env.db.table(self._name)

    # --- helpers subclasses use ---

    def browse(self, ids: Iterable[int]) -> list[Row]:
        """The rows of `ids`; MissingError as Odoo raises it for ids that do not exist."""
        rows = []
        missing = []
        for record_id in ids:
            row = self.table.get(record_id)
            if row is None:
                missing.append(record_id)
            else:
                rows.append(row)
        if missing:
            raise MissingError(
                "Record does not exist or has been deleted.\n"
                f"(Record: {self._name}({', '.join(map(str, missing))},), User: {self.env.uid})"
            )
        return rows

    def display_name_of(self, record_id: int) -> str:
        row = self.table.get(record_id)
        return self.compute_display_name(row) if row else ""

    def compute_display_name(self, row: Row) -> str:
        return str(row.get(self._rec_name) or "")

    def defaults(self) -> Row:
        values: Row = {}
        for name, field in self._fields.items():
            if field.default is not None and field.store:
                values[name] = field.default(self.env) if callable(field.default) else field.default
        return values

    def check(self, row: Row) -> None:
        """Constraints on a created or written row (override; raise ValidationError)."""

    def prepare_create(self, values: Row) -> Row:
        """Turn create values into a row: defaults, conversion (override to add computed values)."""
        self._check_foreign_keys(values)
        row = self.defaults()
        row.update(self.convert(values))
        for name, field in self._fields.items():
            if field.required and field.store and not field.company_dependent and row.get(name) in (None, False, ""):
                raise ValidationError(self._mandatory_message(name, field))
        return row

    def _mandatory_message(self, name: str, field: Field) -> str:
        """odoo/service/model.py, a NOT NULL violation at flush, as real 16 to 19 word it."""
        string, model = field.describe()["string"], self.describe_model()
        if self.env.version <= 18:
            return (
                "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
                "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
                f"Model: {model} ({self._name})\nField: {string} ({name})\n"
            )
        return (
            f"The operation cannot be completed: Missing required value for the field '{string}' ({name}).\n"
            f"Model: '{model}' ({self._name})\n- create/update: a mandatory field is not set\n"
            "- delete: another model requires the record being deleted, you can archive it instead\n"
        )

    def _check_foreign_keys(self, values: Row) -> None:
        """A many2one nothing reads while creating reaches the database unchecked: its foreign key refuses a missing
        id at flush, which Odoo reports as a ValidationError (real 16 to 19: res.partner's country_id). Fields
        that create's computes read raise MissingError instead (Many2one.convert_to_cache)."""
        for name, value in values.items():
            field = self._fields.get(name)
            if not isinstance(field, Many2one) or not field.foreign_key_on_create:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value in self.env.db.table(field.comodel):
                continue
            string, model = field.describe()["string"], self.describe_model()
            if self.env.version <= 18:
                raise ValidationError(
                    "The operation cannot be completed: another model requires the record being deleted. "
                    f"If possible, archive it instead.\n\nModel: {model} ({self._name})\n"
                    f"Constraint: {self._name.replace('.', '_')}_{name}_fkey\n"
                )
            raise ValidationError(
                "The operation cannot be completed: Another model is using the record you are trying to delete.\n\n"
                f"The troublemaker is: '{model}' ({self._name})\nThanks to the following constraint: '{string}' "
                f"({name})\nHow about archiving the record instead?"
            )

    def check_access(self, method: str) -> None:
        """ir.model.access for an external call: the AccessError Odoo gives a user in none of the groups."""
        operation = {"create": "create", "write": "write", "unlink": "unlink"}.get(method, "read")
        allowed = self._access.get(operation)
        if allowed is None or set(allowed) & set(self.env.user.get("groups") or ()):
            return
        verb = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}[operation]
        prefix = "Technical/" if self.env.version <= 18 else ""
        groups = "".join(f"\t- {prefix}{GROUP_NAMES.get(group, group)}\n" for group in allowed)
        raise AccessError(
            f"You are not allowed to {verb} '{self._description}' ({self._name}) records.\n\n"
            f"This operation is allowed for the following groups:\n{groups}\n"
            "Contact your administrator to request access if necessary."
        )

    def describe_model(self) -> str:
        return self._description or self._name.replace(".", " ").title()

    def convert(self, values: Row) -> Row:
        if not isinstance(values, dict):
            raise ServerError("builtins.TypeError", f"values must be a dict, got {type(values).__name__}")
        converted: Row = {}
        for name, value in values.items():
            field = self._fields.get(name)
            if field is None:
                raise ValueError(f"Invalid field '{name}' on model '{self._name}'")
            if not field.store:
                continue
            try:
                stored = field.convert_to_cache(value, self.env)
            except (TypeError, ValueError) as error:
                raise ServerError("builtins.ValueError", str(error)) from None
            if field.company_dependent:
                # The value of the context's company only (ir.property of env.company, or that company's key).
                converted[company_key(name, self.env.company_id)] = EMPTY if stored is None else stored
            else:
                converted[name] = stored
        return converted

    def company_value(self, row: Row, name: str, company: int | None = None) -> Any:
        """A company-dependent field's value in `company` (the context's by default): the record's own value for
        that company, else the company's default (ir.property._get_multi up to 17; the jsonb key, else the
        ir.default fallback, from 18). A value written as False stays False."""
        company = company or self.env.company_id
        value = row.get(company_key(name, company))
        if value is None:
            return self.env.db.company_defaults.get((self._name, name, company))
        return None if value == EMPTY else value

    def after_create(self, record_id: int, values: Row) -> None:
        """Called once the row exists: create children from x2many commands, recompute (override)."""

    def after_write(self, ids: list[int], values: Row) -> None:
        """Called after a write (override)."""

    # --- the generic methods of the external API ---

    @rpc_model
    def create(self, vals_list: Row | list[Row]) -> int | list[int]:
        single = isinstance(vals_list, dict)
        values_list: list[Row] = [vals_list] if isinstance(vals_list, dict) else vals_list
        if not isinstance(values_list, list):
            raise ServerError("builtins.TypeError", "create() takes a dict or a list of dicts")
        ids = []
        for values in values_list:
            row = self.prepare_create(values)
            record_id = self.env.db.insert(self._name, row)
            self.after_create(record_id, values)
            self.check(self.table[record_id])
            ids.append(record_id)
        return ids[0] if single else ids

    @rpc
    def write(self, ids: list[int], vals: Row) -> bool:
        values = vals
        rows = self.browse(ids)
        changes = self.convert(values)
        for row in rows:
            self.env.db.update(self._name, row["id"], dict(changes))
        self.after_write([row["id"] for row in rows], values)
        for row in rows:
            self.check(row)
        return True

    @rpc
    def unlink(self, ids: list[int]) -> bool:
        for row in self.browse(ids):
            self.env.db.delete(self._name, row["id"])
        return True

    @rpc
    def read(self, ids: list[int], fields: list[str] | None = None, load: str = "_classic_read") -> list[Row]:
        # models.py _read_format: one dict per record that exists; missing ids are left out, not an error.
        return [self.read_row(self.table[i], fields) for i in ids if i in self.table]

    def read_row(self, row: Row, fields: list[str] | None) -> Row:
        names = fields or [name for name in self._fields]
        out: Row = {"id": row["id"]}
        for name in names:
            if name == "id":
                continue
            if name == "display_name":
                out[name] = self.compute_display_name(row)
                continue
            field = self._fields.get(name)
            if field is None:
                raise ValueError(f"Invalid field {name!r} on model {self._name!r}")
            if isinstance(field, One2many):
                out[name] = field.ids_of(row["id"], self.env)
            elif isinstance(field, Char):
                out[name] = field.convert_to_read(field.value_in(row, self.env), self.env)
            elif field.company_dependent:
                out[name] = field.convert_to_read(self.company_value(row, name), self.env)
            else:
                out[name] = field.convert_to_read(row.get(name), self.env)
        return out

    @rpc_model
    def search(
        self, domain: Domain | None = None, offset: int = 0, limit: int | None = None, order: str | None = None
    ) -> list[int]:
        rows = [row for row in self.visible_rows(domain) if self.matches(row, domain or [])]
        rows = self.sort(rows, order or self._order)
        end = None if limit is None or limit is False else offset + limit
        return [row["id"] for row in rows[offset:end]]

    @rpc_model
    def search_read(
        self,
        domain: Domain | None = None,
        fields: list[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[Row]:
        ids = self.search(domain, offset=offset, limit=limit, order=order)
        return [self.read_row(self.table[i], fields) for i in ids]

    @rpc_model
    def search_count(self, domain: Domain | None = None, limit: int | None = None) -> int:
        return len(self.search(domain, limit=limit))

    @rpc_model
    def name_search(
        self, name: str = "", args: Domain | None = None, operator: str = "ilike", limit: int = 100
    ) -> list[list[Any]]:
        """models.py up to 18: the domain is `args` (19 names it `domain`: for_version)."""
        return self.name_search_in(name, args, operator, limit)

    def name_search_in(
        self, name: str = "", domain: Domain | None = None, operator: str = "ilike", limit: int = 100
    ) -> list[list[Any]]:
        full = list(domain or [])
        if name:
            full = ["&", (self._rec_name, operator, name), *full] if full else [(self._rec_name, operator, name)]
        ids = self.search(full, limit=limit)
        return [[i, self.display_name_of(i)] for i in ids]

    @rpc_model
    def fields_get(self, allfields: list[str] | None = None, attributes: list[str] | None = None) -> Row:
        described: Row = {}
        for name, field in self._fields.items():
            if allfields and name not in allfields:
                continue
            info = field.describe()
            described[name] = {k: v for k, v in info.items() if not attributes or k in attributes}
        return described

    @rpc_model
    def default_get(self, fields_list: list[str]) -> Row:
        return self.defaults_for(fields_list)

    def defaults_for(self, names: Iterable[str]) -> Row:
        """models.py default_get: per asked field, a `default_<name>` of the context, else the field's default,
        else (company-dependent fields) the default of the context's company; names that are not fields are
        skipped, fields without a default left out. Values come as convert_to_write gives them: a many2one as an
        id, a many2many as one (6, 0, ids) command, amounts as floats.

        Company-dependent fields: up to 17 their field default is ir.property._get (fields.py
        _default_company_dependent), so the key is there even when the company has none (False); from 18 they
        have no field default and the ir.default of the company is the fallback (step 4), so without one the
        key is left out."""
        defaults: Row = {}
        for name in names:
            key = f"default_{name}"
            field = self._fields.get(name)
            if key in self.env.context:
                value = self.env.context[key]
                if field is not None and field.store:
                    # convert_to_cache(validate=False): a value that does not convert is kept as given.
                    with contextlib.suppress(TypeError, ValueError, MissingError):
                        value = field.convert_to_write(field.convert_to_cache(value, self.env), self.env)
                defaults[name] = value
                continue
            if field is None:
                continue
            if field.default is not None:
                value = field.default(self.env) if callable(field.default) else field.default
                defaults[name] = field.convert_to_write(value, self.env)
            elif field.company_dependent:
                value = self.env.db.company_defaults.get((self._name, name, self.env.company_id))
                if value is not None or self.env.version <= 17:
                    defaults[name] = field.convert_to_write(value, self.env)
        return defaults

    # --- searching ---

    def visible_rows(self, domain: Domain | None = None) -> Iterable[Row]:
        """Rows the caller may see (Odoo's multi-company record rule: own companies or none), narrowed first by an
        index when the domain is a plain conjunction holding an equality on an indexed field."""
        rows: Iterable[Row] = self.table.values()
        db = self.env.db
        if domain and "|" not in domain and "!" not in domain:
            for leaf in domain:
                if (
                    isinstance(leaf, list | tuple)
                    and len(leaf) == 3
                    and leaf[1] == "="
                    and isinstance(leaf[0], str)
                    and db.is_indexed(self._name, leaf[0])
                ):
                    rows = [self.table[i] for i in sorted(db.lookup(self._name, leaf[0], leaf[2]))]
                    break
        allowed = set(self.env.company_ids)
        if "company_id" in self._fields:
            return (r for r in rows if r.get("company_id") in allowed or not r.get("company_id"))
        if "company_ids" in self._fields:
            return (r for r in rows if not r.get("company_ids") or allowed & set(r["company_ids"]))
        return rows

    def matches(self, row: Row, domain: Domain) -> bool:
        filters_archived = "active" in self._fields and self.env.context.get("active_test", True)
        mentions_active = any(isinstance(leaf, list | tuple) and leaf and leaf[0] == "active" for leaf in domain)
        if filters_archived and not mentions_active and not row.get("active", True):
            return False
        return evaluate(domain, lambda leaf: self.match_leaf(row, leaf))

    def match_leaf(self, row: Row, leaf: list[Any] | tuple[Any, ...]) -> bool:
        if len(leaf) != 3:
            raise ValueError(f"Invalid leaf {list(leaf)!r}")
        path, operator, value = leaf
        if not isinstance(path, str):
            raise ValueError(f"Invalid leaf {list(leaf)!r}")
        name, _, rest = path.partition(".")
        if name == "id":
            actual: Any = row["id"]
            field: Field | None = None
        else:
            field = self._fields.get(name)
            if field is None:
                raise ValueError(f"Invalid field {self._name}.{name} in leaf {tuple(leaf)!r}")
            if isinstance(field, One2many):
                actual = field.ids_of(row["id"], self.env)
            elif isinstance(field, Char):
                actual = field.value_in(row, self.env)
            elif field.company_dependent:
                actual = self.company_value(row, name)
            else:
                actual = row.get(name)
        if rest:
            comodel = getattr(field, "comodel", None)
            if comodel is None:
                raise ValueError(f"Invalid field {self._name}.{path} in leaf {tuple(leaf)!r}")
            targets = actual if isinstance(actual, list | tuple) else ([actual] if actual else [])
            related = self.env[comodel]
            return any(related.match_leaf(related.table[t], (rest, operator, value)) for t in targets)
        return compare(actual, operator, value, field)

    def sort(self, rows: list[Row], order: str) -> list[Row]:
        for term in reversed(order.split(",")):
            match = _TERM.match(term)
            if not match or (match.group(1) != "id" and match.group(1) not in self._fields):
                raise ValueError(f"Invalid order {order!r}")
            name, direction = match.group(1), (match.group(2) or "asc").lower()
            rows = sorted(rows, key=lambda r: _sort_key(r.get(name)), reverse=direction == "desc")
        return rows


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None or value is False:
        return (0, 0)
    if isinstance(value, str):
        return (1, value.lower())
    return (1, value)


# --- domains -----------------------------------------------------------------------------------------------


def evaluate(domain: Domain, leaf_matches: Callable[[list[Any] | tuple[Any, ...]], bool]) -> bool:
    """Evaluate a domain in Odoo's prefix notation; leaves side by side are joined with an implicit '&'."""
    if not isinstance(domain, list | tuple):
        raise ValueError(f"Invalid domain {domain!r}")
    items = list(domain)
    position = 0

    def parse() -> bool:
        nonlocal position
        if position >= len(items):
            raise ValueError(f"Invalid domain {domain!r}")
        item = items[position]
        position += 1
        if item == "&":
            first, second = parse(), parse()
            return first and second
        if item == "|":
            first, second = parse(), parse()
            return first or second
        if item == "!":
            return not parse()
        if isinstance(item, list | tuple):
            return leaf_matches(item)
        raise ValueError(f"Invalid domain term {item!r}")

    result = True
    while position < len(items):
        result = parse() and result
    return result


def _like(pattern: str, text: str, *, case_sensitive: bool, anchored: bool) -> bool:
    if anchored:
        # PostgreSQL's LIKE: % and _ are wildcards, a backslash makes the next character itself.
        parts, escaped = [], False
        for c in pattern:
            if escaped:
                parts.append(re.escape(c))
                escaped = False
            elif c == "\\":
                escaped = True
            else:
                parts.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        return re.fullmatch("".join(parts), text, 0 if case_sensitive else re.IGNORECASE) is not None
    return pattern in text if case_sensitive else pattern.lower() in text.lower()


def compare(actual: Any, operator: str, value: Any, field: Field | None) -> bool:
    if isinstance(actual, Decimal) and isinstance(value, int | float):
        value = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(actual, dt.datetime) and isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    elif isinstance(actual, dt.date) and isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    many = isinstance(actual, list | tuple)
    empty = actual is None or actual is False or (many and not actual)
    if operator in ("=", "=="):
        if value is False or value is None:
            return empty
        return value in actual if many else actual == value
    if operator in ("!=", "<>"):
        if value is False or value is None:
            return not empty
        return value not in actual if many else actual != value
    if operator in ("in", "not in"):
        values = list(value) if isinstance(value, list | tuple) else [value]
        if isinstance(actual, dt.date):
            values = [dt.date.fromisoformat(v[:10]) if isinstance(v, str) else v for v in values]
        hit = bool(set(actual) & set(values)) if many else (actual in values or (empty and False in values))
        return hit if operator == "in" else not hit
    if operator in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        text = "" if empty else str(actual)
        hit = _like(str(value), text, case_sensitive="ilike" not in operator, anchored=operator.startswith("="))
        return not hit if operator.startswith("not") else hit
    if operator in ("<", ">", "<=", ">="):
        if empty:
            return False
        ops: dict[str, Callable[[Any, Any], bool]] = {
            "<": lambda a, b: a < b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
        }
        return ops[operator](actual, value)
    raise ValueError(f"Invalid operator {operator!r}")
