"""The ``orlib`` scenario: OR-Library GAP sets against their known values (``OPTIMA.md``).

The mapping is :mod:`benchmarks.orlib_gap`'s: agents are mentors (hours ``b``, no seat
limit), jobs are mentees that must all be matched (``require_all``), ``load = r``; maximise
``c`` (gap1-12) or ``max(c) - c`` (gapa-d, minimisation). Every method gets the same
instance; a value is reported only for a complete assignment (every job placed), and every
assignment is checked against the agents' capacities.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.alternatives import Instance, evaluate, run_method
from benchmarks.measure import ROOT, Budget, peak_mib, run_child
from benchmarks.orlib_gap import (
    GAPD_BOUNDS,
    KNOWN_MAX,
    KNOWN_MIN,
    MAX_FILES,
    MIN_FILES,
    MIN_NAMES,
    GapProblem,
    read_gap_file,
)
from benchmarks.scenarios import Scenario

__all__ = ["DEFAULT_DATA", "FILES", "gap_instance", "run_orlib", "run_orlib_child"]

#: ``../shared/data/orlib`` beside the repository (pass ``--orlib`` from a worktree).
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "orlib"
FILES: tuple[str, ...] = (*MAX_FILES, *MIN_FILES)


def gap_instance(prob: GapProblem, maximise: bool) -> Instance:
    """The GAP problem as an assignment instance (jobs are mentees, agents mentors)."""
    m, n = prob.c.shape
    agent, job = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    score = prob.c if maximise else int(prob.c.max()) - prob.c
    return Instance(
        mentee=job.ravel().astype(np.int64), mentor=agent.ravel().astype(np.int64),
        score=score.ravel().astype(np.float64), load=prob.r.ravel().astype(np.float64),
        priority=np.ones(n), capacity=np.full(m, n, dtype=np.int64),
        hours=prob.b.astype(np.float64), group=np.full(m, -1, dtype=np.int64),
        group_capacity=np.zeros(0, dtype=np.int64), n_mentees=n, n_mentors=m, require_all=True,
    )  # fmt: skip


def _known(name: str, k: int) -> tuple[str, float, float]:
    """Label, and the known value as a (lower, upper) range (equal when proven)."""
    if name in KNOWN_MAX:
        v = KNOWN_MAX[name][k]
        return f"{name}-{k + 1}", v, v
    label = f"{name[-1]}{MIN_NAMES[k]}"
    if name in KNOWN_MIN:
        v = KNOWN_MIN[name][k]
        return label, v, v
    lb, ub = GAPD_BOUNDS[k]
    return label, lb, ub


def _matcher(prob: GapProblem, inst: Instance, time_limit: float) -> tuple[str, Any, float]:
    from matcher import solve

    t0 = time.perf_counter()
    res = solve(
        inst.mentee, inst.mentor, inst.score, n_mentees=inst.n_mentees, n_mentors=inst.n_mentors,
        mentor_capacity=inst.capacity, load=inst.load, mentor_hours=inst.hours,
        require_all=True, objective="score_only", score_resolution=1, time_limit=time_limit,
        workers=1,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    chosen = res.chosen if res.status in ("optimal", "feasible") else None
    return str(res.status), (chosen, float(res.bound)), seconds


def run_orlib_child(req: dict[str, Any]) -> dict[str, Any]:
    """In a child: one method over the requested files; one row per problem."""
    method, limit, data = req["method"], float(req["time_limit"]), Path(req["data"])
    rows = []
    for name in req["files"]:
        maximise = name in KNOWN_MAX
        for k, prob in enumerate(read_gap_file(data / f"{name}.txt")):
            inst = gap_instance(prob, maximise)
            bound = None
            if method == "matcher":
                status, (chosen, bound), seconds = _matcher(prob, inst, limit)
            else:
                out, seconds = run_method(method, inst, limit)
                status, chosen = out.status, out.chosen
            label, lo, hi = _known(name, k)
            row: dict[str, Any] = {"instance": label, "file": name, "maximise": maximise,
                                   "status": status, "seconds": seconds, "known_lb": lo,
                                   "known_ub": hi, "value": None, "violations": None}  # fmt: skip
            if chosen is not None:
                ev = evaluate(inst, chosen)
                cost = float(prob.c[inst.mentor[chosen], inst.mentee[chosen]].sum())
                row.update(violations=ev.violations, complete=ev.unassigned == 0)
                if ev.unassigned == 0:
                    row["value"] = cost
            if bound is not None and chosen is not None:
                top = float(prob.c.max())
                row["bound"] = bound if maximise else inst.n_mentees * top - bound
            rows.append(row)
    return {"rows": rows, "seconds": sum(r["seconds"] for r in rows), "peak_mib": peak_mib(),
            "status": "done"}  # fmt: skip


def _gap_pct(row: dict[str, Any]) -> float | None:
    """How far the value is from the best known, % (positive: worse)."""
    v = row["value"]
    if v is None:
        return None
    best = row["known_lb"] if row["maximise"] else row["known_ub"]
    return 100.0 * ((best - v) if row["maximise"] else (v - best)) / best


def _ok(row: dict[str, Any]) -> bool:
    """gap1-12, gapa-c: proven optimal at the known value; gapd: within 0.2 % of the ub."""
    if row["value"] is None or row["violations"]:
        return False
    if row["file"] == "gapd":
        return row["known_lb"] <= row["value"] and (_gap_pct(row) or 0.0) <= 0.2
    return row["status"] == "optimal" and row["value"] == row["known_lb"]


def _merge(runs: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per problem, the median seconds and value over the runs; the most common status."""
    out = []
    for rows in zip(*runs, strict=True):
        row = dict(rows[0])
        row["seconds"] = statistics.median(r["seconds"] for r in rows)
        values = [r["value"] for r in rows if r["value"] is not None]
        row["value"] = statistics.median(values) if values else None
        row["status"] = Counter(r["status"] for r in rows).most_common(1)[0][0]
        row["gap_pct"] = _gap_pct(row)
        row["ok"] = _ok(row)
        out.append(row)
    return out


