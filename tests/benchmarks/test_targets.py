"""The targets table's objective verdict (benchmarks/targets.py), on hand-made results."""

from __future__ import annotations

from typing import Any

from benchmarks.targets import targets_section
from matcher import Config


def _docs(score_above: float) -> dict[str, Any]:
    """One caseload: matcher and a feasible min_cost_flow scoring ``score_above`` more."""
    ref = {"method": "matcher", "matched": 20_000, "total_priority": 35_540.5,
           "total_score": 16_495.0, "violations": 0}  # fmt: skip
    alt = dict(ref, method="min_cost_flow", total_score=16_495.0 + score_above)
    return {"national": {"caseloads": [{"key": "50000x10000-s5-c", "methods": [ref, alt]}]}}


def _objective_row(docs: dict[str, Any]) -> str:
    return next(r for r in targets_section(docs) if r.startswith("| objective"))


def test_a_score_difference_below_the_solvers_resolution_is_a_tie_not_a_miss() -> None:
    # 20 000 matched pairs at 1/10 000 per pair: up to 2.0 can be lost to rounding
    assert Config().objective.score_resolution == 10_000
    row = _objective_row(_docs(0.0002))
    assert "| met |" in row
    assert "within the score resolution" in row and "50000x10000-s5-c min_cost_flow" in row


def test_a_score_difference_above_the_resolution_is_a_miss() -> None:
    row = _objective_row(_docs(2.5))
    assert "| missed |" in row
    assert "matcher below on 1: 50000x10000-s5-c min_cost_flow" in row
