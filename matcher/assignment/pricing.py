"""Exact assignment of a whole round without holding every pair in the solver (pricing).

:func:`solve_store` takes every feasible pair in a compact store (8 bytes a pair: the
arrays of :class:`matcher.candidates.Candidates`) and solves on a *working set* of them,
certifying the answer over every pair by *pricing* (column generation):

1. **Working set**: each mentee's ``working_set`` best pairs (by score) and each mentor's
   most valuable pairs (its seats plus ``mentor_working_set``), chosen in compiled sweeps.
2. **Solve and price** (:func:`~matcher.assignment.columns.column_generation`): the flow
   that ignores hours (seats capped where the mentor's smallest loads over every pair stop
   fitting) on the working set, by a warm-started network simplex; its dual prices (a
   value per mentor seat and per supervisor); one compiled sweep over every pair of the
   store adds each mentee's pairs whose reduced profit against those prices is positive.
   Repeat until a sweep adds none: the prices are then feasible for every pair, so the
   working set's optimum is the optimum over every pair, proven by a bound computed over
   every pair (:mod:`matcher.assignment.duals`).
3. **Hours**: in each connected component (over every pair) whose relaxed answer keeps
   every mentor's hours, that answer is optimal. The components that break hours go to
   :func:`~matcher.assignment.hours.improve_hours`: hour prices whose bounds pricing makes
   valid over every pair, and neighbourhood search. Those of at most
   :data:`~matcher.assignment.cp_sat.MAX_PAIRS` pairs not yet proven then get one CP-SAT
   run with *all* their pairs (:func:`~matcher.assignment.solve.solve_model`), started
   from that assignment, so their proofs hold over every pair. (CP-SAT first, as before,
   stayed 0.2-1.2 % from its bound for a whole minute on generated rounds of 4k-127k
   pairs, where the priced hours find a better assignment in seconds.)

The status is ``optimal`` only when the bound, valid over every pair, equals the value.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.assignment import cp_sat
from matcher.assignment.columns import Columns, Comps, column_generation, components
from matcher.assignment.hours import improve_hours
from matcher.assignment.model import hours_used
from matcher.assignment.result import SolveMethod, SolveResult, SolveStatus
from matcher.assignment.solve import solve, solve_model
from matcher.assignment.store import (
    PairStore,
    StoreModel,
    solve_input,
    store_model,
    validate_store,
    working_model,
)
from matcher.assignment.validate import BoolArray, FloatArray, IntArray, Objective, SolveInput
from matcher.assignment.validate import parameter_error as _parameter_error
from matcher.criteria import SCORE_GRID

__all__ = [
    "DEFAULT_MENTOR_WORKING_SET",
    "DEFAULT_WORKING_SET",
    "HOURS_FLOOR",
    "PRICING_MIN_PAIRS",
    "solve_round",
    "solve_store",
]

#: Each mentee's best pairs that start the working set.
DEFAULT_WORKING_SET = 4
#: Each mentor's most valuable pairs that start it: its seats plus this many.
DEFAULT_MENTOR_WORKING_SET = 20
#: Rounds with fewer feasible pairs are solved with every pair in the solver.
PRICING_MIN_PAIRS = 2_000
#: Where hours bind, the hour-price and neighbourhood searches (and CP-SAT after them) get
#: at least this share of the time limit after the relaxation, even when the relaxation
#: alone has used it all (as its column generation does at 200k x 40k): else the round
#: keeps the relaxed flow's repair. A round can then end up to this share past its limit.
HOURS_FLOOR = 0.5


@dataclass(frozen=True)
class _Part:
    """What one part of the round contributes to the answer."""

    chosen: IntArray  # store positions
    bound: int
    cp_status: tuple[str, ...] = ()
    n_cp: int = 0
    held: IntArray | None = None  # store positions held beyond the working set


def _first_working_set(sm: StoreModel, per_mentee: int, per_mentor: int | None) -> IntArray:
    from matcher.assignment.kernels import best_k, best_per_mentor

    pos: IntArray = best_k(sm.indptr, sm.mentor, sm.steps, sm.load, sm.hours, sm.mentor_ok,
                           per_mentee)  # fmt: skip
    if per_mentor is not None:
        extra = best_per_mentor(sm.indptr, sm.mentor, sm.steps, float(SCORE_GRID),
                                float(sm.score_resolution), sm.weight, sm.p, sm.load, sm.hours,
                                sm.mentor_ok, sm.relax_cap + per_mentor)  # fmt: skip
        pos = _merge(pos, extra)
    return pos


def _merge(a: IntArray, b: IntArray) -> IntArray:
    """The sorted union of two sorted arrays of distinct positions (np.union1d hashes:
    1-2 s for 1.6 M positions at 200k x 40k)."""
    both = np.concatenate([a, b])
    both.sort(kind="stable")  # two sorted runs: timsort merges them
    keep = np.ones(both.size, dtype=bool)
    keep[1:] = both[1:] != both[:-1]
    out: IntArray = both[keep]
    return out


def _exact_part(
    sm: StoreModel, inp: SolveInput, load_f: FloatArray, comp: Comps, comps: BoolArray,
    seconds: float, start: IntArray | None = None,
) -> _Part:  # fmt: skip
    """Components solved with every one of their pairs by the all-pairs stages; ``start``
    (store positions of an assignment satisfying every constraint there) is one of the
    assignments CP-SAT may start from."""
    from matcher.assignment.kernels import select_mentees

    pos = select_mentees(sm.indptr, sm.mentor, sm.load, sm.hours, sm.mentor_ok,
                         comps[comp.of_mentee])  # fmt: skip
    md = working_model(sm, pos, orig=np.arange(pos.size, dtype=np.int64))
    hint = None if start is None else np.isin(pos, start, assume_unique=True)
    res = solve_model(solve_input(sm, inp, pos, load_f, seconds), md, time.perf_counter(), hint)
    return _Part(pos[res.chosen], int(res.bound), res.cp_sat_status, res.n_cp_sat_components,
                 pos)  # fmt: skip


def _hours_parts(
    sm: StoreModel, inp: SolveInput, load_f: FloatArray, cols: Columns, comp: Comps,
    bad: BoolArray, small: BoolArray, ub: IntArray, t0: float,
) -> list[_Part]:  # fmt: skip
    """The components ``bad`` whose relaxed answer breaks hours: priced hours and
    neighbourhood search on them all (:func:`~matcher.assignment.hours.improve_hours`),
    then CP-SAT with every pair on each ``small`` one not yet proven, started from that
    assignment (it proves it or improves it). The gap limit stops only the neighbourhood
    search: CP-SAT still proves the small components, as a coordinator running a weekly
    round expects (the weekly benchmark round: proven in 5.6 s of solve).
    """
    now = time.perf_counter()
    left = max(inp.time_limit - (now - t0), HOURS_FLOOR * inp.time_limit)
    end = now + left  # the limit, or the floor past it
    # the search may take 95 % of the large components' share of the time, half of the
    # small ones' (CP-SAT has the rest)
    frac = 0.95 * int(comp.pairs[bad & ~small].sum()) + 0.5 * int(comp.pairs[small].sum())
    frac /= max(int(comp.pairs[bad].sum()), 1)
    out = improve_hours(
        sm, cols, comp, bad, now + 0.8 * left, now + frac * left - 0.5, inp.workers,
        inp.cp_sat_parameters, inp.gap_limit,
    )  # fmt: skip
    bound = np.minimum(out.bound, ub)
    exact = small & (bound > out.value)  # not proven yet
    in_exact = exact[comp.of_mentee[sm.mentee_at(out.chosen)]]
    parts = [_Part(out.chosen[~in_exact], int(bound[bad & ~exact].sum()))]
    if exact.any():
        seconds = end - time.perf_counter()
        start = out.chosen[in_exact]
        part = _exact_part(sm, inp, load_f, comp, exact, seconds, start)
        # CP-SAT starts from the priced answer, but a hint is no promise: per component,
        # keep whichever of the two is worth more
        worse = exact & (_values(sm, comp, part.chosen) < _values(sm, comp, start))
        if worse.any():
            keep = ~worse[comp.of_mentee[sm.mentee_at(part.chosen)]]
            take = worse[comp.of_mentee[sm.mentee_at(start)]]
            chosen = np.sort(np.concatenate([part.chosen[keep], start[take]]))
            part = replace(part, chosen=chosen)
        parts.append(replace(part, bound=min(part.bound, int(bound[exact].sum()))))
    return parts


def _values(sm: StoreModel, comp: Comps, chosen: IntArray) -> IntArray:
    """Per component, the exact value of the assignment at store positions ``chosen``."""
    md = working_model(sm, chosen)
    out: IntArray = comp.values(md, np.ones(chosen.size, dtype=bool))
    return out


def solve_store(
    store: PairStore,
    *,
    n_mentees: int,
    n_mentors: int,
    mentor_capacity: npt.ArrayLike,
    priority: npt.ArrayLike | None = None,
    mentee_load: npt.ArrayLike | None = None,
    mentor_hours: npt.ArrayLike | None = None,
    mentor_group: npt.ArrayLike | None = None,
    group_capacity: npt.ArrayLike | None = None,
    objective: Objective = "coverage_first",
    spread_load: float = 0.0,
    seat_offset: npt.ArrayLike | None = None,
    time_limit: float = 60.0,
    workers: int = 1,
    score_resolution: int = 10_000,
    cp_sat_parameters: Mapping[str, Any] | None = None,
    working_set: int = DEFAULT_WORKING_SET,
    mentor_working_set: int | None = DEFAULT_MENTOR_WORKING_SET,
    cp_sat_pairs: int = cp_sat.MAX_PAIRS,
    gap_limit: float = 0.0,
) -> SolveResult:
    """Assign exactly, as :func:`~matcher.assignment.solve` does, on a working set certified
    by pricing (see the module docstring).

    Parameters
    ----------
    store : PairStore
        Every candidate pair, sorted by mentee: ``mentee``, ``mentor`` (int32) and
        ``score_steps`` (uint32; score = ``1 - steps / 2**30``), e.g. a
        :class:`~matcher.candidates.Candidates`; a store with ``indptr`` (int64 offsets
        per mentee) is read through them, never its ``mentee``.
    mentee_load : array of float, shape (n_mentees,), optional
        Weekly hours each mentee would use on any mentor (default 0).
    working_set : int
        Each mentee's best pairs the working set starts from (>= 1).
    mentor_working_set : int or None
        Each mentor's seats plus this many of its most valuable pairs join the first
        working set (>= 0); None: none. Neither changes the answer, only the work.
    cp_sat_pairs : int
        Components (over every pair) that break hours in the relaxation go to priced
        hours on the working set (see :mod:`matcher.assignment.hours`); those holding at
        most this many pairs and not yet proven then go to CP-SAT with all their pairs.
    n_mentees, n_mentors, mentor_capacity, priority, mentor_hours, mentor_group, \
