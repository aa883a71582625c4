"""Components too big for CP-SAT where hours bind: priced hours, certified over every pair.

:func:`improve_hours` runs the Lagrangian relaxation of the hours of
:mod:`matcher.assignment.lagrangian` on the working set instead of every pair: each step
re-optimises the working set's flow at the new hour prices from the previous basis
(network simplex), then one pricing sweep over every pair of the component's mentees
(:func:`~matcher.assignment.columns.price_round`) turns its dual prices into a bound
``L(lam)`` valid over **every** pair (the working set's pairs need not include the
priced optimum) and adds the pairs that sweep finds to the working set. Each priced flow
is repaired and filled into an hours-feasible assignment; then large-neighbourhood search
(:func:`~matcher.assignment.lns.lns`) improves the best one on the working set.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.assignment.columns import Columns, Comps, HourPrices, grow, price_round
from matcher.assignment.lns import lns
from matcher.assignment.model import INT_LIMIT, NO_LIMIT, hours_used
from matcher.assignment.repair import fill, repair
from matcher.assignment.store import StoreModel
from matcher.assignment.validate import BoolArray, IntArray

__all__ = ["HoursOutcome", "improve_hours"]


@dataclass(frozen=True)
class HoursOutcome:
    """What :func:`improve_hours` leaves for its components."""

    chosen: IntArray  # store positions, hours-feasible
    bound: IntArray  # per component (only the components given are meaningful)
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
) -> HoursOutcome:
    """Hours-feasible assignments and bounds valid over every pair for the components
    ``big``, from the converged relaxation ``cols`` (its flow is re-used and re-priced).

    Prices are steered by Polyak subgradient steps toward the best assignment's value, as
    in :func:`matcher.assignment.lagrangian.lagrangian`, until ``lagrangian_until``; then
    neighbourhood search until ``deadline``.
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
    lam = lam_best = np.zeros(sm.m, dtype=np.float64)
    prev = np.zeros(sm.m, dtype=np.int64)
    theta, stall, steps, t_step = 1.0, 0, 0, 0.0
    x = cols.duals.chosen
    while True:
        g = np.where(priced, hours_used(md, x) - np.minimum(sm.hours, INT_LIMIT), 0)
        move = priced & ((g > 0) | (lam > 0))
        denom = float((g[move].astype(np.float64) ** 2).sum())
        gap = int((bound - comp.values(md, best))[big].sum())
        if denom == 0 or gap <= 0 or time.perf_counter() + t_step > lagrangian_until:
            break
        t0 = time.perf_counter()
        lam = np.clip(lam + theta * gap / denom * g, 0.0, lam_cap)
        lam_int = np.minimum(np.round(lam * den), top).astype(np.int64)
        if steps and np.array_equal(lam_int, prev):
            break
        prev = lam_int
        prices = HourPrices(lam_int, den, max_gain + 1, top)
        cols.flow.reprice(prices.of_pairs(md))
        new = price_round(sm, cols, prices, region_mentee, 4)
        steps += 1
        step_bound = cols.bound(comp) + prices.credit(sm, comp.of_mentor, comp.count)
        improved = big & (step_bound < bound)
        bound = np.where(improved, step_bound, bound)
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
        stall = 0 if improved.any() else stall + 1
        if improved.any():
            lam_best = lam
        if stall >= 2:  # restart from the prices of the best bound, with shorter steps
            theta, stall, lam = theta / 2, 0, lam_best
        t_step = time.perf_counter() - t0
    best, _ = lns(md, best, _mask(cols.pos, relaxed), region, sm.safe_cap, deadline, workers,
                  parameters)  # fmt: skip
    return HoursOutcome(cols.pos[best & region], bound, steps)
