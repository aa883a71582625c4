"""The benchmark runner, run on its tiny scenario so that it never rots.

Skipped only when an optional alternative's library (the ``bench`` extra) is missing;
``make test`` installs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("matching")  # the stable-matching alternative (pip install '.[bench]')

from benchmarks.__main__ import main  # noqa: E402
from benchmarks.report import render  # noqa: E402

METHODS = {"matcher", "greedy", "scipy_sparse", "hospital_resident", "min_cost_flow", "cp_sat"}
FIELDS = {"method", "seconds", "peak_mib", "matched", "total_priority", "total_score", "status",
          "violations"}  # fmt: skip


def _objective(row: dict) -> tuple[float, float]:
    return round(row["total_priority"], 6), round(row["total_score"], 6)


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("bench")
    assert main(["--scenario", "smoke", "--repeats", "1", "--out", str(out)]) == 0
    return json.loads((out / "smoke.json").read_text()), out


def test_every_method_has_a_row_with_the_documented_fields(smoke: tuple[dict, Path]) -> None:
    doc, _ = smoke
    assert {"machine", "versions", "date"} <= set(doc)
    rows = {r["method"]: r for r in doc["methods"]}
    assert set(rows) == METHODS
    for row in rows.values():
        assert FIELDS <= set(row)
        assert row["status"] != "not_run", row.get("reason")


def test_matcher_stages_add_up_and_its_assignment_breaks_no_limit(smoke: tuple[dict, Path]) -> None:
    doc, _ = smoke
    m = next(r for r in doc["methods"] if r["method"] == "matcher")
    assert set(m["stages"]) == {"load", "candidates", "solve", "explain", "write", "other"}
    assert sum(m["stages"].values()) == pytest.approx(m["seconds"], rel=1e-6)
    assert m["violations"] == 0 and m["status"] == "optimal"


def test_alternatives_agree_with_matcher_where_they_must(smoke: tuple[dict, Path]) -> None:
    doc, _ = smoke
    rows = {r["method"]: r for r in doc["methods"]}
    best = _objective(rows["matcher"])
    # the plain CP-SAT model expresses every limit: proven optimal, it reaches the same value
    assert rows["cp_sat"]["status"] == "optimal"
    assert _objective(rows["cp_sat"]) == best
    # greedy keeps every limit, so it cannot do better
    assert rows["greedy"]["violations"] == 0 and _objective(rows["greedy"]) <= best
    # the others ignore limits (and say which): never below matcher's optimum, and above it
    # only by breaking a limit they ignore
    for method in ("scipy_sparse", "min_cost_flow"):
        assert "hours" in rows[method]["ignores"]
        assert _objective(rows[method]) >= best
        if _objective(rows[method]) > best:
            assert rows[method]["violations"] > 0


def test_report_renders_the_results(smoke: tuple[dict, Path]) -> None:
    _, out = smoke
    text = render(out)
    assert "## smoke" in text and "| matcher |" in text and "## Targets" in text


def test_report_names_each_scenarios_commit_and_load(smoke: tuple[dict, Path]) -> None:
    """Scenarios are recorded at different commits on a shared machine: each section says
    which commit it measured and how busy the machine was, not only the first file's."""
    doc, out = smoke
    other = dict(
        doc,
        scenario="weekly",
        versions=dict(doc["versions"], matcher_commit="abc1234"),
        load_average={"start": [3.5, 2.0, 1.0], "end": [1.0, 1.0, 1.0]},
    )
    (out / "weekly.json").write_text(json.dumps(other))
    try:
        text = render(out)
    finally:
        (out / "weekly.json").unlink()
    weekly = text.split("## weekly", 1)[1].split("\n## ", 1)[0]
    assert "matcher commit abc1234; load average (1 min) start 3.5, end 1.0" in weekly
    smoke_part = text.split("## smoke", 1)[1]
    assert f"matcher commit {doc['versions']['matcher_commit']}" in smoke_part
