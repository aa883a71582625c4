"""Problems found in input files, as lines a coordinator can act on.

Each pydantic error becomes "what was expected; what was found". A value is quoted
(shortened, with control characters escaped) unless its field is special-category
(:data:`~matcher.models.SENSITIVE_FIELDS`): then the message says the value is wrong,
never what it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from matcher.errors import InputError, RowError, escape_control
from matcher.models import ID_PATTERN, SENSITIVE_FIELDS

__all__ = ["Collector", "describe", "row_errors", "row_id", "shown"]

_ID = re.compile(ID_PATTERN)


class Collector:
    """Collects row errors up to a limit, then raises them together."""

    def __init__(self, limit: int) -> None:
        self.errors: list[RowError] = []
        self.limit = limit
        self.truncated = False

    def add(self, error: RowError) -> None:
        """Keep ``error``, or note that there were more than the limit."""
        if len(self.errors) < self.limit:
            self.errors.append(error)
        else:
            self.truncated = True

    @property
    def full(self) -> bool:
        """True once an error had to be dropped."""
        return self.truncated

    def raise_if_any(self) -> None:
        """Raise :class:`InputError` with every error kept, if there is one."""
        if self.errors:
            raise InputError(self.errors, self.truncated)


def shown(value: Any) -> str:
    """A value quoted for a message: at most 40 characters, control characters escaped."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    text = text if len(text) <= 40 else text[:37] + "..."
    return escape_control(repr(text))  # repr escapes control characters; escape_control too


def row_id(raw: dict[str, Any], id_field: str | None) -> str | None:
    """The row's id for messages, only when it is a well-formed id (never raw text)."""
    value = raw.get(id_field) if id_field else None
    return value if isinstance(value, str) and _ID.match(value) else None


_COMPARISONS = {
    "greater_than_equal": ">=",
    "less_than_equal": "<=",
    "greater_than": ">",
    "less_than": "<",
}


def describe(err: Any, field_name: str | None) -> str:
    """Turn one pydantic error into 'what was expected; what was found'."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = f"; got {shown(err.get('input'))}"
    if field_name in SENSITIVE_FIELDS:
        # Special-category data: say that it is wrong, never what it was.
        got = "; got a value outside it (not shown: special-category field)"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling, or allow unknown columns in the config)"
    if kind == "literal_error":
        expected = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"must be one of {expected}{got}"
    if kind == "string_pattern_mismatch":
        if "A-Z" in ctx.get("pattern", ""):
            what = "an id of 1-64 letters, digits, '_', '.' or '-', not starting with '-'"
            return f"must be {what}{got}"
        return f"must be a lowercase token of a-z, 0-9 and '_'{got}"
    if kind in _COMPARISONS:
        limit = next(iter(ctx.values()), "")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return f"must be {_COMPARISONS[kind]} {limit}{got}"
    if kind in ("float_parsing", "float_type"):
        return f"must be a number{got}"
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        digits = kind == "int_parsing" and "e" in str(err.get("input", "")).lower()
        return f"must be a whole number{' written in digits' if digits else ''}{got}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false{got}"
    if kind in ("string_type", "string_unicode"):
        return f"must be text{got}"
    if kind in ("tuple_type", "list_type"):
        return f"must be a list (or a ';'-separated text){got}"
    if kind == "finite_number":
        return f"must be a finite number{got}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters{got}"
    if kind == "too_long":
        limit = ctx.get("max_length")
        unit = "items" if isinstance(err.get("input"), list | tuple) else "characters"
        return f"must have at most {limit} {unit}"
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing", "value_error"):
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        if kind != "value_error":
            msg = "must be a date YYYY-MM-DD"
        return f"{msg}{got}" if field_name else msg
    return f"is invalid ({escape_control(str(err.get('msg', '')))}){got}"


def row_errors(
    exc: ValidationError, file: str, row: int, rid: str | None, line: int | None = None
) -> Iterator[RowError]:
    """One :class:`RowError` per pydantic error of one row."""
    for err in exc.errors():
        loc = err.get("loc") or ()
        field_name = str(loc[0]) if loc else None
        label = field_name
        if field_name and len(loc) > 1 and isinstance(loc[1], int):
            label = f"{field_name} item {loc[1] + 1}"
        yield RowError(file, row, rid, label, describe(err, field_name), line)
