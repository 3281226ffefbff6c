"""Searching as Odoo does it: domains in prefix notation, how a leaf compares a value, the order of results."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Container
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from odoosync.sandbox.orm.database import Row
    from odoosync.sandbox.orm.fields import Field

Domain = list[Any]

_TERM = re.compile(r"^\s*(\w+)(?:\s+(asc|desc))?\s*$", re.IGNORECASE)


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


def sort_rows(rows: list[Row], order: str, names: Container[str]) -> list[Row]:
    """`rows` in the order of an `order` clause ("date desc, id"); `names` are the fields it may name."""
    for term in reversed(order.split(",")):
        match = _TERM.match(term)
        if not match or (match.group(1) != "id" and match.group(1) not in names):
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
