"""Large-neighbourhood search: improve an hours-feasible assignment, a few mentors at a time.

For components too big for one CP-SAT model, after :mod:`matcher.assignment.lagrangian`:
each neighbourhood is small enough for CP-SAT to re-solve exactly, and a change is kept
only when the whole assignment's exact value improves.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from matcher.assignment.cp_sat import solve_component
from matcher.assignment.model import Model, objective_values
from matcher.assignment.validate import BoolArray, IntArray

__all__ = ["lns", "shortfall"]


def shortfall(gap: int, bound: int, gap_limit: float) -> int:
    """How much an assignment ``gap`` below a proven ``bound`` must still gain before its
    gap is at most ``gap_limit`` of the bound (0: close enough; ``gap`` when the limit is 0).
    """
    allowed = int(gap_limit * max(bound, 0))  # rounded down: never looser than the limit
    return max(gap - allowed, 0)


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
    comp_one = np.zeros(max(md.n, md.m, 1), dtype=np.int64)

    def value(x: BoolArray) -> int:
        return int(objective_values(md, x, comp_one[: md.n], comp_one[: md.m], 1)[0])

    current = value(best)
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
        mentor_of = np.full(md.n, -1, dtype=np.int64)
        mentor_of[md.mentee[best]] = md.mentor[best]
        free = mentor_of < 0
        free[mentor_of >= 0] = in_hood[mentor_of[mentor_of >= 0]]
        pairs = np.flatnonzero(in_hood[md.mentor] & free[md.mentee] & region)
        if pairs.size == 0:
            continue
        sub = md
        if md.n_groups:
            outside = best & ~in_hood[md.mentor]
            grp_used = np.bincount(md.group[md.mentor[outside]] + 1, minlength=md.n_groups + 1)
            sub = replace(md, gcap=md.gcap - grp_used[1:])
        out = solve_component(sub, pairs, top, best, min(left, seconds_each), workers, parameters)
        t_last = time.perf_counter() - t_start
        if out.chosen is None:
            continue
        cand_x = best.copy()
        cand_x[pairs] = False
        cand_x[out.chosen] = True
        v = value(cand_x)
        if v > current:
            best, current, improved = cand_x, v, improved + 1
            if stop_at is not None and current >= stop_at:
                break  # within the gap limit: more search is not asked for
    return best, improved
