"""Run a scenario: matcher, then each alternative on the same instance; medians; JSON.

Progress goes to stderr, one line per run. The document written to ``DIR/NAME.json`` holds
the machine, the versions, the date and one row per method (see :func:`method_row`).
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.alternatives import EXPRESSES, LIMITS, not_applicable
from benchmarks.measure import ROOT, Budget, RunOutcome, run_child
from benchmarks.scenarios import AS_OF, WORK, Caseload, Scenario, caseload_for

__all__ = ["machine", "method_row", "progress", "run_scenario", "versions", "write_doc"]

#: Seconds a run may take before it is stopped (the stable matching gets less).
RUN_SECONDS = {"hospital_resident": 900.0}
DEFAULT_RUN_SECONDS = 1800.0
#: A method whose run took longer than this is not run again (the machine is shared); its
#: row then says it is one run, not a median.
LONG_RUN_SECONDS = 300.0
_FIELDS = ("seconds", "peak_mib", "matched", "total_priority", "total_score", "violations")


def progress(scenario: str, text: str) -> None:
    """One line of progress on stderr."""
    print(f"[{datetime.now():%H:%M:%S}] {scenario}: {text}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
            if x.startswith("MemTotal:")
        )  # fmt: skip
    except (OSError, StopIteration):
        mem_kib = 0
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 2**20, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    """Versions of matcher and of every library a method uses."""
    out = {}
    for name in ("matcher", "numpy", "scipy", "ortools", "numba", "pydantic", "matching",
                 "matplotlib"):  # fmt: skip
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    try:  # the engine's exact code: the version number moves more slowly than the branch
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        out["matcher_commit"] = head
    except (OSError, subprocess.CalledProcessError):
        out["matcher_commit"] = "unknown"
    return out


def _median(values: Sequence[Any]) -> Any:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def method_row(method: str, runs: Sequence[RunOutcome], reason: str = "") -> dict[str, Any]:
    """One row: the median of each figure over the runs that finished.

    ``status`` is the most common status of those runs; a method none of whose runs
    finished is ``not_run`` (``reason`` says why: not applicable, killed, timed out).
    """
    ignores = [lim for lim in LIMITS if lim not in EXPRESSES[method]]
    row: dict[str, Any] = {"method": method, **dict.fromkeys(_FIELDS), "status": "not_run",
                           "ignores": ignores, "runs": len(runs)}  # fmt: skip
    done = [r.result for r in runs if r.result is not None]
    failed = [r for r in runs if r.result is None]
    if not done:
        why = reason or (f"{failed[0].status}: {failed[0].reason}" if failed else "")
        row["reason"] = why
        if failed:
            row["peak_mib"] = max(r.watched_peak_mib for r in failed)
        return row
    for key in _FIELDS:
        row[key] = _median([d.get(key) for d in done])
    statuses = Counter(str(d["status"]) for d in done)
    row["status"] = statuses.most_common(1)[0][0]
    row["seconds_runs"] = [round(d["seconds"], 4) for d in done]
    for key in ("note", "gap", "objective", "bound", "solver_method", "pairs"):
        if key in done[0]:
            row[key] = _median([d.get(key) for d in done]) if key in ("gap",) else done[0][key]
    # a run that found no assignment (CP-SAT "unknown" at its time limit) has no figures
    by = [d.get("by_limit") or d.get("check", {}).get("by_limit") for d in done]
    by = [b for b in by if b]
    if by:
        row["violations_by_limit"] = {k: _median([b[k] for b in by]) for k in LIMITS}
    if len(by) < len(done):
        row["runs_without_assignment"] = len(done) - len(by)
    if "check" in done[0]:  # matcher: its assignment checked like everyone else's
        row["violations"] = _median([d["check"]["violations"] for d in done])
    if "stages" in done[0]:
        row["stages"] = {k: _median([d["stages"][k] for d in done]) for k in done[0]["stages"]}
    if failed:
        row["failed_runs"] = [f"{r.status}: {r.reason}" for r in failed]
    return row


def _runs(
    scenario: str, label: str, request: dict[str, Any], repeats: int, budget: Budget,
    dump: Path | None = None,
) -> list[RunOutcome]:  # fmt: skip
    out = []
    for k in range(repeats):
        req = dict(request, dump=str(dump) if dump is not None and k == 0 else None)
        run = run_child(req, budget)
        out.append(run)
        if run.result is not None:
            progress(scenario, f"{label} run {k + 1}/{repeats}: {run.result['seconds']:.2f} s, "
                     f"peak {run.result['peak_mib']:.0f} MiB, {run.result['status']}")  # fmt: skip
            if run.result["seconds"] > LONG_RUN_SECONDS and k + 1 < repeats:
                progress(scenario, f"{label}: over {LONG_RUN_SECONDS:g} s, not repeated")
                break
        else:
            progress(scenario, f"{label} run {k + 1}/{repeats}: {run.status} ({run.reason})")
            break  # a run that was killed or timed out would be again
    return out


def run_caseload(
    sc: Scenario, c: Caseload, repeats: int, budget: Budget, time_limit: float
) -> dict[str, Any]:
    """matcher and every alternative on one caseload; the rows and the caseload's facts."""
    folder = caseload_for(c)
    progress(sc.name, f"caseload {c.key} ready ({folder})")
    inst_path = WORK / f"{c.key}.instance.npz"
    request = {"kind": "matcher", "caseload": str(folder), "config": c.config(time_limit),
               "as_of": AS_OF, "out": str(WORK / f"{c.key}.out")}  # fmt: skip
    runs = _runs(sc.name, f"{c.key} matcher", request, repeats, budget, inst_path)
    rows = [method_row("matcher", runs)]
    pairs, reason = rows[0].get("pairs"), ""
    if pairs is None:
        reason = f"no instance: matcher did not finish ({rows[0].get('reason', '')})"
    for method in sc.methods:
        why = reason if pairs is None else not_applicable(method, int(pairs))
        if why:
            progress(sc.name, f"{c.key} {method}: not run ({why})")
            rows.append(method_row(method, [], why))
            continue
        req = {"kind": "alternative", "method": method, "instance": str(inst_path),
               "time_limit": time_limit}  # fmt: skip
        b = Budget(budget.memory_gib, RUN_SECONDS.get(method, DEFAULT_RUN_SECONDS))
        rows.append(method_row(method, _runs(sc.name, f"{c.key} {method}", req, repeats, b)))
    for row in rows:
        row.update(mentees=c.mentees, mentors=c.mentors, pairs=pairs)
    return {"key": c.key, "mentees": c.mentees, "mentors": c.mentors, "seed": c.seed,
            "hours": c.hours, "reach_scale": c.reach_scale, "pairs": pairs,
            "methods": rows}  # fmt: skip


