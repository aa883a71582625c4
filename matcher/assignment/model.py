"""The integer model: pairs in canonical order, resolutions, exact filters, the weight ``M``.

Every integer quantity of the problem is derived once, in :func:`integer_model`, and every
assignment is valued exactly against it by :func:`objective_values` (int64, objective units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.assignment.validate import (
    BoolArray,
    FloatArray,
    IntArray,
    SolveInput,
    parameter_error,
)

__all__ = [
    "INT_LIMIT",
    "NO_LIMIT",
    "Model",
    "canonical_order",
    "hours_used",
    "integer_model",
    "objective_values",
    "seat_cost_table",
    "total_value",
]

# Hours of a mentor without a limit, in load units; far above any real sum of loads.
NO_LIMIT = np.int64(2**60)
# Everything that is summed must stay below this (int64 max is ~9.2e18; keep headroom).
INT_LIMIT = 2**62
# Relative tolerance for deciding that a float is "an integer at this resolution".
_INTEGRAL_TOL = 1e-9
_MAX_LOAD_RESOLUTION = 1_000_000


@dataclass(frozen=True)
class Model:
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
    hours: IntArray  # load units per mentor, NO_LIMIT if unlimited
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
    """1, 10, 100, ... below ``limit``, then ``limit`` itself."""
    out, r = [], 1
    while r < limit:
        out.append(r)
        r *= 10
    return [*out, limit]


def canonical_order(inp: SolveInput) -> IntArray:
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


def integer_model(inp: SolveInput) -> Model:
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
    order = canonical_order(inp)
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
    hours = np.where(np.isfinite(hours_f), np.minimum(hours_f, float(NO_LIMIT)), NO_LIMIT)
    hours = hours.astype(np.int64)
    if load.size and float(load_f.sum()) * lres >= 2**52:
        raise parameter_error(
            "load", f"small enough to sum exactly at resolution {lres}", "larger loads"
        )

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
    if largest_cost * (nodes + 1) >= INT_LIMIT or total >= INT_LIMIT:
        raise parameter_error(
            "score_resolution",
            "small enough that the integer objective fits in int64 "
            f"(largest cost {largest_cost}, total {total}, {nodes} nodes); lower it",
            res,
        )
    return Model(
        n=inp.n, m=inp.m, n_groups=len(inp.group_capacity), mentee=mentee, mentor=mentor,
        orig=orig, s=s, load=load, p=p, cap=cap, hours=hours, group=inp.group,
        gcap=inp.group_capacity, seat_offset=inp.seat_offset, spread_units=spread_units,
        weight=weight, require_all=inp.require_all, score_resolution=res,
        priority_resolution=pres, load_resolution=lres, n_filtered=n_filtered,
    )  # fmt: skip


def seat_cost_table(md: Model) -> tuple[IntArray, IntArray]:
    """Cumulative seat penalties: cost of k seats of mentor j is cum[start[j] + k]."""
    reps = md.cap + 1
    start = np.concatenate([[0], np.cumsum(reps)[:-1]]).astype(np.int64)
    who = np.repeat(np.arange(md.m, dtype=np.int64), reps)
    seat = np.arange(who.size, dtype=np.int64) - start[who]
    pen = np.where(seat > 0, md.seat_penalty(who, np.maximum(seat, 1)), 0)
    cum = np.cumsum(pen) - np.repeat(np.cumsum(pen)[start] - pen[start], reps)
    return start, cum


def objective_values(
    md: Model, chosen: BoolArray, comp_mentee: IntArray, comp_mentor: IntArray, n_comp: int
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
        start, cum = seat_cost_table(md)
        np.add.at(out, comp_mentor, -cum[start + used])
    return out


def total_value(md: Model, chosen: BoolArray) -> int:
    """Objective of an assignment over the whole model (exact, objective units)."""
    one = np.zeros(max(md.n, md.m, 1), dtype=np.int64)  # every pair in component 0
    return int(objective_values(md, chosen, one[: md.n], one[: md.m], 1)[0])


def hours_used(md: Model, chosen: BoolArray) -> IntArray:
    """Load units each mentor carries in an assignment."""
    out = np.zeros(md.m, dtype=np.int64)
    np.add.at(out, md.mentor[chosen], md.load[chosen])
    return out
