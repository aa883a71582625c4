"""Exact capacity-limited assignment of mentees to mentors, on arrays.

:func:`solve` takes the candidate pairs as parallel numpy arrays and returns a proven
optimum (or, when a time limit stops the search, the best assignment found together with
a proven bound and the relative gap).

How it works
------------
1. **Validate and canonicalise.** Pairs are sorted by ``(mentee, mentor, score, load)`` so
   the model never depends on the order the caller happened to give; the answer is mapped
   back to the caller's indices at the end.
2. **Integerise once** (:func:`_integer_model`): scores, priorities, loads, hours and the
   spread penalty become int64 with documented resolutions, and the lexicographic weight
   ``M`` is chosen so that one priority unit outweighs every possible score difference.
3. **Exact filters** that cannot change the optimum: pairs whose load alone exceeds the
   mentor's hours, pairs of mentors with no seat or whose supervisor has no room.
4. **Min-cost flow** (OR-Tools ``SimpleMinCostFlow``, vectorised calls):
   mentee -> mentor -> [supervisor] -> sink, plus a mentee -> sink "unmatched" arc that
   costs the mentee's priority. When no mentor's hours can bind (the sum of its
   ``capacity`` largest candidate loads fits in its hours) this is the whole problem.
5. **Hours that bind** make it a generalised assignment problem. The flow is then solved
   as a *relaxation* (each mentor limited to the most seats whose smallest loads fit); if
   its answer happens to respect every mentor's hours it is optimal. Otherwise the
   connected components of the candidate graph (mentees, mentors and supervisors) whose
   relaxed answer breaks hours go to CP-SAT, hinted with the better of two hours-feasible
   assignments (the relaxed answer repaired greedily, and a flow restricted to the seats
   whose *largest* loads fit). The relaxation value is an upper bound for each component;
   CP-SAT's bound is another; the smaller is reported.
6. **Components too big for CP-SAT** (more than 300 000 pairs) get, within their share of
   the time limit: a Lagrangian relaxation of the hours (:func:`_lagrangian`; priced
   min-cost flows, subgradient steps; each ``L(lam)`` is a proven upper bound, and each
   priced flow is repaired into an hours-feasible assignment), then large-neighbourhood
   search (:func:`_lns`: about 20 mentors at a time, emptied and re-solved exactly by
   CP-SAT, kept only if the whole assignment's exact value improves). The answer is
   hours-feasible and ``feasible`` with a reported gap unless it meets the bound.
   On the 50 000 x 10 000 benchmark the hours-free flow bound is already within 0.0001 %
   of the LP relaxation: the gap was the greedy primal, which these steps close.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model, cp_model_helper
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matcher.errors import ParameterError

__all__ = ["SolveResult", "solve"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

Objective = Literal["coverage_first", "score_only"]
Method = Literal["auto", "flow", "cp_sat"]

# Hours of a mentor without a limit, in load units; far above any real sum of loads.
_NO_LIMIT = np.int64(2**60)
# Everything that is summed must stay below this (int64 max is ~9.2e18; keep headroom).
_INT_LIMIT = 2**62
# Relative tolerance for deciding that a float is "an integer at this resolution".
_INTEGRAL_TOL = 1e-9
_MAX_LOAD_RESOLUTION = 1_000_000
# Components with more pairs than this are not sent to CP-SAT: on such sizes it cannot
# even finish presolve within a minute; the flow-based assignment and bound are reported.
_CP_SAT_MAX_PAIRS = 300_000


@dataclass(frozen=True)
class SolveResult:
    """The answer of :func:`solve`.

    Attributes
    ----------
    mentor_of : ndarray of int64, shape (n_mentees,)
        Mentor index of each mentee, ``-1`` when unmatched.
    chosen : ndarray of int64
        Sorted indices into the caller's pair arrays of the pairs used.
    status : {"optimal", "feasible", "infeasible", "unknown"}
        ``optimal``: proven optimal. ``feasible``: the time limit stopped the search; the
        assignment satisfies every constraint and ``gap`` says how far from optimal it can
        be. ``infeasible``: proven that no assignment exists (only possible with
        ``require_all``). ``unknown``: the time limit stopped the search before any
        assignment satisfying ``require_all`` was found.
    objective : int
        Value of the assignment in *objective units* (``1 / score_resolution`` of one
        score point): ``primary_weight * P + S - D`` where ``P`` is the sum of the matched
        mentees' integer priorities (``round(priority * priority_resolution)``), ``S`` the
        sum of the chosen pairs' integer scores (``round(score * score_resolution)``) and
        ``D`` the integer spread penalty of the seats used. ``primary_weight`` is 0 for
        ``score_only`` and with ``require_all`` (every mentee is matched, so ``P`` is
        fixed). 0 when infeasible/unknown.
    bound : int
        A proven upper bound on ``objective`` over all feasible assignments, in the same
        units: ``bound >= objective`` always and ``bound == objective`` when optimal.
    gap : float
        ``(bound - objective) / max(|bound|, 1)``; 0.0 when optimal, NaN when
        infeasible/unknown.
    total_priority : float
        Sum of ``priority`` (input units) over matched mentees.
    total_score : float
        Sum of ``score`` (input units) over chosen pairs.
    spread_penalty : float
        ``spread_load * sum(seat numbers used)``, in score units (see :func:`solve`).
    seconds : float
        Wall-clock time of the call.
    method : {"flow", "cp_sat", "mixed"}
        ``flow``: min-cost flow alone proved the answer. ``cp_sat``: every component went to
        CP-SAT. ``mixed``: some components by flow, others by CP-SAT.
    n_components : int
        Connected components (mentees, mentors, supervisors joined by pairs) that hold at
        least one pair after the exact filters.
    n_cp_sat_components : int
        How many of them were solved by CP-SAT.
    primary_weight : int
        The lexicographic weight ``M`` of priority units in ``objective``.
    score_resolution, priority_resolution, load_resolution : int
        Integer units per 1.0 of score, priority and load/hours.
    n_pairs_filtered : int
        Pairs removed by exact filters (they cannot be in any feasible assignment).
    pruned : bool
        Always False: no heuristic candidate pruning is done, the answer is exact.
    cp_sat_status : tuple of str
        Per CP-SAT component, in component order: ``optimal``, ``feasible``, ``unknown``
        (no solution within its time share; the hint is kept), ``infeasible``, or
        ``skipped`` (more than 300 000 pairs, or no time left: the flow-based assignment
        and the flow relaxation bound are reported, status ``feasible``; components over
        300 000 pairs are first improved by Lagrangian pricing and large-neighbourhood
        search, whose CP-SAT runs are not listed here).
    """

    mentor_of: IntArray
    chosen: IntArray
    status: str
    objective: int
    bound: int
    gap: float
    total_priority: float
    total_score: float
    spread_penalty: float
    seconds: float
    method: str
    n_components: int
    n_cp_sat_components: int = 0
    primary_weight: int = 0
    score_resolution: int = 1
    priority_resolution: int = 1
    load_resolution: int = 1
    n_pairs_filtered: int = 0
    pruned: bool = False
    cp_sat_status: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- validation


def _fail(name: str, what: str, got: object) -> ParameterError:
    return ParameterError(f"The '{name}' parameter of solve must be {what}, got {got} instead")


def _show(a: np.ndarray, bad: BoolArray) -> str:
    i = int(np.flatnonzero(bad)[0])
    return f"{a[i]!r} at index {i}"


def _as_int_array(
    name: str, value: Any, length: int | None, lo: int | None = None, hi: int | None = None
) -> IntArray:
    a = np.asarray(value)
    if a.ndim != 1:
        raise _fail(name, "a 1-D array", f"an array of shape {a.shape}")
    if length is not None and a.shape[0] != length:
        raise _fail(name, f"of length {length}", f"length {a.shape[0]}")
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    if a.dtype.kind == "b" or a.dtype.kind not in "iuf":
        raise _fail(name, "an array of integers", f"dtype {a.dtype}")
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a) | (a != np.round(a))
        if bad.any():
            raise _fail(name, "an array of integers", _show(a, bad))
    out = a.astype(np.int64)
    if lo is not None and (out < lo).any():
        raise _fail(name, f"an array of integers >= {lo}", _show(out, out < lo))
    if hi is not None and (out > hi).any():
        raise _fail(name, f"an array of integers <= {hi}", _show(out, out > hi))
    return out


def _as_float_array(name: str, value: Any, length: int, allow_inf: bool = False) -> FloatArray:
    a = np.asarray(value)
    if a.ndim != 1:
        raise _fail(name, "a 1-D array", f"an array of shape {a.shape}")
    if a.shape[0] != length:
        raise _fail(name, f"of length {length}", f"length {a.shape[0]}")
    if a.size and (a.dtype.kind == "b" or a.dtype.kind not in "iuf"):
        raise _fail(name, "an array of numbers", f"dtype {a.dtype}")
    out = a.astype(np.float64)
    ok = (np.isfinite(out) | (allow_inf & (out == np.inf))) & (out >= 0)
    if not ok.all():
        what = "finite or +inf and >= 0" if allow_inf else "finite and >= 0"
        raise _fail(name, what, _show(out, ~ok))
    return out


def _as_int(name: str, value: Any, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo:
        raise _fail(name, f"an integer >= {lo}", repr(value))
    return int(value)


@dataclass(frozen=True)
class _Input:
    """Validated caller input, in the caller's pair order."""

    mentee: IntArray
    mentor: IntArray
    score: FloatArray
    load: FloatArray
    n: int
    m: int
    capacity: IntArray
    priority: FloatArray
    hours: FloatArray  # +inf = unlimited
    group: IntArray
    group_capacity: IntArray
    seat_offset: IntArray
    objective: str
    require_all: bool
    spread_load: float
    time_limit: float
    workers: int
    score_resolution: int
    cp_sat_parameters: Mapping[str, Any]
    method: str


