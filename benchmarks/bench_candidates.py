"""Benchmark: find and score every feasible pair of a large synthetic caseload.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_candidates.py --mentees 200000 --mentors 40000 \
        --seed 1 --repeat 3 [--max-per-mentee K] [--limit-mentees N]

The caseload comes from ``matcher.generate.generate`` and is cached under
``benchmarks/_work/`` (git-ignored). Phases are timed separately: loading the CSVs
(validation included), building the columnar arrays, and ``find_candidates`` on the
prebuilt arrays (median of ``--repeat`` runs): the timed span is the call alone, from
arrays in memory to the returned ``Candidates`` (spatial index, hard rules, scores,
ordering, assembly), without computing criteria or distances on demand afterwards.
Peak memory is the process's maximum resident set size (``resource.getrusage``),
reported after each phase, and the forked child's (``RUSAGE_CHILDREN``); both count the
shared pages they map, so their sum overstates the total. ``--sample-memory`` polls the
proportional set size (shared pages split between the processes) of both instead.
Results go to stdout; ``benchmarks/results/candidates.md`` records what was measured.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from matcher.arrays import MenteeArrays, MentorArrays
from matcher.candidates import find_candidates
from matcher.config import Config
from matcher.generate import DEFAULT_AS_OF, generate
from matcher.io import load_mentees, load_mentors

WORK = Path(__file__).parent / "_work"


def peak_mib() -> float:
    """Maximum resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_children_mib() -> float:
    """Largest maximum resident set size of any finished child process, MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# Polls the proportional set size (shared pages split between the processes mapping them)
# of the benchmark and its child processes; prints the largest sum seen, in KiB. A separate
# process, so that the benchmark stays single-threaded (``find_candidates`` forks a
# worker only from a single-threaded process).
_SAMPLER = r"""
import os, signal, sys, time
root, peak = int(sys.argv[1]), 0
def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return sum(int(l.split()[1]) for l in fh if l.startswith("Pss:"))
    except OSError:
        return 0
def kids(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []
def done(*_):
    print(peak, flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
while os.path.exists(f"/proc/{root}"):
    peak = max(peak, sum(pss(p) for p in [root, *kids(root)]))
    time.sleep(0.25)
done()
"""


def head(arrays: MenteeArrays, n: int) -> MenteeArrays:
    """The first ``n`` mentees of prebuilt arrays."""
    fields = {
        f.name: getattr(arrays, f.name)[:n] for f in dataclasses.fields(arrays) if f.name != "as_of"
    }
    return dataclasses.replace(arrays, **fields)


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
    ap.add_argument("--sample-memory", action="store_true",
                    help="poll the PSS of this process and its child every 250 ms (slows "
                         "the timed runs: reading smaps walks the page tables)")  # fmt: skip
    ap.add_argument("--processes", choices=("auto", "yes", "no"), default="auto",
                    help="find_candidates(processes=None / True / False)")  # fmt: skip
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
        me = head(me, args.limit_mentees)
    del mentees, mentors  # the candidate stage needs only the arrays
    gc.collect()
    peak_arrays = peak_mib()

    sampler = (
        subprocess.Popen(
            [sys.executable, "-c", _SAMPLER, str(os.getpid())], stdout=subprocess.PIPE, text=True
        )
        if args.sample_memory
        else None
    )
    times, n_pairs = [], 0
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        cands = find_candidates(
            me, mo, config, as_of=as_of, workers=args.workers,
            max_per_mentee=args.max_per_mentee, chunk_size=args.chunk_size,
            processes={"auto": None, "yes": True, "no": False}[args.processes],
        )  # fmt: skip
        times.append(time.perf_counter() - t0)
        n_pairs = len(cands)
        # What the candidates hold per pair: criteria, distances and the float64 score
        # are computed on demand (``criteria_at``, cached properties), not stored.
        nbytes = sum(a.nbytes for a in (cands.mentee, cands.mentor, cands.score_steps))
        del cands
    peak_all = peak_mib()
    peak_pss = float("nan")
    if sampler is not None:
        sampler.terminate()
        out, _ = sampler.communicate()
        peak_pss = int(out.split()[-1]) / 1024 if out.split() else peak_pss

    per = np.array(times)
    print(f"machine: {platform.machine()}, nproc {os.cpu_count()}, numpy {np.__version__}")
    print(f"caseload: {folder.name}; mentees scored: {len(me)}; mentors: {len(mo)}")
    print(f"load (CSV + validation): {t_load:.1f} s, peak {peak_load:.0f} MiB")
    print(f"arrays: {t_arrays:.1f} s, peak {peak_arrays:.0f} MiB")
    print(
        f"find_candidates: median {statistics.median(times):.1f} s of {len(times)} "
        f"(min {per.min():.1f}, max {per.max():.1f}); pairs kept {n_pairs:,} "
        f"({n_pairs / max(len(me), 1):.0f} per mentee, {nbytes / 2**20:.0f} MiB); "
        f"peak RSS {peak_all:.0f} MiB"
    )
    print(
        f"memory: peak RSS of the forked child {peak_children_mib():.0f} MiB; peak PSS of "
        f"this process + its child {peak_pss:.0f} MiB (--sample-memory; nan without)"
    )


if __name__ == "__main__":
    main()
