"""Field types of the records: ranges, strict parsing, the special-category list."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Hashable
from datetime import date
from functools import partial
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
)

__all__ = [
    "Bool",
    "DATE_MAX",
    "DATE_MIN",
    "END_DATE_MAX",
    "FORMULA_START",
    "Hours",
    "ID_PATTERN",
    "Id",
    "Lat",
    "Lon",
    "MAX_CAPACITY",
    "MAX_HOURS",
    "MAX_PRIORITY",
    "MAX_SUPERVISOR_CAPACITY",
    "MAX_TRAVEL_KM",
    "NO_DATE_PLACEHOLDER",
    "NUMBER",
    "OptDate",
    "OptEndDate",
    "Priority",
    "SENSITIVE_FIELDS",
    "Text",
    "Token",
    "has_decimals",
    "list_of",
]

# An id may not begin with '-': such a cell is a formula to a spreadsheet (CSV injection),
# and ids are written back verbatim to matches.csv and pairs.csv (docs/limits.md).
ID_PATTERN = r"^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Plain decimal numbers only: no "inf", "nan", "0x10", "1_000" or thousands separators.
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

#: Dates the engine carries: planned ends (up to 120 months later) stay valid dates.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)
#: Latest planned end (or end): the latest start plus the longest relationship (120 months).
END_DATE_MAX = date(2209, 12, 31)
#: Read as "no date" wherever a date is optional (case systems export it for "none").
NO_DATE_PLACEHOLDER = date(9999, 12, 31)
#: Hours in a week: the most any weekly-hours value can be.
MAX_HOURS = 168.0
#: Concurrent mentees of one mentor, relationships of one supervisor.
MAX_CAPACITY = 1_000
MAX_SUPERVISOR_CAPACITY = 100_000
#: Largest matching priority (in the config as well).
MAX_PRIORITY = 1_000.0
#: Earth's circumference: a reach at or beyond half of it reaches everywhere.
MAX_TRAVEL_KM = 40_000.0
#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

# Special-category (or offence-related) fields, and free text that may hold such data (end
# reasons, coordinators' notes): their values never appear in messages or logs.
SENSITIVE_FIELDS: frozenset[str] = frozenset(
    {
        "ethnicity",
        "faith",
        "ethnicity_match",
        "faith_match",
        "risk",
        "lived_experience",
        "end_reason",
        "note",
    }
)


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(";")]
        value = [part for part in value if part]  # "a;;b;" is a;b
    if isinstance(value, list | tuple):
        if not all(isinstance(item, Hashable) for item in value):
            return tuple(value)  # pydantic names the bad item
        seen: dict[Any, None] = {}
        for item in value:
            seen.setdefault(item, None)
        return tuple(seen)
    return value


def _iso_date(value: Any, latest: date = DATE_MAX) -> Any:
    # Pydantic alone would accept timestamps and compact forms; the contract says YYYY-MM-DD.
    if isinstance(value, str):
        text = value.strip()
        if not _DATE.match(text):
            raise ValueError("must be a date YYYY-MM-DD")
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise ValueError("must be a real calendar date YYYY-MM-DD") from None
    if isinstance(value, date):
        if value == NO_DATE_PLACEHOLDER:
            return None
        if not DATE_MIN <= value <= latest:
            raise ValueError(
                f"must be between {DATE_MIN.isoformat()} and {latest.isoformat()} "
                f"(leave it empty, or write {NO_DATE_PLACEHOLDER.isoformat()}, for no date)"
            )
    return value


def _number(value: Any) -> Any:
    # JSON true/false are not numbers, and CSV text must be a plain decimal.
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, str):
        value = value.strip()
        if not _NUMBER.match(value):
            raise ValueError("must be a plain decimal number, e.g. 2 or 1.5")
    return value


def has_decimals(value: float, places: int) -> bool:
    """Whether ``value`` is a whole number of ``10 ** -places`` (within float rounding)."""
    scaled = value * 10**places
    return abs(scaled - round(scaled)) <= 1e-9 * max(1.0, abs(scaled))


def _places(places: int) -> Callable[[float], float]:
    def check(value: float) -> float:
        if math.isfinite(value) and not has_decimals(value, places):
            raise ValueError(f"must have at most {places} decimal places")
        return value

    return check


def _strict_bool(value: Any) -> Any:
    # Only true/false (any case, as spreadsheets write TRUE): not yes, 1, on or off.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("must be true or false")


def _plain_text(value: str) -> str:
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in value):
        raise ValueError("must not contain control characters")
    if value.startswith(FORMULA_START):
        raise ValueError(
            "must not begin with =, +, -, @, a tab or a carriage return "
            "(a spreadsheet would run it as a formula)"
        )
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Token = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
OptDate = Annotated[date | None, BeforeValidator(_iso_date)]
#: An end the engine computes (a start, at the latest DATE_MAX, plus up to 120 months).
OptEndDate = Annotated[
    date | None,
    BeforeValidator(partial(_iso_date, latest=END_DATE_MAX)),
    Field(json_schema_extra={"latest": END_DATE_MAX.isoformat()}),
]
Lat = Annotated[float, BeforeValidator(_number), Field(ge=-90, le=90)]
Lon = Annotated[float, BeforeValidator(_number), Field(ge=-180, le=180)]
Bool = Annotated[bool, BeforeValidator(_strict_bool)]
Text = Annotated[str, AfterValidator(_plain_text)]
#: Weekly hours, 0-168 to the hundredth of an hour.
Hours = Annotated[
    float,
    BeforeValidator(_number),
    Field(ge=0, le=MAX_HOURS, json_schema_extra={"decimals": 2}),
    AfterValidator(_places(2)),
]
#: Matching priority, 0-1000 to the hundredth.
Priority = Annotated[
    float,
    BeforeValidator(_number),
    Field(ge=0, le=MAX_PRIORITY, json_schema_extra={"decimals": 2}),
    AfterValidator(_places(2)),
]


NUMBER = BeforeValidator(_number)


def list_of(item: Any) -> Any:
    return Annotated[tuple[item, ...], BeforeValidator(_split_list)]
