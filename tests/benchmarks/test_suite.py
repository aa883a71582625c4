"""The runner's per-method row (benchmarks/suite.py), from the outcomes of its runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.measure import RunOutcome
from benchmarks.suite import method_row

_BY = {"seats": 0, "hours": 2, "supervisor": 1}


def _run(seconds: float, status: str, assignment: bool) -> RunOutcome:
    doc = {"seconds": seconds, "peak_mib": 900.0, "status": status, "note": ""}
    if assignment:
        doc.update(matched=10, total_priority=12.0, total_score=5.5, violations=3, by_limit=_BY)
    return RunOutcome(doc, "ok")


def test_runs_without_an_assignment_beside_one_with_are_counted_not_a_crash() -> None:
    # CP-SAT at its time limit: one run found an assignment, two found none ("unknown")
    runs = [
        _run(63.0, "feasible", True),
        _run(63.1, "unknown", False),
        _run(63.2, "unknown", False),
    ]
    row = method_row("cp_sat", runs)
    assert row["status"] == "unknown"
    assert row["seconds"] == 63.1
    assert row["runs_without_assignment"] == 2
    # the figures are those of the run that has them, not made up for the others
    assert row["matched"] == 10 and row["violations"] == 3
    assert row["violations_by_limit"] == _BY


def test_every_run_with_an_assignment_has_no_such_count() -> None:
    row = method_row("cp_sat", [_run(1.0, "optimal", True), _run(2.0, "optimal", True)])
    assert "runs_without_assignment" not in row
    assert row["violations_by_limit"] == _BY


def test_stress_estimates_fall_back_to_the_recorded_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An output folder without measured rounds (a stress run into a fresh folder) still
    gets every alternative's estimated peak, fitted to the recorded results."""
    import json

    from benchmarks import estimate as est
    from benchmarks.measure import Budget

    recorded = tmp_path / "recorded"
    recorded.mkdir()
    for name, pairs, peak in (("regional", 500_000, 200.0), ("national", 13_000_000, 1100.0)):
        row = {"method": "greedy", "pairs": pairs, "peak_mib": peak, "status": "heuristic"}
        (recorded / f"{name}.json").write_text(json.dumps({"methods": [row]}))
    monkeypatch.setattr(est, "RECORDED", recorded)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    peak, why = est.estimate("greedy", 209_000_000, Budget(8.0, 60.0), fresh)
    assert peak is not None and peak > 8 * 1024
    assert "fit over 2 measured rounds" in why and "over the 8 GiB budget" in why
    assert est.estimate("cp_sat", 209_000_000, Budget(8.0, 60.0), fresh)[0] is None
    # A folder with one scenario measured (too few sizes for a line) falls back too ...
    one = {"method": "greedy", "pairs": 13_000_000, "peak_mib": 1500.0, "status": "heuristic"}
    (fresh / "national.json").write_text(json.dumps({"methods": [one]}))
    peak, why = est.estimate("greedy", 209_000_000, Budget(8.0, 60.0), fresh)
    assert peak is not None and "measured rounds of benchmarks/results" in why
    # ... and one with two sizes measured uses its own.
    two = {"method": "greedy", "pairs": 500_000, "peak_mib": 300.0, "status": "heuristic"}
    (fresh / "regional.json").write_text(json.dumps({"methods": [two]}))
    own, why = est.estimate("greedy", 209_000_000, Budget(8.0, 60.0), fresh)
    assert own is not None and own != peak and "benchmarks/results" not in why
