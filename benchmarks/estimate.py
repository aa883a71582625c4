"""The ``stress`` scenarios (200k x 40k): matcher run under its memory plan, the
alternatives estimated.

No alternative holds the round's ~200 M pairs within the memory budget of a shared
machine (each reads an instance of every pair, 32 bytes a pair, and builds its own model
on top), so nothing of theirs is allocated at that size. Instead:

- **pairs**: the candidate pass is run (in a child, watched) on every 50th mentee against
  every mentor, and the count scaled up;
- **peak memory per method**: a straight line ``peak = a + b * pairs`` fitted to that
  method's measured peaks in the other scenarios' JSON files of the same output folder
  (where they are too few for a line, those of the recorded ``benchmarks/results/``),
  evaluated at the estimated pairs.

Each method is then recorded as not run, with the estimate as the reason. When
``matcher.Config`` has ``solver.memory_limit_gib`` (the memory plan of issue 11), matcher
is run with that limit set to the budget: it either refuses up front or fits.
"""

from __future__ import annotations

import csv
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.measure import Budget, peak_mib, run_child
from benchmarks.scenarios import AS_OF, WORK, Caseload, Scenario, caseload_for

__all__ = [
    "RECORDED",
    "SAMPLE_EVERY",
    "estimate",
    "estimate_child",
    "estimated_row",
    "fit_peak",
    "run_estimate",
]

#: The pair count is measured on every ``SAMPLE_EVERY``-th mentee.
SAMPLE_EVERY = 50


def estimate_child(req: dict[str, Any]) -> dict[str, Any]:
    """In a child: generate the caseload, count the pairs of a sample of its mentees."""
    import matcher

    t0 = time.perf_counter()
    c = Caseload(**req["caseload"])
    folder = caseload_for(c)
    sample = WORK / f"{c.key}.sample.csv"
    with (
        (folder / "mentees.csv").open(newline="", encoding="utf-8") as fh,
        sample.open("w", newline="", encoding="utf-8") as out,
    ):
        w = csv.writer(out, lineterminator="\n")
        for k, row in enumerate(csv.reader(fh)):
            if k == 0 or (k - 1) % SAMPLE_EVERY == 0:
                w.writerow(row)
    mentees = matcher.load_mentees(sample)
    mentors = matcher.load_mentors(folder / "mentors.csv")
    config = matcher.Config.model_validate(req["config"])
    cands = matcher.find_candidates(mentees, mentors, config, as_of=date.fromisoformat(AS_OF))
    return {"sample_mentees": len(mentees), "sample_pairs": len(cands),
            "pairs": int(round(len(cands) * c.mentees / max(len(mentees), 1))),
            "seconds": time.perf_counter() - t0, "peak_mib": peak_mib(),
            "status": "estimated"}  # fmt: skip


def fit_peak(
    out_dir: Path, method: str, exclude: str = "stress"
) -> tuple[float, float, int] | None:
    """``(a, b, points)`` of ``peak_mib = a + b * pairs`` over the measured rows of ``method``."""
    xs, ys = [], []
    for path in sorted(out_dir.glob("*.json")):
        if path.stem.startswith(exclude):
            continue
        doc = json.loads(path.read_text())
        for row in doc.get("methods", []):
            if row.get("method") == method and row.get("peak_mib") and row.get("pairs") \
                    and row.get("status") != "not_run":  # fmt: skip
                xs.append(float(row["pairs"]))
                ys.append(float(row["peak_mib"]))
    if len(set(xs)) < 2:
        return None
    b, a = np.polyfit(np.array(xs), np.array(ys), 1)
    return float(a), float(b), len(xs)


def _has_memory_plan() -> bool:
    from matcher.config import SolverConfig

    return "memory_limit_gib" in SolverConfig.model_fields


