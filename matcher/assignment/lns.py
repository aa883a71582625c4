"""Large-neighbourhood search: improve an hours-feasible assignment, a few mentors at a time.

:func:`lns`: for components too big for one CP-SAT model, after
:mod:`matcher.assignment.lagrangian`. :func:`lns_sampled`: for components CP-SAT could
not close in its first run (:mod:`matcher.assignment.staged`). Each neighbourhood is small
enough for CP-SAT to re-solve exactly, and the best assignment changes only when the whole
assignment's exact value improves.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from matcher.assignment.cp_sat import solve_component
from matcher.assignment.model import Model, total_value
from matcher.assignment.validate import BoolArray, IntArray

__all__ = ["lns", "lns_sampled", "shortfall"]

START_SIZE = 3
MIN_SIZE = 2
TOLERANCE = 0.0005
SUB_DETERMINISTIC_TIME = 0.03
WIDE = 0.5


def shortfall(gap: int, bound: int, gap_limit: float) -> int:
    """How much an assignment ``gap`` below a proven ``bound`` must still gain before its
    gap is at most ``gap_limit`` of the bound (0: close enough; ``gap`` when the limit is 0).
    """
    allowed = int(gap_limit * max(bound, 0))  # rounded down: never looser than the limit
    return max(gap - allowed, 0)


def _resolve(
    md: Model, best: BoolArray, in_hood: BoolArray, region: BoolArray, top: IntArray,
    seconds: float, workers: int, parameters: Mapping[str, Any],
) -> tuple[BoolArray, str] | None:  # fmt: skip
    """``best`` with the mentors of ``in_hood`` emptied and re-solved exactly by CP-SAT over
    the mentees that are unmatched or were theirs (everyone else stays put; supervisors
    keep only the room left by mentors outside); None when there is nothing to re-solve
    or CP-SAT found no assignment. Also returns CP-SAT's status."""
    mentor_of = np.full(md.n, -1, dtype=np.int64)
    mentor_of[md.mentee[best]] = md.mentor[best]
    free = mentor_of < 0
    free[mentor_of >= 0] = in_hood[mentor_of[mentor_of >= 0]]
    pairs = np.flatnonzero(in_hood[md.mentor] & free[md.mentee] & region)
    if pairs.size == 0:
        return None
    sub = md
    if md.n_groups:
        outside = best & ~in_hood[md.mentor]
        grp_used = np.bincount(md.group[md.mentor[outside]] + 1, minlength=md.n_groups + 1)
        sub = replace(md, gcap=md.gcap - grp_used[1:])
    out = solve_component(sub, pairs, top, best, seconds, workers, parameters)
    if out.chosen is None:
        return None
    cand = best.copy()
    cand[pairs] = False
    cand[out.chosen] = True
    return cand, out.status


def _resolve_wide(
    md: Model, best: BoolArray, in_hood: BoolArray, region: BoolArray, seconds: float,
    workers: int, parameters: Mapping[str, Any],
) -> tuple[BoolArray, str] | None:  # fmt: skip
    """Like :func:`_resolve`, but the freed mentees may also go to any other mentor of
    ``region``, within the seats, hours and supervisor room its own mentees leave (its
    seat penalties counted after them)."""
    mentor_of = np.full(md.n, -1, dtype=np.int64)
    mentor_of[md.mentee[best]] = md.mentor[best]
    free = np.zeros(md.n, dtype=bool)
    free[md.mentee[in_hood[md.mentor] & region]] = True  # candidates of the hood
    free &= (mentor_of < 0) | in_hood[np.maximum(mentor_of, 0)]
    pairs = np.flatnonzero(free[md.mentee] & region)
    if pairs.size == 0:
        return None
    kept = best & ~free[md.mentee]
    n_kept = np.bincount(md.mentor[kept], minlength=md.m)
    h_kept = np.bincount(md.mentor[kept], md.load[kept], minlength=md.m).astype(np.int64)
    sub = replace(md, cap=md.cap - n_kept, hours=md.hours - h_kept,
                  seat_offset=md.seat_offset + n_kept)  # fmt: skip
    if md.n_groups:
        grp_used = np.bincount(md.group[md.mentor[kept]] + 1, minlength=md.n_groups + 1)
        sub = replace(sub, gcap=md.gcap - grp_used[1:])
    # every hours constraint is written: the hours left can bind whatever the seats
    out = solve_component(sub, pairs, np.zeros(md.m, dtype=np.int64), best, seconds, workers,
                          parameters)  # fmt: skip
    if out.chosen is None:
        return None
    cand = kept.copy()
    cand[out.chosen] = True
    return cand, out.status


