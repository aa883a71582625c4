"""Reading and writing the data contract's files (SPEC §3).

CSV (UTF-8, optional BOM, LF or CRLF, ``;``-separated lists) or JSON (a list of
objects), chosen by the file's extension. Every problem names the file, the data row
(and its id) and the field; up to ``max_errors`` problems are reported at once.
Outputs are written atomically, so a failed run never leaves a half-written file.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from matcher.decisions import check_decisions
from matcher.errors import InputError, RowError
from matcher.models import (
    MODELS,
    SENSITIVE_FIELDS,
    Decision,
    Existing,
    Mentee,
    Mentor,
    Prison,
    Proposal,
    Record,
    Supervisor,
)
from matcher.relationships import has_ended, running_on

__all__ = [
    "MAX_ERRORS",
    "Caseload",
    "atomic_writer",
    "caseload_from_lists",
    "format_cell",
    "load_caseload",
    "load_decisions",
    "load_existing",
    "load_mentees",
    "load_mentors",
    "load_prisons",
    "load_proposals",
    "load_records",
    "load_supervisors",
    "records_from_list",
    "write_records",
]

log = logging.getLogger("matcher")

#: How many problems one load reports before it stops collecting.
MAX_ERRORS = 20

R = TypeVar("R", bound=Record)
PathLike = str | os.PathLike[str]


class _Collector:
    """Collects row errors up to a limit, then raises them together."""

    def __init__(self, limit: int) -> None:
        self.errors: list[RowError] = []
        self.limit = limit
        self.truncated = False

    def add(self, error: RowError) -> None:
        if len(self.errors) < self.limit:
            self.errors.append(error)
        else:
            self.truncated = True

    @property
    def full(self) -> bool:
        return self.truncated

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors, self.truncated)


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _describe(err: Any, field_name: str | None) -> str:
    """Turn one pydantic error into 'what was expected; what was found'."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    sensitive = field_name in SENSITIVE_FIELDS
    got = "" if kind == "missing" else f"; got {_shown(err.get('input'))}"
    if sensitive and kind not in ("missing",):
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
            return f"must be an id of 1-64 letters, digits, '_', '.' or '-'{got}"
        return f"must be a lowercase token of a-z, 0-9 and '_'{got}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        op = {
            "greater_than_equal": ">=",
            "less_than_equal": "<=",
            "greater_than": ">",
            "less_than": "<",
        }[kind]
        limit = next(iter(ctx.values()), "")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return f"must be {op} {limit}{got}"
    if kind in ("float_parsing", "float_type"):
        return f"must be a number{got}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number{got}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false{got}"
    if kind == "finite_number":
        return f"must be a finite number{got}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters{got}"
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing", "value_error"):
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        if kind != "value_error":
            msg = "must be a date YYYY-MM-DD"
        return f"{msg}{got}" if field_name else msg
    return f"{err.get('msg', 'is invalid')}{got}"


def _row_errors(
    exc: ValidationError, file: str, row: int, row_id: str | None
) -> Iterator[RowError]:
    for err in exc.errors():
        loc = err.get("loc") or ()
        field_name = str(loc[0]) if loc else None
        label = field_name
        if field_name and len(loc) > 1 and isinstance(loc[1], int):
            label = f"{field_name} item {loc[1] + 1}"
        yield RowError(file, row, row_id, label, _describe(err, field_name))


