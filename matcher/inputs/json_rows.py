"""A JSON file's text (or parsed JSON) as raw rows: a list of objects, one per row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from matcher.errors import RowError
from matcher.inputs.messages import Collector
from matcher.models import Record

__all__ = ["DuplicateKeys", "json_rows", "list_rows", "parse_json"]


class DuplicateKeys(dict[str, Any]):
    """A JSON object that gave some key twice (``duplicates``); its row is refused."""

    duplicates: tuple[str, ...] = ()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    twice: list[str] = []
    for key, value in pairs:
        if key in out and key not in twice:
            twice.append(key)
        out[key] = value
    if twice:
        marked = DuplicateKeys(out)
        marked.duplicates = tuple(twice)
        return marked
    return out


def parse_json(text: str) -> Any:
    """Parse JSON text; an object that gives a key twice comes back as :class:`DuplicateKeys`.

    Raises
    ------
    ValueError
        With a message for the user: not JSON (and the line), nesting too deep, or a
        number too long to read.
    """
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON (line {exc.lineno})") from None
    except RecursionError:
        raise ValueError("is not valid JSON here (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ValueError(f"is not valid JSON here ({exc})") from None


def json_rows(
    text: str,
    model: type[Record],
    file: str,
    errors: Collector,
    allow_unknown: bool,
    max_rows: int,
) -> Iterator[tuple[int, int | None, dict[str, Any]]]:
    """Yield ``(row, None, fields)`` for each object of a JSON file's list."""
    try:
        data = parse_json(text)
    except ValueError as exc:
        errors.add(RowError(file, None, None, None, str(exc)))
        return
    yield from list_rows(data, model, file, errors, allow_unknown, max_rows)


def list_rows(
    data: Any,
    model: type[Record],
    file: str,
    errors: Collector,
    allow_unknown: bool,
    max_rows: int,
) -> Iterator[tuple[int, int | None, dict[str, Any]]]:
    """Yield ``(row, None, fields)`` for each object of parsed JSON (a list of objects).

    ``null`` values count as not given; with ``allow_unknown``, unknown keys are dropped.
    """
    if not isinstance(data, list):
        errors.add(RowError(file, None, None, None, "must hold a JSON list of objects"))
        return
    if len(data) > max_rows:
        errors.add(
            RowError(
                file,
                None,
                None,
                None,
                f"has more than {max_rows} rows (limits.max_rows); split it or raise the limit",
            )
        )
        return
    for row_no, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            errors.add(RowError(file, row_no, None, None, "must be a JSON object"))
            continue
        if isinstance(obj, DuplicateKeys):
            for key in obj.duplicates:
                errors.add(RowError(file, row_no, None, f"'{key}'", "is given twice in the object"))
            continue
        record = {
            k: v
            for k, v in obj.items()
            if v is not None and (not allow_unknown or k in model.model_fields)
        }
        yield row_no, None, record
