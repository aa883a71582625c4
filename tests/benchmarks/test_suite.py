"""The runner's per-method row (benchmarks/suite.py), from the outcomes of its runs."""

from __future__ import annotations

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