def run_orlib(
    sc: Scenario, repeats: int, budget: Budget, time_limit: float, data: Path | None,
    files: tuple[str, ...] = FILES,
) -> dict[str, Any]:  # fmt: skip
    """Every method over the files, ``repeats`` times each; rows per method and problem."""
    from benchmarks.suite import LONG_RUN_SECONDS, progress

    data = data or DEFAULT_DATA
    if not (data / "OPTIMA.md").exists():
        raise FileNotFoundError(f"no OR-Library data at {data} (pass --orlib DIR)")
    files = tuple(sc.options.get("files", files))
    methods: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    for method in ("matcher", *sc.methods):
        runs = []
        for k in range(repeats):
            req = {"kind": "orlib", "method": method, "files": list(files), "data": str(data),
                   "time_limit": time_limit}  # fmt: skip
            run = run_child(req, budget)
            if run.result is None:
                progress(sc.name, f"{method} run {k + 1}: {run.status} ({run.reason})")
                break
            progress(sc.name, f"{method} run {k + 1}/{repeats}: {run.result['seconds']:.1f} s")
            runs.append(run.result)
            if run.result["seconds"] > LONG_RUN_SECONDS and k + 1 < repeats:
                # as for the caseloads: the machine is shared; the row says runs = 1
                progress(sc.name, f"{method}: over {LONG_RUN_SECONDS:g} s, not repeated")
                break
        if not runs:
            methods.append({"method": method, "status": "not_run", "reason": run.reason})
            continue
        merged = _merge([r["rows"] for r in runs])
        problems.extend(dict(r, method=method) for r in merged)
        # proven optimal for the GAP itself: an answer that breaks capacities proves nothing
        proven = sum(r["status"] == "optimal" and r["violations"] == 0 for r in merged)
        methods.append({
            "method": method, "seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mib": statistics.median(r["peak_mib"] for r in runs),
            "matched": sum(r["value"] is not None for r in merged), "total_priority": None,
            "total_score": None, "status": f"{proven}/{len(merged)} optimal",
            "violations": sum(r["violations"] or 0 for r in merged),
            "ok": sum(r["ok"] for r in merged), "problems": len(merged), "runs": len(runs),
        })  # fmt: skip
    return {"data": str(data), "files": list(files), "methods": methods, "problems": problems}