def run_scenario(
    sc: Scenario, repeats: int, budget: Budget, time_limit: float | None = None,
    orlib_dir: Path | None = None, out_dir: Path | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Run a scenario and return its document (see :func:`write_doc`)."""
    limit = float(sc.options.get("time_limit", 60.0) if time_limit is None else time_limit)
    progress(sc.name, f"start: {sc.description}; {repeats} run(s) per method")
    load_start = [round(x, 2) for x in os.getloadavg()]  # the machine is shared: say how busy
    doc: dict[str, Any] = {
        "scenario": sc.name, "description": sc.description,
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
        "versions": versions(), "repeats": repeats, "time_limit": limit,
        "memory_budget_gib": budget.memory_gib,
    }  # fmt: skip
    if sc.kind == "caseload":
        doc["caseloads"] = [run_caseload(sc, c, repeats, budget, limit) for c in sc.caseloads]
        doc["methods"] = [row for c in doc["caseloads"] for row in c["methods"]]
    elif sc.kind == "orlib":
        from benchmarks.orlib import run_orlib

        doc.update(run_orlib(sc, repeats, budget, limit, orlib_dir))
    else:
        from benchmarks.estimate import run_estimate

        doc.update(run_estimate(sc, repeats, budget, out_dir))
    doc["load_average"] = {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]}
    progress(sc.name, "done")
    return doc


def _finite(x: Any) -> Any:
    """NaN and infinities as None (JSON has neither)."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    return x


def write_doc(doc: dict[str, Any], out_dir: Path) -> Path:
    """Write ``out_dir/NAME.json`` (atomically)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{doc['scenario']}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(_finite(doc), indent=1, allow_nan=False, default=str) + "\n")
    tmp.replace(path)
    return path
