"""What a setting must be, in plain words: the tables checked against the schema with one line per wrong key, and
a text (an environment variable, a command-line value) read as the type of its key."""

from __future__ import annotations

import math
import typing
from collections.abc import Mapping
from typing import Literal

from pydantic import ValidationError

from odoosync.config.schema import (
    CONFIG_PROBLEM,
    FALSE_WORDS,
    SCHEMA_KEYS,
    SECRET_KEYS,
    SECTIONS,
    TRUE_WORDS,
    Section,
    show,
    split_key,
)

_EXPECTED_OVERRIDES = {
    "odoo.verify_tls": "true, false, or the path of a CA bundle file",
}


def _field_annotation(key: str) -> object:
    section, name = split_key(key)
    return SECTIONS[section].model_fields[name].annotation


def expected(key: str) -> str:
    """What a key accepts, in words, for messages."""
    if key in _EXPECTED_OVERRIDES:
        return _EXPECTED_OVERRIDES[key]
    annotation = _field_annotation(key)
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if typing.get_origin(annotation) is Literal:
        return "one of " + ", ".join(show(arg) for arg in args)
    kinds = set(args) if args else {annotation}
    if bool in kinds:
        return "true or false"
    if int in kinds:
        return "a whole number"
    if float in kinds:
        return "a number"
    return "a text string (in quotes)"


def _range(key: str) -> str:
    section, name = split_key(key)
    bounds: dict[str, object] = {}
    for item in SECTIONS[section].model_fields[name].metadata:
        for bound in ("gt", "ge", "lt", "le"):
            value = getattr(item, bound, None)
            if value is not None:
                bounds[bound] = value
    if "ge" in bounds and "le" in bounds:
        return f"must be between {bounds['ge']} and {bounds['le']}"
    words = []
    if "gt" in bounds:
        words.append(f"greater than {bounds['gt']}")
    if "ge" in bounds:
        words.append(f"at least {bounds['ge']}")
    if "lt" in bounds:
        words.append(f"less than {bounds['lt']}")
    if "le" in bounds:
        words.append(f"at most {bounds['le']}")
    return "must be " + " and ".join(words) if words else "is out of range"


def _got(key: str, value: object) -> str:
    return "" if key in SECRET_KEYS else f", got {show(value)}"


def _translate(section: str, exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors for one table → ``{dotted key: problem}`` in plain words, one problem per key."""
    problems: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        context = error.get("ctx") or {}
        loc = error["loc"]
        name = str(context["key"]) if "key" in context else (str(loc[0]) if loc else "")
        key = f"{section}.{name}"
        if key in problems:
            continue  # a union (verify_tls) reports once per branch; one line is enough
        kind = error["type"]
        value = error.get("input")
        if kind == CONFIG_PROBLEM:
            problems[key] = str(context["text"])
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
            problems[key] = _range(key) + _got(key, value)
        elif kind == "finite_number":
            problems[key] = "must be a finite number" + _got(key, value)
        else:
            problems[key] = f"must be {expected(key)}" + _got(key, value)
    return problems


def validate(raw: Mapping[str, object]) -> tuple[dict[str, Section], dict[str, str]]:
    """Validate every known table of a raw dict; returns the models and ``{dotted key: problem}``."""
    models: dict[str, Section] = {}
    problems: dict[str, str] = {}
    for section, model in SECTIONS.items():
        table = raw.get(section, {})
        if not isinstance(table, dict):
            problems[section] = f"must be a table (a [{section}] section), got {show(table)}"
            continue
        try:
            models[section] = model.model_validate(table)
        except ValidationError as exc:
            problems.update(_translate(section, exc))
    return models, problems


def in_schema_order(problems: Mapping[str, str]) -> list[str]:
    """The keys of ``problems`` in the order of the schema (a whole table's problem first)."""
    order = {key: index for index, key in enumerate(SCHEMA_KEYS)}
    return sorted(problems, key=lambda key: order.get(key, -1))


def parse_text(key: str, text: str) -> object:
    """A text (environment variable, command line) as the type of a schema key; ValueError if it can't be."""
    annotation = _field_annotation(key)
    args = set(typing.get_args(annotation)) - {type(None)}
    kinds = args if args and typing.get_origin(annotation) is not Literal else {annotation}
    text = text.strip()
    if bool in kinds:
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        if str in kinds:
            return text
        raise ValueError(f"must be true or false{_got(key, text)}")
    if int in kinds:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"must be a whole number{_got(key, text)}") from None
    if float in kinds:
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"must be a number{_got(key, text)}") from None
        if not math.isfinite(number):
            raise ValueError(f"must be a finite number{_got(key, text)}")
        return number
    return text
