"""Lagrangian relaxation of the hours, for components too big for CP-SAT.

Pricing the hours turns the problem back into min-cost flows: each priced flow gives a
proven upper bound and, once repaired and filled, an hours-feasible assignment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.assignment.components import Components
from matcher.assignment.flow import flow_assignment, seats_where_loads_fit
from matcher.assignment.model import INT_LIMIT, NO_LIMIT, Model, hours_used
from matcher.assignment.repair import fill, repair
from matcher.assignment.validate import BoolArray, FloatArray, IntArray

__all__ = ["lagrangian"]

ObjectArray = npt.NDArray[np.object_]  # Python ints: sums that must not overflow


@dataclass(frozen=True)
class _Pricing:
    """What the price steps need, fixed for the whole run."""

    comps: IntArray  # components with a pair in the region
    in_region: BoolArray  # per component
    priced: BoolArray  # per mentor: in the region and its hours can bind
    max_gain: int  # largest value of one pair in the region
    den: int  # prices are a / den objective units per load unit, a integer
    top_price: int  # a pair priced at or above this (times den) is never taken
    lam_cap: FloatArray  # per mentor: a higher price changes nothing
    hours_obj: ObjectArray  # mentors' hours as Python ints


def _pricing(md: Model, region: BoolArray, comp: Components) -> _Pricing:
    """Which mentors are priced, and the exact scale and caps of their prices."""
    comps = np.unique(comp.of_mentee[md.mentee[region]])
    in_region = np.zeros(comp.count, dtype=bool)
    in_region[comps] = True
    mentor_in = np.zeros(md.m, dtype=bool)
    mentor_in[md.mentor[region]] = True
    priced = mentor_in & (seats_where_loads_fit(md, largest=True) < md.cap)  # hours can bind
    gain = md.weight * md.p[md.mentee] + md.s
    max_gain = int(gain[region].max(initial=0))
    min_load = np.full(md.m, NO_LIMIT, dtype=np.int64)
    np.minimum.at(min_load, md.mentor[region], md.load[region])
    # Prices are a / den objective units per load unit, a integer: exact arithmetic.
    den = int(min(2**16, max(1, 2**40 // max(max_gain + 1, 1))))
    top_price = (max_gain + 1) * den  # a pair priced at or above this is never taken
    lam_cap = np.where(priced, (max_gain + 1) / np.maximum(min_load, 1), 0.0)
    hours_obj = md.hours.astype(object)
    return _Pricing(comps, in_region, priced, max_gain, den, top_price, lam_cap, hours_obj)


def _comp_sum(values: Any, where: IntArray, size: int) -> Any:
    """Sum ``values`` by component ``where``, as Python ints (no overflow)."""
    out = np.zeros(size, dtype=object)
    np.add.at(out, where, values)
    return out


def _arc_prices(md: Model, pr: _Pricing, lam_int: IntArray) -> IntArray:
    """Per pair, the price of the hours it uses at mentor prices ``lam_int / den``."""
    a = lam_int[md.mentor]
    # floor(a * load / den), or max_gain + 1 when that is larger; both <= a*load/den
    # (so the bound stays valid), and a * load <= top_price keeps int64 exact.
    high = a > pr.top_price // np.maximum(md.load, 1)
    return np.where(high, pr.max_gain + 1, (np.where(high, 0, a) * md.load) // pr.den)


def _priced_bound(
    md: Model,
    pr: _Pricing,
    comp: Components,
    x: BoolArray,
    price: IntArray,
    lam_int: IntArray,
) -> ObjectArray:
    """``L(lam)`` per component, for the priced flow ``x``: value - prices paid + credit."""
    pen = _comp_sum(price[x].astype(object), comp.of_mentee[md.mentee[x]], comp.count)
    lam_h = _comp_sum(
        lam_int[pr.priced].astype(object) * pr.hours_obj[pr.priced],
        comp.of_mentor[pr.priced],
        comp.count,
    )
    lam_h = np.array([-(-int(v) // pr.den) for v in lam_h], dtype=object)  # round up
    cur: ObjectArray = comp.values(md, x).astype(object) - pen + lam_h
    return cur


def _take_better(
    md: Model, pr: _Pricing, comp: Components, cand: BoolArray, best: BoolArray
) -> BoolArray:
    """Per component of the region, the better of ``cand`` and ``best``."""
    better = pr.in_region & (comp.values(md, cand) > comp.values(md, best))
    if md.require_all:
        covered = np.zeros(md.n, dtype=bool)
        covered[md.mentee[cand]] = True
        better[comp.of_mentee[~covered]] = False
    pick = better[comp.of_mentee[md.mentee]]
    return np.where(pick, cand, best)


def lagrangian(
    md: Model,
    relax_cap: IntArray,
    region: BoolArray,
    x0: BoolArray,
    best: BoolArray,
    bound: IntArray,
    comp: Components,
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
    pr = _pricing(md, region, comp)
    lam = lam_best = np.zeros(md.m, dtype=np.float64)
    prev_int = np.zeros(md.m, dtype=np.int64)
    x, cur = x0, bound.astype(object)
    theta, stall, iters, t_iter = 1.0, 0, 0, 0.0
    while True:
        g = np.where(pr.priced, hours_used(md, x) - np.minimum(md.hours, INT_LIMIT), 0)
        move = pr.priced & ((g > 0) | (lam > 0))
        denom = float((g[move].astype(np.float64) ** 2).sum())
        best_val = comp.values(md, best)
        gap = int(sum(int(v) for v in (cur - best_val)[pr.comps]))
        if denom == 0 or gap <= 0 or time.perf_counter() + t_iter > deadline:
            break
        t_start = time.perf_counter()
        lam = np.clip(lam + theta * gap / denom * g, 0.0, pr.lam_cap)
        lam_int = np.minimum(np.round(lam * pr.den), pr.top_price).astype(np.int64)
        if iters and np.array_equal(lam_int, prev_int):  # same prices, same flow: done
            break
        prev_int = lam_int
        price = _arc_prices(md, pr, lam_int)
        x_new = flow_assignment(md, relax_cap, region, price)
        if x_new is None:  # prices never change feasibility; defensive
            break
        x = x_new
        iters += 1
        cur = _priced_bound(md, pr, comp, x, price, lam_int)
        improved = pr.in_region & (cur < bound.astype(object))
        bound = np.where(improved, np.array([int(v) for v in cur], dtype=object), bound)
        bound = bound.astype(np.int64)
        best = _take_better(md, pr, comp, fill(md, repair(md, x), region, rounds=2), best)
        if improved.any():
            stall, lam_best = 0, lam
        else:
            stall += 1
        if stall >= 2:  # restart from the prices of the best bound, with shorter steps
            theta, stall, lam = theta / 2, 0, lam_best
        t_iter = time.perf_counter() - t_start
    return best, bound, iters
