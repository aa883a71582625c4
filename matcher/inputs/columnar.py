"""The fast path for valid CSV files: read into columns by polars, check them vectorised.

:func:`columnar_records` either returns exactly the records the per-row pydantic path
(:mod:`matcher.inputs.csv_rows` and ``model_validate``) would return, or declines with a
reason, and the caller runs the per-row path, which accepts the file or names every
problem in its usual words. It declines at the first thing it does not handle: a BOM
aside, any byte that is not printable ASCII, ``\\n`` or ``\\r\\n`` (so no quotes, tabs or
multi-line cells); a header that is not exactly known, distinct model fields (unknown
columns are dropped when allowed); a row of another length; too many rows; any cell its
column's check (:mod:`matcher.inputs.columns`) is not certain of; a duplicate id; or a
failed check across fields. A valid file written as the generator and most exports
write it never falls back.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from matcher._gc import paused_gc
from matcher.inputs.columns import COLUMNS, row_checks, tuples
from matcher.models import Record

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Declined", "columnar_records"]

R = TypeVar("R", bound=Record)
# Printable ASCII but the quote, and the newline: the bytes a plain CSV file is made of.
_PLAIN = bytes(b for b in range(0x20, 0x7F) if b != ord('"')) + b"\n"


class Declined(Exception):
    """The fast path does not handle this file; ``args[0]`` says why (no cell values)."""


def columnar_records(
    data: bytes, model: type[R], allow_unknown: bool, max_rows: int
) -> tuple[R, ...]:
    """The records of a CSV file's bytes, validated column by column.

    Raises
    ------
    Declined
        When the file is not certainly valid, or not in the form this path reads.
    """
    import polars as pl  # only when a CSV file is read (not at ``import matcher``)

    spec = COLUMNS.get(model.__name__)
    if spec is None or set(spec) != set(model.model_fields):
        raise Declined(f"no column checks for {model.__name__}")
    data = data.removeprefix(codecs.BOM_UTF8)
    header = _header(data, model, allow_unknown)
    frame = _frame(data, header, max_rows)
    n = frame.height
    parsed: dict[str, pl.Series] = {}
    given: dict[str, pl.Series] = {}
    for name, info in model.model_fields.items():
        cells = frame[name] if name in frame.columns else pl.Series(name, [""] * n, dtype=pl.String)
        given[name] = cells != ""
        if info.is_required() and not bool(given[name].all()):
            raise Declined(f"a required {name} is empty")
        values = spec[name].check(cells)
        if values is None:
            raise Declined(f"column {name} has a cell its check declines")
        parsed[name] = values
    rows = row_checks(model.__name__)
    if rows is not None and not rows(parsed):
        raise Declined("a check across fields fails")
    id_field = model.ID_FIELD
    if id_field and model.UNIQUE_ID and bool(frame[id_field].is_duplicated().any()):
        raise Declined("an id appears twice")
    return _build(model, parsed, given, n)


def _header(data: bytes, model: type[Record], allow_unknown: bool) -> list[str]:
    """The header's column names, when the file is in the form the fast path reads."""
    if not data.isascii():
        raise Declined("not ASCII")
    residue = data.translate(None, _PLAIN)  # one C pass: what is left is not plain
    if residue.strip(b"\r") or (residue and data.count(b"\r\n") != len(residue)):
        raise Declined("a quote, tab, control character or lone carriage return")
    if data[:1] in (b"\n", b"\r", b"") or b"\n\n" in data or b"\n\r\n" in data:
        raise Declined("a blank line")
    end = data.find(b"\n")
    header = data[: end if end >= 0 else None].decode("ascii").removesuffix("\r").split(",")
    fields = model.model_fields
    if len(set(header)) != len(header) or any(not h or h != h.strip() for h in header):
        raise Declined("a header cell twice, empty or padded")
    if not allow_unknown and any(h not in fields for h in header):
        raise Declined("an unknown column")
    if any(info.is_required() and name not in header for name, info in fields.items()):
        raise Declined("a required column is missing")
    return header


def _lines(data: bytes) -> int:
    return data.count(b"\n") + (not data.endswith(b"\n"))


def _frame(data: bytes, header: list[str], max_rows: int) -> pl.DataFrame:
    import polars as pl

    try:
        frame = pl.read_csv(
            data,
            infer_schema=False,
            quote_char=None,
            empty_string_is_null=False,
            raise_if_empty=False,
            truncate_ragged_lines=False,  # a row longer than the header is an error
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise Declined(f"polars cannot read it ({type(exc).__name__})") from None
    if frame.columns != header:
        raise Declined("polars read another header")
    # No row is longer than the header (polars refuses those) and none is blank, so
    # one row per line and every comma a separator means none is shorter either.
    lines = _lines(data)
    if frame.height != lines - 1 or data.count(b",") != (len(header) - 1) * lines:
        raise Declined("a row has fewer cells than the header")
    # Lines of empty cells are not rows (as in the per-row reader).
    frame = frame.filter(~pl.all_horizontal(pl.all() == ""))
    if frame.height > max_rows:
        raise Declined("too many rows")
    return frame


def _build(
    model: type[R], parsed: dict[str, pl.Series], given: dict[str, pl.Series], n: int
) -> tuple[R, ...]:
    """The records, as ``model_validate`` builds them, without validating again."""
    # Millions of new acyclic objects (cells, tuples, dicts, records): a collection
    # while making them finds nothing and walks them all, again and again.
    with paused_gc():
        return _make(model, parsed, given, n)


def _make(
    model: type[R], parsed: dict[str, pl.Series], given: dict[str, pl.Series], n: int
) -> tuple[R, ...]:
    spec = COLUMNS[model.__name__]
    names = list(model.model_fields)
    columns: list[list[Any]] = []
    for name in names:
        info = model.model_fields[name]
        default = None if info.is_required() else info.default  # required: never empty
        if spec[name].is_list:
            columns.append(tuples(parsed[name], default))
            continue
        values = parsed[name]
        if default is not None:
            values = values.set(~given[name], default)
        columns.append(values.to_list())
    fields_sets = _fields_sets(names, given, n)
    new, set_ = object.__new__, object.__setattr__
    out: list[R] = []
    append = out.append
    for row, fields_set in zip(zip(*columns), fields_sets):  # noqa: B905 (equal lengths)
        rec = new(model)
        set_(rec, "__dict__", dict(zip(names, row)))  # noqa: B905
        set_(rec, "__pydantic_fields_set__", set(fields_set))
        set_(rec, "__pydantic_extra__", None)
        set_(rec, "__pydantic_private__", None)
        append(rec)
    return tuple(out)


def _fields_sets(names: list[str], given: dict[str, pl.Series], n: int) -> list[frozenset[str]]:
    """Each row's given (non-empty) fields, as pydantic's ``model_fields_set``."""
    always = [name for name in names if bool(given[name].all())]
    sometimes = [name for name in names if name not in always]
    if not sometimes:
        return [frozenset(always)] * n
    code = np.zeros(n, dtype=np.int64)
    for bit, name in enumerate(sometimes):
        code |= given[name].to_numpy().astype(np.int64) << bit
    kinds, inverse = np.unique(code, return_inverse=True)
    sets = [
        frozenset(always + [m for b, m in enumerate(sometimes) if int(k) >> b & 1]) for k in kinds
    ]
    return [sets[i] for i in inverse.tolist()]
