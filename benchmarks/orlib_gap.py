"""OR-Library generalised assignment problems (gap1-12, gapa-d) solved with matcher.solve.

Mapping: agents -> mentors (``mentor_hours = b_i``, ``mentor_capacity = n``), jobs ->
mentees with ``require_all=True``, ``load = r[i][j]``. Maximisation files (gap1-12):
``score = c[i][j]``. Minimisation files (gapa-d): ``score = max(c) - c[i][j]``; every job is
assigned, so ``cost = n * max(c) - total_score`` and the order of solutions is reversed
exactly. ``score_resolution=1`` keeps the integer data exact.

Usage::

    .venv/bin/python benchmarks/orlib_gap.py [--data DIR] [--files gap1 gapa ...]
        [--time-limit 60] [--workers 2] [--out /tmp/orlib_gap.md]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matcher.assignment import solve

__all__ = ["GapProblem", "main", "read_gap_file", "solve_gap"]

MAX_FILES = [f"gap{i}" for i in range(1, 13)]
MIN_FILES = ["gapa", "gapb", "gapc", "gapd"]
MIN_NAMES = ["05100", "05200", "10100", "10200", "20100", "20200"]

# Known optima (OPTIMA.md): gap1-12 maximise, gapa-c minimise.
KNOWN_MAX = {
    "gap1": [336, 327, 339, 341, 326], "gap2": [434, 436, 420, 419, 428],
    "gap3": [580, 564, 573, 570, 564], "gap4": [656, 644, 673, 647, 664],
    "gap5": [563, 558, 564, 568, 559], "gap6": [761, 759, 758, 752, 747],
    "gap7": [942, 949, 968, 945, 951], "gap8": [1133, 1134, 1141, 1117, 1127],
    "gap9": [709, 717, 712, 723, 706], "gap10": [958, 963, 960, 947, 947],
    "gap11": [1139, 1178, 1195, 1171, 1171], "gap12": [1451, 1449, 1433, 1447, 1446],
}  # fmt: skip
KNOWN_MIN = {
    "gapa": [1698, 3235, 1360, 2623, 1158, 2339],
    "gapb": [1843, 3552, 1407, 2827, 1166, 2339],
    "gapc": [1931, 3456, 1402, 2806, 1243, 2391],
}
# gapd: (lb, ub) from AssignmentProblems.jl bounds.txt, as quoted in OPTIMA.md.
GAPD_BOUNDS = [(6350, 6353), (12741, 12742), (6342, 6348), (12426, 12432), (6177, 6190),
               (12230, 12241)]  # fmt: skip


@dataclass(frozen=True)
class GapProblem:
    """One GAP instance: ``c`` and ``r`` are (m agents, n jobs), ``b`` per agent."""

    c: np.ndarray
    r: np.ndarray
    b: np.ndarray


def read_gap_file(path: Path) -> list[GapProblem]:
    """Parse an OR-Library gap file (whitespace-separated integers)."""
    tok = np.array(path.read_text().split(), dtype=np.int64)
    count, pos, out = int(tok[0]), 1, []
    for _ in range(count):
        m, n = int(tok[pos]), int(tok[pos + 1])
        pos += 2
        c = tok[pos : pos + m * n].reshape(m, n)
        pos += m * n
        r = tok[pos : pos + m * n].reshape(m, n)
        pos += m * n
        b = tok[pos : pos + m]
        pos += m
        out.append(GapProblem(c, r, b))
    if pos != tok.size:
        raise ValueError(f"{path}: {tok.size - pos} tokens left over")
    return out


def solve_gap(
    prob: GapProblem, maximise: bool, time_limit: float, workers: int
) -> tuple[str, float, float, float]:
    """Solve one instance; returns (status, value, bound on value, seconds)."""
    m, n = prob.c.shape
    agent, job = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    top = int(prob.c.max())
    score = prob.c if maximise else top - prob.c
    res = solve(
        job.ravel(), agent.ravel(), score.ravel().astype(float),
        n_mentees=n, n_mentors=m, mentor_capacity=np.full(m, n),
        load=prob.r.ravel().astype(float), mentor_hours=prob.b.astype(float),
        require_all=True, objective="score_only", score_resolution=1,
        time_limit=time_limit, workers=workers,
    )  # fmt: skip
    if res.status in ("infeasible", "unknown"):
        return res.status, float("nan"), float("nan"), res.seconds
    if maximise:
        return res.status, float(res.objective), float(res.bound), res.seconds
    # cost = n*top - score: the score bound becomes a cost lower bound.
    return res.status, float(n * top - res.objective), float(n * top - res.bound), res.seconds


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/orlib"
    )
    ap.add_argument("--files", nargs="*", default=MAX_FILES + MIN_FILES)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)

    lines = [
        "| instance | known | value | bound | status | ok | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    n_ok = n_total = 0
    t_all = time.perf_counter()
    for name in args.files:
        maximise = name in KNOWN_MAX
        probs = read_gap_file(args.data / f"{name}.txt")
        for k, prob in enumerate(probs):
            status, value, bound, secs = solve_gap(prob, maximise, args.time_limit, args.workers)
            if maximise:
                label, known = f"{name}-{k + 1}", str(KNOWN_MAX[name][k])
                ok = status == "optimal" and value == KNOWN_MAX[name][k]
            elif name in KNOWN_MIN:
                label, known = f"{name[-1]}{MIN_NAMES[k]}", str(KNOWN_MIN[name][k])
                ok = status == "optimal" and value == KNOWN_MIN[name][k]
            else:
                lb, ub = GAPD_BOUNDS[k]
                label, known = f"{name[-1]}{MIN_NAMES[k]}", f"[{lb}, {ub}]"
                # the published lb must not exceed our value; our bound must not exceed ub
                ok = status in ("optimal", "feasible") and lb <= value and bound <= ub
            n_ok += ok
            n_total += 1
            lines.append(
                f"| {label} | {known} | {value:.0f} | {bound:.0f} | {status} | "
                f"{'yes' if ok else 'NO'} | {secs:.2f} |"
            )
            print(lines[-1], flush=True)
    summary = f"\n{n_ok}/{n_total} ok; total {time.perf_counter() - t_all:.1f} s"
    text = "\n".join(lines) + "\n" + summary + "\n"
    print(summary)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0 if n_ok == n_total else 1


if __name__ == "__main__":
    raise SystemExit(main())