def _validate(**kw: Any) -> _Input:
    n = _as_int("n_mentees", kw["n_mentees"], 0)
    m = _as_int("n_mentors", kw["n_mentors"], 0)
    mentee = _as_int_array("pair_mentee", kw["pair_mentee"], None, 0, n - 1)
    k = mentee.shape[0]
    mentor = _as_int_array("pair_mentor", kw["pair_mentor"], k, 0, m - 1)
    score = _as_float_array("score", kw["score"], k)
    load = np.zeros(k) if kw["load"] is None else _as_float_array("load", kw["load"], k)
    capacity = _as_int_array("mentor_capacity", kw["mentor_capacity"], m, 0)
    priority = (
        np.ones(n) if kw["priority"] is None else _as_float_array("priority", kw["priority"], n)
    )
    hours = (
        np.full(m, np.inf)
        if kw["mentor_hours"] is None
        else _as_float_array("mentor_hours", kw["mentor_hours"], m, allow_inf=True)
    )
    if kw["mentor_group"] is None:
        if kw["group_capacity"] is not None:
            raise _fail("mentor_group", "given when 'group_capacity' is given", "None")
        group = np.full(m, -1, dtype=np.int64)
        group_capacity = np.zeros(0, dtype=np.int64)
    else:
        if kw["group_capacity"] is None:
            raise _fail("group_capacity", "given when 'mentor_group' is given", "None")
        group_capacity = _as_int_array("group_capacity", kw["group_capacity"], None, 0)
        group = _as_int_array("mentor_group", kw["mentor_group"], m, -1, len(group_capacity) - 1)
    seat_offset = (
        np.zeros(m, dtype=np.int64)
        if kw["seat_offset"] is None
        else _as_int_array("seat_offset", kw["seat_offset"], m, 0)
    )
    objective = kw["objective"]
    if objective not in ("coverage_first", "score_only"):
        raise _fail("objective", "'coverage_first' or 'score_only'", repr(objective))
    require_all = kw["require_all"]
    if not isinstance(require_all, bool | np.bool_):
        raise _fail("require_all", "a bool", repr(require_all))
    spread = kw["spread_load"]
    if isinstance(spread, bool) or not isinstance(spread, int | float | np.number):
        raise _fail("spread_load", "a finite number >= 0", repr(spread))
    if not (math.isfinite(float(spread)) and float(spread) >= 0):
        raise _fail("spread_load", "a finite number >= 0", repr(spread))
    tl = kw["time_limit"]
    if isinstance(tl, bool) or not isinstance(tl, int | float | np.number):
        raise _fail("time_limit", "a finite number > 0", repr(tl))
    if not (math.isfinite(float(tl)) and float(tl) > 0):
        raise _fail("time_limit", "a finite number > 0", repr(tl))
    workers = _as_int("workers", kw["workers"], 1)
    res = _as_int("score_resolution", kw["score_resolution"], 1)
    params = kw["cp_sat_parameters"]
    if params is None:
        params = {}
    elif not isinstance(params, Mapping):
        raise _fail("cp_sat_parameters", "a dict or None", repr(params))
    method = kw["method"]
    if method not in ("auto", "flow", "cp_sat"):
        raise _fail("method", "'auto', 'flow' or 'cp_sat'", repr(method))
    return _Input(
        mentee, mentor, score, load, n, m, capacity, priority, hours, group, group_capacity,
        seat_offset, objective, bool(require_all), float(spread), float(tl), workers, res,
        dict(params), method,
    )  # fmt: skip


# --------------------------------------------------------------------------- integer model


@dataclass(frozen=True)
class _Model:
    """The integer model, pairs in canonical order and already filtered."""

    n: int
    m: int
    n_groups: int
    mentee: IntArray
    mentor: IntArray
    orig: IntArray  # caller's index of each pair
    s: IntArray  # score units
    load: IntArray  # load units
    p: IntArray  # priority units, per mentee
    cap: IntArray  # seats per mentor, <= its number of pairs
    hours: IntArray  # load units per mentor, _NO_LIMIT if unlimited
    group: IntArray  # per mentor, -1 none
    gcap: IntArray  # per group
    seat_offset: IntArray
    spread_units: float  # spread_load * score_resolution
    weight: int  # M
    require_all: bool
    score_resolution: int
    priority_resolution: int
    load_resolution: int
    n_filtered: int

    def seat_penalty(self, mentor: IntArray, seat: IntArray) -> IntArray:
        """Integer penalty of the ``seat``-th (1-based) new seat of each ``mentor``."""
        if self.spread_units == 0.0:
            return np.zeros(mentor.shape[0], dtype=np.int64)
        number = self.seat_offset[mentor] + seat
        return np.round(self.spread_units * number).astype(np.int64)