def _matcher_under_plan(
    sc: Scenario, c: Caseload, repeats: int, budget: Budget, pairs: int, est: float | None
) -> dict[str, Any]:
    """matcher with ``solver.memory_limit_gib`` at the budget: it refuses up front, or fits."""
    from benchmarks.suite import _runs, method_row

    config = c.config(60.0)
    config["solver"]["memory_limit_gib"] = budget.memory_gib
    request = {"kind": "matcher", "caseload": str(caseload_for(c)), "config": config,
               "as_of": AS_OF, "out": str(WORK / f"{c.key}.out")}  # fmt: skip
    row = method_row("matcher", _runs(sc.name, f"{c.key} matcher", request, repeats, budget))
    row.update(mentees=c.mentees, mentors=c.mentors, estimated_peak_mib=est)
    row.setdefault("pairs", pairs)
    return row


#: The recorded results: what the peaks are fitted to when the output folder has too few.
RECORDED = Path(__file__).resolve().parent / "results"


def estimate(method: str, pairs: int, budget: Budget, out_dir: Path) -> tuple[float | None, str]:
    """``(estimated peak MiB or None, why it is not run)`` for ``method`` at ``pairs`` pairs,
    fitted to the measured rounds in ``out_dir``; where they are too few for a line (fewer
    than two sizes measured for the method, e.g. a folder holding one scenario), to those
    of :data:`RECORDED`."""
    fit, source = fit_peak(out_dir, method), ""
    if fit is None and out_dir.resolve() != RECORDED:
        fit, source = fit_peak(RECORDED, method), " of benchmarks/results"
    if fit is None:
        return None, f"all {pairs:,} pairs in memory; no measured rounds to extrapolate from"
    a, b, k = fit
    est = a + b * pairs
    over = est > budget.memory_gib * 1024
    why = (f"estimated peak {est / 1024:.1f} GiB for {pairs:,} pairs (fit over {k} measured "
           f"rounds{source}: {b * 2**20:.0f} B per pair), "
           + (f"over the {budget.memory_gib:g} GiB budget" if over else
              "within the budget, but its instance of every pair (32 bytes a pair) is not "
              "written at this size"))  # fmt: skip
    return est, why


def estimated_row(
    method: str, pairs: int, c: Caseload, budget: Budget, out_dir: Path
) -> dict[str, Any]:
    """The row of an alternative not run on caseload ``c``: its estimate and why."""
    from benchmarks.suite import method_row

    est, why = estimate(method, pairs, budget, out_dir)
    row = method_row(method, [], why)
    row.update(pairs=pairs, mentees=c.mentees, mentors=c.mentors, estimated_peak_mib=est)
    return row


def run_estimate(
    sc: Scenario, repeats: int, budget: Budget, out_dir: Path | None
) -> dict[str, Any]:
    """Estimate every method's peak on each caseload; run matcher only under a memory plan."""
    from benchmarks.suite import progress

    out_dir = out_dir or RECORDED
    caseloads: list[dict[str, Any]] = []
    every: list[dict[str, Any]] = []
    for c in sc.caseloads:
        req = {"kind": "estimate", "caseload": {"mentees": c.mentees, "mentors": c.mentors,
               "seed": c.seed, "hours": c.hours}, "config": c.config(60.0)}  # fmt: skip
        run = run_child(req, budget)
        if run.result is None:
            raise RuntimeError(f"estimating {c.key} failed: {run.status} {run.reason}")
        pairs = int(run.result["pairs"])
        progress(sc.name, f"{c.key}: about {pairs:,} pairs (from {run.result['sample_mentees']:,} "
                 f"sampled mentees, {run.result['seconds']:.0f} s)")  # fmt: skip
        rows = []
        for method in ("matcher", *sc.methods):
            if method == "matcher" and _has_memory_plan():
                est = estimate(method, pairs, budget, out_dir)[0]
                rows.append(_matcher_under_plan(sc, c, repeats, budget, pairs, est))
                continue
            row = estimated_row(method, pairs, c, budget, out_dir)
            rows.append(row)
            progress(sc.name, f"{c.key} {method}: not run ({row['reason']})")
        caseloads.append({"key": c.key, "mentees": c.mentees, "mentors": c.mentors,
                          "pairs": pairs, "pairs_estimated": True, "sample": run.result,
                          "methods": rows})  # fmt: skip
        every.extend(rows)
    return {"caseloads": caseloads, "methods": every}