def lns(
    md: Model,
    best: BoolArray,
    reference: BoolArray,
    region: BoolArray,
    top: IntArray,
    deadline: float,
    workers: int,
    parameters: Mapping[str, Any],
    max_mentors: int = 20,
    seconds_each: float = 0.5,
    max_passes: int = 3,
    enough: int | None = None,
) -> tuple[BoolArray, int]:
    """Large-neighbourhood search: improve an hours-feasible assignment with CP-SAT.

    A neighbourhood is a seed mentor plus the mentors sharing the most candidate mentees
    with it (at most ``max_mentors``). Its mentors are emptied and re-solved exactly with
    CP-SAT over the mentees that are unmatched or were matched to them (everyone else
    stays put; supervisors keep only the room left by mentors outside). The result
    replaces ``best`` only when its exact value is higher, so ``best`` stays
    hours-feasible and never gets worse. Seeds: mentors of ``region`` in decreasing order
    of how much less value ``best`` gets from them than ``reference`` (the unpriced
    relaxation) does; each mentor is in at most one neighbourhood per pass; up to
    ``max_passes`` passes, stopping after a pass without improvement, at ``deadline``, or
    once the value has gained ``enough`` (None: never).
    Returns (assignment, number of improving neighbourhoods).
    """
    gain = md.weight * md.p[md.mentee] + md.s
    ref_val = np.bincount(md.mentor[reference], gain[reference], minlength=md.m)
    best_val = np.bincount(md.mentor[best], gain[best], minlength=md.m)
    in_region = np.zeros(md.m, dtype=bool)
    in_region[md.mentor[region]] = True
    loss = ref_val - best_val
    seeds = np.flatnonzero(in_region)
    seeds = seeds[np.lexsort((seeds, -loss[seeds]))]  # then the mentors without a loss
    by_mentor = np.argsort(md.mentor, kind="stable")
    m_start = np.searchsorted(md.mentor[by_mentor], np.arange(md.m + 1))
    m_start_mentee = np.searchsorted(md.mentee, np.arange(md.n + 1))  # pairs sorted by mentee
    done = np.zeros(md.m, dtype=bool)
    current = total_value(md, best)
    stop_at = None if enough is None else current + enough
    improved = improved_before_pass = 0
    t_last = 0.0
    passes = [seeds] * max_passes
    for seed in np.concatenate(passes).tolist() if seeds.size else []:
        if seed == seeds[0]:  # a new pass: every mentor can be in a neighbourhood again
            if improved == improved_before_pass and done.any():
                break  # the last pass found nothing
            improved_before_pass = improved
            done[:] = False
        if done[seed]:
            continue
        left = deadline - time.perf_counter()
        if left < min(t_last, seconds_each) + 0.1:
            break
        t_start = time.perf_counter()
        seed_pairs = by_mentor[m_start[seed] : m_start[seed + 1]]
        mentees = np.unique(md.mentee[seed_pairs])
        near = np.concatenate(
            [np.arange(m_start_mentee[i], m_start_mentee[i + 1]) for i in mentees.tolist()]
        )
        cand, shared = np.unique(md.mentor[near], return_counts=True)
        keep = ~done[cand] | (cand == seed)
        cand, shared = cand[keep], shared[keep]
        hood = cand[np.lexsort((cand, -shared))][:max_mentors]
        in_hood = np.zeros(md.m, dtype=bool)
        in_hood[hood] = True
        done[hood] = True
        out = _resolve(md, best, in_hood, region, top, min(left, seconds_each), workers, parameters)
        t_last = time.perf_counter() - t_start
        if out is None:
            continue
        cand_x = out[0]
        v = total_value(md, cand_x)
        if v > current:
            best, current, improved = cand_x, v, improved + 1
            if stop_at is not None and current >= stop_at:
                break  # within the gap limit: more search is not asked for
    return best, improved