def _resolution(values: FloatArray, candidates: list[int]) -> int | None:
    """Smallest candidate at which every value is an integer, if any."""
    finite = values[np.isfinite(values)]
    for r in candidates:
        scaled = finite * r
        if np.all(np.abs(scaled - np.round(scaled)) <= _INTEGRAL_TOL * np.maximum(1.0, scaled)):
            return r
    return None


def _powers_of_ten_upto(limit: int) -> list[int]:
    out, r = [], 1
    while r < limit:
        out.append(r)
        r *= 10
    return [*out, limit]


def _canonical_order(inp: _Input) -> IntArray:
    """Permutation that sorts pairs by (mentee, mentor, score, load)."""
    key = inp.mentee * max(inp.m, 1) + inp.mentor
    if key.size < 2:
        return np.arange(key.size, dtype=np.int64)
    d = np.diff(key)
    if (d > 0).all():
        return np.arange(key.size, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    if (np.diff(key[order]) == 0).any():  # duplicate pairs: break ties by value, not position
        order = np.lexsort((inp.load, inp.score, inp.mentor, inp.mentee))
    return order.astype(np.int64)


def _integer_model(inp: _Input) -> _Model:
    """Derive every integer quantity of the model, in one place.

    Resolutions
    -----------
    * score: ``s = round(score * score_resolution)``.
    * priority: the smallest power of ten ``<= score_resolution`` at which every priority
      is an integer (so integer priorities cost nothing in magnitude), else
      ``score_resolution``; ``p = round(priority * priority_resolution)``.
    * load/hours: the smallest power of ten ``<= 10**6`` at which all loads and finite hours
      are integers (exact for integer data such as OR-Library); otherwise ``10**6`` with
      loads rounded *up* and hours rounded *down*, so the answer is always truly feasible.
    * spread: seat ``k`` (counted from ``seat_offset``) costs
      ``round(spread_load * score_resolution * k)``.

    The lexicographic weight is ``M = sum_i max_j s_ij + sum of every possible seat
    penalty + 1`` (0 for ``score_only`` or ``require_all``): the secondary part of any two
    assignments differs by less than ``M``, so one priority unit always wins.
    """
    order = _canonical_order(inp)
    mentee, mentor = inp.mentee[order], inp.mentor[order]
    score, load_f = inp.score[order], inp.load[order]
    res = inp.score_resolution

    lres = _resolution(np.concatenate([load_f, inp.hours]), _powers_of_ten_upto(10**6))
    if lres is None:
        lres = _MAX_LOAD_RESOLUTION
        load = np.ceil(load_f * lres - _INTEGRAL_TOL).astype(np.int64)
        hours_f = np.floor(inp.hours * lres + _INTEGRAL_TOL)
    else:
        load = np.round(load_f * lres).astype(np.int64)
        hours_f = np.round(inp.hours * lres)
    hours = np.where(np.isfinite(hours_f), np.minimum(hours_f, float(_NO_LIMIT)), _NO_LIMIT)
    hours = hours.astype(np.int64)
    if load.size and float(load_f.sum()) * lres >= 2**52:
        raise _fail("load", f"small enough to sum exactly at resolution {lres}", "larger loads")

    # Exact filters: a pair that no feasible assignment can use.
    grp = inp.group[mentor]
    gcap_ext = np.append(inp.group_capacity, 1)  # index -1 (no supervisor): never blocks
    gcap_of_pair = gcap_ext[grp]
    keep = (load <= hours[mentor]) & (inp.capacity[mentor] > 0) & (gcap_of_pair > 0)
    n_filtered = int(keep.size - keep.sum())
    mentee, mentor, load, score = mentee[keep], mentor[keep], load[keep], score[keep]
    orig = order[keep]

    s = np.round(score * res).astype(np.int64)
    pres = _resolution(inp.priority, _powers_of_ten_upto(res)) or res
    p = np.round(inp.priority * pres).astype(np.int64)
    degree = np.bincount(mentor, minlength=inp.m).astype(np.int64)
    cap = np.minimum(inp.capacity, degree)
    spread_units = inp.spread_load * res

    # Largest possible total penalty: every mentor fills every seat it could.
    pen_max = 0
    if spread_units > 0:
        o, c = inp.seat_offset.astype(np.float64), cap.astype(np.float64)
        pen_max = int(np.ceil((spread_units * (c * o + c * (c + 1) / 2)).sum())) + int(c.sum())
    s_best = np.zeros(inp.n, dtype=np.int64)
    np.maximum.at(s_best, mentee, s)
    s_max_total = int(s_best.sum())
    primary = inp.objective == "coverage_first" and not inp.require_all
    weight = s_max_total + pen_max + 1 if primary else 0

    # int64 guard: model totals, and OR-Tools' cost scaling (costs times node count).
    nodes = inp.n + inp.m + len(inp.group_capacity) + 1
    largest_cost = max(weight * int(p.max(initial=0)), int(s.max(initial=0)), pen_max, 1)
    total = weight * int(p.sum()) + s_max_total + pen_max + int(s.sum())
    if largest_cost * (nodes + 1) >= _INT_LIMIT or total >= _INT_LIMIT:
        raise _fail(
            "score_resolution",
            "small enough that the integer objective fits in int64 "
            f"(largest cost {largest_cost}, total {total}, {nodes} nodes); lower it",
            res,
        )
    return _Model(
        n=inp.n, m=inp.m, n_groups=len(inp.group_capacity), mentee=mentee, mentor=mentor,
        orig=orig, s=s, load=load, p=p, cap=cap, hours=hours, group=inp.group,
        gcap=inp.group_capacity, seat_offset=inp.seat_offset, spread_units=spread_units,
        weight=weight, require_all=inp.require_all, score_resolution=res,
        priority_resolution=pres, load_resolution=lres, n_filtered=n_filtered,
    )  # fmt: skip


# --------------------------------------------------------------------------- evaluation


def _seat_cost_table(md: _Model) -> tuple[IntArray, IntArray]:
    """Cumulative seat penalties: cost of k seats of mentor j is cum[start[j] + k]."""
    reps = md.cap + 1
    start = np.concatenate([[0], np.cumsum(reps)[:-1]]).astype(np.int64)
    who = np.repeat(np.arange(md.m, dtype=np.int64), reps)
    seat = np.arange(who.size, dtype=np.int64) - start[who]
    pen = np.where(seat > 0, md.seat_penalty(who, np.maximum(seat, 1)), 0)
    cum = np.cumsum(pen) - np.repeat(np.cumsum(pen)[start] - pen[start], reps)
    return start, cum


def _values(
    md: _Model, chosen: BoolArray, comp_mentee: IntArray, comp_mentor: IntArray, n_comp: int
) -> IntArray:
    """Objective of an assignment, per component (exact int64, objective units)."""
    pairs = np.flatnonzero(chosen)
    gain = md.weight * md.p[md.mentee[pairs]] + md.s[pairs]
    out = np.zeros(n_comp, dtype=np.int64)
    if n_comp == 1:
        out[0] = gain.sum()
    else:
        np.add.at(out, comp_mentee[md.mentee[pairs]], gain)
    if md.spread_units > 0:
        used = np.bincount(md.mentor[pairs], minlength=md.m).astype(np.int64)
        start, cum = _seat_cost_table(md)
        np.add.at(out, comp_mentor, -cum[start + used])
    return out


def _hours_used(md: _Model, chosen: BoolArray) -> IntArray:
    out = np.zeros(md.m, dtype=np.int64)
    np.add.at(out, md.mentor[chosen], md.load[chosen])
    return out


def _seats_where_loads_fit(
    md: _Model, largest: bool, pair_mask: BoolArray | None = None
) -> IntArray:
    """Per mentor, the most seats such that its largest (or smallest) loads fit its hours."""
    sel = np.arange(md.mentee.size) if pair_mask is None else np.flatnonzero(pair_mask)
    order = sel[np.lexsort((-md.load[sel] if largest else md.load[sel], md.mentor[sel]))]
    mentor, load = md.mentor[order], md.load[order]
    degree = np.bincount(mentor, minlength=md.m)
    has = degree > 0
    first = (np.cumsum(degree) - degree)[has]  # position of each mentor's first pair
    cum = np.cumsum(load)
    within = cum - np.repeat(cum[first] - load[first], degree[has])
    fits = np.bincount(mentor[within <= md.hours[mentor]], minlength=md.m)
    return np.minimum(md.cap, fits).astype(np.int64)


# --------------------------------------------------------------------------- min-cost flow


def _flow(
    md: _Model, cap: IntArray, pair_mask: BoolArray | None = None, price: IntArray | None = None
) -> BoolArray | None:
    """Min-cost flow optimum with per-mentor seats ``cap``, ignoring hours.

    Returns the chosen-pair mask, or None when ``require_all`` cannot be met. Only pairs
    in ``pair_mask`` (default: all) and their mentees take part. ``price`` (per pair,
    objective units, >= 0) is added to each pair's arc cost: the Lagrangian price of the
    hours the pair would use (see :func:`_lagrangian`).
    """
    n, m = md.n, md.m
    sink = n + m + md.n_groups
    idx = np.arange(md.mentee.size) if pair_mask is None else np.flatnonzero(pair_mask)
    mentee, mentor = md.mentee[idx], md.mentor[idx]
    active = np.zeros(n, dtype=bool)
    active[mentee] = True
    if pair_mask is None and not md.require_all:
        active[:] = True
    act = np.flatnonzero(active)
    seats = np.zeros(m, dtype=np.int64)
    used_mentors = np.unique(mentor)
    seats[used_mentors] = cap[used_mentors]
    out_node = np.where(md.group >= 0, n + m + md.group, sink)

    smcf = min_cost_flow.SimpleMinCostFlow()
    cost = -md.s[idx] if price is None else price[idx] - md.s[idx]
    pair_arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        mentee, n + mentor, np.ones(idx.size, dtype=np.int64), cost
    )
    if not md.require_all:  # "unmatched" bypass costs the mentee's priority
        smcf.add_arcs_with_capacity_and_unit_cost(
            act, np.full(act.size, sink), np.ones(act.size, dtype=np.int64),
            md.weight * md.p[act],
        )  # fmt: skip
    has = np.flatnonzero(seats > 0)
    if md.spread_units > 0:  # one unit arc per seat: costs rise seat by seat (convex)
        who = np.repeat(has, seats[has])
        first = np.repeat(np.cumsum(seats[has]) - seats[has], seats[has])
        seat = np.arange(who.size, dtype=np.int64) - first + 1
        smcf.add_arcs_with_capacity_and_unit_cost(
            n + who, out_node[who], np.ones(who.size, dtype=np.int64), md.seat_penalty(who, seat)
        )
    else:
        smcf.add_arcs_with_capacity_and_unit_cost(
            n + has, out_node[has], seats[has], np.zeros(has.size, dtype=np.int64)
        )
    if md.n_groups:
        g = np.arange(md.n_groups, dtype=np.int64)
        smcf.add_arcs_with_capacity_and_unit_cost(
            n + m + g, np.full(g.size, sink), md.gcap, np.zeros(g.size, dtype=np.int64)
        )
    smcf.set_nodes_supplies(
        np.append(act, sink).astype(np.int64),
        np.append(np.ones(act.size, dtype=np.int64), -act.size).astype(np.int64),
    )
    status = smcf.solve()
    if status == smcf.INFEASIBLE or status == smcf.UNBALANCED:
        return None
    if status == smcf.BAD_COST_RANGE:
        raise _fail(
            "score_resolution", "small enough for OR-Tools min-cost flow", md.score_resolution
        )
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen = np.zeros(md.mentee.size, dtype=bool)
    chosen[idx] = smcf.flows(pair_arcs) > 0
    return chosen


