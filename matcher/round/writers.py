"""The round's files: ``matches.csv`` and ``result.json`` (each written atomically)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matcher.criteria import CRITERION_NAMES
from matcher.io import atomic_writer
from matcher.outputs import safe_csv_writer
from matcher.round.json_text import write_result_bytes
from matcher.round.result import MatchResult, MatchRow

__all__ = ["MATCH_COLUMNS", "write_matches_csv", "write_result_json"]

#: Columns of ``matches.csv`` (the data contract's, plus hours, rank, candidates and
#: priority).
MATCH_COLUMNS: tuple[str, ...] = (
    "mentee_id",
    "mentor_id",
    "status",
    "score",
    *CRITERION_NAMES,
    "shared_goals",
    "signpost_goals",
    "planned_end",
    "hours",
    "rank",
    "candidates",
    "priority",
    "reason",
)


#: Rows of ``matches.csv`` formatted at once (a column at a time: a 200k round never holds
#: all its cells as text).
_CHUNK = 16_384


def _fmts(values: list[float | None]) -> list[str]:
    return ["" if x is None else f"{x:.6f}" for x in values]


def _columns(rows: Sequence[MatchRow]) -> list[list[Any]]:
    """The ``matches.csv`` cells of ``rows``, column by column (:data:`MATCH_COLUMNS`)."""
    crit = [r.criteria for r in rows]
    return [
        [r.mentee_id for r in rows],
        [r.mentor_id or "" for r in rows],
        [r.status.value for r in rows],
        _fmts([r.score for r in rows]),
        *(_fmts([d[c] for d in crit]) for c in CRITERION_NAMES),
        [";".join(r.shared_goals) for r in rows],
        [";".join(r.signpost_goals) for r in rows],
        [r.planned_end.isoformat() if r.planned_end else "" for r in rows],
        ["" if r.hours is None else f"{r.hours:g}" for r in rows],
        ["" if r.rank is None else r.rank for r in rows],
        [r.candidates for r in rows],
        ["" if r.priority is None else f"{r.priority:g}" for r in rows],
        [r.reason for r in rows],
    ]


def write_matches_csv(path: str | Path, result: MatchResult) -> None:
    """Write ``matches.csv``: one row per mentee, by mentee id (atomically).

    Formatted a column at a time over chunks of rows, not a call per row and cell.
    """
    rows = result.rows
    with atomic_writer(path) as fh:
        w = safe_csv_writer(fh)  # formula-like cells escaped (docs/limits.md)
        w.writerow(MATCH_COLUMNS)
        for at in range(0, len(rows), _CHUNK):
            w.writecolumns(_columns(rows[at : at + _CHUNK]))


def write_result_json(path: str | Path, result: MatchResult) -> None:
    """Write ``result.json`` (atomically). Only ``solver.seconds`` varies between runs.

    The bytes are those of ``orjson.dumps(result_dict(result), option=OPT_INDENT_2 |
    OPT_APPEND_NEWLINE)`` (2-space indent, UTF-8), written a chunk of rows at a time by
    :mod:`matcher.round.json_text` without a dict per stored candidate: 2.49 s for the
    189 MB of a 50k-mentee round against 2.81 s for orjson on the whole document with its
    dicts (medians, see that module); the standard library's indenting encoder (pure
    Python) took 16.2-16.8 s in an earlier sitting. orjson writes a NaN or infinity as
    null, so the parts with computed floats (summary, solver) are first checked by the
    standard library, which refuses them as before; the rows' scores are finite by
    construction.
    """
    with atomic_writer(path, "wb") as fh:
        write_result_bytes(fh, result)
