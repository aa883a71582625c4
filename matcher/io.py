"""Loading the data contract's files (docs/fields.md), and the names of the writers.

CSV (UTF-8, optional BOM, LF or CRLF, ``;``-separated lists) or JSON (a list of
objects), chosen by the file's extension. Only regular files are read, up to the size
and row limits of the config's ``[limits]``. Every problem names the file, the data row
(and its id) and the field; up to ``max_errors`` problems are reported at once. The
parts live in :mod:`matcher.inputs`; outputs are written by :mod:`matcher.outputs` (all
or nothing), whose names are importable from here as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from matcher.config import Config, LimitsConfig
from matcher.errors import InputError, RowError
from matcher.inputs.columnar import Declined, columnar_records
from matcher.inputs.csv_rows import csv_rows
from matcher.inputs.decisions import check_decisions
from matcher.inputs.files import UnreadableFile, decode_text, read_bytes
from matcher.inputs.json_rows import json_rows, list_rows
from matcher.inputs.limits import check_round
from matcher.inputs.messages import Collector, row_errors, row_id
from matcher.inputs.relationships import has_ended, running_on
from matcher.models import (
    MODELS,
    Decision,
    Existing,
    Mentee,
    Mentor,
    Prison,
    Proposal,
    Record,
    Supervisor,
)
from matcher.outputs import PathLike, atomic_writer, format_cell, write_records

__all__ = [
    "MAX_ERRORS",
    "Caseload",
    "PathLike",
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
_Rows = Iterable[tuple[int, int | None, dict[str, Any]]]
_DEFAULT_LIMITS = LimitsConfig()


def load_records(
    path: PathLike,
    model: type[R],
    *,
    allow_unknown_columns: bool = False,
    max_errors: int = MAX_ERRORS,
    limits: LimitsConfig | None = None,
) -> tuple[R, ...]:
    """Load and validate one file of records.

    Parameters
    ----------
    path : path-like
        A ``.csv`` or ``.json`` file (a regular file: not a folder, pipe or device).
    model : type of Record
        The record model, e.g. :class:`~matcher.models.Mentee`.
    allow_unknown_columns : bool
        Ignore columns the model does not know instead of rejecting the file.
    max_errors : int
        Stop collecting problems after this many.
    limits : LimitsConfig, optional
        Largest file size and number of rows (default: the config defaults).

    Returns
    -------
    tuple of Record
        The validated rows, in file order.

    Raises
    ------
    InputError
        With every problem found (up to ``max_errors``), each naming file, row and field.
    """
    limits = limits or _DEFAULT_LIMITS
    path = Path(path)
    file = path.name
    errors = Collector(max_errors)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        errors.add(RowError(file, None, None, None, f"must be .csv or .json, got '{suffix}'"))
        errors.raise_if_any()
    try:
        data = read_bytes(path, limits.max_file_mib * 2**20, "limits.max_file_mib")
        if suffix == ".csv":
            # Valid files are checked column by column; anything else (and every problem)
            # goes row by row through pydantic, which names it.
            try:
                return columnar_records(data, model, allow_unknown_columns, limits.max_rows)
            except Declined as why:
                log.debug("%s: checked row by row (%s)", file, why)
        text = decode_text(data)
    except UnreadableFile as exc:
        raise InputError([RowError(file, None, None, None, str(exc), exc.line)]) from None
    parse = csv_rows if suffix == ".csv" else json_rows
    rows = parse(text, model, file, errors, allow_unknown_columns, limits.max_rows)
    return _validated(rows, model, file, errors)


def records_from_list(
    items: Any,
    model: type[R],
    *,
    file: str,
    allow_unknown_columns: bool = False,
    max_errors: int = MAX_ERRORS,
    limits: LimitsConfig | None = None,
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
    limits = limits or _DEFAULT_LIMITS
    errors = Collector(max_errors)
    rows = list_rows(items, model, file, errors, allow_unknown_columns, limits.max_rows)
    return _validated(rows, model, file, errors)


def _validated(rows: _Rows, model: type[R], file: str, errors: Collector) -> tuple[R, ...]:
    records: list[R] = []
    first_row: dict[str, int] = {}
    id_field = model.ID_FIELD
    for row_no, line, raw in rows:
        rid = row_id(raw, id_field)
        try:
            rec = model.model_validate(raw)
        except ValidationError as exc:
            for e in row_errors(exc, file, row_no, rid, line):
                errors.add(e)
            if errors.full:
                break
            continue
        except RecursionError:  # parsed JSON nested deeper than validation can follow
            errors.add(RowError(file, row_no, rid, None, "is nested too deeply", line))
            continue
        key = getattr(rec, id_field) if id_field and model.UNIQUE_ID else None
        if key is not None:
            if key in first_row:
                errors.add(
                    RowError(
                        file,
                        row_no,
                        rid,
                        id_field,
                        f"duplicates the id of row {first_row[key]}",
                        line,
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

    Only each row is checked here; :func:`matcher.inputs.decisions.check_decisions` checks the
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
    config: Config | None = None,
    other_configs: Iterable[Config] = (),
    allow_unknown_columns: bool | None = None,
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

    Parameters
    ----------
    config : Config, optional
        When given, its ``[limits]`` and ``rules.allow_unknown_columns`` apply, and the
        round is checked as a whole (:func:`matcher.inputs.limits.check_round`), so that
        a caseload this accepts runs through every command with that config.
    other_configs : iterable of Config
        Further configs the round will run with (``compare``, ``sweep``); each is checked
        as ``config`` is, the limits and columns aside.
    allow_unknown_columns : bool, optional
        Overrides the config's ``rules.allow_unknown_columns`` (default False).

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
    allow = _allow_unknown(config, allow_unknown_columns)
    limits = config.limits if config is not None else None

    def load(kind: str) -> tuple[Any, ...]:
        return load_records(
            paths[kind],  # type: ignore[arg-type]
            MODELS[kind],
            allow_unknown_columns=allow,
            max_errors=max_errors,
            limits=limits,
        )

    return _caseload(names, load, max_errors, as_of, config, tuple(other_configs))


def caseload_from_lists(
    data: Mapping[str, Any],
    *,
    as_of: date | None = None,
    config: Config | None = None,
    allow_unknown_columns: bool | None = None,
    max_errors: int = MAX_ERRORS,
) -> Caseload:
    """Validate a round given as parsed JSON lists, exactly as :func:`load_caseload` would.

    Parameters
    ----------
    data : mapping of str to list
        ``mentees`` and ``mentors`` (required), ``existing``, ``supervisors``, ``prisons``
        and ``decisions`` (a missing or ``None`` entry counts as a file not given).
        Messages name each list by its key, e.g. ``mentees row 3 (id E002): gender ...``.
    as_of, config, allow_unknown_columns
        As for :func:`load_caseload`.

    Raises
    ------
    InputError
        Every problem found, across all lists.
    """
    names = {k: k for k in MODELS if k in ("mentees", "mentors") or data.get(k) is not None}
    allow = _allow_unknown(config, allow_unknown_columns)
    limits = config.limits if config is not None else None

    def load(kind: str) -> tuple[Any, ...]:
        return records_from_list(
            data.get(kind),
            MODELS[kind],
            file=kind,
            allow_unknown_columns=allow,
            max_errors=max_errors,
            limits=limits,
        )

    return _caseload(names, load, max_errors, as_of, config)


def _allow_unknown(config: Config | None, allow: bool | None) -> bool:
    if allow is not None:
        return allow
    return config.rules.allow_unknown_columns if config is not None else False


def _caseload(
    names: dict[str, str],
    load: Callable[[str], tuple[Any, ...]],
    max_errors: int,
    as_of: date | None,
    config: Config | None,
    other_configs: tuple[Config, ...] = (),
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
    problems: list[RowError] = []
    for cfg in (config, *other_configs) if config is not None else other_configs:
        for p in check_round(
            loaded["mentees"], loaded["mentors"], loaded["existing"], loaded["supervisors"],
            cfg, names,
        ):  # fmt: skip
            if p not in problems:
                problems.append(p)
    if problems:
        raise InputError(problems[:max_errors], len(problems) > max_errors)
    for w in warnings:
        log.warning(w)
    return Caseload(**loaded, warnings=tuple(warnings))


def _cross_check(
    name: dict[str, str], loaded: dict[str, tuple[Any, ...]], limit: int, as_of: date
) -> list[str]:
    errors = Collector(limit)
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
