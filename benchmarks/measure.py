"""Measurement: every timed run in a fresh child process, watched for memory and time.

A run is one child (``python -m benchmarks.measure REQUEST RESULT``) so that its peak
memory (the child's maximum resident set, ``getrusage``) belongs to that method alone and a
run that grows too large can be stopped: the parent polls the child's resident set and
kills it above the memory budget (default 8 GiB), or past its time budget.

matcher runs as a user runs it, through its library API: ``matcher.load_caseload``, then
``matcher.match``, then the writers. Its stages are timed inside the real ``match``: the
names ``find_candidates`` and ``solve_round`` (the round's solver: every pair, or a working
set proven by pricing) that :mod:`matcher.round.run` calls are wrapped for the duration of
the run, each wrapper recording when the call started and ended (and, after the solver
returns, checking the assignment against every limit, time not counted). So the
stages are: ``load`` (read and validate), ``candidates``, ``solve``, ``explain`` (from
``solve``'s return to ``match``'s: reasons, rows, summary), ``write`` (matches.csv and
result.json) and ``other`` (the rest of ``match``: running relationships' loads). They add up
to the end-to-end time.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.alternatives import Instance, evaluate, run_method

__all__ = [
    "ROOT",
    "Budget",
    "RunOutcome",
    "child_main",
    "peak_mib",
    "run_child",
]

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("load", "candidates", "solve", "explain", "write", "other")
#: The solver :mod:`matcher.round.run` calls (its spans are the ``solve`` stage).
SOLVER = "solve_round"


def peak_mib() -> float:
    """Maximum resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class Budget:
    """Limits on one child: resident memory (GiB) and wall-clock seconds."""

    memory_gib: float = 8.0
    seconds: float = 1800.0


