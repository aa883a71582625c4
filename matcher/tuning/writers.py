"""The files of ``matcher compare`` and ``matcher sweep``: changes.csv, compare.json,
sweep.csv. Each is written atomically; the same inputs give the same bytes."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from matcher.io import atomic_writer
from matcher.outputs import safe_csv_writer
from matcher.tuning.compare import Comparison
from matcher.tuning.figures import Figures
from matcher.tuning.sweep import Sweep

__all__ = [
    "CHANGE_COLUMNS",
    "FIGURE_COLUMNS",
    "compare_dict",
    "sweep_columns",
    "sweep_table",
    "write_changes_csv",
    "write_compare_json",
    "write_sweep_csv",
]

#: Columns of ``changes.csv``.
CHANGE_COLUMNS = (
    "mentee_id", "status_a", "mentor_a", "score_a", "status_b", "mentor_b", "score_b",
    "criteria_moved", "reason",
)  # fmt: skip
#: The figure columns of ``sweep.csv`` (after the varied keys; the spreads per dimension
#: follow ``group_spread``).
FIGURE_COLUMNS = (
    "matched", "match_rate", "mean_score", "total_priority", "shared_goals_share",
    "gate_share", "group_spread",
)  # fmt: skip
_SCALARS = (*FIGURE_COLUMNS, "to_match")


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.6f}"


def _cell(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    return str(x)  # a float as Python writes it: 3.0, 0.25 (it reads back the same)


def write_changes_csv(path: str | Path, comparison: Comparison) -> None:
    """``changes.csv``: one row per mentee whose status or mentor differs, by id."""
    with atomic_writer(path) as fh:
        w = safe_csv_writer(fh)  # formula-like cells escaped (docs/limits.md)
        w.writerow(CHANGE_COLUMNS)
        for c in comparison.changes:
            moved = "; ".join(f"{m.criterion} {m.a:.3f}->{m.b:.3f}" for m in c.moved)
            w.writerow([
                c.mentee_id, c.status_a, c.mentor_a or "", _fmt(c.score_a),
                c.status_b, c.mentor_b or "", _fmt(c.score_b), moved, c.reason,
            ])  # fmt: skip


def _figures_dict(f: Figures) -> dict[str, Any]:
    out = asdict(f)
    out["by_group"] = {
        dim: {k: {"n": g.n, "match_rate": g.match_rate, "suppressed": g.n is None}
              for k, g in groups.items()}
        for dim, groups in f.by_group.items()
    }  # fmt: skip
    return out


def compare_dict(comparison: Comparison) -> dict[str, Any]:
    """The JSON-ready form of a comparison (``compare.json``)."""
    deltas: dict[str, Any] = {k: comparison.delta(k) for k in _SCALARS}
    deltas["spread"] = {
        dim: None if v is None or comparison.b.spread.get(dim) is None
        else round(float(comparison.b.spread[dim] or 0.0) - v, 6)
        for dim, v in comparison.a.spread.items()
    }  # fmt: skip
    return {
        "changes": len(comparison.changes),
        "a": {"figures": _figures_dict(comparison.a),
              "config": comparison.result_a.config.model_dump(mode="json")},
        "b": {"figures": _figures_dict(comparison.b),
              "config": comparison.result_b.config.model_dump(mode="json")},
        "deltas": deltas,
        "by_group": [
            {"dimension": g.dimension, "group": g.group, "n": g.n, "a": g.a, "b": g.b,
             "delta": g.delta}
            for g in comparison.groups
        ],
    }  # fmt: skip


def write_compare_json(path: str | Path, comparison: Comparison) -> None:
    """``compare.json``: each config's figures, the deltas B − A and the group rates."""
    with atomic_writer(path) as fh:
        json.dump(compare_dict(comparison), fh, indent=1, allow_nan=False)
        fh.write("\n")


def sweep_columns(result: Sweep) -> tuple[str, ...]:
    """The columns of ``sweep.csv``: varied keys, figures, spreads, solver status."""
    dims = tuple(result.rows[0].figures.spread) if result.rows else ()
    return (*result.keys, *FIGURE_COLUMNS, *(f"spread_{d}" for d in dims), "solver_status",
            "gap")  # fmt: skip


def sweep_table(result: Sweep) -> list[list[str]]:
    """The rows of ``sweep.csv`` as text cells (no header)."""
    table = []
    for row in result.rows:
        f = row.figures
        table.append([
            *(_cell(v) for v in row.values),
            str(f.matched), _fmt(f.match_rate), _fmt(f.mean_score), _fmt(f.total_priority),
            _fmt(f.shared_goals_share), _fmt(f.gate_share), _fmt(f.group_spread),
            *(_fmt(v) for v in f.spread.values()), f.solver_status, _fmt(f.gap),
        ])  # fmt: skip
    return table


def write_sweep_csv(path: str | Path, result: Sweep) -> None:
    """``sweep.csv``: one row per config, in grid order."""
    with atomic_writer(path) as fh:
        w = safe_csv_writer(fh)  # formula-like cells escaped (docs/limits.md)
        w.writerow(sweep_columns(result))
        w.writerows(sweep_table(result))
