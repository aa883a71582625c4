"""Components of a priced round where hours bind: priced hours, certified over every pair.

:func:`improve_hours` prices the mentors' hours (Lagrangian multipliers) on the working
set instead of every pair: each step re-optimises the working set's flow at the new hour
prices from the previous basis (warm network simplex), then one pricing sweep over every
pair of the component's mentees (:func:`~matcher.assignment.columns.price_round`) turns
its dual prices into a bound ``L(lam)`` valid over **every** pair (the working set's pairs
need not include the priced optimum) and adds the pairs that sweep finds to the working
set. Each priced flow is repaired and filled into an hours-feasible assignment; then
large-neighbourhood search (:func:`~matcher.assignment.lns.lns`) improves the best one
on the working set.

**The price search** is aimed at the primal, not at the bound: the objective is
lexicographic (``M`` per priority unit >> any score), and on national rounds the flow that
ignores hours already has the coverage of the hours-constrained LP (50k x 10k: 12 priority
units apart out of 355,345, so ``L`` cannot drop much). What is missing is an
hours-feasible assignment with that coverage: among the many coverage-optimal flows, one
that fits every mentor's hours. So each mentor still over its hours has its price
*doubled*, starting at :data:`BASE_PRICE` x the score resolution per hour -- small enough that first
only the tie-breaking among coverage-equal flows changes (mentees with smaller loads move
to tight mentors) -- and prices never fall, until no mentor is over: the flow then fits
every mentor's hours and is itself an hours-feasible assignment. (Polyak steps toward a primal
2 % short of the bound, measured before, overshot in priority units and left 0.25 %.)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.assignment.columns import Columns, Comps, HourPrices, grow, price_round
from matcher.assignment.lns import lns, shortfall
from matcher.assignment.model import INT_LIMIT, NO_LIMIT, hours_used
from matcher.assignment.repair import fill, repair
from matcher.assignment.store import StoreModel
from matcher.assignment.validate import BoolArray, IntArray

__all__ = ["BASE_PRICE", "HoursOutcome", "improve_hours"]

#: The first price of an hour of a mentor over its hours, as a share of the score
#: resolution (score units): doubled each step while the mentor stays over.
BASE_PRICE = 0.05


@dataclass(frozen=True)
class HoursOutcome:
    """What :func:`improve_hours` leaves for its components."""

    chosen: IntArray  # store positions, hours-feasible
    bound: IntArray  # per component (only the components given are meaningful)
    value: IntArray  # per component: the exact value of ``chosen`` there
    steps: int  # priced flows solved


def _mask(pos: IntArray, chosen: IntArray) -> BoolArray:
    """The working set's mask of the store positions ``chosen`` (all in ``pos``)."""
    out = np.zeros(pos.size, dtype=bool)
    out[np.searchsorted(pos, chosen)] = True
    return out


def _better(
    cols: Columns, comp: Comps, big: BoolArray, cand: BoolArray, best: BoolArray
) -> BoolArray:  # noqa: E501
    """Per component of ``big``, the better of two assignments of the working set."""
    md = cols.md
    better = big & (comp.values(md, cand) > comp.values(md, best))
    out: BoolArray = np.where(better[comp.of_mentee[md.mentee]], cand, best)
    return out


def improve_hours(
    sm: StoreModel,
    cols: Columns,
    comp: Comps,
    big: BoolArray,
    lagrangian_until: float,
    deadline: float,
    workers: int,
    parameters: Mapping[str, Any],
    gap_limit: float = 0.0,
) -> HoursOutcome:
    """Hours-feasible assignments and bounds valid over every pair for the components
    ``big``, from the converged relaxation ``cols`` (its flow is re-used and re-priced).

    Hour prices by the doubling search of the module docstring until ``lagrangian_until``
    (or until no mentor is over its hours); then neighbourhood search until ``deadline``.
    The search is skipped, or stops, once the gap over ``big`` is at most ``gap_limit`` of
    its bound (the price search always runs: it is what finds coverage that fits hours).
    """
    region_mentee = big[comp.of_mentee]
    md = cols.md
    region = region_mentee[md.mentee]
    relaxed = cols.chosen[region[cols.duals.chosen]]  # positions: the unpriced optimum
    bound = cols.bound(comp)
    best = fill(md, repair(md, cols.duals.chosen & region), region, rounds=2)
    priced = np.zeros(sm.m, dtype=bool)
    priced[md.mentor[region]] = True
    priced &= sm.safe_cap < sm.cap  # only where hours can bind over every pair
    gain = md.weight * md.p[md.mentee] + md.s
    max_gain = int(gain[region].max(initial=0))
    den = int(min(2**16, max(1, 2**40 // max(max_gain + 1, 1))))
    top = (max_gain + 1) * den
    min_load = np.full(sm.m, NO_LIMIT, dtype=np.int64)
    np.minimum.at(min_load, md.mentor[region], md.load[region])
    lam_cap = np.where(priced, (max_gain + 1) / np.maximum(min_load, 1), 0.0)
    # Objective units per load unit; at least one step of the exact price grid.
    base = max(BASE_PRICE * sm.score_resolution / sm.load_resolution, 1.0 / den)
    lam = np.zeros(sm.m, dtype=np.float64)
    steps, t_step = 0, 0.0
    x = cols.duals.chosen
    while True:
        over = priced & (hours_used(md, x) > np.minimum(sm.hours, INT_LIMIT))
        gap = int((bound - comp.values(md, best))[big].sum())
        if not over.any() or gap <= 0 or time.perf_counter() + t_step > lagrangian_until:
            break
        t0 = time.perf_counter()
        lam = np.minimum(np.where(over, np.maximum(2.0 * lam, base), lam), lam_cap)
        lam_int = np.minimum(np.round(lam * den), top).astype(np.int64)
        prices = HourPrices(lam_int, den, max_gain + 1, top)
        cols.flow.reprice(prices.of_pairs(md))
        new = price_round(sm, cols, prices, region_mentee, 4)
        steps += 1
        step_bound = cols.bound(comp) + prices.credit(sm, comp.of_mentor, comp.count)
        bound = np.where(big & (step_bound < bound), step_bound, bound)
        x = cols.duals.chosen
        best = _better(cols, comp, big, fill(md, repair(md, x & region), region, 2), best)
        if new.size:  # the sweep's pairs join; the assignments keep their positions
            kept = cols.pos[best]
            grow(sm, cols, new, prices)
            md = cols.md
            region = region_mentee[md.mentee]
            best = _mask(cols.pos, kept)
            cols.duals = cols.flow.duals()
            x = cols.duals.chosen
        if np.array_equal(lam, lam_cap) and not new.size:
            break  # every price at its cap: nothing left to change
        t_step = time.perf_counter() - t0
    if steps:  # the last priced flow (grown since it was last repaired)
        best = _better(cols, comp, big, fill(md, repair(md, x & region), region, 2), best)
    short = _short(cols, comp, big, bound, best, gap_limit)
    if short > 0:
        best, _ = lns(md, best, _mask(cols.pos, relaxed), region, sm.safe_cap, deadline,
                      workers, parameters, enough=short)  # fmt: skip
    best &= region
    return HoursOutcome(cols.pos[best], bound, comp.values(md, best), steps)


def _short(
    cols: Columns, comp: Comps, big: BoolArray, bound: IntArray, best: BoolArray,
    gap_limit: float,
) -> int:  # fmt: skip
    """What ``best`` must still gain over ``big`` to be within ``gap_limit`` of ``bound``."""
    total = int(bound[big].sum())
    return shortfall(total - int(comp.values(cols.md, best)[big].sum()), total, gap_limit)