@dataclass(frozen=True)
class RunOutcome:
    """What the parent saw of one child: its result document, or why there is none."""

    result: dict[str, Any] | None
    status: str  # "ok", "killed", "timeout" or "error"
    reason: str = ""
    watched_peak_mib: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def _rss_mib(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_child(request: dict[str, Any], budget: Budget) -> RunOutcome:
    """Run one measurement in a child process and wait for it, within ``budget``."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        req, res = Path(tmp) / "request.json", Path(tmp) / "result.json"
        req.write_text(json.dumps(request))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        log = (Path(tmp) / "stderr.txt").open("w+")  # a file: a full pipe would block the child
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.measure", str(req), str(res)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        t0, watched, status, reason = time.monotonic(), 0.0, "ok", ""
        while proc.poll() is None:
            watched = max(watched, _rss_mib(proc.pid))
            if watched > budget.memory_gib * 1024:
                status, reason = "killed", f"resident memory over {budget.memory_gib:g} GiB"
            elif time.monotonic() - t0 > budget.seconds:
                status, reason = "timeout", f"did not finish in {budget.seconds:g} s"
            if status != "ok":
                proc.kill()
                break
            time.sleep(0.1)
        proc.wait()
        log.seek(0)
        err = log.read()
        log.close()
        if status == "ok" and proc.returncode != 0:
            last = (err or "").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            status, reason = "error", last[0][:300]
        if status != "ok" or not res.exists():
            return RunOutcome(None, status if status != "ok" else "error", reason, watched)
        return RunOutcome(json.loads(res.read_text()), "ok", "", watched)


# --- in the child -----------------------------------------------------------------------


@dataclass
class _Calls:
    """Start and end times of the wrapped calls, and seconds spent outside the timing."""

    spans: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    untimed: float = 0.0
    resume: float = 0.0
    check: dict[str, Any] = field(default_factory=dict)


@contextmanager
def _wrapped(module: Any, calls: _Calls, inspect: Callable[..., None]) -> Iterator[None]:
    """Wrap ``module.find_candidates`` and ``module.solve_round`` for the duration; the
    solver's spans are recorded as ``solve``."""
    saved = {name: getattr(module, name) for name in ("find_candidates", SOLVER)}

    def wrap(name: str) -> Callable[..., Any]:
        real = saved[name]

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            out = real(*args, **kwargs)
            end = time.perf_counter()
            calls.spans.setdefault("solve" if name == SOLVER else name, []).append((start, end))
            if name == SOLVER:
                inspect(args, kwargs, out)
                calls.resume = time.perf_counter()
                calls.untimed += calls.resume - end
            return out

        return timed

    for name in saved:
        setattr(module, name, wrap(name))
    try:
        yield
    finally:
        for name, real in saved.items():
            setattr(module, name, real)


def _instance_of(
    args: tuple[Any, ...], kw: dict[str, Any], only: npt.NDArray[np.int64] | None = None
) -> Instance:
    """The :class:`Instance` of one ``solve_round`` call, as ``matcher.round.run`` makes it:
    every pair of its store (``chosen`` are positions in it either way), or only the pairs
    at positions ``only`` (for checking an assignment without a copy of every pair)."""
    from matcher.criteria import SCORE_GRID

    n, m = int(kw["n_mentees"]), int(kw["n_mentors"])
    f64 = np.float64
    hours = kw.get("mentor_hours")
    group = kw.get("mentor_group")
    store = args[0] if args else kw["store"]
    pos: Any = slice(None) if only is None else np.asarray(only, dtype=np.int64)
    mentee = store.mentee.astype(np.int64) if only is None else store.mentee_at(pos)
    return Instance(
        mentee=mentee,
        mentor=np.asarray(store.mentor[pos], dtype=np.int64),
        score=np.subtract(SCORE_GRID, store.score_steps[pos], dtype=f64) / SCORE_GRID,
        load=np.asarray(kw["mentee_load"], dtype=f64)[mentee],
        priority=np.asarray(kw.get("priority", np.ones(n)), dtype=f64),
        capacity=np.asarray(kw["mentor_capacity"], dtype=np.int64),
        hours=np.full(m, np.inf) if hours is None else np.asarray(hours, dtype=f64),
        group=np.full(m, -1, np.int64) if group is None else np.asarray(group, dtype=np.int64),
        group_capacity=np.asarray(kw.get("group_capacity", np.zeros(0)), dtype=np.int64),
        n_mentees=n,
        n_mentors=m,
        require_all=bool(kw.get("require_all", False)),
    )


def _matcher_run(req: dict[str, Any]) -> dict[str, Any]:
    """One round as a user runs it, stage by stage (see the module docstring)."""
    import matcher
    from matcher._gc import one_shot_process
    from matcher.round import run as round_run
    from matcher.round import write_matches_csv, write_result_json

    folder, out = Path(req["caseload"]), Path(req["out"])
    config = matcher.Config.model_validate(req["config"])
    calls = _Calls()

    def inspect(args: tuple[Any, ...], kw: dict[str, Any], solved: Any) -> None:
        # The check reads the chosen pairs only, so that it adds nothing per pair to the
        # peak; the instance the alternatives read is written (every pair) when asked for.
        if req.get("dump"):
            inst = _instance_of(args, kw)
            ev = evaluate(inst, solved.chosen)
            inst.write(Path(req["dump"]))
        else:
            inst = _instance_of(args, kw, solved.chosen)
            ev = evaluate(inst, np.arange(inst.pairs))
        store = args[0] if args else kw["store"]
        calls.check = {"pairs": len(store.mentor), **asdict(ev)}

    files = {k: folder / f"{k}.csv" for k in ("existing", "supervisors", "prisons")}
    given: dict[str, Any] = {k: p for k, p in files.items() if p.exists()}
    # One round in this child, as the CLI's match runs it (see matcher._gc).
    with one_shot_process():
        t0 = time.perf_counter()
        with _wrapped(round_run, calls, inspect):
            c = matcher.load_caseload(
                folder / "mentees.csv", folder / "mentors.csv",
                **given,
            )  # fmt: skip
            t1 = time.perf_counter()
            result = matcher.match(
                c.mentees, c.mentors, config, existing=c.existing, supervisors=c.supervisors,
                prisons=c.prisons, as_of=date.fromisoformat(req["as_of"]),
            )  # fmt: skip
            t2 = time.perf_counter()
        out.mkdir(parents=True, exist_ok=True)
        write_matches_csv(out / "matches.csv", result)
        write_result_json(out / "result.json", result)
        t3 = time.perf_counter()
    missing = [k for k in ("find_candidates", "solve") if k not in calls.spans]
    if missing:  # match() no longer calls them by these names: the stage timing must change
        raise RuntimeError(f"matcher.round.run no longer calls {missing}; update measure.py")
    cand = sum(b - a for a, b in calls.spans["find_candidates"])
    solve = sum(b - a for a, b in calls.spans["solve"])
    explain = t2 - calls.resume
    stages = {
        "load": t1 - t0, "candidates": cand, "solve": solve, "explain": explain,
        "write": t3 - t2, "other": (t2 - t1) - calls.untimed - cand - solve - explain,
    }  # fmt: skip
    s = result.solver
    return {
        "seconds": t3 - t0 - calls.untimed,
        "stages": stages,
        "peak_mib": peak_mib(),
        "matched": result.summary.counts.matched,
        "total_priority": s.total_priority,
        "total_score": s.total_score,
        "status": str(s.status),
        "gap": s.gap,
        "objective": s.objective,
        "bound": s.bound,
        "solver_method": str(s.method),
        "pairs": result.summary.counts.candidate_pairs,
        "check": calls.check,
    }


def _alternative_run(req: dict[str, Any]) -> dict[str, Any]:
    inst = Instance.read(Path(req["instance"]))
    outcome, seconds = run_method(req["method"], inst, float(req["time_limit"]))
    row: dict[str, Any] = {"seconds": seconds, "peak_mib": peak_mib(), "status": outcome.status,
                           "note": outcome.note}  # fmt: skip
    if outcome.chosen is not None:
        ev = evaluate(inst, outcome.chosen)
        row.update(asdict(ev))
    return row


def child_main(argv: list[str]) -> int:
    """Entry point of a child: read the request, run it, write the result document."""
    req = json.loads(Path(argv[0]).read_text())
    kind = req["kind"]
    if kind == "matcher":
        doc = _matcher_run(req)
    elif kind == "alternative":
        doc = _alternative_run(req)
    elif kind == "orlib":
        from benchmarks.orlib import run_orlib_child

        doc = run_orlib_child(req)
    elif kind == "estimate":
        from benchmarks.estimate import estimate_child

        doc = estimate_child(req)
    else:
        raise ValueError(f"unknown request kind {kind!r}")
    Path(argv[1]).write_text(json.dumps(doc, allow_nan=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1:]))
