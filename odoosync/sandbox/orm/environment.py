"""The environment of a call: who calls, with which context, on which database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odoosync.sandbox.orm.database import Database, Row

if TYPE_CHECKING:
    from odoosync.sandbox.orm.fields import Field
    from odoosync.sandbox.orm.model import Model


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