# --------------------------------------------------------------------------- repair


def _repair(md: _Model, chosen: BoolArray) -> BoolArray:
    """Make an assignment respect hours: each mentor keeps its best value-per-hour pairs."""
    over = _hours_used(md, chosen) > md.hours
    pairs = np.flatnonzero(chosen & over[md.mentor])
    if pairs.size == 0:
        return chosen
    value = (md.weight * md.p[md.mentee[pairs]] + md.s[pairs]).astype(np.float64)
    density = value / np.maximum(md.load[pairs], 1)
    order = np.lexsort((pairs, -density, md.mentor[pairs]))
    pairs = pairs[order]
    mentor, load = md.mentor[pairs], md.load[pairs]
    cum = np.cumsum(load)
    first = np.r_[True, mentor[1:] != mentor[:-1]]
    base = np.maximum.accumulate(np.where(first, np.arange(pairs.size), 0))
    within = cum - cum[base] + load[base]
    out = chosen.copy()
    out[pairs[within > md.hours[mentor]]] = False
    return out


def _fill(md: _Model, chosen: BoolArray, region: BoolArray, rounds: int = 2) -> BoolArray:
    """Improve an hours-feasible assignment: keep it, and match still-unmatched mentees
    into the seats and hours left, by min-cost flow on seats that are safe whatever
    pairs the flow picks (the largest remaining candidate loads fit)."""
    if md.require_all:
        return chosen
    out = chosen.copy()
    for _ in range(rounds):
        used = np.bincount(md.mentor[out], minlength=md.m).astype(np.int64)
        left_hours = md.hours - _hours_used(md, out)
        grp_used = np.bincount(md.group[md.mentor[out]] + 1, minlength=md.n_groups + 1)[1:]
        matched = np.zeros(md.n, dtype=bool)
        matched[md.mentee[out]] = True
        mask = region & ~matched[md.mentee] & (md.cap[md.mentor] > used[md.mentor])
        mask &= md.load <= left_hours[md.mentor]
        if not mask.any():
            break
        rest = replace(
            md, cap=md.cap - used, hours=left_hours, gcap=md.gcap - grp_used,
            seat_offset=md.seat_offset + used,
        )  # fmt: skip
        extra = _flow(rest, _seats_where_loads_fit(rest, True, mask), mask)
        if extra is None or not extra.any():
            break
        out |= extra
    return out