group_capacity, objective, spread_load, seat_offset, time_limit, workers, \
score_resolution, cp_sat_parameters, gap_limit
        As for :func:`~matcher.assignment.solve` (``require_all`` is not offered).

    Returns
    -------
    SolveResult
        As :func:`~matcher.assignment.solve`; ``chosen`` are store positions. The bound is
        valid over every pair of the store; ``pricing_rounds`` counts the sweeps over
        them and ``columns`` the pairs the solver held at the end.
    """
    t0 = time.perf_counter()
    if isinstance(working_set, bool) or not isinstance(working_set, int) or working_set < 1:
        raise _parameter_error("working_set", "an integer >= 1", repr(working_set))
    if mentor_working_set is not None and (
        isinstance(mentor_working_set, bool) or not isinstance(mentor_working_set, int)
        or mentor_working_set < 0
    ):  # fmt: skip
        raise _parameter_error("mentor_working_set", "an integer >= 0 or None",
                               repr(mentor_working_set))  # fmt: skip
    inp, load_f = validate_store(
        store, n_mentees=n_mentees, n_mentors=n_mentors, mentee_load=mentee_load,
        mentor_capacity=mentor_capacity, priority=priority, mentor_hours=mentor_hours,
        mentor_group=mentor_group, group_capacity=group_capacity, objective=objective,
        spread_load=spread_load, seat_offset=seat_offset, time_limit=time_limit,
        workers=workers, score_resolution=score_resolution,
        cp_sat_parameters=cp_sat_parameters, gap_limit=gap_limit,
    )  # fmt: skip
    pos = _first_working_set(sm := store_model(store, inp, load_f), working_set,
                             mentor_working_set)  # fmt: skip
    return _solve(sm, inp, load_f, t0, pos, cp_sat_pairs)


def _solve(
    sm: StoreModel, inp: SolveInput, load_f: FloatArray, t0: float, pos: IntArray,
    cp_sat_pairs: int,
) -> SolveResult:  # fmt: skip
    """The phases of :func:`solve_store` from the first working set ``pos``."""
    cols = column_generation(sm, pos, sm.relax_cap, np.ones(sm.n, dtype=bool))
    comp = components(sm)
    relaxed = cols.chosen
    ub = cols.bound(comp)
    over = hours_used(cols.md, cols.duals.chosen) > sm.hours
    bad = np.zeros(comp.count, dtype=bool)
    bad[comp.of_mentor[over]] = True
    small = bad & (comp.pairs <= cp_sat_pairs)
    keep = ~bad[comp.of_mentee[sm.mentee_at(relaxed)]]
    parts = [_Part(relaxed[keep], int(ub[~bad].sum()))]
    rounds = cols.rounds
    if bad.any():
        parts += _hours_parts(sm, inp, load_f, cols, comp, bad, small, ub, t0)
        rounds = cols.rounds
    held = cols.pos
    for p in parts:
        if p.held is not None:
            held = _merge(held, p.held)
    return _result(sm, inp, comp, parts, t0, rounds, int(held.size))


def _result(
    sm: StoreModel, inp: SolveInput, comp: Comps, parts: list[_Part], t0: float, rounds: int,
    columns: int,
) -> SolveResult:  # fmt: skip
    """One :class:`SolveResult` from the parts, valued exactly."""
    chosen = np.sort(np.concatenate([p.chosen for p in parts]))
    md = working_model(sm, chosen)
    value = int(comp.values(md, np.ones(chosen.size, dtype=bool)).sum())
    bound = max(sum(p.bound for p in parts), value)
    status = SolveStatus.OPTIMAL if bound == value else SolveStatus.FEASIBLE
    mentee, mentor = md.mentee, md.mentor
    mentor_of = np.full(sm.n, -1, dtype=np.int64)
    mentor_of[mentee] = mentor
    used = np.bincount(mentor, minlength=sm.m)
    numbers = used * inp.seat_offset + used * (used + 1) // 2
    score = np.subtract(SCORE_GRID, sm.steps[chosen], dtype=np.float64) / SCORE_GRID
    n_cp = sum(p.n_cp for p in parts)
    method = SolveMethod.FLOW if len(parts) == 1 else SolveMethod.MIXED
    return SolveResult(
        mentor_of=mentor_of, chosen=chosen, status=status, objective=value, bound=bound,
        gap=(bound - value) / max(abs(bound), 1),
        total_priority=float(inp.priority[mentee].sum()), total_score=float(score.sum()),
        spread_penalty=float(inp.spread_load * numbers.sum()),
        seconds=time.perf_counter() - t0, method=method,
        n_components=int((comp.pairs > 0).sum()), n_cp_sat_components=n_cp,
        primary_weight=sm.weight, score_resolution=sm.score_resolution,
        priority_resolution=sm.priority_resolution, load_resolution=sm.load_resolution,
        n_pairs_filtered=sm.n_filtered, cp_sat_status=sum((p.cp_status for p in parts), ()),
        pricing_rounds=rounds, columns=columns,
    )  # fmt: skip


def solve_round(
    store: PairStore,
    *,
    mentee_load: npt.ArrayLike,
    working_set: int = DEFAULT_WORKING_SET,
    pricing_min_pairs: int = PRICING_MIN_PAIRS,
    **kw: Any,
) -> SolveResult:
    """The solver of a matching round: :func:`solve_store` on a round of at least
    ``pricing_min_pairs`` pairs, else :func:`~matcher.assignment.solve` with every pair
    (``working_set=0``: always the latter). Other keyword arguments as for
    :func:`solve_store`."""
    if working_set > 0 and store.mentor.size >= pricing_min_pairs:
        return solve_store(store, mentee_load=mentee_load, working_set=working_set, **kw)
    score = np.subtract(SCORE_GRID, store.score_steps, dtype=np.float64)
    score /= SCORE_GRID
    mentee = store.mentee  # every pair in the solver: its arrays are larger than this
    load = np.asarray(mentee_load, dtype=np.float64)[mentee]
    return solve(mentee, store.mentor, score, load=load, **kw)
