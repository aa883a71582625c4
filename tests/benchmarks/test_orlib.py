"""The OR-Library scenario's runner, on a tiny GAP file written here."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import benchmarks.suite
from benchmarks.measure import Budget
from benchmarks.orlib import run_orlib
from benchmarks.scenarios import SCENARIOS

# one problem, 2 agents x 3 jobs: c rows, r rows, b (the OR-Library layout)
_GAP1 = "1\n2 3\n5 1 4\n2 6 3\n2 2 2\n2 2 2\n4 4\n"


def test_a_long_orlib_run_is_not_repeated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As for the caseloads, a method whose run took longer than LONG_RUN_SECONDS is run
    once, and its row says so (the machine is shared)."""
    (tmp_path / "gap1.txt").write_text(_GAP1)
    (tmp_path / "OPTIMA.md").write_text("known values: see benchmarks/orlib_gap.py\n")
    monkeypatch.setattr(benchmarks.suite, "LONG_RUN_SECONDS", 0.0)  # every run counts as long
    sc = replace(SCENARIOS["orlib"], methods=("greedy",), options={"files": ("gap1",)})
    doc = run_orlib(sc, 2, Budget(), 10.0, tmp_path)
    rows = {r["method"]: r for r in doc["methods"]}
    assert rows["matcher"]["runs"] == 1
    assert rows["greedy"]["runs"] == 1
    # the single run is still recorded in full: every job placed within the agents' hours
    assert rows["matcher"]["matched"] == 1
    assert rows["matcher"]["violations"] == 0