def lns_sampled(
    md: Model,
    best: BoolArray,
    region: BoolArray,
    top: IntArray,
    deadline: float,
    workers: int,
    parameters: Mapping[str, Any],
    seed: int = 0,
    seconds_each: float = 0.5,
    patience: float = float("inf"),
) -> tuple[BoolArray, int]:
    """Large-neighbourhood search with sampled neighbourhoods, for a component CP-SAT
    could not close on its own in a short first run.

    Each neighbourhood is a mentor of ``region`` drawn at random plus others drawn among
    the mentors sharing a candidate mentee with it; they are emptied and re-solved
    exactly (see :func:`_resolve`) from a working assignment, which takes the result when
    its exact value is no more than ``TOLERANCE`` of the best assignment's total score
    below its own (record-to-record travel: equal and slightly worse moves let the search
    leave a plateau); ``best`` takes it only when it is better, so it stays feasible and
    never gets worse. Neighbourhoods start at
    three mentors and grow by one after every ``region``-mentors-many re-solves in a row
    without an improvement, and shrink by one when a re-solve is cut by its time limit;
    never the whole component. The draws come from ``numpy``'s generator seeded with
    ``seed`` (deterministic); how many are done depends on ``deadline``, and on
    ``patience``: the search also stops when the best assignment has not improved for
    that many seconds. Returns (assignment, number of improving neighbourhoods).
    """
    in_region = np.zeros(md.m, dtype=bool)
    in_region[md.mentor[region]] = True
    mentors = np.flatnonzero(in_region)
    if mentors.size < 3:
        return best, 0
    rng = np.random.default_rng(seed)
    # each re-solve stops on CP-SAT's deterministic clock, not the wall clock
    parameters = {"max_deterministic_time": SUB_DETERMINISTIC_TIME, **parameters}
    by_mentor = np.argsort(md.mentor, kind="stable")
    m_start = np.searchsorted(md.mentor[by_mentor], np.arange(md.m + 1))
    current, improved = total_value(md, best), 0
    work, work_v = best, current
    size, stall = START_SIZE, 0
    t_best = time.perf_counter()
    while True:
        now = time.perf_counter()
        left = deadline - now
        if left < 0.05 or now - t_best > patience:
            break
        first = int(mentors[rng.integers(mentors.size)])
        near_mentee = np.zeros(md.n, dtype=bool)
        near_mentee[md.mentee[by_mentor[m_start[first] : m_start[first + 1]]]] = True
        near = np.unique(md.mentor[near_mentee[md.mentee] & region])
        near = near[near != first]
        k = min(size, near.size, mentors.size - 1) - 1  # never the whole component
        if k < 1:
            continue
        in_hood = np.zeros(md.m, dtype=bool)
        in_hood[first] = True
        in_hood[rng.choice(near, size=k, replace=False)] = True
        if rng.random() < WIDE:
            out = _resolve_wide(md, work, in_hood, region, min(left, seconds_each), workers,
                                parameters)  # fmt: skip
        else:
            out = _resolve(md, work, in_hood, region, top, min(left, seconds_each), workers,
                           parameters)  # fmt: skip
        if out is None:
            continue
        cand, status = out
        v = total_value(md, cand)
        if v > work_v:
            improved, stall = improved + 1, 0
        else:
            stall += 1
        if v > current:
            best, current, t_best = cand, v, time.perf_counter()
        # record-to-record travel: the working assignment may fall a little (score units
        # only: below one priority unit) behind the best one, to leave a plateau
        if v >= work_v - TOLERANCE * max(int(np.abs(md.s[best]).sum()), 1):
            work, work_v = cand, v
        if status != "optimal":
            size, stall = max(MIN_SIZE, size - 1), 0
        elif stall >= mentors.size:
            size, stall = size + 1, 0
    return best, improved
