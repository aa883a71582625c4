"""Weight tuning: compare two configs on one caseload, or sweep a grid of them.

- :mod:`~matcher.tuning.compare`: :func:`compare` two rounds: who changes and why.
- :mod:`~matcher.tuning.figures`: the figures compared (match rate, mean score, shares,
  group spread), read from a round's result.
- :mod:`~matcher.tuning.grid`: ``grid.toml``, checked like a config file.
- :mod:`~matcher.tuning.rescore`: the pairs found once and rescored per weighting.
- :mod:`~matcher.tuning.sweep`: :func:`sweep` a grid, in local processes or on Dask
  (:mod:`~matcher.tuning.dask_backend`).
- :mod:`~matcher.tuning.writers` and :mod:`~matcher.tuning.pages`: the CSV, JSON and
  self-contained HTML files.
"""

from __future__ import annotations

from matcher.tuning.compare import Change, Comparison, GroupDelta, MovedScore, compare
from matcher.tuning.figures import Figures, GroupFigure, figures
from matcher.tuning.grid import Grid, grid_from_dict, load_grid
from matcher.tuning.pages import (
    pareto_front,
    render_compare,
    render_sweep,
    write_compare_html,
    write_sweep_html,
)
from matcher.tuning.rescore import PairPool, feasibility_key
from matcher.tuning.sweep import Sweep, SweepRow, sweep
from matcher.tuning.writers import (
    compare_dict,
    write_changes_csv,
    write_compare_json,
    write_sweep_csv,
)

__all__ = [
    "Change",
    "Comparison",
    "Figures",
    "Grid",
    "GroupDelta",
    "GroupFigure",
    "MovedScore",
    "PairPool",
    "Sweep",
    "SweepRow",
    "compare",
    "compare_dict",
    "feasibility_key",
    "figures",
    "grid_from_dict",
    "load_grid",
    "pareto_front",
    "render_compare",
    "render_sweep",
    "sweep",
    "write_changes_csv",
    "write_compare_html",
    "write_compare_json",
    "write_sweep_csv",
    "write_sweep_html",
]
