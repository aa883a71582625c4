"""Benchmark: a 12-config weight sweep against one matching round, on the same caseload.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_tuning.py [--mentees 10000] [--mentors 2000] \
        [--seed 1] [--repeat 3] [--workers N]

The caseload is the regional scenario: ``matcher.synth.generate(10000, 2000, seed)`` with
every file (existing relationships, supervisors, prisons), cached under
``benchmarks/_work/`` (git-ignored), with each mentor's ``max_hours`` set to 40 so that
weekly hours do not bind (the scenario's ``-hours`` variant is the generator's own hours,
where CP-SAT runs to its time limit in every round). Both commands run as the user runs
them, ``python -m matcher``, each in a fresh process: ``match`` (one round, writing
``matches.csv``) and ``sweep`` over a 12-config grid of weights (writing ``sweep.csv``),
``--repeat`` times each, alternating; the medians and their ratio are printed. Nothing is
asserted; ``benchmarks/results/tuning.md`` records what was measured.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from matcher.synth import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GRID = """# 12 weightings: 3 x 2 x 2
[vary.weights]
goals = [1.0, 3.0, 12.0]
location = [0.5, 2.0]
expectations = [1.0, 4.0]
"""
KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")
AS_OF = "2026-01-05"


def _caseload(n: int, m: int, seed: int) -> Path:
    out = HERE / "_work" / f"regional-{n}x{m}-s{seed}"
    if not (out / "mentors.csv").exists():
        generate(n, m, seed, out)
        path = out / "mentors.csv"
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            r["max_hours"] = "40"  # hours never bind: the plain (not -hours) scenario
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    return out


def _run(args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "matcher", *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mentees", type=int, default=10_000)
    ap.add_argument("--mentors", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="sweep --workers (default: CPUs)")
    a = ap.parse_args()
    d = _caseload(a.mentees, a.mentors, a.seed)
    files = [x for k in KINDS for x in (f"--{k}", str(d / f"{k}.csv"))]
    grid = d / "grid.toml"
    grid.write_text(GRID)
    match = ["match", *files, "--as-of", AS_OF, "--out", str(d / "matches.csv")]
    sweep = ["sweep", *files, "--grid", str(grid), "--as-of", AS_OF, "--out", str(d / "sweep.csv")]
    if a.workers:
        sweep += ["--workers", str(a.workers)]
    _run(match)  # warm-up: numba's disk cache, file cache
    times: dict[str, list[float]] = {"match": [], "sweep": []}
    for _ in range(a.repeat):
        times["match"].append(_run(match))
        times["sweep"].append(_run(sweep))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"caseload: {d.name}; sweep workers: {a.workers or 'default (CPUs)'}")
    print("| command | runs (s) | median (s) |\n|---|---|---|")
    for k, v in times.items():
        print(f"| {k} | {', '.join(f'{x:.2f}' for x in v)} | {med[k]:.2f} |")
    print(
        f"\nratio sweep (12 configs) / one round: {med['sweep'] / med['match']:.2f}x (target <= 4x)"
    )


if __name__ == "__main__":
    main()
