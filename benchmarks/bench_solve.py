"""Benchmark matcher.solve on a large random sparse instance.

(a) counts only: ``solve`` against a raw ``SimpleMinCostFlow`` built directly on the same
    arcs (same integer costs), median of ``--repeats`` runs each.
(b) hours binding: loads 0.5-3 h, ~30 % of mentors with tight hours; status, gap, time.

Usage::

    .venv/bin/python benchmarks/bench_solve.py [--mentees 50000] [--mentors 10000]
        [--repeats 3] [--time-limit 60] [--workers 2] [--seed 0] [--part a b]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.spatial import cKDTree

from matcher.assignment import solve

__all__ = ["Instance", "main", "make_instance", "raw_flow"]


@dataclass(frozen=True)
class Instance:
    """A random instance with geographic-like locality."""

    n: int
    m: int
    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray
    load: np.ndarray
    capacity: np.ndarray
    priority: np.ndarray
    hours: np.ndarray


def make_instance(n: int, m: int, seed: int) -> Instance:
    """Mentees and mentors in clustered towns; each mentee's 20-40 nearest mentors."""
    rng = np.random.default_rng(seed)
    towns = rng.random((200, 2))
    mentor_xy = towns[rng.integers(0, 200, m)] + rng.normal(0, 0.02, (m, 2))
    mentee_xy = towns[rng.integers(0, 200, n)] + rng.normal(0, 0.02, (n, 2))
    k_max = 40
    dist, near = cKDTree(mentor_xy).query(mentee_xy, k=k_max)
    deg = rng.integers(20, k_max + 1, n)
    keep = np.arange(k_max)[None, :] < deg[:, None]
    mentee = np.repeat(np.arange(n), deg)
    mentor = near[keep]
    d = dist[keep]
    score = np.clip(0.6 * (1 - d / d.max()) + 0.4 * rng.random(d.size), 0, 1)
    load = rng.integers(1, 7, d.size) * 0.5  # 0.5 .. 3 h
    capacity = rng.integers(1, 5, m)
    priority = rng.integers(1, 4, n).astype(float)
    # ~30 % of mentors get hours below what their capacity would need on average
    tight = rng.random(m) < 0.3
    hours = np.where(tight, capacity * rng.uniform(0.5, 1.5, m), np.inf)
    return Instance(n, m, mentee, mentor, score, load, capacity, priority, hours)


def raw_flow(inst: Instance, resolution: int = 10_000) -> np.ndarray:
    """Baseline: the same network and integer costs, straight into SimpleMinCostFlow."""
    n, m = inst.n, inst.m
    s = np.round(inst.score * resolution).astype(np.int64)
    best = np.zeros(n, dtype=np.int64)
    np.maximum.at(best, inst.mentee, s)
    weight = int(best.sum()) + 1
    p = inst.priority.astype(np.int64)
    sink = n + m
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        inst.mentee, n + inst.mentor, np.ones(inst.mentee.size, dtype=np.int64), -s
    )
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(n), np.full(n, sink), np.ones(n, dtype=np.int64), weight * p
    )
    smcf.add_arcs_with_capacity_and_unit_cost(
        n + np.arange(m), np.full(m, sink), inst.capacity.astype(np.int64),
        np.zeros(m, dtype=np.int64),
    )  # fmt: skip
    smcf.set_nodes_supplies(
        np.append(np.arange(n), sink), np.append(np.ones(n, dtype=np.int64), -n)
    )
    assert smcf.solve() == smcf.OPTIMAL
    return np.flatnonzero(smcf.flows(arcs) > 0)


def _timed(f, repeats: int):  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print a markdown report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mentees", type=int, default=50_000)
    ap.add_argument("--mentors", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--part", nargs="*", default=["a", "b"])
    args = ap.parse_args(argv)

    t = time.perf_counter()
    inst = make_instance(args.mentees, args.mentors, args.seed)
    print(f"instance: {inst.n} mentees, {inst.m} mentors, {inst.mentee.size} pairs, "
          f"{inst.capacity.sum()} seats (built in {time.perf_counter() - t:.1f} s)")  # fmt: skip

    if "a" in args.part:

        def run_solve():  # type: ignore[no-untyped-def]
            return solve(
                inst.mentee, inst.mentor, inst.score, n_mentees=inst.n, n_mentors=inst.m,
                mentor_capacity=inst.capacity, priority=inst.priority,
            )  # fmt: skip

        t_raw, raw_times, raw = _timed(lambda: raw_flow(inst), args.repeats)
        t_sol, sol_times, res = _timed(run_solve, args.repeats)
        same = res.chosen.size == raw.size
        print("\n(a) counts only (no hours)")
        print(
            f"raw SimpleMinCostFlow: median {t_raw:.3f} s  runs {[round(x, 3) for x in raw_times]}"
        )  # noqa: E501
        print(
            f"solve():               median {t_sol:.3f} s  runs {[round(x, 3) for x in sol_times]}"
        )  # noqa: E501
        print(f"ratio solve/raw: {t_sol / t_raw:.2f}x; status {res.status}, method {res.method}, "
              f"matched {int((res.mentor_of >= 0).sum())} (raw {raw.size}, same count: {same}), "
              f"components {res.n_components}")  # fmt: skip

    if "b" in args.part:
        t = time.perf_counter()
        res = solve(
            inst.mentee, inst.mentor, inst.score, n_mentees=inst.n, n_mentors=inst.m,
            mentor_capacity=inst.capacity, priority=inst.priority, load=inst.load,
            mentor_hours=inst.hours, time_limit=args.time_limit, workers=args.workers,
        )  # fmt: skip
        wall = time.perf_counter() - t
        print("\n(b) hours binding")
        print(
            f"status {res.status}, method {res.method}, gap {100 * res.gap:.4f} %, "
            f"objective {res.objective}, bound {res.bound}, wall {wall:.1f} s, "
            f"components {res.n_components} (CP-SAT {res.n_cp_sat_components}: "
            f"{res.cp_sat_status}), matched {int((res.mentor_of >= 0).sum())}, "
            f"total priority {res.total_priority:.0f}, total score {res.total_score:.2f}"
        )  # noqa: E501
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