def _read_text(path: Path, errors: _Collector) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        errors.add(RowError(path.name, None, None, None, "file not found"))
        return None
    except OSError as exc:
        errors.add(RowError(path.name, None, None, None, f"cannot be read ({exc.strerror})"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n")  # 0-based line; the header is line 0
        row = line if line > 0 else None
        msg = f"is not valid UTF-8 text (byte {exc.start}); save it as CSV UTF-8"
        errors.add(RowError(path.name, row, None, None, msg))
        return None


def _csv_rows(
    text: str, model: type[Record], file: str, errors: _Collector, allow_unknown: bool
) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    row_no = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # e.g. a cell over the csv module's size limit: name the row, stop reading.
            row = row_no + 1 if header is not None else None
            errors.add(RowError(file, row, None, None, f"is not valid CSV ({exc})"))
            return
        if header is None:
            header = [c.strip() for c in cells]
            if not any(header):
                errors.add(RowError(file, None, None, None, "has no header row"))
                return
            if not _check_columns(header, model, file, errors, allow_unknown):
                return
            continue
        if not cells or all(not c.strip() for c in cells):
            row_no += 1
            continue  # blank line
        row_no += 1
        if len(cells) != len(header):
            errors.add(
                RowError(
                    file,
                    row_no,
                    None,
                    None,
                    f"has {len(cells)} cells; the header has {len(header)}",
                )
            )
            continue
        record: dict[str, Any] = {}
        for col, cell in zip(header, cells, strict=True):
            if col not in model.model_fields:
                continue
            cell = cell.strip()
            if cell or col in model.LIST_FIELDS:
                record[col] = cell
        yield row_no, record
    if header is None:
        errors.add(RowError(file, None, None, None, "is empty; expected a header row"))


def _check_columns(
    header: Sequence[str], model: type[Record], file: str, errors: _Collector, allow_unknown: bool
) -> bool:
    ok = True
    seen: set[str] = set()
    for col in header:
        if col in seen:
            errors.add(RowError(file, None, None, col, "column appears twice in the header"))
            ok = False
        seen.add(col)
        if col not in model.model_fields and not allow_unknown:
            errors.add(RowError(file, None, None, col, "is not a known column"))
            ok = False
    for name, info in model.model_fields.items():
        if info.is_required() and name not in seen:
            errors.add(RowError(file, None, None, name, "column is missing (it is required)"))
            ok = False
    return ok


def _json_rows(
    text: str, model: type[Record], file: str, errors: _Collector, allow_unknown: bool
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        errors.add(RowError(file, None, None, None, f"is not valid JSON (line {exc.lineno})"))
        return
    yield from _list_rows(data, model, file, errors, allow_unknown)


def _list_rows(
    data: Any, model: type[Record], file: str, errors: _Collector, allow_unknown: bool
) -> Iterator[tuple[int, dict[str, Any]]]:
    if not isinstance(data, list):
        errors.add(RowError(file, None, None, None, "must hold a JSON list of objects"))
        return
    for row_no, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            errors.add(RowError(file, row_no, None, None, "must be a JSON object"))
            continue
        record = {
            k: v
            for k, v in obj.items()
            if v is not None and (not allow_unknown or k in model.model_fields)
        }
        yield row_no, record


def load_records(
    path: PathLike,
    model: type[R],
    *,
    allow_unknown_columns: bool = False,
    max_errors: int = MAX_ERRORS,
) -> tuple[R, ...]:
    """Load and validate one file of records.

    Parameters
    ----------
    path : path-like
        A ``.csv`` or ``.json`` file.
    model : type of Record
        The record model, e.g. :class:`~matcher.models.Mentee`.
    allow_unknown_columns : bool
        Ignore columns the model does not know instead of rejecting the file.
    max_errors : int
        Stop collecting problems after this many.

    Returns
    -------
    tuple of Record
        The validated rows, in file order.

    Raises
    ------
    InputError
        With every problem found (up to ``max_errors``), each naming file, row and field.
    """
    path = Path(path)
    file = path.name
    errors = _Collector(max_errors)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        errors.add(RowError(file, None, None, None, f"must be .csv or .json, got '{suffix}'"))
        errors.raise_if_any()
    text = _read_text(path, errors)
    errors.raise_if_any()
    assert text is not None
    parse = _csv_rows if suffix == ".csv" else _json_rows
    rows = parse(text, model, file, errors, allow_unknown_columns)
    return _validated(rows, model, file, errors)


def records_from_list(
    items: Any,
    model: type[R],
    *,
    file: str,
    allow_unknown_columns: bool = False,
    max_errors: int = MAX_ERRORS,
) -> tuple[R, ...]:
    """Validate records given as parsed JSON (a list of objects), exactly as a JSON file's.

    For callers that hold the data already, such as the HTTP service: the checks and the
    messages are those of :func:`load_records`, with ``file`` naming the source and row
    ``n`` the list's ``n``-th item (1-based, as rows of a JSON file are counted).

    Raises
    ------
    InputError
        With every problem found (up to ``max_errors``), each naming file, row and field.
    """
    errors = _Collector(max_errors)
    rows = _list_rows(items, model, file, errors, allow_unknown_columns)
    return _validated(rows, model, file, errors)


def _validated(
    rows: Iterable[tuple[int, dict[str, Any]]], model: type[R], file: str, errors: _Collector
) -> tuple[R, ...]:
    records: list[R] = []
    first_row: dict[str, int] = {}
    id_field = model.ID_FIELD
    for row_no, raw in rows:
        raw_id = raw.get(id_field) if id_field else None
        row_id = raw_id if isinstance(raw_id, str) and 0 < len(raw_id) <= 64 else None
        try:
            rec = model.model_validate(raw)
        except ValidationError as exc:
            for e in _row_errors(exc, file, row_no, row_id):
                errors.add(e)
            if errors.full:
                break
            continue
        key = getattr(rec, id_field) if id_field and model.UNIQUE_ID else None
        if key is not None:
            if key in first_row:
                errors.add(
                    RowError(
                        file, row_no, row_id, id_field, f"duplicates the id of row {first_row[key]}"
                    )
                )
                continue
            first_row[key] = row_no
        records.append(rec)
    errors.raise_if_any()
    return tuple(records)


def load_mentees(path: PathLike, **kwargs: Any) -> tuple[Mentee, ...]:
    """Load mentees (referrals) from CSV or JSON; see :func:`load_records`."""
    return load_records(path, Mentee, **kwargs)


def load_mentors(path: PathLike, **kwargs: Any) -> tuple[Mentor, ...]:
    """Load mentors from CSV or JSON; see :func:`load_records`."""
    return load_records(path, Mentor, **kwargs)


def load_existing(path: PathLike, **kwargs: Any) -> tuple[Existing, ...]:
    """Load existing relationships from CSV or JSON; see :func:`load_records`."""
    return load_records(path, Existing, **kwargs)


def load_supervisors(path: PathLike, **kwargs: Any) -> tuple[Supervisor, ...]:
    """Load supervisors from CSV or JSON; see :func:`load_records`."""
    return load_records(path, Supervisor, **kwargs)


def load_prisons(path: PathLike, **kwargs: Any) -> tuple[Prison, ...]:
    """Load prison sites from CSV or JSON; see :func:`load_records`."""
    return load_records(path, Prison, **kwargs)


def load_decisions(path: PathLike, **kwargs: Any) -> tuple[Decision, ...]:
    """Load a coordinator's decisions from CSV or JSON; see :func:`load_records`.

    Only each row is checked here; :func:`matcher.decisions.check_decisions` checks the
    rows against each other and against a round (``load_caseload`` does both).
    """
    return load_records(path, Decision, **kwargs)


def load_proposals(path: PathLike, **kwargs: Any) -> tuple[Proposal, ...]:
    """Read back an earlier round's ``matches.csv`` (its other columns are ignored)."""
    return load_records(path, Proposal, **{"allow_unknown_columns": True, **kwargs})


@dataclass(frozen=True)
class Caseload:
    """Everything one matching round reads, validated and cross-checked.

    Attributes
    ----------
    warnings : tuple of str
        Problems that do not stop a run (ids only, never special-category values).
    """

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    existing: tuple[Existing, ...] = ()
    supervisors: tuple[Supervisor, ...] = ()
    prisons: tuple[Prison, ...] = ()
    decisions: tuple[Decision, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """Number of records of each kind."""
        return {k: len(getattr(self, k)) for k in MODELS}


def load_caseload(
    mentees: PathLike,
    mentors: PathLike,
    existing: PathLike | None = None,
    supervisors: PathLike | None = None,
    prisons: PathLike | None = None,
    *,
    decisions: PathLike | None = None,
    as_of: date | None = None,
    allow_unknown_columns: bool = False,
    max_errors: int = MAX_ERRORS,
) -> Caseload:
    """Load every file of a round and check the references between them.

    Errors in several files are reported together. References checked: an existing
    relationship's mentor must be in the mentors file and a mentee may have only one;
    a mentor's supervisor must be in the supervisors file when one is given; decisions
    must name known mentees and mentors, without contradicting each other. Exclusions
    naming unknown mentors and prison codes missing from a given prisons file are
    warnings. A relationship that has ended by ``as_of`` (default today) may name a
    mentor no longer in the mentors file.

    Raises
    ------
    InputError
        Every problem found, across all files.
    """
    paths: dict[str, PathLike | None] = {
        "mentees": mentees,
        "mentors": mentors,
        "existing": existing,
        "supervisors": supervisors,
        "prisons": prisons,
        "decisions": decisions,
    }
    names = {k: Path(p).name for k, p in paths.items() if p is not None}

    def load(kind: str) -> tuple[Any, ...]:
        return load_records(
            paths[kind],  # type: ignore[arg-type]
            MODELS[kind],
            allow_unknown_columns=allow_unknown_columns,
            max_errors=max_errors,
        )

    return _caseload(names, load, max_errors, as_of)


def caseload_from_lists(
    data: Mapping[str, Any],
    *,
    as_of: date | None = None,
    allow_unknown_columns: bool = False,
    max_errors: int = MAX_ERRORS,
) -> Caseload:
    """Validate a round given as parsed JSON lists, exactly as :func:`load_caseload` would.

    Parameters
    ----------
    data : mapping of str to list
        ``mentees`` and ``mentors`` (required), ``existing``, ``supervisors``,
        ``prisons`` and ``decisions`` (a missing or ``None`` entry counts as a file not
        given). Messages name each list by its key, e.g. ``mentees row 3 (id E002): ...``.
    as_of : date, optional
        The run date, for relationships that have ended (default today).

    Raises
    ------
    InputError
        Every problem found, across all lists.
    """
    names = {k: k for k in MODELS if k in ("mentees", "mentors") or data.get(k) is not None}

    def load(kind: str) -> tuple[Any, ...]:
        return records_from_list(
            data.get(kind),
            MODELS[kind],
            file=kind,
            allow_unknown_columns=allow_unknown_columns,
            max_errors=max_errors,
        )

    return _caseload(names, load, max_errors, as_of)


def _caseload(
    names: dict[str, str],
    load: Callable[[str], tuple[Any, ...]],
    max_errors: int,
    as_of: date | None,
) -> Caseload:
    """Load every given kind (``names`` holds their labels), then cross-check them."""
    loaded: dict[str, tuple[Any, ...]] = {}
    all_errors: list[RowError] = []
    truncated = False
    for kind in MODELS:
        if kind not in names:
            loaded[kind] = ()
            continue
        try:
            loaded[kind] = load(kind)
        except InputError as exc:
            all_errors += exc.errors
            truncated |= exc.truncated
    if all_errors:
        raise InputError(all_errors, truncated)
    warnings = _cross_check(names, loaded, max_errors, as_of or date.today())
    for w in warnings:
        log.warning(w)
    return Caseload(**loaded, warnings=tuple(warnings))


def _cross_check(
    name: dict[str, str],
    loaded: dict[str, tuple[Any, ...]],
    limit: int,
    as_of: date,
) -> list[str]:
    errors = _Collector(limit)
    warnings: list[str] = []
    mentor_ids = {m.id for m in loaded["mentors"]}
    seen_mentee: dict[str, int] = {}
    for row, rel in enumerate(loaded["existing"], start=1):
        if rel.mentor_id not in mentor_ids and not has_ended(rel, as_of):
            errors.add(
                RowError(
                    name["existing"],
                    row,
                    rel.mentee_id,
                    "mentor_id",
                    f"names mentor {rel.mentor_id}, who is not in {name['mentors']}",
                )
            )
        if rel.mentee_id in seen_mentee:
            errors.add(
                RowError(
                    name["existing"],
                    row,
                    rel.mentee_id,
                    "mentee_id",
                    f"already has a mentor in row {seen_mentee[rel.mentee_id]}",
                )
            )
        seen_mentee.setdefault(rel.mentee_id, row)
    if "supervisors" in name:
        sup_ids = {s.id for s in loaded["supervisors"]}
        for row, m in enumerate(loaded["mentors"], start=1):
            if m.supervisor is not None and m.supervisor not in sup_ids:
                errors.add(
                    RowError(
                        name["mentors"],
                        row,
                        m.id,
                        "supervisor",
                        f"names {m.supervisor}, who is not in {name['supervisors']}",
                    )
                )
    if "decisions" in name:
        for e in check_decisions(
            loaded["decisions"],
            loaded["mentees"],
            loaded["mentors"],
            running_on(loaded["existing"], as_of),
            source=name["decisions"],
            mentees_source=name["mentees"],
            mentors_source=name["mentors"],
            existing_source=name.get("existing", "existing"),
        ):
            errors.add(e)
    errors.raise_if_any()
    for row, e in enumerate(loaded["mentees"], start=1):
        unknown = [x for x in e.exclude_mentors if x not in mentor_ids]
        if unknown:
            warnings.append(
                f"{name['mentees']} row {row} (id {e.id}): exclude_mentors names "
                f"{', '.join(unknown)}, not in {name['mentors']} (ignored)"
            )
    if "prisons" in name:
        codes = {p.code for p in loaded["prisons"]}
        missing = sorted(
            {e.prison for e in loaded["mentees"] if e.prison and e.prison not in codes}
            | {c for m in loaded["mentors"] for c in m.prisons if c not in codes}
        )
        if missing:
            warnings.append(
                f"{len(missing)} prison code(s) not in {name['prisons']}: "
                + ", ".join(missing[:10])
                + (" ..." if len(missing) > 10 else "")
            )
    return warnings


def format_cell(value: Any) -> str:
    """Format one value as a CSV cell of the data contract."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ";".join(format_cell(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@contextmanager
def atomic_writer(path: PathLike, mode: str = "w") -> Iterator[Any]:
    """Open a temporary file beside ``path`` and move it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_records(path: PathLike, records: Iterable[Record], model: type[Record]) -> None:
    """Write records as CSV or JSON (by extension) in the data contract's format."""
    path = Path(path)
    names = list(model.model_fields)
    with atomic_writer(path) as fh:
        if path.suffix.lower() == ".json":
            rows = [r.model_dump(mode="json") for r in records]
            json.dump(rows, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
            return
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(names)
        for r in records:
            writer.writerow([format_cell(getattr(r, n)) for n in names])
