"""sweep: one row per config, equal to single rounds; locally or on a Dask cluster."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

import matcher
from matcher.cli import main
from matcher.io import Caseload, load_caseload
from matcher.synth.demo import DEMO_AS_OF
from matcher.tuning import grid_from_dict, pareto_front, sweep
from matcher.tuning.figures import figures

DEMO = Path(matcher.__file__).parent / "data" / "demo"
KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")
#: Two weightings and a rule that changes which pairs are feasible: 4 configs, 2 pools.
GRID = {"vary": {"weights": {"goals": [1.0, 12.0]}, "rules": {"same_region": [False, True]}}}


@pytest.fixture(scope="module")
def demo() -> Caseload:
    return load_caseload(*(DEMO / f"{n}.csv" for n in KINDS))


@pytest.fixture(scope="module")
def local_rows(demo: Caseload) -> tuple:
    return sweep(demo, grid_from_dict(GRID), as_of=DEMO_AS_OF, workers=1).rows


def test_sweep_rows_equal_single_match_runs(demo: Caseload, local_rows: tuple) -> None:
    grid = grid_from_dict(GRID)
    assert len(local_rows) == 4
    for row, combo, config in zip(local_rows, grid.combinations, grid.configs, strict=True):
        assert row.values == combo
        single = matcher.match(
            demo.mentees,
            demo.mentors,
            config,
            existing=demo.existing,
            supervisors=demo.supervisors,
            prisons=demo.prisons,
            as_of=DEMO_AS_OF,
        )
        assert row.figures == figures(single, demo.mentees, demo.mentors)
    # The rule changes the rounds (else the test would not show the recompute matters).
    assert local_rows[0].figures != local_rows[1].figures


def test_pairs_are_found_once_per_set_of_rules(demo: Caseload) -> None:
    assert sweep(demo, grid_from_dict(GRID), as_of=DEMO_AS_OF, workers=1).pools == 2
    weights_only = {"vary": {"weights": {"goals": [1.0, 3.0, 12.0]}}}
    assert sweep(demo, grid_from_dict(weights_only), as_of=DEMO_AS_OF, workers=1).pools == 1


def test_local_processes_give_the_same_rows(demo: Caseload, local_rows: tuple) -> None:
    assert sweep(demo, grid_from_dict(GRID), as_of=DEMO_AS_OF, workers=2).rows == local_rows


def test_a_dask_cluster_on_loopback_gives_the_same_rows(demo: Caseload, local_rows: tuple) -> None:
    distributed = pytest.importorskip("distributed")
    # Real worker processes (a nanny each), listening on loopback only.
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    ) as cluster:
        got = sweep(
            demo, grid_from_dict(GRID), as_of=DEMO_AS_OF, scheduler=cluster.scheduler_address
        )
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    assert got.rows == local_rows


def test_an_unreachable_scheduler_is_one_error_line(demo: Caseload, tmp_path: Path) -> None:
    grid = tmp_path / "grid.toml"
    grid.write_text("[vary.weights]\ngoals = [1.0]\n")
    files = [a for k in KINDS for a in (f"--{k}", str(DEMO / f"{k}.csv"))]
    res = CliRunner().invoke(
        main,
        [
            "sweep",
            *files,
            "--grid",
            str(grid),
            "--out",
            str(tmp_path / "s.csv"),
            "--scheduler",
            "nonsense",
        ],
    )
    assert res.exit_code == 2
    assert res.stderr.startswith("error: The 'scheduler' parameter of sweep must be an address")


def test_sweep_command_writes_csv_and_page(tmp_path: Path, local_rows: tuple) -> None:
    grid = tmp_path / "grid.toml"
    grid.write_text(
        "[vary.weights]\ngoals = [1.0, 12.0]\n[vary.rules]\nsame_region = [false, true]\n"
    )
    files = [a for k in KINDS for a in (f"--{k}", str(DEMO / f"{k}.csv"))]
    out, page = tmp_path / "sweep.csv", tmp_path / "sweep.html"
    res = CliRunner().invoke(
        main,
        [
            "sweep",
            *files,
            "--grid",
            str(grid),
            "--as-of",
            DEMO_AS_OF.isoformat(),
            "--out",
            str(out),
            "--report",
            str(page),
            "--workers",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:9] == [
        "weights.goals",
        "rules.same_region",
        "matched",
        "match_rate",
        "mean_score",
        "total_priority",
        "shared_goals_share",
        "gate_share",
        "group_spread",
    ]
    assert "solver_status" in rows[0]
    assert [(r["weights.goals"], r["rules.same_region"]) for r in rows] == [
        ("1.0", "false"),
        ("1.0", "true"),
        ("12.0", "false"),
        ("12.0", "true"),
    ]
    for r, want in zip(rows, local_rows, strict=True):
        assert int(r["matched"]) == want.figures.matched
        assert float(r["match_rate"]) == pytest.approx(want.figures.match_rate)
    html = page.read_text()
    assert "Pareto front" in html and "<svg" in html
    for external in ("http://", "https://", "<script", "src=", "<link"):
        assert external not in html


def test_the_pareto_front_is_the_rows_no_other_beats(local_rows: tuple) -> None:
    front = pareto_front(local_rows)
    pts = [(r.figures.match_rate, r.figures.mean_score) for r in local_rows]
    for (x, y), on in zip(pts, front, strict=True):
        beaten = any(a >= x and b >= y and (a, b) != (x, y) for a, b in pts)
        assert on == (not beaten)
    assert any(front)
