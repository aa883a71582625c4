"""Benchmark the solver by pricing on a generated round, against one raw min-cost flow.

The round's solver input is built once from a caseload written by ``matcher generate``
(as ``match`` builds it: running relationships take seats and hours, supervisors' caps)
and cached in an ``.npz``; then every run is a fresh process (so CPU time and peak memory
are its own), variants interleaved, and the medians reported:

- ``raw``: one OR-Tools ``SimpleMinCostFlow`` on every pair, counts only (seats, no hours,
  no supervisors), built straight from the arrays: the baseline of issue 11.
- ``pricing``: :func:`matcher.assignment.solve_store` (a working set proven by pricing).
- ``all``: :func:`matcher.assignment.solve` with every pair (what rounds used before).

``--hours`` gives the solvers the mentors' weekly hours (the round as ``match`` solves
it; the raw flow stays counts only); without it, hours cannot bind.

Usage::

    matcher generate --mentees 50000 --mentors 10000 --seed 5 --out /tmp/g50
    .venv/bin/python benchmarks/bench_pricing.py /tmp/g50 [--hours] [--repeats 3]
        [--variants raw pricing all] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["main", "prepare"]

AS_OF = date(2026, 1, 5)


@dataclass(frozen=True)
class _Store:
    mentee: np.ndarray
    mentor: np.ndarray
    score_steps: np.ndarray


def prepare(caseload: Path, out: Path) -> None:
    """Find the round's pairs and write the solver's input to ``out`` (npz)."""
    from matcher.arrays import existing_load
    from matcher.candidates import find_candidates
    from matcher.config import Config
    from matcher.io import load_caseload

    c = load_caseload(*(caseload / f"{k}.csv" for k in ("mentees", "mentors", "existing",
                                                         "supervisors", "prisons")))  # fmt: skip
    config = Config()
    running = {r.mentee_id for r in c.existing}
    mentees = tuple(sorted((e for e in c.mentees if e.id not in running), key=lambda e: e.id))
    mentors = tuple(sorted(c.mentors, key=lambda m: m.id))
    supervisors = sorted(c.supervisors, key=lambda s: s.id)
    seats, hours = existing_load(c.existing, mentors, config)
    seats = seats.astype(np.int64)
    index = {s.id: g for g, s in enumerate(supervisors)}
    group = np.array([index.get(m.supervisor or "", -1) for m in mentors], dtype=np.int64)
    used = np.bincount(group[group >= 0], weights=seats[group >= 0], minlength=len(index))
    cands = find_candidates(mentees, mentors, config, as_of=AS_OF)
    ma = cands.mentee_arrays
    np.savez(
        out, mentee=cands.mentee, mentor=cands.mentor, steps=cands.score_steps,
        priority=ma.priority, load=ma.support_hours,
        capacity=np.maximum(np.array([m.capacity for m in mentors]) - seats, 0),
        hours=np.maximum(np.array([m.max_hours for m in mentors]) - hours, 0.0),
        group=group, gcap=np.maximum(np.array([s.capacity for s in supervisors]) - used, 0),
        offset=seats, n=len(mentees), m=len(mentors),
    )  # fmt: skip


def _raw(z: Any) -> dict[str, Any]:
    """Counts only: one SimpleMinCostFlow over every pair (integer costs as the solver's)."""
    from ortools.graph.python import min_cost_flow

    n, m = int(z["n"]), int(z["m"])
    mentee, mentor = z["mentee"].astype(np.int64), z["mentor"].astype(np.int64)
    s = np.round((2**30 - z["steps"].astype(np.float64)) / 2**30 * 10_000).astype(np.int64)
    best = np.zeros(n, dtype=np.int64)
    np.maximum.at(best, mentee, s)
    weight = int(best.sum()) + 1
    p = np.round(z["priority"] * 10).astype(np.int64)
    sink = n + m
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(mentee, n + mentor, np.ones(mentee.size, np.int64), -s)
    f.add_arcs_with_capacity_and_unit_cost(np.arange(n), np.full(n, sink), np.ones(n, np.int64),
                                           weight * p)  # fmt: skip
    seats = z["capacity"].astype(np.int64)
    f.add_arcs_with_capacity_and_unit_cost(n + np.arange(m), np.full(m, sink), seats,
                                           np.zeros(m, np.int64))  # fmt: skip
    f.set_nodes_supplies(np.append(np.arange(n), sink), np.append(np.ones(n, np.int64), -n))
    status = f.solve()
    return {
        "status": str(status),
        "matched": int((np.asarray(f.flows(np.arange(mentee.size))) > 0).sum()),
    }  # noqa: E501


def _solver(z: Any, variant: str, hours: bool, time_limit: float) -> dict[str, Any]:
    from matcher.assignment import solve_round

    store = _Store(z["mentee"], z["mentor"], z["steps"])
    res = solve_round(
        store, mentee_load=z["load"], working_set=4 if variant == "pricing" else 0,
        pricing_min_pairs=0, n_mentees=int(z["n"]), n_mentors=int(z["m"]),
        mentor_capacity=z["capacity"], priority=z["priority"],
        mentor_hours=z["hours"] if hours else None, mentor_group=z["group"],
        group_capacity=z["gcap"], seat_offset=z["offset"], time_limit=time_limit,
    )  # fmt: skip
    return {"status": str(res.status), "gap": res.gap, "objective": int(res.objective),
            "bound": int(res.bound), "matched": int((res.mentor_of >= 0).sum()),
            "pricing_rounds": res.pricing_rounds, "columns": res.columns}  # fmt: skip


def _one(npz: Path, variant: str, hours: bool, time_limit: float) -> None:
    """One run in this process: print its figures as JSON."""
    z = np.load(npz)
    z = {k: z[k] for k in z.files}
    if variant != "raw":  # compile (or load) the kernels outside the timed part
        from matcher.assignment import kernels, simplex  # noqa: F401
    t_cpu, t_wall = time.process_time(), time.perf_counter()
    out = _raw(z) if variant == "raw" else _solver(z, variant, hours, time_limit)
    out.update(cpu=time.process_time() - t_cpu, wall=time.perf_counter() - t_wall,
               peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # fmt: skip
    print(json.dumps(out))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print a markdown report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("caseload", type=Path)
    ap.add_argument("--hours", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--variants", nargs="*", default=["raw", "pricing", "all"])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    npz = args.caseload / "solver-input.npz"
    if args.one:
        _one(npz, args.one, args.hours, args.time_limit)
        return 0
    if not npz.exists():
        prepare(args.caseload, npz)
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in args.variants}
    for _ in range(args.repeats):
        for v in args.variants:  # interleaved, so load on the machine hits all alike
            cmd = [sys.executable, __file__, str(args.caseload), "--one", v, "--time-limit",
                   str(args.time_limit), *(["--hours"] if args.hours else [])]  # fmt: skip
            line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            runs[v].append(json.loads(line.strip().splitlines()[-1]))
    print(f"caseload {args.caseload}, hours {'bind' if args.hours else 'ignored'}, "
          f"{args.repeats} runs each, interleaved\n")  # fmt: skip
    print("| variant | CPU s (median) | wall s (median) | peak MiB (max) | status "
          "| gap (median) | matched | pricing rounds | columns |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    med: dict[str, float] = {}
    for v, rs in runs.items():
        med[v] = statistics.median(r["cpu"] for r in rs)
        last = rs[-1]
        gaps = sorted(100 * r["gap"] for r in rs if "gap" in r)  # every run's, not the last's
        gap = f"{statistics.median(gaps):.4f} % (max {gaps[-1]:.4f} %)" if gaps else "-"
        print(f"| {v} | {med[v]:.2f} | {statistics.median(r['wall'] for r in rs):.2f} | "
              f"{max(r['peak_mib'] for r in rs):.0f} | {last['status']} | {gap} | "
              f"{last['matched']} | {last.get('pricing_rounds', '-')} | {last.get('columns', '-')} |")  # fmt: skip  # noqa: E501
    if "raw" in med:
        for v in med:
            if v != "raw":
                print(f"\n{v} / raw (CPU): {med[v] / med['raw']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