def _lagrangian(
    md: _Model,
    relax_cap: IntArray,
    region: BoolArray,
    x0: BoolArray,
    best: BoolArray,
    bound: IntArray,
    comp_mentee: IntArray,
    comp_mentor: IntArray,
    n_comp: int,
    deadline: float,
) -> tuple[BoolArray, IntArray, int]:
    """Price the hours (Lagrangian relaxation, subgradient steps) on the pairs of ``region``.

    For prices ``lam_j >= 0`` (objective units per load unit) on the hours constraints of
    the mentors, ``L(lam) = max_x [f(x) - sum_j lam_j * load_j(x)] + sum_j lam_j * H_j``,
    the max over assignments that respect seats (``relax_cap``) and supervisors but not
    hours, is an **upper bound** on the optimum: for any hours-feasible ``x``,
    ``H_j - load_j(x) >= 0``, so the added term is ``>= 0`` and ``L(lam) >= f(x)``.
    ``relax_cap`` (most seats whose smallest loads fit) is implied by the hours, so capping
    seats with it keeps every hours-feasible assignment. The inner max is a min-cost flow
    (each pair's arc costs ``lam_j * load`` more), solved exactly in integers; a pair's
    price is capped at ``max gain + 1`` (a smaller price only makes the max larger, so the
    bound stays valid; at that price the pair is never worth taking anyway). The bound
    is separable by component: ``L_c`` uses the component's pairs and mentors only.

    Prices are kept exact as ``a_j / den`` (``a_j`` integer): a pair's arc pays
    ``floor(a_j * load / den)`` and the bound adds ``ceil(sum_j a_j * H_j / den)`` --
    rounding the paid price down and the credit up only raises ``L``, so it stays valid.

    Each priced flow is then repaired (hours) and refilled into an hours-feasible
    assignment; per component the better of it and ``best`` is kept. Polyak steps toward
    the best primal value; after two steps without a better bound the step factor halves
    and the prices restart from those of the best bound. Stops at ``deadline``, when the
    prices stop changing, or when ``best`` meets the bound.

    ``x0`` is the unpriced flow (``lam = 0``) on ``region`` and ``bound`` its per-component
    value. Returns the improved (assignment, per-component bound, iterations).
    """
    best, bound = best.copy(), bound.copy()
    comps = np.unique(comp_mentee[md.mentee[region]])
    in_region = np.zeros(n_comp, dtype=bool)
    in_region[comps] = True
    mentor_in = np.zeros(md.m, dtype=bool)
    mentor_in[md.mentor[region]] = True
    priced = mentor_in & (_seats_where_loads_fit(md, largest=True) < md.cap)  # hours can bind
    gain = md.weight * md.p[md.mentee] + md.s
    max_gain = int(gain[region].max(initial=0))
    min_load = np.full(md.m, _NO_LIMIT, dtype=np.int64)
    np.minimum.at(min_load, md.mentor[region], md.load[region])
    # Prices are a / den objective units per load unit, a integer: exact arithmetic.
    den = int(min(2**16, max(1, 2**40 // max(max_gain + 1, 1))))
    top_price = (max_gain + 1) * den  # a pair priced at or above this is never taken
    lam_cap = np.where(priced, (max_gain + 1) / np.maximum(min_load, 1), 0.0)
    hours_obj = md.hours.astype(object)

    def comp_sum(values: Any, where: IntArray, size: int) -> Any:
        out = np.zeros(size, dtype=object)
        np.add.at(out, where, values)
        return out

    def value_of(x: BoolArray) -> IntArray:
        return _values(md, x, comp_mentee, comp_mentor, n_comp)

    def take_better(cand: BoolArray) -> None:
        nonlocal best
        better = in_region & (value_of(cand) > value_of(best))
        if md.require_all:
            covered = np.zeros(md.n, dtype=bool)
            covered[md.mentee[cand]] = True
            better[comp_mentee[~covered]] = False
        pick = better[comp_mentee[md.mentee]]
        best = np.where(pick, cand, best)

    lam = lam_best = np.zeros(md.m, dtype=np.float64)
    prev_int = np.zeros(md.m, dtype=np.int64)
    x, cur = x0, bound.astype(object)
    theta, stall, iters, t_iter = 1.0, 0, 0, 0.0
    while True:
        g = np.where(priced, _hours_used(md, x) - np.minimum(md.hours, _INT_LIMIT), 0)
        move = priced & ((g > 0) | (lam > 0))
        denom = float((g[move].astype(np.float64) ** 2).sum())
        best_val = value_of(best)
        gap = int(sum(int(v) for v in (cur - best_val)[comps]))
        if denom == 0 or gap <= 0 or time.perf_counter() + t_iter > deadline:
            break
        t_start = time.perf_counter()
        lam = np.clip(lam + theta * gap / denom * g, 0.0, lam_cap)
        lam_int = np.minimum(np.round(lam * den), top_price).astype(np.int64)
        if iters and np.array_equal(lam_int, prev_int):  # same prices, same flow: done
            break
        prev_int = lam_int
        a = lam_int[md.mentor]
        # floor(a * load / den), or max_gain + 1 when that is larger; both <= a*load/den
        # (so the bound stays valid), and a * load <= top_price keeps int64 exact.
        high = a > top_price // np.maximum(md.load, 1)
        price = np.where(high, max_gain + 1, (np.where(high, 0, a) * md.load) // den)
        x_new = _flow(md, relax_cap, region, price)
        if x_new is None:  # prices never change feasibility; defensive
            break
        x = x_new
        iters += 1
        pen = comp_sum(price[x].astype(object), comp_mentee[md.mentee[x]], n_comp)
        lam_h = comp_sum(
            lam_int[priced].astype(object) * hours_obj[priced], comp_mentor[priced], n_comp
        )
        lam_h = np.array([-(-int(v) // den) for v in lam_h], dtype=object)  # round up
        cur = value_of(x).astype(object) - pen + lam_h
        improved = in_region & (cur < bound.astype(object))
        bound = np.where(improved, np.array([int(v) for v in cur], dtype=object), bound)
        bound = bound.astype(np.int64)
        take_better(_fill(md, _repair(md, x), region, rounds=2))
        if improved.any():
            stall, lam_best = 0, lam
        else:
            stall += 1
        if stall >= 2:  # restart from the prices of the best bound, with shorter steps
            theta, stall, lam = theta / 2, 0, lam_best
        t_iter = time.perf_counter() - t_start
    return best, bound, iters


# --------------------------------------------------------------------------- CP-SAT


def _bool_vars(proto: Any, count: int) -> None:
    """Append ``count`` Boolean variables to a model proto quickly (by doubling)."""
    unit = cp_model_helper.CpModelProto()
    unit.merge_text_format("variables { domain: [0, 1] }")
    while count:
        if count & 1:
            proto.merge_from(unit)
        count >>= 1
        if count:
            unit.merge_from(unit)


def _linear(proto: Any, vars_: IntArray, coeffs: IntArray, lo: int, hi: int) -> None:
    ct = proto.constraints.add()
    ct.linear.vars.extend(vars_.tolist())
    ct.linear.coeffs.extend(coeffs.tolist())
    ct.linear.domain.extend([lo, hi])


@dataclass(frozen=True)
class _CpOutcome:
    status: str
    chosen: IntArray | None  # global pair indices, None when no solution
    bound: int  # objective-unit upper bound for the component


def _cp_sat_component(
    md: _Model,
    pairs: IntArray,
    top: IntArray,
    hint: BoolArray | None,
    seconds: float,
    workers: int,
    parameters: Mapping[str, Any],
) -> _CpOutcome:
    """Solve one component exactly with CP-SAT; ``pairs`` are sorted canonical indices.

    ``top`` is, per mentor, the most seats whose largest loads fit its hours: an hours
    constraint is only written where it can bind.

    Variables: x (one per pair), then u (unmatched, one per mentee, unless require_all),
    then z (one per mentor seat, only with spread). Minimises
    ``M * sum p u - sum s x + sum pen z``; the component objective is ``M * sum p - cost``.
    """
    mentee, mentor = md.mentee[pairs], md.mentor[pairs]
    mentees, m_first = np.unique(mentee, return_index=True)
    mentors = np.unique(mentor)
    k, nm = pairs.size, mentees.size
    u0 = k
    z0 = k + (0 if md.require_all else nm)
    seats = md.cap[mentors] if md.spread_units > 0 else np.zeros(mentors.size, dtype=np.int64)
    n_vars = z0 + int(seats.sum())

    model = cp_model.CpModel()
    proto = model.proto
    _bool_vars(proto, n_vars)

    # Each mentee: exactly one of its pairs, or "unmatched".
    bounds = np.append(m_first, k)
    for i in range(nm):
        ct = proto.constraints.add()
        lits = list(range(int(bounds[i]), int(bounds[i + 1])))
        if not md.require_all:
            lits.append(u0 + i)
        ct.exactly_one.literals.extend(lits)

    # Per mentor: seats (or seat variables with spread), and hours where they can bind.
    by_mentor = np.argsort(mentor, kind="stable").astype(np.int64)
    sizes = np.bincount(np.searchsorted(mentors, mentor), minlength=mentors.size)
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    z_start = z0 + np.concatenate([[0], np.cumsum(seats)]).astype(np.int64)
    for j, mj in enumerate(mentors.tolist()):
        xs = by_mentor[starts[j] : starts[j + 1]]
        cap = int(md.cap[mj])
        if seats[j] > 0:
            zs = np.arange(z_start[j], z_start[j + 1], dtype=np.int64)
            _linear(
                proto, np.concatenate([xs, zs]),
                np.concatenate([np.ones(xs.size, np.int64), -np.ones(zs.size, np.int64)]), 0, 0,
            )  # fmt: skip
        elif cap < xs.size:
            _linear(proto, xs, np.ones(xs.size, dtype=np.int64), 0, cap)
        if top[mj] < cap:  # the cap largest loads do not fit: hours can bind
            _linear(proto, xs, md.load[pairs[xs]], 0, int(md.hours[mj]))

    # Per supervisor with room for fewer than its mentors' seats.
    grp = md.group[mentor]
    for g in np.unique(grp[grp >= 0]).tolist():
        gm = mentors[md.group[mentors] == g]
        if int(md.gcap[g]) < int(md.cap[gm].sum()):
            xs = np.flatnonzero(grp == g).astype(np.int64)
            _linear(proto, xs, np.ones(xs.size, dtype=np.int64), 0, int(md.gcap[g]))

    obj_vars = [np.arange(k, dtype=np.int64)]
    obj_coef = [-md.s[pairs]]
    if not md.require_all:
        obj_vars.append(u0 + np.arange(nm, dtype=np.int64))
        obj_coef.append(md.weight * md.p[mentees])
    if seats.sum() > 0:
        who = np.repeat(mentors, seats)
        seat = np.arange(who.size, dtype=np.int64) - np.repeat(z_start[:-1] - z0, seats) + 1
        obj_vars.append(np.arange(z0, n_vars, dtype=np.int64))
        obj_coef.append(md.seat_penalty(who, seat))
    ov, oc = np.concatenate(obj_vars), np.concatenate(obj_coef)
    nz = oc != 0
    proto.objective.vars.extend(ov[nz].tolist())
    proto.objective.coeffs.extend(oc[nz].tolist())
    constant = md.weight * int(md.p[mentees].sum())

    if hint is not None:
        values = np.zeros(n_vars, dtype=np.int64)
        x = hint[pairs]
        values[:k] = x
        matched = np.zeros(nm, dtype=bool)
        matched[np.searchsorted(mentees, mentee[x])] = True
        if not md.require_all:
            values[u0 : u0 + nm] = ~matched
        if seats.sum() > 0:
            used = np.bincount(np.searchsorted(mentors, mentor[x]), minlength=mentors.size)
            seat_rank = np.arange(n_vars - z0) - np.repeat(z_start[:-1] - z0, seats)
            values[z0:] = seat_rank < np.repeat(used, seats)
        proto.solution_hint.vars.extend(range(n_vars))
        proto.solution_hint.values.extend(values.tolist())

    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.num_workers = workers
    prm.max_time_in_seconds = max(seconds, 0.01)
    prm.random_seed = 0
    # One worker is deterministic (same input, same answer unless cut by time); more
    # workers run CP-SAT's parallel portfolio: faster on hard components, but ties between
    # equally good assignments may then break differently from run to run.
    for key, val in parameters.items():
        try:
            setattr(prm, key, val)
        except (AttributeError, TypeError, ValueError) as exc:
            raise _fail("cp_sat_parameters", "valid CP-SAT parameters", f"{key}={val!r}") from exc
    status = solver.solve(model)
    name = solver.status_name(status)
    if status == cp_model.INFEASIBLE:
        return _CpOutcome("infeasible", None, 0)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
        lb = solver.best_objective_bound
        ub = constant - math.ceil(lb - 1e-6) if math.isfinite(lb) else _INT_LIMIT
        return _CpOutcome("unknown", None, ub)
    sol = np.asarray(solver.response_proto.solution, dtype=np.int64)
    chosen = pairs[sol[:k] > 0]
    if status == cp_model.OPTIMAL:
        return _CpOutcome("optimal", chosen, constant - round(solver.objective_value))
    ub = constant - math.ceil(solver.best_objective_bound - 1e-6)
    return _CpOutcome(name.lower(), chosen, ub)


# --------------------------------------------------------------------------- driver


def _lns(
    md: _Model,
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
    ``max_passes`` passes, stopping after a pass without improvement or at ``deadline``.
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
        return int(_values(md, x, comp_one[: md.n], comp_one[: md.m], 1)[0])

    current = value(best)
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
        out = _cp_sat_component(sub, pairs, top, best, min(left, seconds_each), workers, parameters)
        t_last = time.perf_counter() - t_start
        if out.chosen is None:
            continue
        cand_x = best.copy()
        cand_x[pairs] = False
        cand_x[out.chosen] = True
        v = value(cand_x)
        if v > current:
            best, current, improved = cand_x, v, improved + 1
    return best, improved


def _components(md: _Model) -> tuple[IntArray, IntArray, int, BoolArray]:
    """Connected components; returns (comp of mentee, comp of mentor, count, comp has pairs)."""
    n, m, g = md.n, md.m, md.n_groups
    grouped = np.flatnonzero(md.group >= 0)
    rows = np.concatenate([md.mentee, n + grouped])
    cols = np.concatenate([n + md.mentor, n + m + md.group[grouped]])
    size = n + m + g
    adj = coo_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(size, size))
    n_comp, labels = connected_components(adj, directed=False)
    has_pairs = np.zeros(n_comp, dtype=bool)
    has_pairs[labels[md.mentee]] = True
    return labels[:n].astype(np.int64), labels[n : n + m].astype(np.int64), n_comp, has_pairs


def solve(
    pair_mentee: npt.ArrayLike,
    pair_mentor: npt.ArrayLike,
    score: npt.ArrayLike,
    *,
    n_mentees: int,
    n_mentors: int,
    mentor_capacity: npt.ArrayLike,
    priority: npt.ArrayLike | None = None,
    load: npt.ArrayLike | None = None,
    mentor_hours: npt.ArrayLike | None = None,
    mentor_group: npt.ArrayLike | None = None,
    group_capacity: npt.ArrayLike | None = None,
    objective: Objective = "coverage_first",
    require_all: bool = False,
    spread_load: float = 0.0,
    seat_offset: npt.ArrayLike | None = None,
    time_limit: float = 60.0,
    workers: int = 1,
    score_resolution: int = 10_000,
    cp_sat_parameters: Mapping[str, Any] | None = None,
    method: Method = "auto",
) -> SolveResult:
    """Assign mentees to mentors, exactly, under seat, hours and supervisor limits.

    Parameters
    ----------
    pair_mentee, pair_mentor : array of int, shape (k,)
        The candidate pairs: mentee index in ``[0, n_mentees)``, mentor index in
        ``[0, n_mentors)``. Only these pairs can be used.
    score : array of float, shape (k,)
        Finite, >= 0; the pair's score (the spec's scores are in [0, 1]).
    n_mentees, n_mentors : int
        Sizes.
    mentor_capacity : array of int, shape (n_mentors,)
        New seats each mentor still has (existing relationships already subtracted).
    priority : array of float, shape (n_mentees,), optional
        Finite, >= 0; default 1.0 each.
    load : array of float, shape (k,), optional
        Weekly hours the pair would use on its mentor; default 0.
    mentor_hours : array of float, shape (n_mentors,), optional
        Remaining weekly hours per mentor (``+inf`` = no limit); None = no limits.
    mentor_group, group_capacity : array of int, optional
        Supervisor of each mentor (``-1`` none) and relationships each supervisor can
        still take. Give both or neither.
    objective : {"coverage_first", "score_only"}
        ``coverage_first``: maximise the total priority of matched mentees, then the
        total score minus the spread penalty. ``score_only``: maximise total score minus
        spread penalty.
    require_all : bool
        Every mentee must be matched; otherwise the status is ``infeasible``.
    spread_load : float
        Load spreading: the ``t``-th new seat of a mentor (``t = 1, 2, ...``) costs
        ``spread_load * (seat_offset + t)`` score points in the secondary objective. The
        marginal cost rises with each seat (a convex cost of the mentor's load), so
        between two otherwise equal assignments the one that spreads mentees over more,
        emptier mentors wins. ``coverage_first`` never trades a priority unit for it.
    seat_offset : array of int, shape (n_mentors,), optional
        Seats already used by existing relationships (default 0).
    time_limit : float
        Seconds, for the whole call; only CP-SAT (and, on components over 300 000
        pairs, the Lagrangian pricing and neighbourhood search) can run out of it.
    workers : int
        CP-SAT worker threads. 1 (the default) is deterministic; more run CP-SAT's
        parallel portfolio, faster on hard components but ties may break differently.
    score_resolution : int
        Integer units per 1.0 of score; scores are rounded to it (see ``objective``).
    cp_sat_parameters : dict, optional
        Set on ``CpSolver.parameters`` after our defaults (``num_workers``,
        ``max_time_in_seconds`` per component, ``random_seed=0``).
    method : {"auto", "flow", "cp_sat"}
        ``auto`` chooses; ``flow`` fails with ParameterError when some mentor's hours can
        bind; ``cp_sat`` sends every component to CP-SAT (for testing).

    Returns
    -------
    SolveResult
        ``objective`` is the integer value ``M * P + S - D`` in units of
        ``1 / score_resolution`` score points (``P`` matched priority units, ``S`` score
        units, ``D`` spread-penalty units, ``M`` = ``primary_weight``); ``bound`` is a
        proven upper bound on it and ``gap = (bound - objective) / max(|bound|, 1)``.

    Raises
    ------
    ParameterError
        Invalid input, or a resolution so fine that the integer objective could overflow.

    Notes
    -----
    Deterministic: pairs are put in a canonical order before modelling, min-cost flow is
    deterministic, and CP-SAT runs with a fixed seed; with one worker only a CP-SAT run
    cut by the time limit can differ between runs. On components over 300 000 pairs the
    number of pricing steps and neighbourhoods done depends on the time limit and the
    machine, so the answer (always hours-feasible, bound always valid) can too. (CP-SAT's
    interleaved deterministic multi-worker search was 20x slower on the demo round, so it
    is not used.)
    """
    t0 = time.perf_counter()
    inp = _validate(
        pair_mentee=pair_mentee, pair_mentor=pair_mentor, score=score, n_mentees=n_mentees,
        n_mentors=n_mentors, mentor_capacity=mentor_capacity, priority=priority, load=load,
        mentor_hours=mentor_hours, mentor_group=mentor_group, group_capacity=group_capacity,
        objective=objective, require_all=require_all, spread_load=spread_load,
        seat_offset=seat_offset, time_limit=time_limit, workers=workers,
        score_resolution=score_resolution, cp_sat_parameters=cp_sat_parameters, method=method,
    )  # fmt: skip
    md = _integer_model(inp)

    def finish(
        chosen: BoolArray | None, status: str, bound: int, method_: str, n_comp: int, n_cp: int,
        cp_status: tuple[str, ...] = (),
    ) -> SolveResult:  # fmt: skip
        mentor_of = np.full(md.n, -1, dtype=np.int64)
        if chosen is None:
            return SolveResult(
                mentor_of, np.zeros(0, dtype=np.int64), status, 0, 0, math.nan, 0.0, 0.0, 0.0,
                time.perf_counter() - t0, method_, n_comp, n_cp, md.weight,
                md.score_resolution, md.priority_resolution, md.load_resolution,
                md.n_filtered, False, cp_status,
            )  # fmt: skip
        pairs = np.flatnonzero(chosen)
        mentor_of[md.mentee[pairs]] = md.mentor[pairs]
        comp_dummy = np.zeros(max(md.n, md.m, 1), dtype=np.int64)
        value = int(_values(md, chosen, comp_dummy, comp_dummy[: md.m], 1)[0])
        bound = max(bound, value)
        if status == "optimal":
            bound = value
        elif bound == value:
            status = "optimal"
        used = np.bincount(md.mentor[pairs], minlength=md.m)
        numbers = used * inp.seat_offset + used * (used + 1) // 2
        return SolveResult(
            mentor_of=mentor_of,
            chosen=np.sort(md.orig[pairs]),
            status=status,
            objective=value,
            bound=bound,
            gap=(bound - value) / max(abs(bound), 1),
            total_priority=float(inp.priority[mentor_of >= 0].sum()),
            total_score=float(inp.score[md.orig[pairs]].sum()),
            spread_penalty=float(inp.spread_load * numbers.sum()),
            seconds=time.perf_counter() - t0,
            method=method_,
            n_components=n_comp,
            n_cp_sat_components=n_cp,
            primary_weight=md.weight,
            score_resolution=md.score_resolution,
            priority_resolution=md.priority_resolution,
            load_resolution=md.load_resolution,
            n_pairs_filtered=md.n_filtered,
            cp_sat_status=cp_status,
        )

    if md.require_all:
        covered = np.zeros(md.n, dtype=bool)
        covered[md.mentee] = True
        if not covered.all():
            return finish(None, "infeasible", 0, "flow", 0, 0)

    if (md.hours >= _NO_LIMIT).all():  # no hours limit: every seat is safe (fast path)
        safe = md.cap.copy()
    else:
        safe = _seats_where_loads_fit(md, largest=True)
    binding = safe < md.cap
    if inp.method == "flow" and binding.any():
        raise _fail("method", "'auto' or 'cp_sat' when some mentor's hours can bind", "'flow'")

    comp_mentee, comp_mentor, n_comp, has_pairs = _components(md)
    n_real = int(has_pairs.sum())
    if not binding.any() and inp.method != "cp_sat":
        # Fast path: no hours can bind, so one min-cost flow is the exact answer.
        chosen = _flow(md, md.cap)
        if chosen is None:
            return finish(None, "infeasible", 0, "flow", 0, 0)
        return finish(chosen, "optimal", 0, "flow", n_real, 0)
    relax_cap = _seats_where_loads_fit(md, largest=False)
    relaxed = _flow(md, relax_cap)
    if relaxed is None:  # even the relaxation cannot match everyone
        return finish(None, "infeasible", 0, "flow", n_real, 0)
    relax_val = _values(md, relaxed, comp_mentee, comp_mentor, n_comp)
    over = _hours_used(md, relaxed) > md.hours
    to_cp = np.zeros(n_comp, dtype=bool)
    if inp.method == "cp_sat":
        to_cp[:] = has_pairs
    else:
        to_cp[comp_mentor[over]] = True
    if not to_cp.any():
        return finish(relaxed, "optimal", 0, "flow", n_real, 0)

    # Hours-feasible hints: repaired relaxation, and a flow restricted to safe seats.
    cp_pair = to_cp[comp_mentee[md.mentee]]
    hint = _fill(md, _repair(md, relaxed), cp_pair, rounds=4)
    hint_feasible_comp = np.ones(n_comp, dtype=bool)
    if md.require_all:  # the repair may have unmatched someone
        covered = np.zeros(md.n, dtype=bool)
        covered[md.mentee[hint]] = True
        hint_feasible_comp[comp_mentee[~covered]] = False
    comp_pairs = np.bincount(comp_mentee[md.mentee], minlength=n_comp)
    too_big = to_cp & (comp_pairs > _CP_SAT_MAX_PAIRS)
    res_mask = cp_pair
    if not md.require_all:  # big components get priced flows below instead
        res_mask = cp_pair & ~too_big[comp_mentee[md.mentee]]
    restricted = _flow(md, safe, res_mask) if res_mask.any() else None
    if restricted is not None:
        v_rep = _values(md, hint, comp_mentee, comp_mentor, n_comp)
        v_res = _values(md, restricted, comp_mentee, comp_mentor, n_comp)
        better = (v_res > v_rep) | ~hint_feasible_comp
        take = res_mask & better[comp_mentee[md.mentee]]
        hint = np.where(take, restricted, hint)
        hint_feasible_comp |= to_cp
    final = np.where(cp_pair, hint, relaxed)

    comps = np.flatnonzero(to_cp)
    pair_comp = comp_mentee[md.mentee]
    # Components too big for CP-SAT: price the hours (Lagrangian relaxation) for a tighter
    # bound and better hours-feasible assignments, within their share of the time.
    big = too_big & hint_feasible_comp
    if big.any():
        region = big[pair_comp]
        left = inp.time_limit - (time.perf_counter() - t0)
        share = left * int(comp_pairs[big].sum()) / max(int(comp_pairs[to_cp].sum()), 1)
        start = time.perf_counter()
        best, lag_bound, _ = _lagrangian(
            md, relax_cap, region, relaxed & region, final, relax_val, comp_mentee,
            comp_mentor, n_comp, start + 0.25 * share,
        )  # fmt: skip
        best, _ = _lns(
            md, best, relaxed, region, safe, start + 0.95 * share - 0.5, inp.workers,
            inp.cp_sat_parameters,
        )  # fmt: skip
        final = np.where(region, best, final)
        hint = np.where(region, best, hint)
        relax_val = np.minimum(relax_val, lag_bound)
    order = np.argsort(pair_comp, kind="stable")
    sorted_comp = pair_comp[order]
    lo = np.searchsorted(sorted_comp, comps, side="left")
    hi = np.searchsorted(sorted_comp, comps, side="right")
    remaining_pairs = int((hi - lo).sum())
    bound_total = int(relax_val[~to_cp].sum())
    statuses: list[str] = []
    any_infeasible = any_unknown = False
    for c, a, b in zip(comps.tolist(), lo.tolist(), hi.tolist(), strict=True):
        pairs = np.sort(order[a:b])
        left = inp.time_limit - (time.perf_counter() - t0)
        budget = left * (b - a) / max(remaining_pairs, 1)
        remaining_pairs -= b - a
        if (b - a > _CP_SAT_MAX_PAIRS or budget < 0.05) and hint_feasible_comp[c]:
            statuses.append("skipped")
            bound_total += int(relax_val[c])
            continue
        out = _cp_sat_component(
            md, pairs, safe, hint if hint_feasible_comp[c] else None, budget, inp.workers,
            inp.cp_sat_parameters,
        )  # fmt: skip
        statuses.append(out.status)
        comp_bound = min(out.bound, int(relax_val[c]))
        if out.status == "optimal" and out.chosen is not None:
            mask = np.zeros(md.mentee.size, dtype=bool)
            mask[out.chosen] = True
            # exact value (CP-SAT reports doubles)
            comp_bound = int(_values(md, mask, comp_mentee, comp_mentor, n_comp)[c])
        if out.status == "infeasible":
            any_infeasible = True
            break
        if out.chosen is not None:
            final[pairs] = False
            final[out.chosen] = True
        elif not hint_feasible_comp[c]:
            any_unknown = True
        bound_total += comp_bound
    method_ = "cp_sat" if to_cp.sum() == n_real else "mixed"
    if any_infeasible:
        return finish(None, "infeasible", 0, method_, n_real, len(statuses), tuple(statuses))
    if any_unknown:
        return finish(None, "unknown", bound_total, method_, n_real, len(statuses), tuple(statuses))
    status = "optimal" if all(s == "optimal" for s in statuses) else "feasible"
    return finish(final, status, bound_total, method_, n_real, len(statuses), tuple(statuses))
