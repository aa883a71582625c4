"""Time ``load_caseload`` on a generated caseload: the columnar path against the per-row one.

Each run is a fresh process (imports included, as a CLI command pays them), the two paths
interleaved, ``--repeat`` runs each; the report gives the median wall and CPU seconds and
the median peak RSS. The per-row path is today's pydantic path, forced by making the
columnar path decline every file (what it does for a file it cannot vouch for).

Usage::

    .venv/bin/python benchmarks/bench_load.py [--mentees 200000] [--mentors 40000]
        [--seed 7] [--repeat 3] [--out benchmarks/_work/load-200k]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

__all__ = ["child", "main", "run_once"]

KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")


def child(folder: Path, path: str) -> dict[str, float]:
    """Load the caseload in ``folder`` by ``path`` (``columnar`` or ``per_row``); time it."""
    import resource
    import time

    t0, c0 = time.perf_counter(), time.process_time()
    from matcher import io
    from matcher.config import Config

    if path == "per_row":
        from matcher.inputs.columnar import Declined

        def decline(*_: object) -> None:
            raise Declined("forced by the benchmark")

        io.columnar_records = decline  # type: ignore[assignment]
    t1, c1 = time.perf_counter(), time.process_time()
    caseload = io.load_caseload(*(folder / f"{k}.csv" for k in KINDS), config=Config())
    t2, c2 = time.perf_counter(), time.process_time()
    return {
        "wall": t2 - t0,
        "cpu": c2 - c0,
        "load_wall": t2 - t1,
        "load_cpu": c2 - c1,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mentees": len(caseload.mentees),
        "mentors": len(caseload.mentors),
    }


def run_once(folder: Path, path: str) -> dict[str, float]:
    """One fresh process loading ``folder`` by ``path``."""
    code = (
        "import json, sys; from pathlib import Path; from benchmarks.bench_load import child; "
        "print(json.dumps(child(Path(sys.argv[1]), sys.argv[2])))"
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    out = subprocess.run(
        [sys.executable, "-c", code, str(folder), path],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    """Generate the caseload once (if missing), then time both paths, interleaved."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mentees", type=int, default=200_000)
    ap.add_argument("--mentors", type=int, default=40_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    folder = args.out or Path(f"benchmarks/_work/load-{args.mentees}x{args.mentors}-s{args.seed}")
    if not (folder / "mentees.csv").exists():
        from matcher.synth import generate

        generate(args.mentees, args.mentors, args.seed, folder)
    runs: dict[str, list[dict[str, float]]] = {"per_row": [], "columnar": []}
    for _ in range(max(1, args.repeat)):
        for path in runs:
            runs[path].append(run_once(folder, path))
    print(f"load_caseload, {args.mentees:,} mentees x {args.mentors:,} mentors, seed {args.seed}")
    print(f"median of {len(runs['per_row'])} fresh processes each, interleaved")
    print("| path | wall s | CPU s | load only, wall s | peak RSS MiB | runs (wall s) |")
    print("|---|---|---|---|---|---|")
    for path, rs in runs.items():

        def med(key: str, rs: list[dict[str, float]] = rs) -> float:
            return statistics.median(r[key] for r in rs)

        walls = ", ".join(f"{r['wall']:.2f}" for r in rs)
        print(
            f"| {path} | {med('wall'):.2f} | {med('cpu'):.2f} | {med('load_wall'):.2f} | "
            f"{med('rss_mib'):.0f} | {walls} |"
        )


if __name__ == "__main__":
    main()
