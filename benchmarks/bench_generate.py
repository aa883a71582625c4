"""Time the synthetic caseload generator at scale: ``generate(200_000, 50_000)``.

Reports the median of ``--repeat`` runs of the whole call (draw, format, write five files
atomically) and, separately, of the in-memory part (:func:`matcher.synth.generate_csv`).

Usage::

    .venv/bin/python benchmarks/bench_generate.py [--mentees 200000] [--mentors 50000]
        [--seed 1] [--repeat 3] [--out benchmarks/_work/generate]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from matcher.synth import generate, generate_csv

__all__ = ["main", "time_generate"]


def time_generate(
    n_mentees: int, n_mentors: int, seed: int, out_dir: Path, repeat: int
) -> tuple[list[float], list[float], int]:
    """Wall-clock seconds of ``repeat`` full runs and in-memory runs, and bytes written."""
    full: list[float] = []
    memory: list[float] = []
    size = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        paths = generate(n_mentees, n_mentors, seed, out_dir)
        full.append(time.perf_counter() - t0)
        size = sum(p.stat().st_size for p in paths.values())
        t0 = time.perf_counter()
        generate_csv(n_mentees, n_mentors, seed)
        memory.append(time.perf_counter() - t0)
    return full, memory, size


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a one-paragraph report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mentees", type=int, default=200_000)
    ap.add_argument("--mentors", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/_work/generate"))
    args = ap.parse_args(argv)
    full, memory, size = time_generate(
        args.mentees, args.mentors, args.seed, args.out, max(1, args.repeat)
    )
    med = statistics.median(full)
    print(
        f"generate({args.mentees:,}, {args.mentors:,}, seed={args.seed}): "
        f"median {med:.2f} s over {len(full)} runs "
        f"(runs: {', '.join(f'{t:.2f}' for t in full)}); "
        f"in memory (generate_csv) median {statistics.median(memory):.2f} s; "
        f"{size / 1e6:.1f} MB written to {args.out}; "
        f"{args.mentees / med:,.0f} mentees/s"
    )


if __name__ == "__main__":
    main()
