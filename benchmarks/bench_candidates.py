"""Benchmark: find and score every feasible pair of a large synthetic caseload.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_candidates.py --mentees 200000 --mentors 40000 \
        --seed 1 --repeat 3 [--max-per-mentee K] [--limit-mentees N]

The caseload comes from ``matcher.synth.generate`` and is cached under
``benchmarks/_work/`` (git-ignored). Phases are timed separately: loading the CSVs
(validation included), building the columnar arrays, and ``find_candidates`` on the
prebuilt arrays (median of ``--repeat`` runs): the timed span is the call alone, from
arrays in memory to the returned ``Candidates`` (spatial index, hard rules, scores,
ordering, assembly), without computing criteria or distances on demand afterwards.
Before the timed runs, one call on 100 mentees loads (or, the first time, compiles) the
numba pass; that time is printed apart. Peak memory is the process's maximum resident set
size (``resource.getrusage``), reported after each phase. Results go to stdout;
``benchmarks/results/candidates.md`` records what was measured.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import time
from datetime import date
from pathlib import Path

import numpy as np

from matcher.arrays import MenteeArrays, MentorArrays
from matcher.candidates import find_candidates
from matcher.config import Config
from matcher.io import load_mentees, load_mentors
from matcher.synth import DEFAULT_AS_OF, generate

WORK = Path(__file__).parent / "_work"


def peak_mib() -> float:
    """Maximum resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mentees", type=int, default=200_000)
    ap.add_argument("--mentors", type=int, default=40_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-per-mentee", type=int, default=None)
    ap.add_argument("--limit-mentees", type=int, default=None,
                    help="score only the first N mentees (all mentors), to scale down")  # fmt: skip
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--chunk-size", type=int, default=256)
    args = ap.parse_args()

    folder = WORK / f"{args.mentees}x{args.mentors}-s{args.seed}"
    if not (folder / "mentors.csv").exists():
        generate(args.mentees, args.mentors, args.seed, folder)
    as_of: date = DEFAULT_AS_OF
    config = Config()

    t0 = time.perf_counter()
    mentees = load_mentees(folder / "mentees.csv")
    mentors = load_mentors(folder / "mentors.csv")
    t_load = time.perf_counter() - t0
    peak_load = peak_mib()

    t0 = time.perf_counter()
    me = MenteeArrays.from_records(mentees, config, as_of)
    mo = MentorArrays.from_records(mentors, config)
    t_arrays = time.perf_counter() - t0
    if args.limit_mentees:
        me = me.take(np.arange(args.limit_mentees))
    del mentees, mentors  # the candidate stage needs only the arrays
    gc.collect()
    peak_arrays = peak_mib()

    t0 = time.perf_counter()
    find_candidates(me.take(np.arange(100)), mo, config, as_of=as_of, workers=1)
    t_warm = time.perf_counter() - t0
    times, n_pairs = [], 0
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        cands = find_candidates(
            me, mo, config, as_of=as_of, workers=args.workers,
            max_per_mentee=args.max_per_mentee, chunk_size=args.chunk_size,
        )  # fmt: skip
        times.append(time.perf_counter() - t0)
        n_pairs = len(cands)
        # What the candidates hold per pair: criteria, distances and the float64 score
        # are computed on demand (``criteria_at``, cached properties), not stored.
        nbytes = sum(a.nbytes for a in (cands.mentee, cands.mentor, cands.score_steps))
        del cands
    peak_all = peak_mib()
    per = np.array(times)
    print(f"machine: {platform.machine()}, nproc {os.cpu_count()}, numpy {np.__version__}")
    print(f"caseload: {folder.name}; mentees scored: {len(me)}; mentors: {len(mo)}")
    print(f"load (CSV + validation): {t_load:.1f} s, peak {peak_load:.0f} MiB")
    print(f"arrays: {t_arrays:.1f} s, peak {peak_arrays:.0f} MiB")
    print(f"compiled pass loaded (or compiled) and run on 100 mentees: {t_warm:.1f} s")
    print(
        f"find_candidates: median {statistics.median(times):.1f} s of {len(times)} "
        f"(min {per.min():.1f}, max {per.max():.1f}); pairs kept {n_pairs:,} "
        f"({n_pairs / max(len(me), 1):.0f} per mentee, {nbytes / 2**20:.0f} MiB); "
        f"peak RSS {peak_all:.0f} MiB"
    )


if __name__ == "__main__":
    main()
