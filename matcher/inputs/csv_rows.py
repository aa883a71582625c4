"""A CSV file's text as raw rows, with header problems named plainly.

Blank lines (and lines of empty cells) are skipped anywhere, before the header too.
Data rows are counted from 1 without them; when a row does not start on line
``row + 1`` of the file (blank lines or multi-line cells before it) its line is given too.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterator, Sequence
from typing import Any

from matcher.errors import RowError
from matcher.inputs.messages import Collector
from matcher.models import Record

__all__ = ["csv_rows"]


def _line(row: int, line: int) -> int | None:
    return None if line == row + 1 else line


def csv_rows(
    text: str,
    model: type[Record],
    file: str,
    errors: Collector,
    allow_unknown: bool,
    max_rows: int,
) -> Iterator[tuple[int, int | None, dict[str, Any]]]:
    """Yield ``(row, line or None, cells by column)`` for each data row.

    Only columns the model knows are kept; an empty cell is left out (not given).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    row_no = 0
    while True:
        start = reader.line_num + 1  # where the next record starts
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # e.g. a cell over the csv module's size limit: name the row, stop reading.
            what = str(exc)
            if "field larger than field limit" in what:
                what = f"a cell is longer than {csv.field_size_limit()} characters"
            row = row_no + 1 if header is not None else None
            line = _line(row, start) if row is not None else start
            errors.add(RowError(file, row, None, None, f"is not valid CSV ({what})", line))
            return
        if not cells or all(not c.strip() for c in cells):
            continue  # blank line: not a row
        if header is None:
            header = [c.strip() for c in cells]
            if not _check_columns(header, model, file, errors, allow_unknown):
                return
            continue
        row_no += 1
        if row_no > max_rows:
            errors.add(
                RowError(
                    file,
                    None,
                    None,
                    None,
                    f"has more than {max_rows} data rows (limits.max_rows); split it or "
                    "raise the limit",
                )
            )
            return
        if len(cells) != len(header):
            errors.add(
                RowError(
                    file,
                    row_no,
                    None,
                    None,
                    f"has {len(cells)} cells; the header has {len(header)}",
                    _line(row_no, start),
                )
            )
            continue
        record: dict[str, Any] = {}
        for col, cell in zip(header, cells, strict=True):
            if col not in model.model_fields:
                continue
            cell = cell.strip()
            if cell:
                record[col] = cell
        yield row_no, _line(row_no, start), record
    if header is None:
        errors.add(RowError(file, None, None, None, "is empty; expected a header row"))


def _check_columns(
    header: Sequence[str], model: type[Record], file: str, errors: Collector, allow_unknown: bool
) -> bool:
    known = list(model.model_fields)
    if not any(col in model.model_fields for col in header):
        errors.add(
            RowError(
                file,
                None,
                None,
                None,
                "has no header row: the first row names none of its columns "
                f"(expected {', '.join(known[:4])}, ...)",
            )
        )
        return False
    ok = True
    seen: set[str] = set()
    for k, col in enumerate(header, start=1):
        if not col:
            after = f" (after '{header[k - 2]}')" if k > 1 and header[k - 2] else ""
            errors.add(
                RowError(
                    file,
                    None,
                    None,
                    None,
                    f"column {k} of the header{after} has no name; name it or delete the column",
                )
            )
            ok = False
            continue
        if col in seen:
            errors.add(RowError(file, None, None, f"'{col}'", "column appears twice in the header"))
            ok = False
        seen.add(col)
        if col not in model.model_fields and not allow_unknown:
            close = difflib.get_close_matches(col.lower(), known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            errors.add(RowError(file, None, None, f"'{col}'", f"is not a known column{hint}"))
            ok = False
    for name, info in model.model_fields.items():
        if info.is_required() and name not in seen:
            errors.add(RowError(file, None, None, name, "column is missing (it is required)"))
            ok = False
    return ok
