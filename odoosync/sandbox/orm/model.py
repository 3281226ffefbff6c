"""The model base: the generic methods of the external API (create, read, write, search, …), defaults, required
fields, access rights, company-dependent values, and which rows a search sees."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from odoosync.sandbox.errors import AccessError, MissingError, ServerError, ValidationError
from odoosync.sandbox.orm.database import Row
from odoosync.sandbox.orm.domains import Domain, compare, evaluate, sort_rows
from odoosync.sandbox.orm.fields import Char, Field, Many2one, One2many

if TYPE_CHECKING:
    from odoosync.sandbox.orm.environment import Env

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


def rpc(function: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a method callable through the external API on records: the first argument is the ids."""
    function._rpc = "records"  # type: ignore[attr-defined]
    return function


def rpc_model(function: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a method callable through the external API on the model (no ids), like Odoo's @api.model."""
    function._rpc = "model"  # type: ignore[attr-defined]
    return function


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
        return sort_rows(rows, order, self._fields)
